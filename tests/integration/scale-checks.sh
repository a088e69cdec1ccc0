#!/usr/bin/env bash
# [scale] in a VM with 2 vCPUs on each Debian kernel, checked from the host.
#
#   tests/integration/scale-checks.sh [KERNEL...]     (default: 6.1 6.12)
#
# Per kernel, one boot (scripts/vm-run.sh -s 2, tests/integration/scale-guest.sh):
# a small [scale] run (kmalloc, kmem_cache, vmalloc, alloc_pages x pair,
# burst, remote_free x 1 and 2 threads), then a runner SIGKILLed while its
# workers run. Checks: a row per point, measured; remote_free at 2 threads
# frees on the other CPU (remote_frees > 0); the CSVs' invariants; memory
# back to its baseline within 2 % after the kill, no worker left, unload;
# dmesg clean; `allocbench report` on the host renders the scale charts.
# Last line "N passed, N failed". KEEP=1 keeps the work folder.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
cd "$top"
kernels=("$@")
[ ${#kernels[@]} -gt 0 ] || kernels=(6.1 6.12)

passed=0 failed=0
pass() { passed=$((passed + 1)); echo "  ok   $*"; }
fail() { failed=$((failed + 1)); echo "  FAIL $*"; }
t() {
	local name=$1 _o; shift
	if _o=$("$@" 2>&1); then pass "$name"; else fail "$name"; [ -n "$_o" ] && printf '%s\n' "$_o" | head -n 15 | sed 's/^/       /'; fi
}
finish() { echo "scale: $passed passed, $failed failed"; [ $failed = 0 ]; exit; }

work=$(mktemp -d "${TMPDIR:-/tmp}/allocbench-scale.XXXXXX")
if [ "${KEEP:-0}" = 1 ]; then echo "scale: work folder $work"; else trap 'rm -rf "$work"' EXIT; fi

cat >"$work/scale.conf" <<'CONF'
[run]
name = scale-test
cmdline = init_on_alloc=0
memory = 1G
smp = 2
[scale]
allocators = kmalloc, kmem_cache, vmalloc, alloc_pages
sizes = 64
patterns = pair, burst, remote_free
threads = 1, 2
burst = 32
duration_ms = 150
warmup_ms = 20
sample_every = 16
samples_per_thread = 1024
CONF
# Long points holding memory (2 x 256 x 64K in flight, rings besides): the kill lands in one.
cat >"$work/scale-kill.conf" <<'CONF'
[run]
name = scale-kill
smp = 2
[scale]
allocators = vmalloc
sizes = 64K
patterns = remote_free
threads = 2
burst = 256
duration_ms = 20000
warmup_ms = 0
CONF

cat >"$work/scale-guard.conf" <<'CONF'
[scale]
allocators = vmalloc
sizes = 64M
patterns = burst
threads = 2
burst = 64
duration_ms = 50
warmup_ms = 0
CONF
printf '[run]\nsmp = 2\n[scale]\nthreads = 1, 3\n' >"$work/scale-over.conf"

echo "scale: building runner (static and host)"
t "runner builds" make -s -C runner
t "runner-static builds" make -s -C runner static
runner=$top/runner/allocbench
[ -x "$runner" ] && [ -x runner/allocbench-static ] || { echo "scale: no runner, cannot go on"; finish; }
t "scale.conf and scale-kill.conf are valid" bash -c "'$runner' check -c '$work/scale.conf' >/dev/null && '$runner' check -c '$work/scale-kill.conf' >/dev/null"
t "configs/scale.conf is valid" "$runner" check -c configs/scale.conf

# col FILE: awk program printing fields by header name (h["name"]).
csv() { awk -F, "NR==1{for(i=1;i<=NF;i++)h[\$i]=i;next} $2" "$1"; }

rows_check() {	# every allocator x pattern x {1,2} threads: one row, status ok, ops > 0
	local f=$1 a p n miss=0
	for a in kmalloc kmem_cache vmalloc alloc_pages; do for p in pair burst remote_free; do for n in 1 2; do
		r=$(csv "$f" "\$h[\"allocator\"]==\"$a\" && \$h[\"pattern\"]==\"$p\" && \$h[\"threads\"]==$n {print \$h[\"status\"], \$h[\"total_ops\"], \$h[\"samples\"], \$h[\"p99_ns\"]}")
		set -- $r
		if [ "${1:-}" != ok ] || [ "${2:-0}" -le 0 ] || [ "${3:-0}" -le 0 ] || [ -z "${4:-}" ]; then
			echo "$a $p $n: '${r:-no row}'"; miss=1
		fi
	done; done; done
	return $miss
}
remote_check() {	# remote_free at 2 threads: frees on the other CPU; at 1 thread: none
	csv "$1" '$h["pattern"]=="remote_free" && $h["threads"]==2 && !($h["remote_frees"]>0) {print "2 threads:", $h["allocator"], "remote_frees", $h["remote_frees"]; bad=1}
		$h["pattern"]=="remote_free" && $h["threads"]==1 && $h["remote_frees"]!=0 {print "1 thread:", $h["allocator"], "remote_frees", $h["remote_frees"]; bad=1}
		$h["pattern"]!="remote_free" && $h["remote_frees"]!=0 {print $h["pattern"], $h["allocator"], "remote_frees", $h["remote_frees"]; bad=1}
		END{exit bad}'
}
invariants() {	# per-thread rows add up; fairness in range; threads bound to distinct CPUs
	local d=$1
	csv "$d/scale.csv" '$h["status"]=="ok" { r=$h["fairness_min_max_ratio"]; if (r=="" || r<0 || r>1) {print "ratio", r; bad=1}
		if ($h["thread_ops_per_s_min"] > $h["thread_ops_per_s_max"]) {print "min>max"; bad=1}
		if ($h["p50_ns"] > $h["p99_ns"]) {print "p50>p99", $h["allocator"]; bad=1}
		if ($h["cpus_online"] != 2) {print "cpus_online", $h["cpus_online"]; bad=1} } END{exit bad}' || return 1
	awk -F, 'NR==1{for(i=1;i<=NF;i++)h[$i]=i;next} {k=$h["allocator"]" "$h["pattern"]" "$h["threads"]; ops[k]+=$h["ops"]; n[k]++; c[k" "$h["cpu"]]++}
		END{for (x in c) if (c[x] > 1) {print "two workers on one CPU:", x; bad=1}; for (k in n) {split(k, a, " "); if (n[k] != a[3]) {print k, n[k], "workers"; bad=1}}; exit bad}' "$d/scale-threads.csv" || return 1
	[ "$(zcat "$d/scale-samples.csv.gz" | head -n1)" = "allocator,pattern,gfp,size_bytes,threads,repeat,thread,cpu,seq,ticks" ] &&
		[ "$(zcat "$d/scale-samples.csv.gz" | wc -l)" -gt 100 ] || { echo "scale-samples.csv.gz"; return 1; }
	grep -q '^config_smp,2$' "$d/meta.csv" || { echo "meta.csv: no config_smp,2"; return 1; }
}
kv() { awk -F= -v k="$2" '$1==k{print $2; exit}' "$1"; }
kill_check() {
	local e=$1
	[ "$(kv "$e" workers_seen)" = yes ] || { echo "workers never seen running"; cat "$e"; return 1; }
	[ "$(kv "$e" runner_status)" = 137 ] || { echo "runner not killed"; cat "$e"; return 1; }
	[ "$(kv "$e" after_kill_free_ok)" = yes ] || { echo "free memory not back within 2 %"; cat "$e"; return 1; }
	[ "$(kv "$e" workers_left)" = 0 ] || { echo "workers left"; cat "$e"; return 1; }
	[ "$(kv "$e" kill_broken_csvs)" = 0 ] || { echo "a killed run left a CSV that looks whole"; return 1; }
	[ "$(kv "$e" unload)" = ok ] || { echo "unload: $(kv "$e" unload)"; return 1; }
}
charts_check() {
	local d=$1 m p
	for m in ops p99 eff; do for p in pair burst remote_free; do
		python3 -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' "$d/charts/scale-$m-$p.svg" || { echo "scale-$m-$p.svg"; return 1; }
		head -c 8 "$d/charts/scale-$m-$p.png" | od -An -c | grep -q 'P   N   G' || { echo "scale-$m-$p.png"; return 1; }
		for a in kmalloc kmem_cache vmalloc alloc_pages; do grep -q "$a" "$d/charts/scale-$m-$p.svg" || { echo "$a not in scale-$m-$p.svg"; return 1; }; done
	done; done
	grep -q '^## Many CPUs at once (scale)' "$d/report.md" && grep -q 'not scaling data' "$d/report.md" &&
		grep -q 'at most as many vCPUs as the host has cores' "$d/report.md" || { echo "report.md: no scale section"; return 1; }
}

for k in "${kernels[@]}"; do
	t0=$(date +%s)
	echo "scale: kernel $k"
	kcache=$(scripts/kernel-cache.sh "$k" 2>"$work/kc.err") || { fail "$k: kernel cache"; sed 's/^/       /' "$work/kc.err"; continue; }
	ko=$(scripts/build-module.sh "$kcache/build" 2>"$work/build.err") || { fail "$k: module builds"; sed 's/^/       /' "$work/build.err" | tail -n 20; continue; }
	out=$work/$k
	vrc=0
	scripts/vm-run.sh -k "$kcache" -m 1G -s 2 -c init_on_alloc=0 -t "${ALLOCBENCH_VM_TIMEOUT:-600}" -o "$out" \
		-f runner/allocbench-static:/bin/allocbench -f "$ko:/data/allocbench.ko" \
		-f "$work/scale.conf:/data/scale.conf" -f "$work/scale-kill.conf:/data/scale-kill.conf" \
		-f "$work/scale-guard.conf:/data/scale-guard.conf" -f "$work/scale-over.conf:/data/scale-over.conf" \
		-f "$here/kill-lib.sh:/data/kill-lib.sh" \
		"$here/scale-guest.sh" "$(nproc)" "$(cut -d' ' -f1 /proc/loadavg)" 2>"$work/vm.err" || vrc=$?
	if [ $vrc = 0 ]; then pass "$k: VM with 2 vCPUs boots, guest script completes ($(kv "$out/vm.env" accelerator), smp $(kv "$out/vm.env" smp))"; else
		fail "$k: VM boots and the guest script completes (exit $vrc)"; tail -n 20 "$work/vm.err" | sed 's/^/       /'; continue; fi
	t "$k: 2 CPUs online in the guest" [ "$(kv "$out/kill.env" cpus_online)" = 2 ]
	t "$k: allocbench run of the [scale] config" bash -c "[ \"\$(cat '$out/run.rc')\" = 0 ] || { tail -n 20 '$out/run.log'; exit 1; }"
	t "$k: scale.csv: kmalloc, kmem_cache, vmalloc, alloc_pages x pair, burst, remote_free x 1, 2 threads, all measured" rows_check "$out/run/scale.csv"
	t "$k: remote_free at 2 threads frees on the other CPU (remote_frees > 0); none elsewhere" remote_check "$out/run/scale.csv"
	t "$k: scale.csv, scale-threads.csv, scale-samples.csv.gz and meta.csv invariants" invariants "$out/run"
	t "$k: memory guard: a point above the module's budget is a skipped row with the reason" bash -c \
		"[ \"\$(cat '$out/guard.rc')\" = 0 ] && grep -q ',burst,kernel,2,64,0,skipped,.memory guard: ' '$out/guard/scale.csv' || { cat '$out/guard.log' '$out/guard/scale.csv'; exit 1; }"
	t "$k: more threads than CPUs online: an error naming FILE:LINE, nothing measured" bash -c \
		"[ \"\$(cat '$out/over.rc')\" != 0 ] && grep -q 'scale-over.conf:4: threads: 3 is more than the 2 CPUs online here' '$out/over.txt' && [ ! -e '$out/over/scale.csv' ] || { cat '$out/over.txt'; exit 1; }"
	t "$k: SIGKILL mid-point: memory back within 2 %, no worker left, module unloads" kill_check "$out/kill.env"
	t "$k: dmesg has no WARNING/BUG/Oops/Call Trace/allocation failure/OOM" bash -c \
		"! grep -E 'WARNING:|BUG:|\\bOops\\b|Call Trace|page allocation failure|general protection|oom-kill|Out of memory' '$out/dmesg.txt'"
	if "$runner" report "$out/run" >"$work/report.out" 2>&1; then
		pass "$k: allocbench report on the host"; else fail "$k: allocbench report on the host"; tail -n 15 "$work/report.out" | sed 's/^/       /'; fi
	t "$k: scale charts (ops, p99, efficiency per pattern): SVG well-formed with every allocator, PNG; report section" charts_check "$out/run"
	t "$k: terminal summary has the scale line" grep -q '^scale: efficiency at 2 threads' "$work/report.out"
	echo "scale: kernel $k took $(( $(date +%s) - t0 )) s"
	cp "$work/report.out" "$out/report.out" 2>/dev/null
done
finish
