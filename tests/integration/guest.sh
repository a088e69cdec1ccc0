# Integration test, guest side (busybox sh, cwd /out). Every step records its
# exit code in STEP.rc so the host can name what failed.
# $1 = config path in the guest
conf=$1
step() {	# step NAME CMD...: output in NAME.txt, exit code in NAME.rc
	name=$1; shift
	"$@" > "$name.txt" 2>&1
	echo $? > "$name.rc"
}
emulated=yes
[ "$ALLOCBENCH_ACCEL" = kvm ] && emulated=no
step load allocbench load /data/allocbench.ko
step info allocbench info
step list allocbench list
step run allocbench run -c "$conf" -o /out/run --no-report \
	--meta target=vm --meta accelerator="$ALLOCBENCH_ACCEL" --meta emulated=$emulated \
	--meta git_revision=integration-test
step abi /bin/abi-abuse
step unload allocbench unload
cat /proc/modules > modules.txt
exit 0
