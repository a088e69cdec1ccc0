# Shared by the guest scripts that SIGKILL the runner or fuzz the module
# (busybox sh; sourced, not run): memory snapshots and waiting for memory
# to come back.
#   free_kb            MemFree plus the pages on per-CPU free lists, kB
#   high_units         "zone:units ..." free blocks of order >= 9 per zone, in
#                      order-9 units (an order-10 block counts 2, so a merge
#                      of two order-9 blocks is no loss)
#   high_ok BASE NOW   every zone of BASE has at least its units minus
#                      ALLOCBENCH_HIGH_SLACK (2) in NOW
#   free_ok BASE NOW   NOW within ALLOCBENCH_FREE_PCT (2) % of BASE
#   settle BASE_FREE BASE_HIGH SECONDS
#                      polls until both are back or SECONDS passed; sets
#                      settle_free, settle_high, settle_s, settle_ok (yes/no)
#   quiesce            sync, drop the page cache, shrink every slab cache,
#                      compact memory: what is movable (result files, page
#                      cache) or merely cached (SLUB's empty slabs, which it
#                      keeps per cache and CPU until asked) no longer hides
#                      free blocks; run before a baseline and before a look
#   small_pcp          pins the per-CPU free lists at their smallest (see below)
#   uptime_cs          uptime in centiseconds
#   seeded N SEED...   a number 0..N-1 from the words after N (md5, reproducible)
#   results_state DIR  what a (killed) run left in DIR: sets final_csvs,
#                      broken_csvs, tmp_files, meta_present

ALLOCBENCH_HIGH_SLACK=${ALLOCBENCH_HIGH_SLACK:-2}
ALLOCBENCH_FREE_PCT=${ALLOCBENCH_FREE_PCT:-2}

free_kb() {
	pcp=$(awk '$1=="count:"{s+=$2} END{print s+0}' /proc/zoneinfo)
	awk -v pcp="$pcp" '$1=="MemFree:"{print $2 + pcp * 4; exit}' /proc/meminfo
}

high_units() {
	awk '{u = $14 + 2 * $15; printf "%s%s:%d", (NR > 1 ? " " : ""), $4, u} END {print ""}' /proc/buddyinfo
}

high_ok() {
	awk -v base="$1" -v now="$2" -v slack="$ALLOCBENCH_HIGH_SLACK" 'BEGIN {
		n = split(now, a, " "); for (i = 1; i <= n; i++) { split(a[i], kv, ":"); cur[kv[1]] = kv[2] }
		n = split(base, b, " "); for (i = 1; i <= n; i++) { split(b[i], kv, ":"); if (cur[kv[1]] + 0 < kv[2] - slack) exit 1 }
		exit 0 }'
}

free_ok() {
	awk -v a="$1" -v b="$2" -v p="$ALLOCBENCH_FREE_PCT" 'BEGIN { d = (b - a) * 100 / a; if (d < 0) d = -d; exit !(d <= p) }'
}

# The per-CPU free lists hold freed pages back from the buddy lists: on a 1G
# guest thousands of pages (8-9k seen after a kill), any one of which keeps
# its order-9 block from merging, so the count of free order-9 blocks after
# a run depends on which pages the kernel happened to cache, not on what the
# module gave back. A large percpu_pagelist_high_fraction pins every list at
# its floor (4 batches), leaving the buddy lists to show what is free. Pages
# the module still held would not be on these lists, so nothing is hidden.
small_pcp() {
	echo 1000000 >/proc/sys/vm/percpu_pagelist_high_fraction 2>/dev/null
}

uptime_cs() { awk '{printf "%d\n", $1 * 100}' /proc/uptime; }

quiesce() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	# /sys/kernel/slab/*/shrink is kmem_cache_shrink(): empty slabs back to
	# the buddy allocator. Without it, where the slabs a run freed happen to
	# sit decides how many order-9 blocks merge again, run to run.
	for _s in /sys/kernel/slab/*/shrink; do echo 1 >"$_s"; done 2>/dev/null
	echo 1 >/proc/sys/vm/compact_memory 2>/dev/null
	return 0
}

settle() {
	_t0=$(uptime_cs)
	_end=$((_t0 + $3 * 100))
	quiesce
	while :; do
		settle_free=$(free_kb)
		settle_high=$(high_units)
		if free_ok "$1" "$settle_free" && high_ok "$2" "$settle_high"; then
			settle_ok=yes
			break
		fi
		if [ "$(uptime_cs)" -ge $_end ]; then
			settle_ok=no
			break
		fi
		sleep 0.2
	done
	settle_s=$(awk -v a="$_t0" -v b="$(uptime_cs)" 'BEGIN{printf "%.1f", (b - a) / 100}')
}

seeded() {
	_n=$1; shift
	_h=$(echo "$*" | md5sum | cut -c1-7)
	echo $(( 0x$_h % _n ))
}

# A final-named CSV must be whole: the runner writes NAME.tmp and renames it
# when complete, so a file under its final name that is empty or does not
# end in a newline was not written that way (a header alone is a valid
# CSV: a kind with no point of its own writes one).
results_state() {
	final_csvs=0 broken_csvs=0 tmp_files=0 meta_present=no
	for f in "$1"/*.csv "$1"/*.csv.gz; do
		[ -f "$f" ] || continue
		final_csvs=$((final_csvs + 1))
		case $f in
		*.gz) gzip -t "$f" 2>/dev/null || broken_csvs=$((broken_csvs + 1)) ;;
		*) if [ ! -s "$f" ] || [ "$(tail -c1 "$f" | od -An -c | tr -d ' ')" != '\n' ]; then
			broken_csvs=$((broken_csvs + 1))
		   fi ;;
		esac
	done
	for f in "$1"/*.tmp; do [ -f "$f" ] && tmp_files=$((tmp_files + 1)); done
	[ -f "$1/meta.csv" ] && meta_present=yes
	return 0
}
