# i386 integration test, guest side (busybox sh, cwd /out): the module on a
# 32-bit kernel, the quick config, abi-abuse and the [vspace] run. Every step
# records its exit code in STEP.rc for the host (tests/integration/i386.sh).
# $1 = quick config (or "-" to skip it), $2 = vspace config; abi-abuse runs
# when /bin/abi-abuse exists.
quick=$1 vspace=$2
step() {	# step NAME CMD...: output in NAME.txt, exit code in NAME.rc
	name=$1; shift
	"$@" > "$name.txt" 2>&1
	echo $? > "$name.rc"
}
emulated=yes
[ "$ALLOCBENCH_ACCEL" = kvm ] && emulated=no
meta="--meta target=vm --meta accelerator=$ALLOCBENCH_ACCEL --meta emulated=$emulated --meta git_revision=integration-test"
# Real addresses in /proc/vmallocinfo for root (the runner does the same for its reads).
echo 1 > /proc/sys/kernel/kptr_restrict
step load allocbench load /data/allocbench.ko
step info allocbench info
if [ "$quick" != - ]; then
	step list allocbench list
	step run allocbench run -c "$quick" -o /out/run --no-report $meta
fi
[ -x /bin/abi-abuse ] && step abi /bin/abi-abuse
# The starting areas once the kernel has let go of what the module load
# left behind: it frees the module's init sections from a work item after an
# RCU grace period, so right after `allocbench load` they may still be listed.
# Taken when two looks half a second apart agree (at most 10 s).
cat /proc/vmallocinfo > vmallocinfo-start.txt
tries=0
while [ $tries -lt 20 ]; do
	sleep 0.5
	cat /proc/vmallocinfo > vmallocinfo-look.txt
	cmp -s vmallocinfo-start.txt vmallocinfo-look.txt && break
	mv vmallocinfo-look.txt vmallocinfo-start.txt
	tries=$((tries + 1))
done
rm -f vmallocinfo-look.txt
dmesg > dmesg-before-vspace.txt
grep -E '^(MemFree|MemAvailable):' /proc/meminfo > meminfo-start.txt
step vspace allocbench run -c "$vspace" -o /out/vspace --no-report $meta
cat /proc/vmallocinfo > vmallocinfo-end.txt
step unload allocbench unload
cat /proc/modules > modules.txt
exit 0
