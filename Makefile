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
#   make install         kcp.ko into /lib/modules/<kernel>/updates (depmod),
#                        the tools, library and man page under PREFIX;
#                        DESTDIR stages them (no depmod then)
#   make dkms-add        the module's sources at /usr/src/kcp-<version> for
#                        dkms; dkms-install also builds and installs them
#                        for every kernel with headers
#   make check-mips      kcp.ko and the tools on 32-bit big-endian MIPS (malta,
#                        HZ=100) under QEMU, and their footprint
#   make bench           kcp.ko beside kcp-go and TCP in a VM: bench/results/
#                        (BENCH_KERNEL=6.12 for the other guest kernel)
#
# Kbuild (next to this file) describes the module; this Makefile only drives.

# The running kernel's build tree when it has one, otherwise the newest
# Debian amd64 headers installed (flavours like -rt and -cloud excluded).
KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
	$(shell ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | \
		grep -v -e '-rt-' -e '-cloud-' | sort -V | tail -n 1))

# The kernel release KDIR builds for, as the module's vermagic and
# /lib/modules name it (Debian's kernel.release can differ from it).
KVER = $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"/\1/p' \
	$(KDIR)/include/generated/utsrelease.h)
VERSION := $(shell sed -n 's/^\#define KCP_VERSION "\(.*\)"/\1/p' kmod/version.h)
PREFIX ?= /usr/local
DKMS_SRC ?= /usr/src/kcp-$(VERSION)

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

check-mips: deps
	tests/vm/mips/check

# modules_install puts kcp.ko in updates/, which depmod ranks above the
# kernel's own tree. Debian's headers carry no System.map, so kbuild skips
# depmod and we run it; with DESTDIR a package's postinst does that.
# Nor do they carry the distribution's signing key: kbuild would try to
# sign with a key that is not there, so it is told not to.
install: module userspace
	$(MAKE) -C $(KDIR) M=$(CURDIR) KERNELRELEASE=$(KVER) INSTALL_MOD_DIR=updates \
		CONFIG_MODULE_SIG_ALL= \
		$(if $(DESTDIR),INSTALL_MOD_PATH=$(DESTDIR)) modules_install
	$(if $(DESTDIR),,depmod -a $(KVER))
	$(MAKE) -C userspace install PREFIX=$(PREFIX) DESTDIR=$(DESTDIR)

# What dkms builds from: the module's sources only (no test tiers, no
# `make deps`), with dkms.conf at the top as dkms requires.
dkms-src:
	@test -n "$(VERSION)" || { echo "no KCP_VERSION in kmod/version.h" >&2; exit 1; }
	rm -rf $(DESTDIR)$(DKMS_SRC)
	install -d $(DESTDIR)$(DKMS_SRC)/kmod $(DESTDIR)$(DKMS_SRC)/include/uapi/linux
	install -m 644 Kbuild LICENSE $(DESTDIR)$(DKMS_SRC)/
	install -m 644 kmod/Kbuild kmod/*.[ch] $(DESTDIR)$(DKMS_SRC)/kmod/
	install -m 644 include/uapi/linux/kcp*.h $(DESTDIR)$(DKMS_SRC)/include/uapi/linux/
	sed 's/@VERSION@/$(VERSION)/' packaging/dkms/dkms.conf >$(DESTDIR)$(DKMS_SRC)/dkms.conf

dkms-add: dkms-src
	dkms add -m kcp -v $(VERSION)

# Every kernel whose headers are installed; later kernels get kcp.ko from
# dkms's own kernel hook (AUTOINSTALL in dkms.conf).
dkms-install: dkms-add
	for k in $$(ls /lib/modules); do \
		[ -e /lib/modules/$$k/build ] || continue; \
		dkms install -m kcp -v $(VERSION) -k $$k || exit 1; \
	done

print-kdir:
	@echo $(KDIR)

clean:
	$(MAKE) -C $(or $(KDIR),/nonexistent) M=$(CURDIR) clean 2>/dev/null || \
		find kmod -name '*.o' -o -name '*.ko' -o -name '*.mod*' -o -name '.*.cmd' | xargs rm -f
	$(MAKE) -C userspace clean
	$(MAKE) -C tests/unit clean
	$(MAKE) -C tests/bench clean

.PHONY: all deps module userspace kunit unit interop vm-check check demo style bench \
	check-mips install dkms-src dkms-add dkms-install print-kdir clean
