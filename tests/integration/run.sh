#!/usr/bin/env bash
# Integration tests: allocbench.ko in a VM on each Debian kernel, checked from
# the host. Every check is a named test; the last line is "N passed, N failed".
#
#   tests/integration/run.sh [KERNEL...]     (default: 6.1 6.12)
#
# Environment: ALLOCBENCH_TEST_CONFIG (default configs/quick.conf),
# ALLOCBENCH_VM_TIMEOUT (seconds per VM, default 1800), KEEP=1 keeps the
# work folder (printed) for a post-mortem; the abuse suite's
# ALLOCBENCH_FUZZ_N (20000 requests per kernel, 0 skips it),
# ALLOCBENCH_FUZZ_SEED (1) and ALLOCBENCH_FUZZ_KILLS (1 per kind).
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
cd "$top"
kernels=("$@")
[ ${#kernels[@]} -gt 0 ] || kernels=(6.1 6.12)
conf=${ALLOCBENCH_TEST_CONFIG:-configs/quick.conf}

passed=0 failed=0
pass() { passed=$((passed + 1)); echo "  ok   $*"; }
fail() { failed=$((failed + 1)); echo "  FAIL $*"; }
# t NAME CMD...: one named test; the command's output is shown only on failure.
t() {
	local name=$1 _o; shift
	if _o=$("$@" 2>&1); then pass "$name"; else fail "$name"; [ -n "$_o" ] && printf '%s\n' "$_o" | head -n 15 | sed 's/^/       /'; fi
}
# " (boot retried once: ...)" when vm-run had to boot a guest twice; $1 = outdir
retried() {
	grep -q '^boot_retries=1' "$1/vm.env" 2>/dev/null &&
		echo " (the first boot died before /init and was retried: $1/console-failed-boot.log)"
}
finish() {
	echo "integration: $passed passed, $failed failed"
	[ $failed = 0 ]
	exit
}

work=$(mktemp -d "${TMPDIR:-/tmp}/allocbench-itest.XXXXXX")
if [ "${KEEP:-0}" = 1 ]; then echo "integration: work folder $work"; else trap 'rm -rf "$work"' EXIT; fi

# ---- host-side builds shared by both kernels -----------------------------------
echo "integration: building runner (static and host) and abi-abuse"
# ALLOCBENCH_RUNNER_DIR=dir: test dir/allocbench and dir/allocbench-static as they are.
rdir=${ALLOCBENCH_RUNNER_DIR:-runner}
if [ -z "${ALLOCBENCH_RUNNER_DIR:-}" ]; then
	t "runner builds" make -s -C runner
	t "runner-static builds" make -s -C runner static
fi
mkdir -p build/tests
rm -f build/tests/abi-abuse	# never run a stale binary when the build fails
if [ -f tests/integration/abi-abuse.c ]; then
	t "abi-abuse builds (static, -Wall -Werror)" gcc -std=c11 -O2 -Wall -Wextra -Werror -static \
		-I bench-module/include/uapi -o build/tests/abi-abuse tests/integration/abi-abuse.c
else
	fail "abi-abuse builds: tests/integration/abi-abuse.c missing"
fi
# The abuse suite's fuzzer (tests/integration/fuzz-vm.sh boots it per kernel below).
rm -f build/tests/ioctl-fuzz
fuzz_n=${ALLOCBENCH_FUZZ_N:-20000}
if [ "$fuzz_n" != 0 ]; then
	t "ioctl-fuzz builds (static, -Wall -Werror)" gcc -std=c11 -O2 -Wall -Wextra -Werror -static -pthread \
		-I bench-module/include/uapi -o build/tests/ioctl-fuzz tests/integration/ioctl-fuzz.c
fi
runner=$(cd "$rdir" && pwd)/allocbench
if [ ! -x "$runner" ] || [ ! -x "$rdir/allocbench-static" ]; then
	echo "integration: no runner binaries, cannot go on"
	finish
fi
t "config $conf is valid" "$runner" check -c "$conf"
# Points of the [latency*] sections, as the runner plans them (other kinds have their own CSV).
points=$("$runner" check -c "$conf" --plan 2>/dev/null | awk -F'\t' '$2 ~ /^\[latency/' | wc -l)
cmdline=$("$runner" check -c "$conf" --get cmdline 2>/dev/null || true)
memory=$("$runner" check -c "$conf" --get memory 2>/dev/null || echo 1G)

# ---- the VM harness itself (scripts/vm-run.sh), on the first kernel --------------
harness_tests() {
	local k=$1 h=$work/harness rc t0
	t0=$(date +%s)
	mkdir -p "$h"
	printf 'echo "$1" > arg.txt\nexit 7\n' > "$h/exit7.sh"
	printf 'sleep 600\n' > "$h/sleep.sh"
	printf 'echo c > /proc/sysrq-trigger\n' > "$h/panic.sh"
	rc=0; scripts/vm-run.sh -k "$k" -o "$h/o1" "$h/exit7.sh" "a b" 2>"$h/err" || rc=$?
	t "vm-run: guest exit code propagates (7) and /out comes back" \
		bash -c "[ $rc = 7 ] && [ \"\$(cat '$h/o1/arg.txt')\" = 'a b' ] && grep -q '^accelerator=' '$h/o1/vm.env' || { echo 'exit $rc'; cat '$h/err'; exit 1; }"
	rc=0; scripts/vm-run.sh -k "$k" -t 10 -o "$h/o2" "$h/sleep.sh" 2>"$h/err" || rc=$?
	t "vm-run: -t kills a hung guest with exit 124" bash -c "[ $rc = 124 ] || { echo 'exit $rc'; cat '$h/err'; exit 1; }"
	rc=0; scripts/vm-run.sh -k "$k" -o "$h/o3" "$h/panic.sh" 2>"$h/err" || rc=$?
	t "vm-run: a guest panic is reported (exit 125, names the panic)" \
		bash -c "[ $rc = 125 ] && grep -q 'Kernel panic' '$h/err' || { echo 'exit $rc'; cat '$h/err'; exit 1; }"
	echo "integration: VM harness checks took $(( $(date +%s) - t0 )) s"
}
echo "integration: VM harness on kernel ${kernels[0]}"
if kc=$(scripts/kernel-cache.sh "${kernels[0]}" 2>/dev/null); then harness_tests "$kc"; else fail "vm-run: kernel ${kernels[0]} unavailable"; fi

for k in "${kernels[@]}"; do
	t0=$(date +%s)
	echo "integration: kernel $k"
	kcache=$(scripts/kernel-cache.sh "$k" 2>"$work/kc.err") || { fail "$k: kernel cache"; sed 's/^/       /' "$work/kc.err"; continue; }
	rel=$(cat "$kcache/release")
	case $rel in 6.1.*) max_order_const=11 ;; *) max_order_const=10 ;; esac
	ko=$(scripts/build-module.sh --strict "$kcache/build" 2>"$work/build.err")
	if [ -n "$ko" ]; then pass "$k: module builds with zero warnings ($rel)"; else
		fail "$k: module builds with zero warnings ($rel)"; sed 's/^/       /' "$work/build.err" | head -n 20; continue; fi

	out=$work/$k
	files=(-f "$rdir/allocbench-static:/bin/allocbench" -f "$ko:/data/allocbench.ko" -f "$conf:/data/test.conf")
	[ -x build/tests/abi-abuse ] && files+=(-f build/tests/abi-abuse:/bin/abi-abuse)
	vrc=0
	scripts/vm-run.sh -k "$kcache" -m "$memory" ${cmdline:+-c "$cmdline"} -t "${ALLOCBENCH_VM_TIMEOUT:-1800}" \
		-o "$out" "${files[@]}" tests/integration/guest.sh /data/test.conf 2>"$work/vm.err" || vrc=$?
	if [ $vrc = 0 ]; then pass "$k: VM boots and the guest script completes ($(grep ^accelerator= "$out/vm.env" | cut -d= -f2), boot $(grep ^boot_s= "$out/vm.env" | cut -d= -f2) s)$(retried "$out")"; else
		fail "$k: VM boots and the guest script completes (exit $vrc)"; sed 's/^/       /' "$work/vm.err"; tail -n 20 "$out/console.log" 2>/dev/null | sed 's/^/       console: /'; continue; fi

	rc_ok() { [ "$(cat "$out/$1.rc" 2>/dev/null)" = 0 ] || { cat "$out/$1.txt" 2>/dev/null; echo "exit $(cat "$out/$1.rc" 2>/dev/null || echo '?')"; return 1; }; }
	t "$k: allocbench load (finit_module)" rc_ok load
	t "$k: allocbench info" rc_ok info
	t "$k: INFO matches the kernel" python3 "$here/check.py" info "$out/info.txt" \
		kmalloc_max_size=4194304 kmalloc_max_cache_size=8192 max_order=10 page_size=4096 max_order_const=$max_order_const
	t "$k: allocbench list" rc_ok list
	t "$k: allocbench run $conf" rc_ok run
	t "$k: abi-abuse: every case passed" rc_ok abi
	t "$k: module unloads" rc_ok unload
	t "$k: module gone from /proc/modules" bash -c "! grep -q '^allocbench ' '$out/modules.txt'"
	t "$k: dmesg has no WARNING/BUG/Oops/Call Trace/allocation failure" bash -c \
		"! grep -E 'WARNING:|BUG:|Oops|Call Trace|page allocation failure|general protection' '$out/dmesg.txt'"
	t "$k: latency.csv invariants" env ALLOCBENCH_RUNNER="$runner" \
		python3 "$here/check.py" latency "$out/run" "$conf" "$out/list.txt" "${points:-}"
	t "$k: access.csv and mapping.csv: rows for every allocator, mapping levels measured" \
		sh "$here/access-checks.sh" "$out/run"
	if "$runner" report "$out/run" > "$work/report.out" 2>&1; then pass "$k: allocbench report on the host"; else
		fail "$k: allocbench report on the host"; tail -n 15 "$work/report.out" | sed 's/^/       /'; fi
	t "$k: charts: every chart exists, SVG well-formed and names every allocator, PNG signature" \
		python3 "$here/check.py" charts "$out/run"
	t "$k: samples as requested or a reason, intervals hold the sample ones, modes and overheads, 64 B per-op vs batch" \
		python3 "$here/check.py" quality "$out/run"

	# Limits and fragmentation: the probe, then frag and a runner
	# SIGKILLed while it holds pinned pages, in a second boot of 1 GiB.
	lout=$work/$k-limits
	vrc=0
	scripts/vm-run.sh -k "$kcache" -m 1G -c init_on_alloc=0 -t "${ALLOCBENCH_VM_TIMEOUT:-1800}" -o "$lout" \
		-f "$rdir/allocbench-static:/bin/allocbench" -f "$ko:/data/allocbench.ko" \
		-f configs/limits.conf:/data/limits.conf -f configs/frag.conf:/data/frag.conf \
		-f tests/integration/frag-kill-guest.sh:/data/frag-kill-guest.sh -f tests/integration/kill-lib.sh:/data/kill-lib.sh \
		tests/integration/limits-guest.sh 2>"$work/vm.err" || vrc=$?
	if [ $vrc = 0 ]; then pass "$k: limits, frag and kill runs complete in the VM$(retried "$lout")"; else
		fail "$k: limits, frag and kill runs complete in the VM (exit $vrc)"; sed 's/^/       /' "$work/vm.err"
		tail -n 20 "$lout/console.log" 2>/dev/null | sed 's/^/       console: /'; fi
	t "$k: probe: limits measured (kmalloc = KMALLOC_MAX_SIZE, order 10, vmalloc above, formula)" \
		bash "$here/limits-checks.sh" "$lout/limits" "$k"
	t "$k: frag: high orders fail fragmented, vmalloc does not, memory restored" \
		bash "$here/limits-checks.sh" "$lout/frag" "$k"
	t "$k: SIGKILL during a hold frees every page; a second run works; unload" \
		bash "$here/kill-checks.sh" "$lout"

	# Abuse suite, in a third boot with slab debugging on (slub_debug=FZPU):
	# the ioctl fuzzer (ALLOCBENCH_FUZZ_N requests, default 20000, seed
	# ALLOCBENCH_FUZZ_SEED, default 1; 0 skips it), memory back in its
	# starting shape, unload and reload, then ALLOCBENCH_FUZZ_KILLS (1)
	# SIGKILLs of the runner at seeded random moments of every experiment
	# kind. `make fuzz` runs any size (tests/integration/fuzz.sh).
	if [ "$fuzz_n" != 0 ] && [ -x build/tests/ioctl-fuzz ]; then
		fout=$work/$k-fuzz vrc=0 t1=$(date +%s)
		bash "$here/fuzz-vm.sh" -k "$kcache" -m "$ko" -r "$rdir/allocbench-static" -f build/tests/ioctl-fuzz \
			-o "$fout" -s "${ALLOCBENCH_FUZZ_SEED:-1}" -n "$fuzz_n" -j 3 -K "${ALLOCBENCH_FUZZ_KILLS:-1}" \
			-t "${ALLOCBENCH_VM_TIMEOUT:-1800}" 2>"$work/vm.err" || vrc=$?
		if [ $vrc = 0 ]; then
			pass "$k: abuse VM completes: $(bash "$here/fuzz-checks.sh" "$fout" summary), $(( $(date +%s) - t1 )) s$(retried "$fout")"
		else
			fail "$k: abuse VM completes (exit $vrc)"; sed 's/^/       /' "$work/vm.err"
			tail -n 20 "$fout/console.log" 2>/dev/null | sed 's/^/       console: /'
		fi
		t "$k: ioctl fuzz: every answer as the header documents (errno order, outputs, no effect on failure)" \
			bash "$here/fuzz-checks.sh" "$fout" fuzz
		t "$k: fuzz and kills: dmesg clean under slub_debug (no WARNING/BUG/Oops/allocation failure/OOM)" \
			bash "$here/fuzz-checks.sh" "$fout" dmesg
		t "$k: fuzz: free memory within 2 %, no vmalloc area or slab cache of the module left (order >= 9 blocks printed)" \
			bash "$here/fuzz-checks.sh" "$fout" memory
		t "$k: fuzz: module unloads, reloads, answers, unloads after the kills" \
			bash "$here/fuzz-checks.sh" "$fout" module
		t "$k: SIGKILL at random moments of latency, access, mapping, probe, frag, overhead: memory back, no half-written result, unload, second run" \
			bash "$here/fuzz-checks.sh" "$fout" kills
	fi
	echo "integration: kernel $k took $(( $(date +%s) - t0 )) s"
done
finish
