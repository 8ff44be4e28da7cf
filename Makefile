# SPDX-License-Identifier: GPL-2.0
#
# v9fs-ng: out-of-tree build of the 9P client modules against Debian's
# 6.1 kernel headers, plus the entry points for running and testing.
#
#   make            build net/9p/*.ko and fs/9p/9p.ko
#   make W=1 C=1    the same with extra warnings and sparse
#   make run        boot a guest whose root is served by v9fs-ng
#   make check      every test (user space and guest)

KVER ?= $(shell $(CURDIR)/scripts/kver.sh)
KDIR ?= /lib/modules/$(KVER)/build

.PHONY: all modules clean setup check run unit

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
