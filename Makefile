# SPDX-License-Identifier: GPL-2.0
#
# vfio-backports: out-of-tree VFIO for distro kernels 5.10 .. 7.2.
#
#   make [KVER=...|KDIR=...]   build the modules for a kernel (default: running)
#   make test-modules          then the test-only modules of tests/kmod
#   make matrix                build against Debian's 5.10, 6.1, 6.12, 7.2 and 6.1 arm64
#   make check                 static checks, the matrix, guest tests on all four
#   make check-debug           the guest suite on the debug kernels (DEBUG_KERNELS=...)
#   make demo                  boot a Debian kernel with the bundle and show it
#   make bench                 bundle vs in-tree VFIO, same boot, on all four (BENCH_ARGS=...)
#   make deb | make rpm        the vfio-backports-dkms packages (PKG_OUT=dir)
TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
VERSION := $(shell cat $(TOP)/VERSION)

KVER ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVER)/build
KREL := $(shell cat $(KDIR)/include/config/kernel.release 2>/dev/null)
COMPAT_OUT := $(TOP)/compat/generated/$(or $(KREL),unknown)

KBUILD_ARGS := -C $(KDIR) M=$(TOP) VFIO_BP_ROOT=$(TOP) \
	  VFIO_BP_COMPAT=$(COMPAT_OUT) VFIO_BP_VERSION=$(VERSION)

all: modules

compat:
	@test -d $(KDIR) || { echo "vfio-backports: no kernel build tree at $(KDIR); install the headers of kernel $(KVER) or pass KDIR=" >&2; exit 1; }
	@bash $(TOP)/compat/configure $(KDIR) $(COMPAT_OUT)

modules: compat
	$(MAKE) $(KBUILD_ARGS) modules

# The test-only modules of tests/kmod (never packaged, never in dkms),
# after `make modules`: a second kbuild pass against the bundle's exports.
TEST_KBUILD_ARGS := -C $(KDIR) M=$(TOP)/tests/kmod VFIO_BP_ROOT=$(TOP) \
	  VFIO_BP_COMPAT=$(COMPAT_OUT) VFIO_BP_VERSION=$(VERSION) \
	  KBUILD_EXTRA_SYMBOLS=$(TOP)/Module.symvers

test-modules:
	@test -f $(TOP)/Module.symvers || { echo "test-modules: run make modules first" >&2; exit 1; }
	$(MAKE) $(TEST_KBUILD_ARGS) modules

modules_install: modules
	$(MAKE) $(KBUILD_ARGS) INSTALL_MOD_DIR=updates/vfio-backports modules_install

clean:
	@if [ -d $(KDIR) ]; then $(MAKE) $(KBUILD_ARGS) clean; fi
	@if [ -d $(KDIR) ] && [ -d $(TOP)/tests/kmod ]; then $(MAKE) $(TEST_KBUILD_ARGS) clean; fi
	rm -rf $(TOP)/compat/generated

distclean: clean
	rm -rf $(TOP)/build

version:
	@echo $(VERSION)

# The DKMS source tree as the packages install it (DESTDIR=/usr/src/
# vfio-backports-VERSION): what the module build needs, and dkms.conf
# carrying the version from VERSION.
dkms-source:
	@test -n "$(DESTDIR)" || { echo "dkms-source: set DESTDIR" >&2; exit 1; }
	mkdir -p $(DESTDIR)
	cd $(TOP) && install -m 644 Makefile Kbuild VERSION $(DESTDIR)/
	cd $(TOP) && find compat include src samples -path compat/generated -prune -o -type f \
		\( -name '*.[ch]' -o -name Kbuild -o -name Kbuild.in -o -name kbuild.inc \) \
		-exec install -m 644 -D {} $(DESTDIR)/{} \;
	install -m 755 $(TOP)/compat/configure $(DESTDIR)/compat/configure
	sed 's/^PACKAGE_VERSION=.*/PACKAGE_VERSION="$(VERSION)"/' $(TOP)/dkms.conf \
		>$(DESTDIR)/dkms.conf

deb:
	@bash $(TOP)/scripts/package deb

rpm:
	@bash $(TOP)/scripts/package rpm

matrix:
	@bash $(TOP)/scripts/matrix $(KERNELS)

guest-tests:
	@$(MAKE) -s -C $(TOP)/tests/guest

check:
	@bash $(TOP)/scripts/check

# Builds each debug kernel first if it is not cached (~30 min each).
DEBUG_KERNELS ?= 6.1-debug 7.2-debug
check-debug:
	@bash $(TOP)/tests/vm/run --kernel "$(DEBUG_KERNELS)"

demo:
	@bash $(TOP)/scripts/demo

# BENCH_ARGS: scripts/bench's options, e.g. --kernel 6.1 --reps 3 --plot
bench:
	@bash $(TOP)/scripts/bench $(BENCH_ARGS)

.PHONY: all compat modules modules_install clean distclean version matrix \
	guest-tests check check-debug demo bench dkms-source deb rpm test-modules
