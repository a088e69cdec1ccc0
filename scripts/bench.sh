#!/usr/bin/env bash
# One benchmark run, end to end: build, load, measure, bring the CSV home,
# render charts and report.md. What `make bench` runs.
#
#   scripts/bench.sh            (settings from the environment:)
#     TARGET=auto|host|vm       auto: host when this kernel can load modules, else vm
#     KERNEL=6.12|6.1|<release>|/path/bzImage:/path/headers   vm target only (default 6.12)
#     CONFIG=configs/default.conf
#     OUT=results/<UTC time>-<host>-<kernel release>
#     ALLOCBENCH_VM_TIMEOUT=seconds before the VM is killed (default 7200)
#
# Prints the result folder on the last line; results/latest points to it.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(dirname "$here")
cd "$top"

TARGET=${TARGET:-auto}
KERNEL=${KERNEL:-6.12}
CONFIG=${CONFIG:-configs/default.conf}
OUT=${OUT:-}

say() { echo "bench: $*" >&2; }
die() { echo "bench: $*" >&2; exit 1; }

[ -f "$CONFIG" ] || die "no config $CONFIG (see configs/README.md)"
case $TARGET in auto|host|vm) ;; *) die "TARGET must be auto, host or vm, not '$TARGET'" ;; esac

# Why the running kernel cannot load our module; empty when it can.
host_blocker() {
	local krel caps
	krel=$(uname -r)
	[ -e /proc/modules ] || { echo "the running kernel $krel has no module support (CONFIG_MODULES=n)"; return; }
	[ "$(cat /proc/sys/kernel/modules_disabled 2>/dev/null || echo 0)" = 0 ] ||
		{ echo "module loading is disabled (kernel.modules_disabled=1)"; return; }
	if grep -qE '\[(integrity|confidentiality)\]' /sys/kernel/security/lockdown 2>/dev/null; then
		echo "the kernel is locked down ($(grep -o '\[[a-z]*\]' /sys/kernel/security/lockdown)): unsigned modules cannot load"; return
	fi
	[ "$(id -u)" = 0 ] || { echo "loading a module needs root"; return; }
	caps=$(awk '/^CapEff:/ { print $2 }' /proc/self/status)
	(( (16#${caps:-0} >> 16) & 1 )) || { echo "no CAP_SYS_MODULE (a container?)"; return; }
	[ -d "/lib/modules/$krel/build" ] ||
		{ echo "no headers for $krel at /lib/modules/$krel/build (apt-get install linux-headers-$krel)"; return; }
	echo
}

blocker=$(host_blocker)
case $TARGET in
auto)
	if [ -z "$blocker" ]; then
		TARGET=host; say "target: host (kernel $(uname -r) can load modules)"
	else
		TARGET=vm; say "target: vm ($blocker; running kernel $KERNEL in QEMU instead)"
	fi ;;
host)
	[ -z "$blocker" ] || die "TARGET=host impossible: $blocker. Use TARGET=vm (QEMU)." ;;
vm) say "target: vm (kernel $KERNEL in QEMU)" ;;
esac

if [ $TARGET = vm ] && ! command -v qemu-system-x86_64 >/dev/null; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		say "installing QEMU and friends (scripts/install-deps.sh)"
		"$here/install-deps.sh" || die "could not install the vm target's dependencies"
	else
		die "neither target can run here: ${blocker:-TARGET=vm was asked for} and QEMU is missing. Install qemu-system-x86 busybox-static cpio (scripts/install-deps.sh as root)"
	fi
fi

git_rev=$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo none)
[ "$git_rev" != none ] && [ -n "$(git -C "$top" status --porcelain -uno 2>/dev/null)" ] && git_rev=$git_rev-dirty

mkdir -p build
# ALLOCBENCH_RUNNER_DIR=dir: use dir/allocbench and dir/allocbench-static as they are (no build).
rdir=${ALLOCBENCH_RUNNER_DIR:-$top/runner}
runner_build() {	# $1 = make target
	[ -n "${ALLOCBENCH_RUNNER_DIR:-}" ] && return 0
	make -s -C runner "$@" > build/runner.log 2>&1 ||
		{ grep -E 'error|warning:' build/runner.log | head -n 15 >&2; die "runner build failed (log: build/runner.log)"; }
}
runner_build
runner=$rdir/allocbench
"$runner" check -c "$CONFIG" >/dev/null || die "config $CONFIG is invalid (see above)"

work=$(mktemp -d "${TMPDIR:-/tmp}/allocbench-bench.XXXXXX")
loaded=0
cleanup() {
	if [ $loaded = 1 ]; then "$runner" unload >/dev/null 2>&1 || say "warning: could not unload allocbench"; fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

stamp=$(date -u +%Y%m%dT%H%M%SZ)
host=$(uname -n | cut -d. -f1)

if [ $TARGET = host ]; then
	krel=$(uname -r)
	OUT=${OUT:-results/$stamp-$host-$krel}
	[ -e "$OUT" ] && die "$OUT already exists"
	ko=$("$here/build-module.sh" "/lib/modules/$krel/build") || die "module build against $krel failed"
	"$runner" load "$ko" || die "could not load $ko"
	loaded=1
	"$runner" run -c "$CONFIG" -o "$OUT" --no-report \
		--meta target=host --meta accelerator=none --meta emulated=no \
		--meta git_revision="$git_rev" || die "the run failed"
	"$runner" unload || say "warning: could not unload allocbench"
	loaded=0
else
	runner_build static
	cmdline=$("$runner" check -c "$CONFIG" --get cmdline)
	memory=$("$runner" check -c "$CONFIG" --get memory)
	case $KERNEL in
	*:*)	# /path/bzImage:/path/headers
		kimage=${KERNEL%%:*} kdir=${KERNEL#*:}
		[ -f "$kimage" ] || die "KERNEL: no kernel image $kimage"
		[ -d "$kdir" ] || die "KERNEL: no headers tree $kdir" ;;
	*)
		say "kernel $KERNEL: fetching into the cache if needed"
		kcache=$("$here/kernel-cache.sh" "$KERNEL") || die "could not get kernel $KERNEL"
		kimage=$kcache kdir=$kcache/build ;;
	esac
	ko=$("$here/build-module.sh" "$kdir") || die "module build against $kdir failed"
	krel=$(basename "$(dirname "$(dirname "$ko")")")
	OUT=${OUT:-results/$stamp-$host-$krel}
	[ -e "$OUT" ] && die "$OUT already exists"
	conf_name=$(basename "$CONFIG")
	qemu_version=$(qemu-system-x86_64 --version | awk 'NR==1 {print $4}')
	cat > "$work/guest.sh" <<'EOF'
# allocbench guest: load, run, unload. $1 = config, $2 = qemu version, $3 = git revision,
# $4 = -q when the host's terminal is not a TTY (the guest console always is one)
conf=$1 qv=$2 rev=$3 quiet=$4
emulated=yes
[ "$ALLOCBENCH_ACCEL" = kvm ] && emulated=no
allocbench load /data/allocbench.ko || exit 3
allocbench run -c "$conf" -o /out/run --no-report $quiet \
	--meta target=vm --meta accelerator="$ALLOCBENCH_ACCEL" --meta emulated=$emulated \
	--meta qemu_version="$qv" --meta git_revision="$rev"
rc=$?
allocbench unload || { echo "allocbench: unload failed"; [ $rc = 0 ] && rc=1; }
exit $rc
EOF
	quiet=
	[ -t 2 ] || quiet=-q	# no live progress line in a log file
	say "booting $krel (memory $memory${cmdline:+, cmdline '$cmdline'}); guest output follows"
	rc=0
	"$here/vm-run.sh" -v -k "$kimage" -m "$memory" ${cmdline:+-c "$cmdline"} \
		-t "${ALLOCBENCH_VM_TIMEOUT:-7200}" -o "$work/vm" \
		-f "$rdir/allocbench-static:/bin/allocbench" \
		-f "$ko:/data/allocbench.ko" -f "$CONFIG:/data/$conf_name" \
		"$work/guest.sh" "/data/$conf_name" "$qemu_version" "$git_rev" "$quiet" || rc=$?
	mkdir -p "$(dirname "$OUT")"
	if [ ! -d "$work/vm/run" ]; then
		cp "$work/vm/console.log" "$OUT.console.log" 2>/dev/null || true
		[ $rc = 124 ] && die "the VM timed out after ${ALLOCBENCH_VM_TIMEOUT:-7200} s (ALLOCBENCH_VM_TIMEOUT); console log: $OUT.console.log"
		[ $rc = 3 ] && die "the module did not load in the VM (see above); console log: $OUT.console.log"
		die "the VM run produced no results (exit $rc); console log: $OUT.console.log"
	fi
	mv "$work/vm/run" "$OUT"
	mkdir -p "$OUT/vm"
	for f in vm.env console.log serial.log dmesg.txt; do
		[ -f "$work/vm/$f" ] && cp "$work/vm/$f" "$OUT/vm/"
	done
	[ $rc = 0 ] || die "the run in the VM failed (exit $rc); partial results and logs in $OUT"
fi

# User-space access latency runs here, on this machine's own CPU, whatever
# target ran the module: these are hardware times even when the module's are
# emulated. uaccess-meta.csv records the machine.
if grep -qE '^[[:space:]]*\[uaccess\]' "$CONFIG"; then
	say "user-space access latency on $(uname -n) (allocbench uaccess -c $CONFIG)"
	"$runner" uaccess -c "$CONFIG" -o "$OUT" -q ||
		say "warning: allocbench uaccess failed; the module's results are unaffected"
fi

"$runner" report "$OUT" || die "report failed for $OUT (the CSV are there; retry: make plots RUN=$OUT)"
mkdir -p results
out_abs=$(cd "$OUT" && pwd)
if [ "$(dirname "$out_abs")" = "$top/results" ]; then
	ln -sfn "$(basename "$out_abs")" results/latest
else
	ln -sfn "$out_abs" results/latest
fi
echo "$OUT"
