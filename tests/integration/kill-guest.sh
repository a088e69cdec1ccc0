#!/bin/sh
# Guest script (busybox sh): SIGKILL `allocbench run` at seeded random
# moments of each experiment kind, and check what the kill left behind.
#
#   sh kill-guest.sh SEED KILLS KIND:CONFIG [KIND:CONFIG...]
#
# Needs /bin/allocbench, the module loaded from $ALLOCBENCH_KO (default
# /data/allocbench.ko) and /data/kill-lib.sh. For each kind: one whole run
# (its duration D, and a warm-up), then KILLS times: a run SIGKILLed after
# D x (5..80 %, from md5 of SEED:KIND:I), memory waited for (up to 5 s),
# what the run left in its folder, the module unloaded and loaded again,
# and a second whole run, whose own effect on the high-order blocks is the
# control the kill is judged against. Every kill writes kills/KIND-I.env
# (key=value, under the current directory); check them on the host with
# tests/integration/kill-checks.sh.
# Exit 0 when every step could be run (the verdicts are the host's).
. /data/kill-lib.sh
seed=${1:?SEED} kills=${2:?KILLS}
shift 2
ko=${ALLOCBENCH_KO:-/data/allocbench.ko}
out=$PWD/kills
mkdir -p "$out"
kptr() { cat /proc/sys/kernel/kptr_restrict 2>/dev/null || echo '?'; }

small_pcp
for spec in "$@"; do
	kind=${spec%%:*} conf=${spec#*:}
	t0=$(uptime_cs)
	allocbench run -c "$conf" -o "$out/$kind-whole" --no-report -q >"$out/$kind-whole.log" 2>&1
	whole_rc=$?
	whole_cs=$(( $(uptime_cs) - t0 ))
	i=1
	while [ "$i" -le "$kills" ]; do
		env=$out/$kind-$i.env dir=$out/$kind-$i
		: >"$env"
		note() { echo "$1=$2" >>"$env"; }
		note kind "$kind"
		note index "$i"
		note seed "$seed"
		note whole_run_rc "$whole_rc"
		note whole_run_s "$(awk -v c="$whole_cs" 'BEGIN{printf "%.2f", c / 100}')"
		# 5 .. 80 % of the first run: later runs are faster (TCG has translated the code)
		permille=$(( 50 + $(seeded 751 "$seed" "$kind" "$i") ))
		delay=$(awk -v c="$whole_cs" -v p="$permille" 'BEGIN{printf "%.2f", c * p / 100000}')
		note kill_after_s "$delay"
		note kill_at_permille "$permille"
		quiesce
		base_free=$(free_kb) base_high=$(high_units) kptr0=$(kptr)
		note baseline_free_kb "$base_free"
		note baseline_high "$base_high"
		cp /proc/meminfo "$dir.meminfo-before"

		allocbench run -c "$conf" -o "$dir" --no-report -q >"$dir.log" 2>&1 &
		pid=$!
		sleep "$delay"
		kill -KILL "$pid" 2>/dev/null
		wait "$pid"
		st=$?
		note runner_status "$st"
		note killed "$([ "$st" = 137 ] && echo yes || echo no)"

		settle "$base_free" "$base_high" 5
		note after_free_kb "$settle_free"
		note free_delta_percent "$(awk -v a="$base_free" -v b="$settle_free" 'BEGIN{printf "%.2f", (b - a) * 100 / a}')"
		note free_recovered "$(free_ok "$base_free" "$settle_free" && echo yes || echo no)"
		note after_high "$settle_high"
		note high_recovered "$(high_ok "$base_high" "$settle_high" && echo yes || echo no)"
		note settle_s "$settle_s"
		cp /proc/buddyinfo "$dir.buddyinfo" 2>/dev/null
		# where the memory is, for a failure's message: the kernel's
		# counters, the pages on per-CPU lists, what the killed run wrote
		# (the guest's files live in RAM)
		cp /proc/meminfo "$dir.meminfo-after"
		note after_pcp_pages "$(awk '$1=="count:"{s+=$2} END{print s+0}' /proc/zoneinfo)"
		note killed_run_kb "$(du -sk "$dir" 2>/dev/null | cut -f1)"

		results_state "$dir"
		note final_csvs "$final_csvs"
		note broken_csvs "$broken_csvs"
		note tmp_files "$tmp_files"
		note meta_present "$meta_present"
		note kptr_restrict_before "$kptr0"
		note kptr_restrict_after "$(kptr)"

		if allocbench unload >>"$dir.log" 2>&1 && ! grep -q '^allocbench ' /proc/modules; then
			note unload ok
		else
			note unload failed
		fi
		if allocbench load "$ko" >>"$dir.log" 2>&1; then note reload ok; else note reload failed; fi
		# The second run is also the control: what a whole run, not killed,
		# does to the high-order blocks (the kernel keeps page tables, slabs
		# and per-CPU lists of its own; a kill must not cost more than that).
		quiesce
		ctl_high=$(high_units)
		if allocbench run -c "$conf" -o "$dir-again" --no-report -q >"$dir-again.log" 2>&1 &&
		   [ -f "$dir-again/meta.csv" ]; then
			note second_run ok
		else
			note second_run failed
		fi
		quiesce
		note control_high_before "$ctl_high"
		note control_high_after "$(high_units)"
		i=$((i + 1))
	done
done
exit 0
