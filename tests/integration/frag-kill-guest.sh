#!/bin/sh
# Guest script (scripts/vm-run.sh) for the fragmentation checks of issue 3:
#   1. /out/frag: a full run of /data/frag.conf (before / fragmented / after);
#   2. /out/kill: the same config again, SIGKILLed while its hold is active;
#      the module must give every page back when the device file closes;
#   3. /out/kill2: a second full run after the kill, which must work;
#   then the module is unloaded.
# Writes /out/kill.env (key=value: baseline and recovered free memory, the
# verdicts) and /out/kill-rc. Check on the host with
#   tests/integration/limits-checks.sh OUTDIR/frag 6.1|6.12
#   tests/integration/kill-checks.sh OUTDIR
# Needs /bin/allocbench, /data/allocbench.ko, /data/frag.conf.
set -u
rc=0
env=/out/kill.env
: >"$env"
note() { echo "$1=$2" >>"$env"; }

# MemFree plus the pages waiting on per-CPU lists (as [frag] counts it), kB.
free_kb() {
	pcp=$(awk '$1=="count:"{s+=$2} END{print s+0}' /proc/zoneinfo)
	awk -v pcp="$pcp" '$1=="MemFree:"{print $2 + pcp * 4; exit}' /proc/meminfo
}
# Free blocks of order >= 6, all zones.
high_blocks() { awk '{s=0; for(i=11;i<=NF;i++) s+=$i; t+=s} END{print t+0}' /proc/buddyinfo; }

allocbench load /data/allocbench.ko || exit 1

# 1. the measured run
allocbench run -c /data/frag.conf -o /out/frag --no-report || rc=1

# 2. SIGKILL during the hold
sync; echo 3 >/proc/sys/vm/drop_caches 2>/dev/null
base=$(free_kb); hb0=$(high_blocks)
note baseline_free_kb "$base"
note baseline_high_blocks "$hb0"
allocbench run -c /data/frag.conf -o /out/kill --no-report >/out/kill.log 2>&1 &
pid=$!
# The hold is active once free blocks of order >= 6 have (nearly) vanished
# while the runner is alive; give up after 60 s.
held=no
i=0
while [ $i -lt 600 ] && kill -0 "$pid" 2>/dev/null; do
	hb=$(high_blocks)
	if [ "$hb" -le $((hb0 / 20)) ]; then
		held=yes
		break
	fi
	sleep 0.1
	i=$((i + 1))
done
note hold_seen "$held"
note high_blocks_at_kill "$(high_blocks)"
note free_kb_at_kill "$(free_kb)"
kill -KILL "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
note runner_status "$?"
# The release runs in the last close of the device, in the dying task's
# exit path: wait until free memory is back or 10 s have passed.
i=0
while [ $i -lt 100 ]; do
	now=$(free_kb)
	d=$(awk -v a="$base" -v b="$now" 'BEGIN{d=(b-a)*100/a; if (d<0) d=-d; print (d<=2) ? "ok" : "no"}')
	[ "$d" = ok ] && break
	sleep 0.1
	i=$((i + 1))
done
note after_kill_free_kb "$now"
note after_kill_delta_percent "$(awk -v a="$base" -v b="$now" 'BEGIN{printf "%.2f", (b-a)*100/a}')"
note after_kill_recovered "$([ "$d" = ok ] && echo yes || echo no)"
note after_kill_wait_ms $((i * 100))
note after_kill_high_blocks "$(high_blocks)"
[ "$held" = yes ] && [ "$d" = ok ] || rc=1

# 3. a second run works
if allocbench run -c /data/frag.conf -o /out/kill2 --no-report >/out/kill2.log 2>&1; then
	note second_run ok
else
	note second_run failed
	rc=1
fi

if allocbench unload; then note unload ok; else note unload failed; rc=1; fi
lsmod 2>/dev/null | grep -q allocbench && { note unload still_loaded; rc=1; }
echo "$rc" >/out/kill-rc
exit $rc
