#!/usr/bin/env bash
# `make compare` and the matrix runs of `make bench`, checked structurally
# on a reduced config (tests/integration/compare.conf) under QEMU:
#   - refusals that need no kernel: not a run folder, different schema
#     versions, no point in common, no "--";
#   - make bench CMDLINE="init_on_alloc=1|init_on_alloc=0" REPEAT=2 on 6.12:
#     kmalloc at 64K and above is significantly slower with init_on_alloc=1
#     (zeroing), kzalloc (which zeroes either way) stays within 15 %;
#     every output of the comparison is there and well-formed;
#   - make bench KERNEL="6.1 6.12" REPEAT=1: every output again, the label
#     found by diffing meta.csv, "run-to-run variation not captured";
#   - A/A: the init_on_alloc=0 boots of the first matrix against the 6.12
#     boot of the second (the same setup, separate boots): at most 5 % of
#     the points flagged.
#
#   tests/integration/compare-checks.sh          (tests/run-all compare)
#
# KEEP=1 keeps the work folder and the results. Last line: "N passed, N failed".
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
cd "$top"
conf=tests/integration/compare.conf

passed=0 failed=0
pass() { passed=$((passed + 1)); echo "  ok   $*"; }
fail() { failed=$((failed + 1)); echo "  FAIL $*"; }
t() {	# t NAME CMD...: one named test; output shown only on failure
	local name=$1 _o; shift
	if _o=$("$@" 2>&1); then pass "$name"; else fail "$name"; [ -n "$_o" ] && printf '%s\n' "$_o" | head -n 20 | sed 's/^/       /'; fi
}
finish() { echo "compare: $passed passed, $failed failed"; [ $failed = 0 ]; exit; }

work=$(mktemp -d "${TMPDIR:-/tmp}/allocbench-cmptest.XXXXXX")
made=()	# results/ folders this test wrote
# results/latest and results/latest-compare as they were: put back afterwards
old_latest=$(readlink results/latest 2>/dev/null || true)
old_latest_cmp=$(readlink results/latest-compare 2>/dev/null || true)
cleanup() {
	[ "${KEEP:-0}" = 1 ] && return
	rm -rf "$work" "${made[@]}"
	for l in results/latest results/latest-compare; do [ -L "$l" ] && [ ! -e "$l" ] && rm -f "$l"; done
	[ -n "$old_latest" ] && ( cd results && [ -e "$old_latest" ] && ln -sfn "$old_latest" latest )
	[ -n "$old_latest_cmp" ] && ( cd results && [ -e "$old_latest_cmp" ] && ln -sfn "$old_latest_cmp" latest-compare )
	return 0
}
trap cleanup EXIT
[ "${KEEP:-0}" = 1 ] && echo "compare-checks: work folder $work"

echo "compare-checks: runner and unit statistics"
t "runner builds (host and static, with GSL)" bash -c 'make -s -C runner && make -s -C runner static'
runner=$top/runner/allocbench
[ -x "$runner" ] || finish
t "allocbench compare --help names the refusals" bash -c "'$runner' compare --help | grep -q 'different schema'"

# ---- refusals on folders made here ------------------------------------------------
echo "compare-checks: refusals"
mkdir -p "$work/empty" "$work/r1"
printf 'key,value\nschema_version,1\nkernel_release,x\n' > "$work/r1/meta.csv"
printf 'schema_version,allocator,op,gfp,size_bytes,status,samples,p50_ns\n2,kmalloc,alloc,kernel,64,ok,5,80\n' > "$work/r1/latency.csv"
cp -r "$work/r1" "$work/r2"
sed -i 's/^2,kmalloc/3,kmalloc/' "$work/r2/latency.csv"
cp -r "$work/r1" "$work/r3"
sed -i 's/,64,ok/,128,ok/' "$work/r3/latency.csv"
refused() {	# refused WHAT-TO-FIND ARGS...: exit 2, the message, nothing written
	local want=$1 rc=0; shift
	"$runner" compare -o "$work/out" "$@" > "$work/o" 2>&1 || rc=$?
	cat "$work/o"; [ $rc = 2 ] && grep -q -- "$want" "$work/o" && [ ! -e "$work/out" ] && [ ! -e "$work/out.tmp" ]
}
export -f refused
export runner work
t "not a run folder: refused (exit 2), nothing written" refused "is not a run folder: it holds no meta.csv" "$work/r1" -- "$work/empty"
t "missing folder: refused" refused "it does not exist" "$work/r1" -- "$work/nope"
t "different schema versions: refused" refused "different schema versions" "$work/r1" -- "$work/r2"
t "no point in common: refused" refused "no point in common" "$work/r1" -- "$work/r3"
t "no '--' between the sides: usage error" refused "A-RUNS... -- B-RUNS" "$work/r1" "$work/r1"
t "make compare without B: says how" bash -c "
	rc=0; make -s compare A='$work/r1' > '$work/o' 2>&1 || rc=\$?; cat '$work/o'; [ \$rc != 0 ] && grep -q 'give both sides' '$work/o'"

# ---- CMDLINE matrix -------------------------------------------------------------------
# check_outputs DIR: every file of a comparison, well-formed
check_outputs() {
	local d=$1
	t "$(basename "$d"): compare.csv, compare-meta.csv, compare-geomean.csv, compare.md, compare.html" bash -c "
		for f in compare.csv compare-meta.csv compare-geomean.csv compare.md compare.html; do
			[ -s '$d/'\$f ] || { echo missing \$f; exit 1; }; done"
	t "$(basename "$d"): ratio and overlay charts per op (SVG and PNG), TLB-tax chart" bash -c "
		for c in compare-ratio-alloc compare-ratio-pair compare-latency-alloc compare-latency-pair \
			compare-ratio-mapping-page compare-tlb-tax; do
			[ -s '$d/charts/'\$c.svg ] && [ -s '$d/charts/'\$c.png ] || { echo missing \$c; exit 1; }; done"
	t "$(basename "$d"): every SVG parses as XML" python3 -c "
import glob, sys, xml.dom.minidom
fs = glob.glob('$d/charts/*.svg'); [xml.dom.minidom.parse(f) for f in fs]; sys.exit(0 if fs else 1)"
	t "$(basename "$d"): compare.html is self-contained (SVGs inline, no network reference)" bash -c "
		h='$d/compare.html'; n=\$(grep -c '<svg' \"\$h\"); [ \"\$n\" -ge 6 ] &&
		! grep -qiE 'https?://|src=|<link|<script|@import' \"\$h\""
	t "$(basename "$d"): compare.csv has one row per point of either side, statuses on both" python3 - "$d" <<'EOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1] + '/compare.csv')))
need = ['median_a_ns', 'median_b_ns', 'ratio', 'ratio_ci_lo', 'ratio_ci_hi', 'mark', 'samples_a', 'samples_b',
        'runs_a', 'runs_b', 'status_a', 'status_b', 'q_value', 'significant', 'method']
assert rows and all(k in rows[0] for k in need), 'columns'
lat = [r for r in rows if r['kind'] == 'latency']
assert len(lat) == 3 * 2 * 5, len(lat)
assert all(r['status_a'] and r['status_b'] for r in rows)
ok = [r for r in rows if r['status_a'] == 'ok' and r['status_b'] == 'ok']
assert all(float(r['ratio_ci_lo']) <= float(r['ratio']) <= float(r['ratio_ci_hi']) for r in ok if r['ratio_ci_lo'])
EOF
	t "$(basename "$d"): results/latest-compare points here, no .tmp left" bash -c "
		[ \"\$(readlink results/latest-compare)\" = '$(basename "$d")' ] && [ ! -e '$d.tmp' ]"
}

# matrix NAME VAR=VALUE...: make bench with the reduced config; sets $cmp (the comparison folder) and $mdir
matrix() {
	local name=$1 t0; shift
	t0=$(date +%s)
	cmp= mdir=
	if env "$@" TARGET=vm CONFIG="$conf" make -s bench > "$work/$name.log" 2>&1; then
		cmp=$(tail -n 1 "$work/$name.log")
		mdir=$(sed -n 's/^matrix: .* into \(results\/matrix-[^/]*\)\/$/\1/p' "$work/$name.log" | head -n 1)
		made+=("$cmp" "$mdir")
		pass "$name ($(( $(date +%s) - t0 )) s): $cmp"
	else
		fail "$name: make bench failed"; tail -n 30 "$work/$name.log" | sed 's/^/       /'
	fi
}

echo "compare-checks: make bench CMDLINE=\"init_on_alloc=1|init_on_alloc=0\" REPEAT=2 (6.12)"
matrix "CMDLINE matrix" KERNEL=6.12 CMDLINE="init_on_alloc=1|init_on_alloc=0" REPEAT=2
cmdline_cmp=$cmp cmdline_mdir=$mdir
if [ -n "$cmdline_cmp" ] && [ -d "$cmdline_cmp" ]; then
	check_outputs "$cmdline_cmp"
	t "the folder and the label say what differs (init_on_alloc=1 → 0), found in meta.csv" bash -c "
		case '$cmdline_cmp' in *init_on_alloc=1-to-0*) ;; *) exit 1 ;; esac &&
		grep -q '^label,init_on_alloc=1 → 0$' '$cmdline_cmp/compare-meta.csv' &&
		grep -q 'init_on_alloc=1 → 0' '$cmdline_cmp/charts/data/compare-ratio-alloc.vars.gp'"
	t "every run records the host's TSC rate (host_tsc_hz), the guest's timer is checked against it" bash -c "
		for m in '$cmdline_mdir'/*-r[0-9]/meta.csv; do grep -qE '^host_tsc_hz,[0-9]{7,}$' \"\$m\" || { echo \"\$m\"; exit 1; }; done"
	t "two runs per side, intervals from the runs (method runs)" bash -c "
		grep -q '^runs_a,2$' '$cmdline_cmp/compare-meta.csv' && grep -q '^runs_b,2$' '$cmdline_cmp/compare-meta.csv' &&
		grep -q ',runs,' '$cmdline_cmp/compare.csv'"
	# kzalloc zeroes either way: its ratio stays near 1. A few per cent can
	# still pass the 5 % threshold (two boots a side under TCG; pages land
	# elsewhere in a guest that zeroed more), so the bound is the effect's
	# scale: kmalloc's own ratio there is 0.01-0.15.
	t "kmalloc at 64K and above: significantly slower with init_on_alloc=1; kzalloc there: within 15 %" \
		python3 - "$cmdline_cmp" <<'EOF'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1] + '/compare.csv')) if r['kind'] == 'latency']
bad, table = [], []
for r in rows:
    big = int(r['size_bytes']) >= 65536
    line = ' '.join(r[k] for k in ('allocator', 'op', 'size_bytes', 'ratio', 'ratio_ci_lo', 'ratio_ci_hi', 'q_value', 'mark'))
    if r['allocator'] == 'kmalloc' and big and not (r['significant'] == '1' and r['direction'] == 'faster'):
        bad.append('kmalloc not flagged: ' + line)
    if r['allocator'] == 'kzalloc' and big and not 1 / 1.15 < float(r['ratio']) < 1.15:
        bad.append('kzalloc changed: ' + line)
    table.append(line)
# the failures first: the caller shows only the first lines
print('\n'.join(bad + table))
sys.exit(1 if bad else 0)
EOF
	t "the terminal summary lists kmalloc among the largest improvements (B = init_on_alloc=0)" bash -c "
		sed -n '/^Largest improvements/,/^Geometric/p' '$work/CMDLINE matrix.log' | grep -q 'kmalloc'"
fi

# ---- KERNEL matrix --------------------------------------------------------------------------
echo "compare-checks: make bench KERNEL=\"6.1 6.12\" REPEAT=1"
matrix "KERNEL matrix" KERNEL="6.1 6.12" REPEAT=1
kernel_cmp=$cmp kernel_mdir=$mdir
if [ -n "$kernel_cmp" ] && [ -d "$kernel_cmp" ]; then
	check_outputs "$kernel_cmp"
	t "the label says 6.1.0-N → 6.12.N (from meta.csv), no other setup difference warned" bash -c "
		grep -qE '^label,6\.1\.0-[0-9]+ → 6\.12\.[0-9]+$' '$kernel_cmp/compare-meta.csv' &&
		! grep -qE '^warning_.*(more than one of|emulated and the other)' '$kernel_cmp/compare-meta.csv'"
	t "one run per side: \"run-to-run variation not captured\" in compare.md, compare.html and the terminal" bash -c "
		grep -q 'run-to-run variation not captured' '$kernel_cmp/compare.md' &&
		grep -q 'run-to-run variation not captured' '$kernel_cmp/compare.html' &&
		grep -q 'run-to-run variation not captured' '$work/KERNEL matrix.log'"
fi

# ---- A/A: the same setup in separate boots ------------------------------------------------------------
if [ -n "$cmdline_mdir" ] && [ -n "$kernel_mdir" ]; then
	t "A/A (init_on_alloc=0: 2 boots against 1 other boot): at most 5 % of the points flagged" bash -c "
		out=\$('$runner' compare -q --no-charts -o '$work/aa' '$cmdline_mdir'/6.12-init_on_alloc=0-r[0-9] -- '$kernel_mdir'/6.12-r1) &&
		python3 - '$work/aa' <<'EOF'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1] + '/compare.csv')) if r['significant'] != '']
flagged = [r for r in rows if r['significant'] == '1']
print('A/A: %d of %d points flagged' % (len(flagged), len(rows)))
sys.exit(0 if rows and len(flagged) <= 0.05 * len(rows) else 1)
EOF"
fi
finish
