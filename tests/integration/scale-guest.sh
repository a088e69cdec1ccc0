#!/bin/sh
# Guest script (scripts/vm-run.sh -s 2) for the [scale] checks; $1 = the
# host's cores, $2 = its load average (recorded as host_cores and
# host_loadavg, as make bench does):
#   1. /out/run: a whole run of /data/scale.conf (rows at 1 and 2 threads),
#      /out/guard: a point above the memory guard (/data/scale-guard.conf),
#      /out/over.txt: a config asking for more threads than CPUs;
#   2. /out/kill: /data/scale-kill.conf (long remote_free points) SIGKILLed
#      while its worker kthreads run; free memory must come back to its
#      baseline, no worker may be left, and the module must unload.
# Writes /out/run.rc, /out/run.log, /out/kill.env (key=value). Check on the
# host with tests/integration/scale-checks.sh. Needs /bin/allocbench,
# /data/allocbench.ko, /data/scale.conf, /data/scale-guard.conf,
# /data/scale-over.conf, /data/scale-kill.conf, /data/kill-lib.sh.
. /data/kill-lib.sh
set -u
env=/out/kill.env
: >"$env"
note() { echo "$1=$2" >>"$env"; }
workers() { ps 2>/dev/null | grep -c '\[allocbench/[0-9]'; }

note cpus_online "$(grep -c '^processor' /proc/cpuinfo)"
allocbench load /data/allocbench.ko || exit 3
emulated=yes
[ "${ALLOCBENCH_ACCEL:-tcg}" = kvm ] && emulated=no
allocbench run -c /data/scale.conf -o /out/run --no-report -q --meta target=vm \
	--meta accelerator="${ALLOCBENCH_ACCEL:-unknown}" --meta emulated=$emulated \
	--meta host_cores="${1:-unknown}" --meta host_loadavg="${2:-unknown}" >/out/run.log 2>&1
echo $? >/out/run.rc
# The memory guard: 2 workers x 64 vmallocs of 64M at once is a skipped row.
allocbench run -c /data/scale-guard.conf -o /out/guard --no-report -q >/out/guard.log 2>&1
echo $? >/out/guard.rc
# More threads than CPUs online: an error naming the line, nothing measured.
allocbench run -c /data/scale-over.conf -o /out/over --no-report -q >/out/over.txt 2>&1
echo $? >/out/over.rc

sync
echo 3 >/proc/sys/vm/drop_caches
base=$(free_kb) base_high=$(high_units)
note baseline_free_kb "$base"
allocbench run -c /data/scale-kill.conf -o /out/kill --no-report -q >/out/kill.log 2>&1 &
pid=$!
# Kill while the workers run: wait for them (up to 60 s), then half a second more.
seen=no
end=$(( $(uptime_cs) + 6000 ))
while [ "$(uptime_cs)" -lt $end ] && kill -0 "$pid" 2>/dev/null; do
	if [ "$(workers)" -gt 0 ]; then seen=yes; break; fi
	sleep 0.05
done
sleep 0.5
note workers_seen "$seen"
note workers_at_kill "$(workers)"
note free_kb_at_kill "$(free_kb)"
kill -KILL "$pid" 2>/dev/null
wait "$pid"
note runner_status $?
sync
echo 3 >/proc/sys/vm/drop_caches
# Free memory decides (within 2 %); the high-order blocks are recorded, not waited for.
settle "$base" "" 15
note after_kill_high "$(high_units)"
note baseline_high "$base_high"
note after_kill_free_kb "$settle_free"
note after_kill_delta_percent "$(awk -v a="$base" -v b="$settle_free" 'BEGIN{printf "%.2f", (b-a)*100/a}')"
note after_kill_free_ok "$(free_ok "$base" "$settle_free" && echo yes || echo no)"
note after_kill_wait_s "$settle_s"
note workers_left "$(workers)"
results_state /out/kill
note kill_broken_csvs "$broken_csvs"
if allocbench unload; then note unload ok; else note unload failed; fi
grep -q '^allocbench ' /proc/modules && note unload still_loaded
exit 0
