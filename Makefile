# allocbench: top-level entry points. `make help` lists them.
#
#   make                      runner + allocbench.ko for the running kernel (when it has headers)
#   make bench                one run: CONFIG=configs/default.conf TARGET=auto|host|vm KERNEL=6.12|6.1|bzImage:headers OUT=dir
#   make test                 unit + fuzz + plot + integration tests (both VM kernels)
#   make fuzz-config N=500 SEED=1   mutated configs/*.conf against an ASan/UBSan runner (build/asan/)
#   make plots RUN=dir        re-render charts and report.md from a run's CSV
#   make clean
#
# Quiet by default; V=1 shows the commands.

CONFIG ?= configs/default.conf
TARGET ?= auto
KERNEL ?= 6.12
OUT    ?=
RUN    ?= results/latest

ifneq ($(V),1)
Q := @
MAKEFLAGS += -s --no-print-directory
endif

HOST_KDIR := /lib/modules/$(shell uname -r)/build

.PHONY: all runner module bench test test-unit test-plots test-integration fuzz-config plots compare perf deps clean help

all: runner module

runner:
	$(Q)$(MAKE) -C runner || { echo "make: runner build failed" >&2; exit 1; }

module:
	$(Q)if [ -d "$(HOST_KDIR)" ]; then \
		ko=$$(scripts/build-module.sh "$(HOST_KDIR)") && echo "module: $$ko"; \
	else \
		echo "module: not built for the running kernel (no headers at $(HOST_KDIR)); make bench builds it for the VM's kernel"; \
	fi

deps:
	$(Q)scripts/install-deps.sh --check >/dev/null 2>&1 || scripts/install-deps.sh

bench: deps
	$(Q)CONFIG="$(CONFIG)" TARGET="$(TARGET)" KERNEL="$(KERNEL)" OUT="$(OUT)" scripts/bench.sh

test: deps
	$(Q)tests/run-all

test-unit:
	$(Q)$(MAKE) -C tests/unit check

test-plots:
	$(Q)tests/run-all plots

test-integration:
	$(Q)tests/integration/run.sh

fuzz-config: N ?= 500
fuzz-config: SEED ?= 1
fuzz-config:
	$(Q)$(MAKE) -C tests/fuzz config N=$(N) SEED=$(SEED)

plots: runner
	$(Q)[ -d "$(RUN)" ] || { echo "make plots: no run folder '$(RUN)' (RUN=results/<run>)" >&2; exit 1; }
	$(Q)runner/allocbench report "$(RUN)"

compare perf:
	$(Q)echo "make $@: not implemented yet: see issues" >&2; exit 2

clean:
	$(Q)-$(MAKE) -C runner clean >/dev/null 2>&1
	$(Q)-$(MAKE) -C bench-module clean KDIR=/nonexistent >/dev/null 2>&1
	$(Q)-[ -f tests/unit/Makefile ] && $(MAKE) -C tests/unit clean >/dev/null 2>&1
	$(Q)rm -rf build tests/integration/abi-abuse tests/integration/check-latency
	$(Q)echo "clean: build outputs removed (results/ and the kernel cache ~/.cache/allocbench are kept)"

help:
	@sed -n '2,10p' Makefile | sed 's/^# \{0,1\}//'
	@echo "  make compare / make perf  not implemented yet"
	@echo "  make deps                 install missing packages (scripts/install-deps.sh)"
	@echo "  make test-unit | test-plots | test-integration   one part of make test"
