#!/bin/sh
# Guest script (scripts/vm-run.sh) for the fragmentation checks:
#   1. /out/frag: a full run of /data/frag.conf (before / fragmented / after);
#   2. /out/kill: the same config again (more attempts per point, so the
#      hold lasts seconds), SIGKILLed while its hold is active;
#      the module must give every page back when the device file closes;
#   3. /out/kill2: a second full run after the kill, which must work;
#   then the module is unloaded.
# Writes /out/kill.env (key=value: baseline and recovered free memory, the
# verdicts) and /out/kill-rc. Check on the host with
#   tests/integration/limits-checks.sh OUTDIR/frag 6.1|6.12
#   tests/integration/kill-checks.sh OUTDIR
# Needs /bin/allocbench, /data/allocbench.ko, /data/frag.conf, /data/kill-lib.sh.
set -u
rc=0
env=/out/kill.env
: >"$env"
note() { echo "$1=$2" >>"$env"; }

# free_kb: MemFree plus the pages waiting on per-CPU lists (as [frag]
# counts it), kB; shared with the abuse suite's kill tests (kill-guest.sh).
. /data/kill-lib.sh
uptime_s() { cut -d. -f1 /proc/uptime; }
# Free blocks of order >= 6, all zones.
high_blocks() { awk '{s=0; for(i=11;i<=NF;i++) s+=$i; t+=s} END{print t+0}' /proc/buddyinfo; }

allocbench load /data/allocbench.ko || exit 1

# 1. the measured run
allocbench run -c /data/frag.conf -o /out/frag --no-report || rc=1

# 2. SIGKILL during the hold. The same config with more attempts per point,
# so that the fragmented phase lasts seconds, not a fraction of one.
sed -e 's/^attempts *=.*/attempts = 256/' -e 's/^attempts_kernel *=.*/attempts_kernel = 64/' \
	/data/frag.conf >/tmp/kill.conf
sync; echo 3 >/proc/sys/vm/drop_caches 2>/dev/null
base=$(free_kb); hb0=$(high_blocks)
note baseline_free_kb "$base"
note baseline_high_blocks "$hb0"
allocbench run -c /tmp/kill.conf -o /out/kill --no-report >/out/kill.log 2>&1 &
pid=$!
# The hold is active once the runner has announced it and free blocks of
# order >= 6 have (nearly) vanished; give up after 60 s.
held=no
end=$(( $(uptime_s) + 60 ))
while [ "$(uptime_s)" -lt $end ] && kill -0 "$pid" 2>/dev/null; do
	if grep -q "holding one page" /out/kill.log && [ "$(high_blocks)" -le $((hb0 / 20)) ]; then
		held=yes
		break
	fi
	sleep 0.01 2>/dev/null
done
note hold_seen "$held"
note high_blocks_at_kill "$(high_blocks)"
note free_kb_at_kill "$(free_kb)"
kill -KILL "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
st=$?
note runner_status "$st"
# Killed while holding: SIGKILL (137) and no "released" from the runner.
if [ "$held" = yes ] && [ "$st" = 137 ] && ! grep -q "released" /out/kill.log; then
	note killed_while_holding yes
else
	note killed_while_holding no
	rc=1
fi
# The release runs in the last close of the device, in the dying task's
# exit path: wait until free memory is back and half of the baseline's
# high-order blocks are (pages freed to per-CPU lists merge only when the
# lists are flushed: 6.12 decays them from vmstat work, about once a
# second), or 15 s have passed.
i=0
t0=$(uptime_s)
end=$((t0 + 15))
while [ "$(uptime_s)" -le $end ]; do
	now=$(free_kb)
	d=$(awk -v a="$base" -v b="$now" 'BEGIN{d=(b-a)*100/a; if (d<0) d=-d; print (d<=2) ? "ok" : "no"}')
	[ "$d" = ok ] && [ $(( $(high_blocks) * 2 )) -ge "$hb0" ] && break
	sleep 0.1 2>/dev/null
	i=$((i + 1))
done
note after_kill_free_kb "$now"
note after_kill_delta_percent "$(awk -v a="$base" -v b="$now" 'BEGIN{printf "%.2f", (b-a)*100/a}')"
note after_kill_recovered "$([ "$d" = ok ] && echo yes || echo no)"
note after_kill_polls "$i"
note after_kill_wait_s $(( $(uptime_s) - t0 ))
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
