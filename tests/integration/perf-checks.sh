#!/usr/bin/env bash
# Deep dives (make perf, make perf-diff), checked structurally: files present,
# symbols present, nothing fetched from a network, clear messages on bad input
# and nothing half-written. Percentages are never compared.
#
#   tests/integration/perf-checks.sh          (tests/run-all perf)
#
# Boots Debian 6.12 (vmalloc pair 1M and kmalloc pair 64 in one boot) and 6.1
# (kmalloc pair 64) under QEMU, then diffs the two kmalloc dives; two short
# boots check the refusals that only a kernel can give. Each point runs
# ALLOCBENCH_PERF_TEST_SECONDS (default 3) under perf record and again under
# perf stat. KEEP=1 keeps the work folder. Last line: "N passed, N failed".
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
cd "$top"
secs=${ALLOCBENCH_PERF_TEST_SECONDS:-3}

passed=0 failed=0
pass() { passed=$((passed + 1)); echo "  ok   $*"; }
fail() { failed=$((failed + 1)); echo "  FAIL $*"; }
t() {	# t NAME CMD...: one named test; output shown only on failure
	local name=$1 _o; shift
	if _o=$("$@" 2>&1); then pass "$name"; else fail "$name"; [ -n "$_o" ] && printf '%s\n' "$_o" | head -n 20 | sed 's/^/       /'; fi
}
finish() { echo "perf: $passed passed, $failed failed"; [ $failed = 0 ]; exit; }

work=$(mktemp -d "${TMPDIR:-/tmp}/allocbench-perftest.XXXXXX")
if [ "${KEEP:-0}" = 1 ]; then echo "perf-checks: work folder $work"; else trap 'rm -rf "$work"' EXIT; fi

echo "perf-checks: runner, perf, flame graph template"
t "runner builds (host and static)" bash -c 'make -s -C runner && make -s -C runner static'
runner=$top/runner/allocbench
[ -x "$runner" ] || finish
t "linux-perf is installed (perf --version)" perf --version
t "the flame graph template is installed and holds no URL" bash -c '
	f=$(scripts/flamegraph-template.sh) && grep -q "/\*\* @flamegraph_json \*\*/" "$f" && ! grep -qE "https?://" "$f" &&
	d=$(scripts/flamegraph-template.sh --dir) && ! grep -qE "https?://" "$d/diff.js" "$d/diff.css"'
t "configs/perf.conf is valid and lists its points" bash -c \
	"'$runner' check -c configs/perf.conf >/dev/null && '$runner' perf --list -c configs/perf.conf | grep -qx 'vmalloc-pair-1M-kernel	vmalloc pair 1M gfp=kernel'"

# nothing_new DIR: no folder or temporary left in DIR (a failed dive writes nothing)
nothing_new() { [ -z "$(ls -A "$1" 2>/dev/null)" ] || { echo "left behind in $1:"; ls -la "$1"; return 1; }; }
export -f nothing_new
mkdir -p "$work/empty"

# ---- bad input that needs no kernel ---------------------------------------------------
echo "perf-checks: bad input"
t "unknown point: exit 2, names the word and the valid names, nothing written" bash -c "
	rc=0; POINT='vmaloc pair 1M' TARGET=vm OUT='$work/empty/r' scripts/perf.sh > '$work/o' 2>&1 || rc=\$?
	cat '$work/o'; [ \$rc = 2 ] && grep -q \"unknown point 'vmaloc pair 1M': 'vmaloc' is not an allocator\" '$work/o' &&
	grep -q 'allocators: kmalloc' '$work/o' && nothing_new '$work/empty'"
t "no point: says how to name one (exit 2)" bash -c "
	rc=0; POINT= CONFIG= TARGET=vm OUT='$work/empty/r' scripts/perf.sh > '$work/o' 2>&1 || rc=\$?
	cat '$work/o'; [ \$rc = 2 ] && grep -q 'POINT=\"vmalloc pair 1M\"' '$work/o' && nothing_new '$work/empty'"
t "perf missing: names the package linux-perf, nothing written" bash -c "
	rc=0; ALLOCBENCH_PERF=/nonexistent/perf POINT='kmalloc pair 64' TARGET=vm OUT='$work/empty/r' scripts/perf.sh > '$work/o' 2>&1 || rc=\$?
	cat '$work/o'; [ \$rc != 0 ] && grep -q 'install the Debian package linux-perf' '$work/o' && nothing_new '$work/empty'"
t "allocbench perf: perf missing names linux-perf, nothing written" bash -c "
	rc=0; ALLOCBENCH_PERF=/nonexistent/perf '$runner' perf 'kmalloc pair 64' -o '$work/empty/r' > '$work/o' 2>&1 || rc=\$?
	cat '$work/o'; [ \$rc != 0 ] && grep -q 'linux-perf' '$work/o' && nothing_new '$work/empty'"
par=$(cat /proc/sys/kernel/perf_event_paranoid 2>/dev/null || echo -1)
if command -v setpriv >/dev/null && [ "$par" -ge 1 ]; then
	t "perf_event_paranoid too high ($par, no CAP_PERFMON): says so and how to change it, nothing written" bash -c "
		rc=0; setpriv --inh-caps=-all --bounding-set=-all '$runner' perf 'kmalloc pair 64' -o '$work/empty/r' > '$work/o' 2>&1 || rc=\$?
		cat '$work/o'; [ \$rc != 0 ] && grep -q \"kernel.perf_event_paranoid is $par\" '$work/o' &&
		grep -q 'sysctl kernel.perf_event_paranoid=-1' '$work/o' && nothing_new '$work/empty'"
else
	pass "perf_event_paranoid too high: not checkable here (paranoid $par or no setpriv)"
fi

# ---- one deep dive, checked --------------------------------------------------------------
# check_dive RUN SLUG KERNEL REGEX WHAT: the files and symbols of RUN/perf/SLUG
check_dive() {
	local run=$1 slug=$2 k=$3 re=$4 what=$5 d=$1/perf/$2
	t "$k $slug: every file is there" bash -c "
		cd '$d' && for f in perf.data/data perf.data/kcore_dir/kcore perf.data/kcore_dir/kallsyms report.txt top.tsv stat.txt \
			loop.txt meta.csv stacks.folded flamegraph.html README.md buildids.txt allocbench.ko modules; do
			[ -s \"\$f\" ] || { echo \"missing or empty: \$f\"; exit 1; }; done
		ls .debug/.build-id/*/* >/dev/null"
	t "$k $slug: nothing temporary left in the run" bash -c "
		! find '$run' '$(dirname "$run")' -maxdepth 2 \( -name '.*tmp*' -o -name '.*render*' -o -name '.*old*' \) | grep ."
	# The first rows of section 1 (children and self, sorted by children).
	awk '/^# 1\./ { s = 1 } /^# 2\./ { s = 0 } s && /%/' "$d/report.txt" | head -n 25 > "$work/top-$k-$slug"
	t "$k $slug: top symbols include $what" grep -qE "$re" "$work/top-$k-$slug"
	t "$k $slug: top symbols include the module's run function (ab_ioctl_run)" grep -q 'ab_ioctl_run' "$work/top-$k-$slug"
	t "$k $slug: report.txt has children and self, self-sorted and call-graph sections" bash -c "
		grep -q '^# Children *Self' '$d/report.txt' && grep -q '^# 2\. Self' '$d/report.txt' && grep -q '^# 3\. ' '$d/report.txt'"
	t "$k $slug: at least one kernel symbol annotated (disassembly with percentages)" bash -c "
		grep -lE '^ +[0-9]+\.[0-9]+ : +[0-9a-f]+:' '$d'/annotate/*.txt"
	t "$k $slug: flame graph is perf's d3 template filled, no http:// or https://" bash -c "
		f='$d/flamegraph.html'; ! grep -qE 'https?://' \"\$f\" && ! grep -q '@flamegraph_json' \"\$f\" &&
		grep -q 'ab_ioctl_run' \"\$f\" && grep -q 'const stacks = \[{' \"\$f\" && grep -q 'd3-flame-graph' \"\$f\""
	t "$k $slug: stacks.folded is folded stacks with counts, through the module" bash -c "
		awk '!/ [0-9]+\$/ { bad++ } END { exit bad > 0 || NR == 0 }' '$d/stacks.folded' && grep -q 'ab_ioctl_run' '$d/stacks.folded'"
	t "$k $slug: stat.txt is perf stat of the loop (task-clock)" grep -q 'task-clock' "$d/stat.txt"
	t "$k $slug: meta says cpu-clock and why (no PMU under TCG)" bash -c "
		grep -qx 'event,cpu-clock' '$d/meta.csv' && grep -q '^cycles,unavailable: ' '$d/meta.csv' && grep -q '^kernel_release,$k' '$d/meta.csv'"
	t "$k $slug: README says what was run and names every file" bash -c "
		for w in 'perf record -a -g -e cpu-clock --kcore' report.txt annotate/ flamegraph.html stacks.folded stat.txt perf.data; do
			grep -qF \"\$w\" '$d/README.md' || { echo \"README lacks \$w\"; exit 1; }; done"
	t "$k $slug: perf.data is re-read offline from the folder alone (module symbols resolve)" bash -c "
		cp -a '$d' '$work/copy' && cd / && perf --buildid-dir '$work/copy/.debug' report -i '$work/copy/perf.data' --stdio -q \
			--sort sym -g none 2>/dev/null | grep -q 'ab_ioctl_run'; rc=\$?; rm -rf '$work/copy'; exit \$rc"
	t "$k $slug: the run's report.md links the deep dive" grep -qF "(perf/$slug/README.md)" "$run/report.md"
}

vm_re='__vmalloc_node_range(_noprof)?|vmap_pages_range|vmap_pages_pte_range|vmap_small_pages_range_noflush'
km_re='__kmalloc|kmalloc_trace|__kmem_cache_alloc|kmem_cache_alloc|slab_alloc'

echo "perf-checks: 6.12: vmalloc pair 1M and kmalloc pair 64 (${secs} s each)"
t0=$(date +%s)
rc=0
POINT="vmalloc pair 1M, kmalloc pair 64" TARGET=vm KERNEL=6.12 PERF_SECONDS=$secs OUT=$work/run-6.12 \
	scripts/perf.sh > "$work/perf-6.12.log" 2>&1 || rc=$?
t "6.12: make perf of two points exits 0 and prints the run folder ($(( $(date +%s) - t0 )) s)" bash -c \
	"[ $rc = 0 ] && tail -n1 '$work/perf-6.12.log' | grep -qx '$work/run-6.12' || { cat '$work/perf-6.12.log'; exit 1; }"
if [ $rc = 0 ]; then
	check_dive "$work/run-6.12" vmalloc-pair-1M-kernel 6.12 "$vm_re" "the vmalloc path ($vm_re)"
	check_dive "$work/run-6.12" kmalloc-pair-64-kernel 6.12 "$km_re" "the kmalloc path"
fi

echo "perf-checks: 6.1: kmalloc pair 64"
t0=$(date +%s)
rc=0
POINT="kmalloc pair 64" TARGET=vm KERNEL=6.1 PERF_SECONDS=$secs OUT=$work/run-6.1 \
	scripts/perf.sh > "$work/perf-6.1.log" 2>&1 || rc=$?
t "6.1: make perf exits 0 ($(( $(date +%s) - t0 )) s)" bash -c "[ $rc = 0 ] || { cat '$work/perf-6.1.log'; exit 1; }"
[ $rc = 0 ] && check_dive "$work/run-6.1" kmalloc-pair-64-kernel 6.1 "$km_re" "the kmalloc path"

echo "perf-checks: perf-diff 6.1 -> 6.12"
if [ -d "$work/run-6.1/perf/kmalloc-pair-64-kernel" ] && [ -d "$work/run-6.12/perf/kmalloc-pair-64-kernel" ]; then
	rc=0
	make -s --no-print-directory perf-diff A="$work/run-6.1/perf/kmalloc-pair-64-kernel" \
		B="$work/run-6.12" POINT="kmalloc pair 64" OUT="$work/diff" > "$work/diff.log" 2>&1 || rc=$?
	t "make perf-diff exits 0" bash -c "[ $rc = 0 ] || { cat '$work/diff.log'; exit 1; }"
	t "diff.txt is perf diff with A as baseline, both kernels' kmalloc paths named" bash -c "
		f='$work/diff/diff.txt'; grep -q '^# Baseline *Delta' \"\$f\" && grep -qE '^ +[0-9.]+% ' \"\$f\" &&
		grep -q '__kmem_cache_alloc_node\|__kmalloc\b' \"\$f\" && grep -q '__kmalloc_noprof' \"\$f\" && grep -q '6.1.0' \"\$f\""
	t "diff-flamegraph.html is differential d3-flame-graph, no http:// or https://" bash -c "
		f='$work/diff/diff-flamegraph.html'; [ -s \"\$f\" ] && ! grep -qE 'https?://' \"\$f\" &&
		grep -q 'differentialColorMapper' \"\$f\" && grep -q 'ab_ioctl_run' \"\$f\" && grep -q '\"delta\"' \"\$f\""
	t "perf-diff README names both dives" bash -c "grep -q 'run-6.1/perf/kmalloc-pair-64-kernel' '$work/diff/README.md' &&
		grep -q 'run-6.12/perf/kmalloc-pair-64-kernel' '$work/diff/README.md'"
	rc=0
	make -s --no-print-directory perf-diff A="$work/run-6.1" B="$work/run-6.12" OUT="$work/diff2" > "$work/o" 2>&1 || rc=$?
	t "perf-diff of a run with two dives and no POINT: asks which, writes nothing" bash -c "
		cat '$work/o'; [ $rc != 0 ] && grep -q 'holds 2 deep dives' '$work/o' && [ ! -e '$work/diff2' ]"
else
	fail "perf-diff: the two kmalloc dives are missing (see above)"
fi

# ---- refusals only a kernel can give ---------------------------------------------------------
echo "perf-checks: refusals (6.1)"
rc=0
POINT="vmalloc pair 1M gfp=atomic" TARGET=vm KERNEL=6.1 PERF_SECONDS=$secs OUT=$work/empty/r \
	scripts/perf.sh > "$work/o" 2>&1 || rc=$?
t "a point the kernel does not offer (vmalloc gfp=atomic): the guest's reason, nothing written" bash -c "
	cat '$work/o'; [ $rc != 0 ] && grep -q 'vmalloc cannot be called with gfp=atomic' '$work/o' && nothing_new '$work/empty'"
kdir=$(scripts/kernel-cache.sh 6.1 2>/dev/null)
ko=$(scripts/build-module.sh "$kdir/build" 2>/dev/null)
cat > "$work/refuse.sh" <<'EOF'
allocbench load /data/allocbench.ko || exit 3
allocbench perf --record-only -s 1 -o /out/r1 "kmalloc pair 8M" > /out/8m.txt 2>&1; echo "rc=$?" >> /out/8m.txt
echo 2 > /proc/sys/kernel/kptr_restrict
allocbench perf --record-only -s 1 -o /out/r2 "kmalloc pair 64" > /out/kptr.txt 2>&1; echo "rc=$?" >> /out/kptr.txt
echo 0 > /proc/sys/kernel/kptr_restrict
ls -A /out > /out/ls.txt
allocbench unload
EOF
rc=0
scripts/vm-run.sh -k 6.1 -t 300 -o "$work/refuse" -f "runner/allocbench-static:/bin/allocbench" \
	-f "$ko:/data/allocbench.ko" -f "$(command -v perf):/bin/perf" "$work/refuse.sh" > "$work/refuse.log" 2>&1 || rc=$?
t "refusal guest ran" bash -c "[ $rc = 0 ] || { cat '$work/refuse.log'; exit 1; }"
t "every allocation fails (kmalloc 8M): says so and why, nothing written" bash -c "
	cat '$work/refuse/8m.txt'; grep -q 'every allocation failed' '$work/refuse/8m.txt' && grep -q 'rc=2' '$work/refuse/8m.txt' &&
	! grep -qx r1 '$work/refuse/ls.txt'"
t "kptr_restrict hiding symbols: says so and how to change it, nothing written" bash -c "
	cat '$work/refuse/kptr.txt'; grep -q 'kernel symbols are hidden' '$work/refuse/kptr.txt' &&
	grep -q 'kptr_restrict is 2' '$work/refuse/kptr.txt' && grep -q 'sysctl kernel.kptr_restrict=0' '$work/refuse/kptr.txt' &&
	! grep -qx r2 '$work/refuse/ls.txt'"

finish
