#!/bin/sh
# Guest script (scripts/vm-run.sh, busybox sh, cwd /out) of the abuse suite:
#   1. the ioctl fuzzer (/bin/ioctl-fuzz -s SEED -n N -j CHILDREN), after a
#      warm-up (ioctl-fuzz -w) and a baseline;
#   2. memory back in its starting shape: MemFree plus per-CPU lists within
#      2 % of the start, free blocks of order >= 9 per zone at least the
#      start's minus 2 (caches dropped and memory compacted before both
#      looks, so result files and page cache do not count; waited for up to
#      15 s: 6.12 drains its per-CPU lists within seconds, 6.1 never);
#   3. the module unloads, is gone, loads again and answers INFO;
#   4. KILLS SIGKILLs of `allocbench run` per experiment kind
#      (/data/kill-guest.sh with /data/kill/KIND.conf), then a last unload.
#
#   sh fuzz-guest.sh SEED N CHILDREN KILLS
#
# Writes, in the current directory: fuzz.txt / fuzz.err / fuzz.rc, fuzz.env
# (key=value), buddyinfo-*.txt, meminfo-{start,after}.txt, dmesg-fuzz.txt
# (after the fuzz), dmesg-end.txt (at the end), kills/, and STEP.txt /
# STEP.rc for load, warmup, unload, reload, info, kills, unload2.
# Check on the host with tests/integration/fuzz-checks.sh OUTDIR.
. /data/kill-lib.sh
seed=${1:?SEED} n=${2:?N} children=${3:?CHILDREN} kills=${4:-0}
env=$PWD/fuzz.env
: >"$env"
note() { echo "$1=$2" >>"$env"; }
step() {	# step NAME CMD...: output in NAME.txt, exit code in NAME.rc
	name=$1; shift
	"$@" >"$name.txt" 2>&1
	echo $? >"$name.rc"
}
note seed "$seed"
note requests "$n"
note children "$children"
note cmdline "$(cat /proc/cmdline)"

step load allocbench load /data/allocbench.ko
# What the kernel builds once and keeps (vmalloc-area page tables, kthread
# stacks) is built before the baseline: see ioctl-fuzz -w.
step warmup /bin/ioctl-fuzz -w
quiesce
sleep 1
base_free=$(free_kb) base_high=$(high_units)
cp /proc/buddyinfo buddyinfo-start.txt
cp /proc/meminfo meminfo-start.txt
note start_free_kb "$base_free"
note start_high "$base_high"

t0=$(uptime_cs)
/bin/ioctl-fuzz -s "$seed" -n "$n" -j "$children" >fuzz.txt 2>fuzz.err
echo $? >fuzz.rc
note fuzz_s "$(awk -v c=$(( $(uptime_cs) - t0 )) 'BEGIN{printf "%.1f", c / 100}')"
dmesg >dmesg-fuzz.txt

settle "$base_free" "$base_high" 15
# What the module itself allocated must all be gone: vmalloc areas whose
# caller is one of its functions, and its private slab caches.
grep -E '\[allocbench\]' /proc/vmallocinfo >vmalloc-allocbench.txt
grep -E '^allocbench-' /proc/slabinfo >slab-allocbench.txt
cp /proc/buddyinfo buddyinfo-after.txt
cp /proc/meminfo meminfo-after.txt
note after_free_kb "$settle_free"
note after_high "$settle_high"
note free_delta_percent "$(awk -v a="$base_free" -v b="$settle_free" 'BEGIN{printf "%.2f", (b - a) * 100 / a}')"
note free_recovered "$(free_ok "$base_free" "$settle_free" && echo yes || echo no)"
note high_recovered "$(high_ok "$base_high" "$settle_high" && echo yes || echo no)"
note settle_s "$settle_s"

step unload allocbench unload
grep '^allocbench ' /proc/modules >modules-after-unload.txt
cp /proc/buddyinfo buddyinfo-unloaded.txt
note unloaded_free_kb "$(free_kb)"
note unloaded_high "$(high_units)"
step reload allocbench load /data/allocbench.ko
step info allocbench info

note kills_asked "$kills"
if [ "$kills" -gt 0 ]; then
	set --
	for kind in latency access mapping probe frag overhead; do
		[ -f "/data/kill/$kind.conf" ] && set -- "$@" "$kind:/data/kill/$kind.conf"
	done
	t0=$(uptime_cs)
	step kills sh /data/kill-guest.sh "$seed" "$kills" "$@"
	note kills_s "$(awk -v c=$(( $(uptime_cs) - t0 )) 'BEGIN{printf "%.1f", c / 100}')"
fi
step unload2 allocbench unload
dmesg >dmesg-end.txt
exit 0
