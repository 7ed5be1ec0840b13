# SPDX-License-Identifier: MIT OR GPL-2.0
# Sourced by the VM tools: which kernel a series name means. 6.1 and 6.12
# are installed Debian kernels; debug is linux-source-6.1 built with the
# kernel's bug detectors (tests/vm/debug/build, which this builds when it
# is out of date).

# kernel_version 6.1|6.12|debug: the kernel release, for 6.1 and 6.12 the
# newest installed image of that series, by version sort, e.g.
# "6.12.117+deb12-amd64"; fails if none is installed.
kernel_version() {
	local pattern vmlinuz tree

	case "$1" in
	6.1) pattern='6.1.0-*-amd64' ;;
	6.12) pattern='6.12.*+deb12-amd64' ;;
	debug)
		tree=$(kernel_tree debug) || return 1
		cat "$tree/include/config/kernel.release"
		return
		;;
	*) echo "kernel must be 6.1, 6.12 or debug, not '$1'" >&2; return 2 ;;
	esac
	vmlinuz=$(ls /boot/vmlinuz-$pattern 2>/dev/null | sort -V | tail -n 1)
	[ -n "$vmlinuz" ] || { echo "no /boot/vmlinuz-$pattern (make deps)" >&2; return 1; }
	echo "${vmlinuz#/boot/vmlinuz-}"
}

# kernel_tree SERIES: the directory modules for it are built against
# (make -C DIR M=...): Debian's headers, or the debug kernel's build.
kernel_tree() {
	local here kver

	case "$1" in
	debug)
		here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
		"$here/debug/build"
		;;
	*)
		kver=$(kernel_version "$1") || return
		echo "/usr/src/linux-headers-$kver"
		;;
	esac
}

# kernel_image SERIES and kernel_config SERIES: its bootable image and the
# configuration it was built with.
kernel_image() {
	case "$1" in
	debug) echo "$(kernel_tree debug)/arch/x86/boot/bzImage" ;;
	*) echo "/boot/vmlinuz-$(kernel_version "$1")" ;;
	esac
}

kernel_config() {
	case "$1" in
	debug) echo "$(kernel_tree debug)/.config" ;;
	*) echo "/boot/config-$(kernel_version "$1")" ;;
	esac
}
