#!/usr/bin/env bash
# Debug-kernel test (make test-debug): allocbench.ko under KASAN, kmemleak,
# page_owner, lockdep, DEBUG_ATOMIC_SLEEP, DEBUG_VM, slub_debug=FZPU,
# DEBUG_LIST, debugobjects and UBSAN, in a kernel built from Debian's
# linux-source-6.12 by scripts/debug-kernel.sh (built once, then cached).
#
#   tests/debug/run.sh
#
# In one VM boot: a load/unload cycle, the integration suite's guest part
# (tests/integration/guest.sh with configs/quick.conf: load, info, list, run,
# abi-abuse, unload), the ioctl fuzz slice when tests/integration/ioctl-fuzz.c
# exists, then leak checks after the last unload: kmemleak (two scans),
# page_owner (pages still allocated through the module), slab caches left.
# The kernel log from the first load on must hold no report at all (KASAN,
# UBSAN, lockdep, BUG, WARNING, Call Trace, ...); every report is printed in
# full. The last line is "N passed, N failed".
#
# Environment: ALLOCBENCH_TEST_CONFIG (default configs/quick.conf),
# ALLOCBENCH_DEBUG_FUZZ_N (fuzz requests, default 5000, a quarter of make
# test's slice: requests are much slower under KASAN and lockdep; 0 skips it),
# ALLOCBENCH_DEBUG_FUZZ_SEED (default 1), ALLOCBENCH_DEBUG_KILLS (SIGKILLs of
# the runner per experiment kind, with fuzz-guest.sh; default 1), ALLOCBENCH_DEBUG_MEM (guest memory,
# default: the config's), ALLOCBENCH_VM_TIMEOUT (seconds, default 5400),
# ALLOCBENCH_DEBUG_OUT (where the guest's files go, default
# build/test-debug/<UTC time>; build/test-debug/latest points at the last).
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
cd "$top"
conf=${ALLOCBENCH_TEST_CONFIG:-configs/quick.conf}
fuzz_n=${ALLOCBENCH_DEBUG_FUZZ_N:-5000}
fuzz_seed=${ALLOCBENCH_DEBUG_FUZZ_SEED:-1}
fuzz_kills=${ALLOCBENCH_DEBUG_KILLS:-1}
t_start=$(date +%s)

passed=0 failed=0
pass() { passed=$((passed + 1)); echo "  ok   $*"; }
fail() { failed=$((failed + 1)); echo "  FAIL $*"; }
# t NAME CMD...: one named test; the command's output is shown only on failure.
t() {
	local name=$1 _o; shift
	if _o=$("$@" 2>&1); then pass "$name"; else fail "$name"; [ -n "$_o" ] && printf '%s\n' "$_o" | head -n "${SHOW_LINES:-15}" | sed 's/^/       /'; fi
}
finish() {
	echo "test-debug: took $(( $(date +%s) - t_start )) s${out:+; files from the guest: $out}"
	echo "$passed passed, $failed failed"
	[ $failed = 0 ]
	exit
}

out=
# ---- the kernel -----------------------------------------------------------------
echo "test-debug: debug kernel (scripts/debug-kernel.sh; the first build takes a while)"
t0=$(date +%s)
if kdir=$(scripts/debug-kernel.sh); then
	took=$(( $(date +%s) - t0 ))
	if [ $took -gt 60 ]; then how="built now in $took s"; else how="cached; its build took $(sed -n 's/^build_s=//p' "$kdir/build-info") s"; fi
	pass "debug kernel $(cat "$kdir/release") ($(basename "$kdir"), $how)"
else
	fail "debug kernel builds (scripts/debug-kernel.sh)"
	finish
fi
kconfig=$(ls "$kdir"/root/boot/config-* | head -n1)
t "kernel config has KASAN (generic, inline, vmalloc), kmemleak, page_owner, lockdep, DEBUG_ATOMIC_SLEEP, DEBUG_VM, SLUB_DEBUG, DEBUG_LIST, DEBUG_OBJECTS, UBSAN" \
	bash -c "for o in KASAN KASAN_GENERIC KASAN_INLINE KASAN_VMALLOC DEBUG_KMEMLEAK PAGE_OWNER PROVE_LOCKING DEBUG_ATOMIC_SLEEP DEBUG_VM SLUB_DEBUG DEBUG_LIST DEBUG_OBJECTS UBSAN CONTIG_ALLOC MODULE_UNLOAD; do
		grep -qx \"CONFIG_\$o=y\" '$kconfig' || echo \"CONFIG_\$o is not =y\"; done | grep . && exit 1 || exit 0"

# ---- host-side builds --------------------------------------------------------------
bdir=build/tests/debug
mkdir -p "$bdir"
t "runner builds" make -s -C runner
t "runner-static builds" make -s -C runner static
rm -f "$bdir/abi-abuse" "$bdir/ioctl-fuzz"
t "abi-abuse builds (static, -Wall -Werror)" gcc -std=c11 -O2 -Wall -Wextra -Werror -static \
	-I bench-module/include/uapi -o "$bdir/abi-abuse" tests/integration/abi-abuse.c
have_fuzz=0
if [ "$fuzz_n" = 0 ]; then
	echo "  skip ioctl fuzz: ALLOCBENCH_DEBUG_FUZZ_N=0"
elif [ -f tests/integration/ioctl-fuzz.c ]; then
	t "ioctl-fuzz builds (static, -Wall -Werror)" gcc -std=c11 -O2 -Wall -Wextra -Werror -static -pthread \
		-I bench-module/include/uapi -o "$bdir/ioctl-fuzz" tests/integration/ioctl-fuzz.c
	[ -x "$bdir/ioctl-fuzz" ] && have_fuzz=1
else
	echo "  skip ioctl fuzz: tests/integration/ioctl-fuzz.c does not exist (yet)"
fi
rdir=runner
if [ ! -x "$rdir/allocbench-static" ] || [ ! -x "$rdir/allocbench" ]; then
	echo "test-debug: the runner did not build, cannot go on"
	finish
fi
# Without abi-abuse the guest's abi step fails on its own; everything else runs.
berr=$(mktemp)
if ko=$(scripts/build-module.sh --strict "$kdir/build" 2>"$berr"); then
	pass "module builds with zero warnings against $(cat "$kdir/release")"
	rm -f "$berr"
else
	fail "module builds with zero warnings against $(cat "$kdir/release")"; sed 's/^/       /' "$berr" | head -n 20; rm -f "$berr"
	finish
fi

# ---- the VM ---------------------------------------------------------------------------
out=${ALLOCBENCH_DEBUG_OUT:-build/test-debug/$(date -u +%Y%m%dT%H%M%SZ)}
if [ -n "$(ls -A "$out" 2>/dev/null)" ]; then
	echo "test-debug: $out is not empty: name a new folder in ALLOCBENCH_DEBUG_OUT"
	fail "guest output folder"
	out=
	finish
fi
mkdir -p "$out"
out=$(cd "$out" && pwd)
cp "$ko" "$out/allocbench.ko"	# the module that ran: leak traces are symbolized with it
ko=$out/allocbench.ko
case $out in "$top"/build/test-debug/*) ln -sfn "$(basename "$out")" build/test-debug/latest ;; esac
memory=${ALLOCBENCH_DEBUG_MEM:-$(runner/allocbench check -c "$conf" --get memory 2>/dev/null || echo 1G)}
cmdline=$(runner/allocbench check -c "$conf" --get cmdline 2>/dev/null || true)
# slub_debug=FZPU: sanity checks, red zones, poisoning, owner tracking on every
# cache; kasan_multi_shot: every KASAN report, not only the first;
# page_owner=on: who allocated each page (the page-leak check); log_buf_len:
# room for every report and the markers the checks split the log at.
# acpi=noirq: under TCG with KASAN and lockdep, ACPI's evaluation of QEMU's
# PCI routing table (_PRT) runs into ACPICA's 30 s loop timeout ("ACPI Error:
# ... AE_AML_LOOP_TIMEOUT"): routing from the PIRQ table instead saves ~10 s
# of boot and that error. printk.time=1: timestamps in the log (the config has no PRINTK_TIME).
debug_cmdline="slub_debug=FZPU kasan_multi_shot page_owner=on log_buf_len=8M acpi=noirq printk.time=1"
files=(-f "$rdir/allocbench-static:/bin/allocbench" -f "$ko:/data/allocbench.ko" -f "$conf:/data/test.conf"
	-f tests/integration/guest.sh:/data/integration-guest.sh)
[ -x "$bdir/abi-abuse" ] && files+=(-f "$bdir/abi-abuse:/bin/abi-abuse")
if [ $have_fuzz = 1 ]; then
	files+=(-f "$bdir/ioctl-fuzz:/bin/ioctl-fuzz")
	# The abuse suite's guest part, when it exists, runs as it does in make test.
	if [ -f tests/integration/fuzz-guest.sh ]; then
		files+=(-f tests/integration/fuzz-guest.sh:/data/fuzz-guest.sh)
		for f in kill-lib.sh kill-guest.sh; do
			[ -f "tests/integration/$f" ] && files+=(-f "tests/integration/$f:/data/$f")
		done
		[ -d tests/integration/kill-configs ] && files+=(-f tests/integration/kill-configs:/data/kill)
	fi
else
	fuzz_n=0
fi
echo "test-debug: booting $(cat "$kdir/release") (-m $memory, $cmdline $debug_cmdline); the guest's files go to $out"
t0=$(date +%s)
vrc=0
scripts/vm-run.sh -k "$kdir" -m "$memory" ${cmdline:+-c "$cmdline"} -c "$debug_cmdline" \
	-t "${ALLOCBENCH_VM_TIMEOUT:-5400}" -o "$out" "${files[@]}" \
	tests/debug/guest.sh /data/test.conf "$fuzz_n" "$fuzz_seed" "$fuzz_kills" 2>"$out/vm-run.err" || vrc=$?
vm_s=$(( $(date +%s) - t0 ))
val() { sed -n "s/^$1=//p" "$out/vm.env" 2>/dev/null; }
if [ $vrc = 0 ]; then
	pass "VM boots and the guest script completes ($(val accelerator), boot $(val boot_s) s, guest $vm_s s)"
else
	fail "VM boots and the guest script completes (exit $vrc after $vm_s s)"
	sed 's/^/       /' "$out/vm-run.err"
	# A report that killed the guest is what matters: show it from the console.
	SHOW_LINES=120 t "console holds no kernel report" python3 "$here/check.py" reports "$out/console.log" \
		--after "allocbench-debug: tests start" --full "$out/reports.txt"
	tail -n 20 "$out/console.log" 2>/dev/null | sed 's/^/       console: /'
	finish
fi

feat() { grep -q "^$1" "$out/features.txt"; }
t "debug facilities live in the guest (KASAN, kmemleak, lockdep, page_owner, slub_debug F Z P U)" bash -c "
	cd '$out'; for f in 'kasan yes' 'kmemleak yes' 'lockdep yes' 'page_owner_stacks yes' 'slub_red_zone 1' 'slub_poison 1' 'slub_store_user 1' 'slub_sanity_checks 1'; do
		grep -qx \"\$f\" features.txt || echo \"not: \$f\"; done | grep . && { cat features.txt; exit 1; } || exit 0"
SHOW_LINES=60 t "the kernel boots without a report of its own (before the module)" \
	python3 "$here/check.py" reports "$out/dmesg-boot.txt" --full "$out/reports-boot.txt"

rc_ok() { [ "$(cat "$out/$1.rc" 2>/dev/null)" = 0 ] || { cat "$out/$1.txt" 2>/dev/null | tail -n 12; echo "exit $(cat "$out/$1.rc" 2>/dev/null || echo '?')"; return 1; }; }
t "load and unload alone (init and exit paths)" bash -c "$(declare -f rc_ok); out='$out'; rc_ok preload-load && rc_ok preload-unload"
t "allocbench load (finit_module)" rc_ok load
t "allocbench info" rc_ok info
t "INFO matches the kernel" python3 tests/integration/check.py info "$out/info.txt" \
	kmalloc_max_size=4194304 kmalloc_max_cache_size=8192 max_order=10 page_size=4096 max_order_const=10
t "allocbench list" rc_ok list
t "allocbench run $conf" rc_ok run
t "abi-abuse: every case passed" rc_ok abi
t "module unloads" rc_ok unload
if [ "$fuzz_n" != 0 ]; then
	fz=$out/fuzz
	fsum="$(tail -n1 "$fz/fuzz.txt" 2>/dev/null), $(cat "$fz/seconds" 2>/dev/null) s"
	fuzz_ok() {
		[ "$(cat "$fz/fuzz.rc" 2>/dev/null)" = 0 ] && return 0
		grep -v '^ *ok' "$fz/fuzz.txt" 2>/dev/null | tail -n 12; tail -n 5 "$fz/fuzz.err" 2>/dev/null
		echo "exit $(cat "$fz/fuzz.rc" 2>/dev/null || echo '?')"; return 1
	}
	steps_ok() { local s; for s in "$@"; do
		[ ! -f "$fz/$s.rc" ] || [ "$(cat "$fz/$s.rc")" = 0 ] || { tail -n 8 "$fz/$s.txt" 2>/dev/null; echo "$s: exit $(cat "$fz/$s.rc")"; return 1; }
	done; }
	t "ioctl fuzz: $fuzz_n requests, seed $fuzz_seed ($fsum)" fuzz_ok
	if [ -f "$fz/guest.rc" ]; then
		t "fuzz-guest.sh: load, unload, reload, info, kills, unload steps" steps_ok guest load unload reload info kills unload2
		if [ -f tests/integration/fuzz-checks.sh ]; then
			[ -e "$fz/dmesg.txt" ] || ln -s ../dmesg.txt "$fz/dmesg.txt"	# kill-checks.sh reads it there
			# The fuzzer's verdict and dmesg are checked above and below.
			SHOW_LINES=30 t "fuzz-checks.sh: module unloads after the fuzz, reloads, answers INFO" \
				bash tests/integration/fuzz-checks.sh "$fz" module
			# Shown, not counted: under KASAN its quarantine (freed slab objects
			# held back, up to 1/32 of memory), its vmalloc shadow and page_owner's
			# stack depot keep pages scattered over high-order blocks, so the
			# memory-shape verdicts are the debug kernel's as much as the
			# module's; and what a killed run leaves in its folder is the
			# runner's. make test checks both on Debian's own kernels.
			for c in memory kills; do
				echo "  note $c (not counted under the debug kernel):"
				bash tests/integration/fuzz-checks.sh "$fz" $c | grep -E '^ *(PASS|FAIL)' | head -n 12 | sed 's/^ */         /'
			done
		else
			echo "  skip fuzz-checks.sh: tests/integration/fuzz-checks.sh does not exist (yet)"
		fi
	else
		t "fuzz: module load and unload around it" steps_ok load unload
	fi
fi
t "module gone from /proc/modules" bash -c "! grep -q '^allocbench ' '$out/modules-final.txt'"

# ---- leaks and reports -------------------------------------------------------------
texts=$out/module-texts.txt
t "no allocbench slab cache left after unload" bash -c "[ ! -s '$out/slab-left.txt' ] || { cat '$out/slab-left.txt'; exit 1; }"
if [ -f "$out/kmemleak.txt" ]; then
	SHOW_LINES=80 t "kmemleak: no leak through allocbench after unload (two scans)" \
		python3 "$here/check.py" kmemleak "$out/kmemleak.txt" "$ko" "$texts" --full "$out/kmemleak-allocbench.txt"
	SHOW_LINES=80 t "kmemleak: nothing at all reported since the first load" \
		python3 "$here/check.py" kmemleak "$out/kmemleak.txt" "$ko" "$texts" --any --full "$out/kmemleak-all.txt"
else
	fail "kmemleak: no /sys/kernel/debug/kmemleak in the guest"
fi
if [ -f "$out/page-owner-stacks.txt" ]; then
	SHOW_LINES=60 t "page_owner: no page still allocated through allocbench after unload" \
		python3 "$here/check.py" pageowner "$out/page-owner-stacks.txt" "$ko" "$texts" --full "$out/page-owner-allocbench.txt"
else
	fail "page_owner: no page_owner_stacks in the guest"
fi
SHOW_LINES=150 t "dmesg from the first load on: no KASAN/UBSAN/lockdep/BUG/WARNING/Call Trace report" \
	python3 "$here/check.py" reports "$out/dmesg.txt" --after "allocbench-debug: tests start" --full "$out/reports.txt"
echo "test-debug: VM $vm_s s (boot $(val boot_s) s, $(val accelerator))"
finish
