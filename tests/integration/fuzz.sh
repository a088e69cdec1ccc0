#!/usr/bin/env bash
# `make fuzz`: the abuse suite at any size, in a VM per kernel (slub_debug on):
# the ioctl fuzzer (tests/integration/ioctl-fuzz.c), memory back in its
# starting shape, the module unloading and reloading, and SIGKILLs of the
# runner at seeded random moments of every experiment kind.
#
#   tests/integration/fuzz.sh
#
# Environment (the Makefile passes its variables through):
#   N         fuzz requests per kernel (default 20000; make test runs 20000)
#   SEED      seed (default: the time, printed; the same SEED sends the same requests)
#   KERNELS   kernels to boot (default "6.1 6.12")
#   KILLS     SIGKILLs per experiment kind (default 3)
#   CHILDREN  concurrent fuzzing processes (default 3)
#   KEEP=1    keep the output folders (printed)
#   ALLOCBENCH_RUNNER_DIR=dir   use dir/allocbench-static as it is (no runner build)
# A failed request prints its seed, stream and index: on the guest,
# `ioctl-fuzz -s SEED -r STREAM:INDEX` sends it again alone.
# Last line: "N passed, N failed".
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
cd "$top"
n=${N:-20000} seed=${SEED:-} kills=${KILLS:-3} children=${CHILDREN:-3}
read -r -a kernels <<<"${KERNELS:-6.1 6.12}"
[ -n "$seed" ] || seed=$(date +%s)
[[ $n =~ ^[0-9]+$ && $seed =~ ^[0-9]+$ && $kills =~ ^[0-9]+$ && $children =~ ^[0-9]+$ ]] ||
	{ echo "fuzz: N, SEED, KILLS and CHILDREN take whole numbers" >&2; exit 2; }

passed=0 failed=0
pass() { passed=$((passed + 1)); echo "  ok   $*"; }
fail() { failed=$((failed + 1)); echo "  FAIL $*"; }
work=$(mktemp -d "${TMPDIR:-/tmp}/allocbench-fuzz.XXXXXX")
if [ "${KEEP:-0}" = 1 ]; then echo "fuzz: output in $work"; else trap 'rm -rf "$work"' EXIT; fi

echo "fuzz: seed $seed, $n requests and $kills SIGKILLs per kind on kernel(s) ${kernels[*]} (make fuzz SEED=$seed to repeat)"
mkdir -p build/tests
rm -f build/tests/ioctl-fuzz
rdir=${ALLOCBENCH_RUNNER_DIR:-runner}
if [ -n "${ALLOCBENCH_RUNNER_DIR:-}" ]; then
	:
elif make -s -C runner static >"$work/runner.log" 2>&1 && [ -x runner/allocbench-static ]; then
	pass "runner-static builds"
else
	fail "runner-static builds"; tail -n 15 "$work/runner.log" | sed 's/^/       /'
fi
if gcc -std=c11 -O2 -Wall -Wextra -Werror -static -pthread -I bench-module/include/uapi \
	-o build/tests/ioctl-fuzz tests/integration/ioctl-fuzz.c >"$work/cc.log" 2>&1; then
	pass "ioctl-fuzz builds (static, -Wall -Werror)"
else
	fail "ioctl-fuzz builds"; grep -v getaddrinfo "$work/cc.log" | head -n 15 | sed 's/^/       /'
fi
if [ ! -x build/tests/ioctl-fuzz ] || [ ! -x "$rdir/allocbench-static" ]; then
	echo "fuzz: $passed passed, $failed failed"
	exit 1
fi
# the guest runs TCG: ~4 ms a request and ~1 min of kills per kind and kill count, plus slack
timeout=$(( 900 + n / 100 + kills * 6 * 60 ))

for k in "${kernels[@]}"; do
	t0=$(date +%s)
	echo "fuzz: kernel $k"
	if ! kc=$(scripts/kernel-cache.sh "$k" 2>"$work/kc.err"); then
		fail "$k: kernel cache"; sed 's/^/       /' "$work/kc.err"; continue
	fi
	if ! ko=$(scripts/build-module.sh --strict "$kc/build" 2>"$work/build.err"); then
		fail "$k: module builds with zero warnings"; head -n 20 "$work/build.err" | sed 's/^/       /'; continue
	fi
	out=$work/$k vrc=0
	bash "$here/fuzz-vm.sh" -k "$kc" -m "$ko" -r "$rdir/allocbench-static" -f build/tests/ioctl-fuzz -o "$out" \
		-s "$seed" -n "$n" -j "$children" -K "$kills" -t "$timeout" 2>"$work/vm.err" || vrc=$?
	if [ $vrc = 0 ]; then
		pass "$k: VM (slub_debug=FZPU) boots and the guest script completes: $(bash "$here/fuzz-checks.sh" "$out" summary)"
	else
		fail "$k: VM boots and the guest script completes (exit $vrc)"; sed 's/^/       /' "$work/vm.err"
		tail -n 20 "$out/console.log" 2>/dev/null | sed 's/^/       console: /'
		continue
	fi
	while IFS= read -r line; do
		case $line in
		PASS\ *) pass "$k: ${line#PASS }" ;;
		FAIL\ *) fail "$k: ${line#FAIL }" ;;
		*\ passed,\ *\ failed) ;;
		*) echo "  $line" ;;
		esac
	done < <(bash "$here/fuzz-checks.sh" "$out")
	sed -n '/^ioctl-fuzz: seed/,/^chaos:/p' "$out/fuzz.txt" | sed 's/^/       /'
	echo "fuzz: kernel $k took $(( $(date +%s) - t0 )) s"
done
echo "fuzz: $passed passed, $failed failed"
[ $failed = 0 ]
