#!/usr/bin/env bash
# One benchmark run, end to end: build, load, measure, bring the CSV home,
# render charts and report.md. What `make bench` runs.
#
#   scripts/bench.sh            (settings from the environment:)
#     TARGET=auto|host|vm       auto: host when this kernel can load modules, else vm
#     KERNEL=6.12|6.1|6.1-686|<release>|/path/bzImage:/path/headers   vm target only (default 6.12;
#                               6.1-686 is the 32-bit kernel: the guest gets the 32-bit static runner)
#     CONFIG=configs/default.conf
#     OUT=results/<UTC time>-<host>-<kernel release>
#     ALLOCBENCH_VM_TIMEOUT=seconds before the VM is killed (default 7200)
#     ALLOCBENCH_SIGN_KEY=key.priv ALLOCBENCH_SIGN_CERT=cert.der   host target under
#                               lockdown (Secure Boot): sign allocbench.ko with this key
#                               (a Machine Owner Key enrolled with mokutil) before loading
#
# Prints the result folder on the last line; results/latest points to it.
# Exit status: 0; 3 when the module cannot be loaded on the host target (not
# root, no headers, lockdown, another build loaded), nothing written then; 1
# for any other failure.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(dirname "$here")
cd "$top"

TARGET=${TARGET:-auto}
KERNEL=${KERNEL:-6.12}
CONFIG=${CONFIG:-configs/default.conf}
OUT=${OUT:-}
CMDLINE=${CMDLINE:-}

# Several kernels (KERNEL="6.1 6.12"), command lines (CMDLINE="a|b") or REPEAT=N:
# scripts/matrix.sh runs every cell through this script, then compares them.
if [ -z "${ALLOCBENCH_MATRIX_CELL:-}" ] && { [[ $KERNEL == *[[:space:]]* ]] || [[ $CMDLINE == *"|"* ]] || [ -n "${REPEAT:-}" ]; }; then
	exec "$here/matrix.sh"
fi

say() { echo "bench: $*" >&2; }
die() { echo "bench: $*" >&2; exit 1; }
# The host target cannot load the module: exit 3, as `allocbench load` does.
die_load() { echo "bench: $*" >&2; exit 3; }

[ -f "$CONFIG" ] || die "no config $CONFIG (see configs/README.md)"
case $TARGET in auto|host|vm) ;; *) die "TARGET must be auto, host or vm, not '$TARGET'" ;; esac

sign_key=${ALLOCBENCH_SIGN_KEY:-} sign_cert=${ALLOCBENCH_SIGN_CERT:-}
if [ -n "$sign_key$sign_cert" ]; then
	[ -f "$sign_key" ] && [ -f "$sign_cert" ] ||
		die "signing needs both ALLOCBENCH_SIGN_KEY (private key) and ALLOCBENCH_SIGN_CERT (its certificate) as files"
fi

# Why the running kernel cannot load our module (blocker, empty when it can);
# root_only=1 when not being root is all that stands in the way.
blocker= root_only=0
host_blocker() {
	local krel caps level
	krel=$(uname -r)
	[ -e /proc/modules ] || { blocker="the running kernel $krel has no module support (CONFIG_MODULES=n)"; return; }
	[ "$(cat /proc/sys/kernel/modules_disabled 2>/dev/null || echo 0)" = 0 ] ||
		{ blocker="module loading is disabled (kernel.modules_disabled=1)"; return; }
	level=$(grep -o '\[[a-z]*\]' /sys/kernel/security/lockdown 2>/dev/null | tr -d '[]' || true)
	if [ -n "$level" ] && [ "$level" != none ] && [ -z "$sign_key" ]; then
		blocker="the kernel is locked down (lockdown=$level, as under Secure Boot): it loads only modules signed with a key it trusts, and allocbench.ko is unsigned. For the host target, enroll a Machine Owner Key once (mokutil --import MOK.der, reboot, confirm in MokManager), then: sudo make bench TARGET=host ALLOCBENCH_SIGN_KEY=MOK.priv ALLOCBENCH_SIGN_CERT=MOK.der"
		return
	fi
	if [ -n "$level" ] && [ "$level" != none ]; then
		say "the kernel is locked down (lockdown=$level): signing allocbench.ko with $sign_key"
	fi
	local headers="no headers for $krel at /lib/modules/$krel/build: install the package linux-headers-$krel (apt-get install linux-headers-$krel)"
	if [ "$(id -u)" != 0 ]; then
		if [ -d "/lib/modules/$krel/build" ]; then
			blocker="loading a module needs root (this is $(id -un)): run sudo make bench"; root_only=1
		else
			blocker="$headers; loading a module also needs root"
		fi
		return
	fi
	caps=$(awk '/^CapEff:/ { print $2 }' /proc/self/status)
	(( (16#${caps:-0} >> 16) & 1 )) || { blocker="no CAP_SYS_MODULE (a container?)"; return; }
	[ -d "/lib/modules/$krel/build" ] || { blocker=$headers; return; }
}

host_blocker
case $TARGET in
auto)
	if [ -z "$blocker" ]; then
		TARGET=host; say "target: host (kernel $(uname -r) can load modules: root, module support, no lockdown, headers at /lib/modules/$(uname -r)/build)"
	elif [ $root_only = 1 ]; then
		# This machine can give real hardware numbers: a silent fallback to an
		# emulated VM would hide that a sudo was all it took.
		die_load "target: not chosen: kernel $(uname -r) can run the module, but $blocker for real hardware numbers, or make bench TARGET=vm for an emulated run in QEMU without root"
	else
		TARGET=vm; say "target: vm ($blocker; running kernel $KERNEL in QEMU instead)"
	fi ;;
host)
	[ -z "$blocker" ] || die_load "TARGET=host impossible: $blocker. Or use TARGET=vm (QEMU)." ;;
vm) say "target: vm (kernel $KERNEL in QEMU)" ;;
esac
[ $TARGET = host ] && [ -n "$CMDLINE" ] && die "CMDLINE needs TARGET=vm: the host runs the kernel command line it booted with"

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
# Parallel builds (one job per CPU), unless a parent make already shares its jobserver.
jobs=-j$(nproc 2>/dev/null || echo 1)
case ${MAKEFLAGS:-} in *-j*|*jobserver*) jobs= ;; esac
runner_build() {	# $1 = make target
	[ -n "${ALLOCBENCH_RUNNER_DIR:-}" ] && return 0
	make -s $jobs -C runner "$@" > build/runner.log 2>&1 ||
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
	kdir=/lib/modules/$krel/build
	ko=$("$here/build-module.sh" "$kdir") || die "module build against $krel failed"
	if [ -n "$sign_key" ]; then	# a signed copy: the build's own .ko stays as built
		cp "$ko" "$work/allocbench.ko"
		"$kdir/scripts/sign-file" sha256 "$sign_key" "$sign_cert" "$work/allocbench.ko" ||
			die "could not sign $ko with $sign_key ($kdir/scripts/sign-file)"
		ko=$work/allocbench.ko
	fi
	# An allocbench already loaded: use it only when it is this very build, by
	# its ELF build ID (srcversion misses headers outside the module's folder,
	# the ABI header among them), and it speaks this runner's ABI.
	keep_loaded=0
	if [ -d /sys/module/allocbench ]; then
		hex() { od -An -v -tx1 | tr -d ' \n'; }
		have=$(hex < /sys/module/allocbench/notes/.note.gnu.build-id 2>/dev/null || true)
		want=
		objcopy -O binary --only-section=.note.gnu.build-id "$ko" "$work/ko.id" 2>/dev/null && want=$(hex < "$work/ko.id")
		if [ -z "$have" ] || [ -z "$want" ]; then
			have=$(cat /sys/module/allocbench/srcversion 2>/dev/null || echo unknown)
			want=$(modinfo -F srcversion "$ko" 2>/dev/null || echo "not $have")
		fi
		abi=$("$runner" info 2>&1 >/dev/null) && abi= || abi=$(echo "$abi" | head -n 1 | sed 's/^allocbench: //; s/:.*//')
		if [ "$have" = "$want" ] && [ -z "$abi" ]; then
			say "allocbench is already loaded from this very build (build ID ${have: -12}): using it, leaving it loaded"
			keep_loaded=1
		else
			die_load "an allocbench module from another build is already loaded (build ID ${have: -12}, this build ${want: -12}${abi:+; $abi}). Unload it once no other allocbench run uses it: sudo runner/allocbench unload (or sudo rmmod allocbench), then run make bench again"
		fi
	fi
	if [ $keep_loaded = 0 ]; then
		if ! "$runner" load "$ko"; then
			[ -n "$sign_key" ] && say "allocbench.ko was signed with $sign_cert: the kernel trusts it only once that key is enrolled (check: mokutil --test-key $sign_cert; enroll: sudo mokutil --import $sign_cert, reboot, confirm in MokManager)"
			die_load "could not load $ko (see above)"
		fi
		loaded=1
	fi
	# The host may itself be a virtual machine: under QEMU's TCG its times are
	# emulated, and the run must say so like the vm target's.
	virt=$(systemd-detect-virt --vm 2>/dev/null || true)
	virt=${virt:-unknown}
	accel=none emulated=no
	if [ "$virt" = qemu ]; then
		accel=tcg emulated=yes
		say "note: this host is a QEMU guest without KVM (TCG): its times are emulated, not hardware times"
	fi
	"$runner" run -c "$CONFIG" -o "$OUT" --no-report \
		--meta target=host --meta accelerator=$accel --meta emulated=$emulated \
		--meta virtualization="$virt" --meta git_revision="$git_rev" \
		--meta host_cores="$(nproc)" --meta host_loadavg="$(cut -d' ' -f1 /proc/loadavg)" ||
		die "the run failed"
	if [ $loaded = 1 ]; then
		"$runner" unload || say "warning: could not unload allocbench"
		loaded=0
	fi
else
	cmdline=$("$runner" check -c "$CONFIG" --get cmdline)
	[ -n "$CMDLINE" ] && cmdline=$CMDLINE	# CMDLINE=...: replaces the config's cmdline
	memory=$("$runner" check -c "$CONFIG" --get memory)
	smp=$("$runner" check -c "$CONFIG" --get smp)	# guest CPUs; host_cores says how many can run at once
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
	# The guest's runner matches the kernel's architecture: a 32-bit kernel
	# (its config says CONFIG_X86_32) gets the 32-bit static runner.
	static=allocbench-static
	grep -q '^CONFIG_X86_32=y' "$kdir/.config" 2>/dev/null && static=allocbench-static32
	runner_build "${static#allocbench-}"
	ko=$("$here/build-module.sh" "$kdir") || die "module build against $kdir failed"
	krel=$(basename "$(dirname "$(dirname "$ko")")")
	OUT=${OUT:-results/$stamp-$host-$krel}
	[ -e "$OUT" ] && die "$OUT already exists"
	conf_name=$(basename "$CONFIG")
	qemu_version=$(qemu-system-x86_64 --version | awk 'NR==1 {print $4}')
	cat > "$work/guest.sh" <<'EOF'
# allocbench guest: load, run, unload. $1 = config, $2 = qemu version, $3 = git revision,
# $4 = -q when the host's terminal is not a TTY (the guest console always is one),
# $5 = the host's cores (vCPUs beyond them are not really parallel), $6 = its load average,
# $7 = its TSC rate in Hz, or "" (the guest's timer_hz is checked against it)
conf=$1 qv=$2 rev=$3 quiet=$4 hcores=$5 hload=$6 htsc=$7
emulated=yes
[ "$ALLOCBENCH_ACCEL" = kvm ] && emulated=no
allocbench load /data/allocbench.ko || exit 3
allocbench run -c "$conf" -o /out/run --no-report $quiet \
	--meta target=vm --meta accelerator="$ALLOCBENCH_ACCEL" --meta emulated=$emulated \
	--meta qemu_version="$qv" --meta git_revision="$rev" --meta host_cores="$hcores" \
	--meta host_loadavg="$hload" ${htsc:+--meta host_tsc_hz="$htsc"}
rc=$?
allocbench unload || { echo "allocbench: unload failed"; [ $rc = 0 ] && rc=1; }
exit $rc
EOF
	quiet=
	[ -t 2 ] || quiet=-q	# no live progress line in a log file
	# The guest calibrates the TSC it is given at boot: the host's rate is
	# the reference its timer_hz is checked against in the report.
	host_tsc=$("$runner" clock 2>/dev/null || true)
	say "booting $krel (memory $memory, $smp vCPUs${cmdline:+, cmdline '$cmdline'}); guest output follows"
	rc=0
	"$here/vm-run.sh" -v -k "$kimage" -m "$memory" -s "$smp" ${cmdline:+-c "$cmdline"} \
		-t "${ALLOCBENCH_VM_TIMEOUT:-7200}" -o "$work/vm" \
		-f "$rdir/$static:/bin/allocbench" \
		-f "$ko:/data/allocbench.ko" -f "$CONFIG:/data/$conf_name" \
		"$work/guest.sh" "/data/$conf_name" "$qemu_version" "$git_rev" "$quiet" "$(nproc)" "$(cut -d' ' -f1 /proc/loadavg)" "$host_tsc" || rc=$?
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
