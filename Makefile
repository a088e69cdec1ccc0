# allocbench: top-level entry points. `make help` lists them.
#
#   make                      runner + allocbench.ko for the running kernel (when it has headers)
#   make bench                one run: CONFIG=configs/default.conf TARGET=auto|host|vm KERNEL=6.12|6.1|bzImage:headers OUT=dir
#   make test                 unit + fuzz + plot + integration tests (both VM kernels)
#   make fuzz-config N=500 SEED=1   mutated configs/*.conf against an ASan/UBSan runner (build/asan/)
#   make fuzz N=20000 SEED=1 KERNEL=6.12 KILLS=3   ioctl fuzzer + runner SIGKILLs in a VM (default both kernels)
#   make test-debug           the module under a KASAN/kmemleak/lockdep kernel (not in make test; README)
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

.PHONY: all runner module bench test test-unit test-plots test-integration fuzz-config plots compare perf perf-diff deps clean help

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
	$(Q)CONFIG="$(CONFIG)" TARGET="$(TARGET)" KERNEL="$(KERNEL)" OUT="$(OUT)" CMDLINE="$(CMDLINE)" \
		REPEAT="$(REPEAT)" MIN_EFFECT="$(MIN_EFFECT)" scripts/bench.sh

test: deps
	$(Q)tests/run-all

test-unit:
	$(Q)$(MAKE) -C tests/unit check

test-plots:
	$(Q)tests/run-all plots

test-integration:
	$(Q)tests/integration/run.sh

# Not part of `make test`: the first run builds a kernel (see README).
.PHONY: test-debug
test-debug:
	$(Q)scripts/install-deps.sh --debug-kernel --check >/dev/null 2>&1 || scripts/install-deps.sh --debug-kernel
	$(Q)tests/debug/run.sh

# The host path on a full Debian 12 system in QEMU (issue 13): long, not part of make test.
.PHONY: test-host-path
test-host-path:
	$(Q)tests/host-path/run.sh

# The module's abuse suite at any size (tests/integration/fuzz.sh); make test runs a slice.
.PHONY: fuzz
fuzz: N ?= 20000
fuzz: KILLS ?= 3
fuzz: deps
	$(Q)N="$(N)" SEED="$(SEED)" KILLS="$(KILLS)" \
		KERNELS="$(if $(filter command line environment,$(origin KERNEL)),$(KERNEL),6.1 6.12)" \
		tests/integration/fuzz.sh

fuzz-config: N ?= 500
fuzz-config: SEED ?= 1
fuzz-config:
	$(Q)$(MAKE) -C tests/fuzz config N=$(N) SEED=$(SEED)

plots: runner
	$(Q)[ -d "$(RUN)" ] || { echo "make plots: no run folder '$(RUN)' (RUN=results/<run>)" >&2; exit 1; }
	$(Q)runner/allocbench report "$(RUN)"

# Two sides of run folders: make compare A="results/x [results/y ...]" B="results/z [...]" [OUT=dir] [MIN_EFFECT=5]
compare: runner
	$(Q)[ -n "$(strip $(A))" ] && [ -n "$(strip $(B))" ] || \
		{ echo 'make compare: give both sides: make compare A="results/x [results/y ...]" B="results/z [...]"' >&2; exit 2; }
	$(Q)runner/allocbench compare $(if $(OUT),-o "$(OUT)") $(if $(MIN_EFFECT),--min-effect $(MIN_EFFECT)) $(A) -- $(B)

# Deep dives (scripts/perf.sh, scripts/perf-diff.sh). SECONDS goes by another
# name: bash treats a SECONDS in its environment as a running clock.
perf: deps
	$(Q)POINT="$(POINT)" CONFIG="$(if $(filter command line,$(origin CONFIG)),$(CONFIG))" TARGET="$(TARGET)" \
		KERNEL="$(KERNEL)" PERF_SECONDS="$(SECONDS)" RUN="$(if $(filter command line environment,$(origin RUN)),$(RUN))" \
		scripts/perf.sh

perf-diff:
	$(Q)scripts/perf-diff.sh "$(A)" "$(B)" $(OUT)

clean:
	$(Q)-$(MAKE) -C runner clean >/dev/null 2>&1
	$(Q)-$(MAKE) -C bench-module clean KDIR=/nonexistent >/dev/null 2>&1
	$(Q)-[ -f tests/unit/Makefile ] && $(MAKE) -C tests/unit clean >/dev/null 2>&1
	$(Q)rm -rf build tests/integration/abi-abuse tests/integration/check-latency
	$(Q)echo "clean: build outputs removed (results/ and the kernel cache ~/.cache/allocbench are kept)"

help:
	@sed -n '2,13p' Makefile | sed 's/^# \{0,1\}//'
	@echo "  make perf POINT=\"vmalloc pair 1M [gfp=kernel]\" [TARGET=..] [KERNEL=..] [SECONDS=10] [RUN=dir]"
	@echo "                            deep dive: perf record/stat/annotate + flame graph in <run>/perf/<point>/"
	@echo "  make perf-diff A=dir B=dir   perf diff + differential flame graph of two deep dives"
	@echo "  make compare A=\"runs\" B=\"runs\" [OUT=dir] [MIN_EFFECT=5]   ratios B/A with intervals, charts, compare.html"
	@echo "  make bench KERNEL=\"6.1 6.12\" | CMDLINE=\"a|b\" [REPEAT=3]   matrix runs, then their comparison"
	@echo "  make deps                 install missing packages (scripts/install-deps.sh)"
	@echo "  make test-unit | test-plots | test-integration   one part of make test"
	@echo "  make test-host-path       make bench TARGET=host on a full Debian 12 system in QEMU (long; README: Tests)"
