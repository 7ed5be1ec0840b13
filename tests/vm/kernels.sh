# SPDX-License-Identifier: MIT OR GPL-2.0
# Sourced by the VM tools: which installed Debian kernel a series name means.

# kernel_version 6.1|6.12: the newest installed image of that series, by
# version sort, e.g. "6.12.117+deb12-amd64"; fails if none is installed.
kernel_version() {
	local pattern vmlinuz

	case "$1" in
	6.1) pattern='6.1.0-*-amd64' ;;
	6.12) pattern='6.12.*+deb12-amd64' ;;
	*) echo "kernel must be 6.1 or 6.12, not '$1'" >&2; return 2 ;;
	esac
	vmlinuz=$(ls /boot/vmlinuz-$pattern 2>/dev/null | sort -V | tail -n 1)
	[ -n "$vmlinuz" ] || { echo "no /boot/vmlinuz-$pattern (make deps)" >&2; return 1; }
	echo "${vmlinuz#/boot/vmlinuz-}"
}
