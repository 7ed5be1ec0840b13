#!/bin/bash
# SPDX-License-Identifier: MIT OR GPL-2.0
#
# Install every Debian package kcp builds, runs and tests with. Idempotent:
# when everything is present it returns in well under a second, which is why
# `make`, `make demo` and `make check` can afford to call it every time.
#
# The newest 6.12 kernel from bookworm-security is resolved at install time,
# never hard-coded: Debian renames it with each stable update.
set -eu

packages=(
	build-essential bc bison flex libelf-dev kmod cpio xz-utils zstd python3 python3-yaml
	linux-headers-amd64 linux-image-amd64 linux-source-6.1
	qemu-system-x86 busybox-static iproute2
	sparse clang libclang-rt-14-dev
	libnl-3-dev libnl-genl-3-dev pkg-config
	golang-go golang-github-xtaci-kcp-dev
	gnuplot-nox
	dkms
	gcc-mips-linux-gnu libc6-dev-mips-cross qemu-system-mips
)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
		missing+=("$p")
done
ls /boot/vmlinuz-6.12.*+deb12-amd64 >/dev/null 2>&1 &&
	ls -d /usr/src/linux-headers-6.12.*+deb12-amd64 >/dev/null 2>&1 ||
	missing+=(linux-6.12)

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || {
		echo "deps: missing ${missing[*]}; run 'make deps' as root" >&2
		exit 1
	}
	exec sudo "$0" "$@"
fi

echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt_quiet=(-q -y -o Dpkg::Use-Pty=0 --no-install-recommends)
apt-get -q update >/dev/null

newest_612() {
	apt-cache search --names-only "^linux-$1-6\\.12\\.[0-9]+\\+deb12-amd64$2\$" |
		awk '{print $1}' | sort -V | tail -n 1
}
image612=$(newest_612 image -unsigned)
headers612=$(newest_612 headers '')
if [ -z "$image612" ] || [ -z "$headers612" ]; then
	echo "deps: no linux-image-6.12.*+deb12-amd64 in the archive (bookworm-security missing from sources?)" >&2
	exit 1
fi

apt-get "${apt_quiet[@]}" install "${packages[@]}" "$image612" "$headers612" >&2
