# SPDX-License-Identifier: GPL-2.0
#
# v9fs-ng: out-of-tree build of the 9P client modules against Debian's
# 6.1 kernel headers, plus the entry points for running and testing.
#
#   make            build net/9p/*.ko and fs/9p/9p.ko
#   make W=1 C=1    the same with extra warnings and sparse
#   make run        boot a guest whose root is served by v9fs-ng
#   make check      every test (user space and guest)

# KVER: a release, or a series (6.1, 6.12: its newest installed release)
KVER ?= 6.1
KREL := $(or $(shell $(CURDIR)/scripts/kver.sh $(KVER) 2>/dev/null),$(KVER))
KDIR ?= /lib/modules/$(KREL)/build

.PHONY: all modules clean setup check run unit bench

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean

setup:
	scripts/setup.sh

check:
	scripts/check.sh

run:
	scripts/run.sh

# v9fs-ng vs the kernel's 9p, virtiofs, ext4, tmpfs (BENCH_QUICK=1: smoke run)
bench:
	BENCH_QUICK=$(BENCH_QUICK) scripts/bench.sh

# ---- tests and tools beyond the build (scripts/, tools/testing/) ----------
#   make unit          user-space tests of tools/testing/9p
#   make selftests     build the VFS selftests into build/selftests/9p
#   make check-guest   only the guest tests of make check
#   make check-build   only the W=1, sparse and unit steps of make check
#   make check-all     make check with all of the 6.12 guest steps in full too
#                      (every suites.conf line, run-kernel, and fd with its
#                      fault part, every dialect and the 6.1 selftest
#                      lists) and the 6.1 kernel's own client (suite:kernel,
#                      rdma's kernel half)
#   make check-debug   the guest suite on the debug kernel (KASAN, lockdep,
#                      kmemleak, fault injection): slow, not in make check
#   make checkpatch    scripts/checkpatch.pl (of linux-source-6.1) on our code
#   make shell         a throw-away guest (host / read-only, v9fs-ng's
#                      modules installed): MODS=kernel for Linux's own
.PHONY: selftests check-guest check-build check-all check-debug checkpatch shell
#   make dkms-src      build/dkms/v9fs-ng-VERSION: the sources for dkms add
#   make dkms-deb      build/dkms/v9fs-ng-dkms_VERSION_all.deb (README: Install)
.PHONY: dkms-src dkms-deb

unit:
	@if [ -f tools/testing/9p/Makefile ]; then \
		$(MAKE) -C tools/testing/9p check; \
	else \
		echo "unit: tools/testing/9p/Makefile not there yet"; \
	fi

selftests:
	$(MAKE) -C tools/testing/selftests/filesystems/9p OUTPUT=$(CURDIR)/build/selftests/9p

check-guest:
	CHECK_ONLY="$$(scripts/steps.sh --flag guest --not debug-only --not all-only --globs)" scripts/check.sh

check-all:
	CHECK_612_SUITE='*' CHECK_ALL=1 FD_SUITE_TCP_612=full FD_SUITE_UNIX_612=full \
		FD_FAULTS_612=1 FD_VERSIONS_612=full CHECK_KERNEL_61=1 scripts/check.sh

check-build:
	CHECK_ONLY='build-W1 sparse unit selftests-build' scripts/check.sh

check-debug:
	scripts/check-debug.sh

checkpatch:
	@cp=$$(scripts/setup.sh --quiet --checkpatch) && \
	$$cp --no-tree --terse --show-types \
		--ignore FILE_PATH_CHANGES,LINUX_VERSION_CODE \
		-f $(filter-out %.mod.c,$(wildcard net/9p/*.[ch] fs/9p/*.[ch] include/net/9p/*.h))

shell:
	tools/testing/vm/vm-run --interactive --mods $(or $(MODS),ng)

dkms-src:
	scripts/dkms-pkg.sh src

dkms-deb:
	scripts/dkms-pkg.sh deb
