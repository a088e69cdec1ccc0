# Debug-kernel test, guest side (busybox sh, cwd /out), run by tests/debug/run.sh
# through scripts/vm-run.sh. Records everything; the host decides what passed.
#
# $1 = config path in the guest; $2 = fuzz requests (0: no fuzz); $3 = fuzz seed;
# $4 = SIGKILLs of the runner per experiment kind (fuzz-guest.sh)
#
#   features.txt      which debug facilities the running kernel offers
#   dmesg-boot.txt    the kernel log before the first module load
#   kmemleak-boot.txt what kmemleak reported at boot (then cleared)
#   preload-*.{txt,rc}  a load/unload cycle before the suite
#   module-texts.txt  where each load put the module's text sections
#                     (symbolizes leak traces once the module is gone)
#   load.* ... unload.*   tests/integration/guest.sh's steps (STEP.txt, STEP.rc)
#   fuzz/             the ioctl fuzz slice: tests/integration/fuzz-guest.sh's
#                     files when it exists (fuzzer, memory shape, reload, kills),
#                     else load, ioctl-fuzz, unload
#   slab-left.txt     slab caches named allocbench* after the last unload
#   page-owner-stacks.txt  page_owner: stacks of every page still allocated
#   kmemleak.txt      kmemleak after two scans following the last unload
conf=$1 fuzz_n=${2:-0} fuzz_seed=${3:-1} fuzz_kills=${4:-1}
kml=/sys/kernel/debug/kmemleak
mark() { echo "allocbench-debug: $*" > /dev/kmsg; }
step() {	# step NAME CMD...: output in NAME.txt, exit code in NAME.rc
	name=$1; shift
	"$@" > "$name.txt" 2>&1
	echo $? > "$name.rc"
}

{
	echo "cmdline $(cat /proc/cmdline)"
	echo "release $(uname -r)"
	[ -e "$kml" ] && echo "kmemleak yes" || echo "kmemleak no"
	[ -e /proc/lockdep ] && echo "lockdep yes" || echo "lockdep no"
	[ -e /sys/kernel/debug/page_owner ] && echo "page_owner yes" || echo "page_owner no"
	[ -e /sys/kernel/debug/page_owner_stacks/show_stacks ] && echo "page_owner_stacks yes" || echo "page_owner_stacks no"
	dmesg | grep -q 'KernelAddressSanitizer initialized' && echo "kasan yes" || echo "kasan no"
	[ -e /sys/kernel/slab/kmalloc-64/red_zone ] && echo "slub_red_zone $(cat /sys/kernel/slab/kmalloc-64/red_zone)"
	[ -e /sys/kernel/slab/kmalloc-64/poison ] && echo "slub_poison $(cat /sys/kernel/slab/kmalloc-64/poison)"
	[ -e /sys/kernel/slab/kmalloc-64/store_user ] && echo "slub_store_user $(cat /sys/kernel/slab/kmalloc-64/store_user)"
	[ -e /sys/kernel/slab/kmalloc-64/sanity_checks ] && echo "slub_sanity_checks $(cat /sys/kernel/slab/kmalloc-64/sanity_checks)"
} > features.txt 2>&1

# Boot-time kmemleak reports are the kernel's own: record them, then clear,
# so what is reported at the end appeared while the tests ran.
if [ -e "$kml" ]; then
	echo scan > "$kml"
	cat "$kml" > kmemleak-boot.txt
	echo clear > "$kml"
fi
dmesg > dmesg-boot.txt
mark "tests start"

# After the last unload, leak traces show the module's frames as bare
# addresses: record where each load put its text (an `allocbench` earlier in
# PATH than the runner, so tests/integration/guest.sh runs unchanged).
mkdir -p /tmp/wrap
cat > /tmp/wrap/allocbench <<'EOW'
#!/bin/sh
# Anything but load is the runner itself (exec: a SIGKILL meant for
# `allocbench run`, as the kill tests send, must reach the runner).
[ "$1" = load ] || exec /bin/allocbench "$@"
/bin/allocbench "$@"
rc=$?
if [ $rc = 0 ] && [ -d /sys/module/allocbench/sections ]; then
	n=$(( $(cat /tmp/wrap/loads 2>/dev/null || echo 0) + 1 ))
	echo $n > /tmp/wrap/loads
	for f in /sys/module/allocbench/sections/.*text*; do
		echo "load$n ${f##*/} $(cat "$f")"
	done >> /out/module-texts.txt
fi
exit $rc
EOW
chmod +x /tmp/wrap/allocbench
export PATH=/tmp/wrap:$PATH

# A load/unload cycle of its own first: init and exit paths alone.
step preload-load allocbench load /data/allocbench.ko
step preload-unload allocbench unload

mark "integration guest part"
sh /data/integration-guest.sh "$conf"

if [ "$fuzz_n" -gt 0 ] 2>/dev/null && [ -x /bin/ioctl-fuzz ]; then
	mark "ioctl fuzz: -s $fuzz_seed -n $fuzz_n, $fuzz_kills kills per kind"
	mkdir -p /out/fuzz
	t0=$(date +%s)
	if [ -f /data/fuzz-guest.sh ]; then
		# The abuse suite's own guest part (tests/integration/fuzz-guest.sh):
		# fuzzer, memory shape, unload/reload, SIGKILLs of the runner.
		(cd /out/fuzz && sh /data/fuzz-guest.sh "$fuzz_seed" "$fuzz_n" 3 "$fuzz_kills" > guest.txt 2>&1)
		echo $? > /out/fuzz/guest.rc
		[ -f /out/fuzz.env ] && mv /out/fuzz.env /out/fuzz/
		[ -d /out/kills ] && mv /out/kills /out/fuzz/
	else
		cd /out/fuzz
		step load allocbench load /data/allocbench.ko
		/bin/ioctl-fuzz -s "$fuzz_seed" -n "$fuzz_n" -j 3 > fuzz.txt 2> fuzz.err
		echo $? > fuzz.rc
		step unload allocbench unload
		cd /out
	fi
	echo $(( $(date +%s) - t0 )) > /out/fuzz/seconds
fi

# Whatever path failed, the module goes before the leak checks.
if grep -q '^allocbench ' /proc/modules; then
	step final-unload allocbench unload
fi
cat /proc/modules > modules-final.txt
mark "tests end: leak checks"

ls /sys/kernel/slab 2>/dev/null | grep -i allocbench > slab-left.txt
if [ -e /sys/kernel/debug/page_owner_stacks/show_stacks ]; then
	cat /sys/kernel/debug/page_owner_stacks/show_stacks > page-owner-stacks.txt 2>&1
fi
if [ -e "$kml" ]; then
	# An object is reported once it is older than 5 s and no reference to it
	# was found; two scans some seconds apart drop transient false positives.
	sleep 6
	echo scan > "$kml"
	sleep 6
	echo scan > "$kml"
	cat "$kml" > kmemleak.txt
fi
mark "done"
exit 0
