# SPDX-License-Identifier: MIT OR GPL-2.0
#
# kcp: KCP reliable transport in the Linux kernel.
#
#   make                 build kcp.ko (against KDIR) and the userspace programs
#   make KDIR=/path      build against another kernel's build directory
#   make deps            install every Debian package the project uses
#   make demo            boot a VM and show kcp.ko at work
#   make check           run every test tier, print "N passed, N failed"
#   make kunit | unit | interop | vm-check    one tier of the tests
#   make style           checkpatch --strict and sparse on the module
#   make bench           kcp.ko beside kcp-go and TCP in a VM: bench/results/
#                        (BENCH_KERNEL=6.12 for the other guest kernel)
#
# Kbuild (next to this file) describes the module; this Makefile only drives.

# The running kernel's build tree when it has one, otherwise the newest
# Debian amd64 headers installed (flavours like -rt and -cloud excluded).
KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
	$(shell ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | \
		grep -v -e '-rt-' -e '-cloud-' | sort -V | tail -n 1))

# Build products of test tiers live outside the tree and are reused.
export KCP_CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/kcp

all: module userspace

deps:
	@tests/deps.sh

module: deps
	@test -n "$(KDIR)" || { echo "no kernel build directory: set KDIR" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

userspace: deps
	$(MAKE) -C userspace

kunit: deps
	tests/kunit/run

unit: deps
	tests/unit/run

interop: deps
	tests/interop/run

vm-check: deps
	tests/scenarios/run

check: deps
	tests/check

demo: deps
	tests/demo

style: deps
	tests/style

BENCH_KERNEL ?= 6.1
bench: deps
	tests/bench/run --kernel $(BENCH_KERNEL)

print-kdir:
	@echo $(KDIR)

clean:
	$(MAKE) -C $(or $(KDIR),/nonexistent) M=$(CURDIR) clean 2>/dev/null || \
		find kmod -name '*.o' -o -name '*.ko' -o -name '*.mod*' -o -name '.*.cmd' | xargs rm -f
	$(MAKE) -C userspace clean
	$(MAKE) -C tests/unit clean
	$(MAKE) -C tests/bench clean

.PHONY: all deps module userspace kunit unit interop vm-check check demo style bench \
	print-kdir clean
