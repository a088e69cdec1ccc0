#!/usr/bin/env bash
# Boot a full Debian system from a disk image (scripts/rootfs-image.sh) in
# QEMU, run one guest script in it as root, and bring the folder it ran in
# back to the host. The disk-image sibling of scripts/vm-run.sh (busybox
# initramfs): here the guest is what a user's machine is, systemd, udev,
# apt's packages, the kernel's own modules and headers.
#
#   scripts/vm-rootfs-run.sh [options] GUEST_SCRIPT [ARGS...]
#
#   -r IMAGE    an image folder (rootfs.img, vmlinux, initrd.img) or a kernel
#               alias for scripts/rootfs-image.sh (default 6.12: built or
#               taken from the cache)
#   -k VMLINUX  boot this kernel instead of the image's own (its modules must be in the image)
#   -i INITRD   boot with this initrd instead of the image's own
#   -m MEM      guest memory (default 2G)
#   -s SMP      guest CPUs (default 2)
#   -c CMDLINE  extra kernel command line (repeatable, appended)
#   -f SRC[:DEST]  put a file or folder into the guest's input (repeatable);
#               DEST is relative to $ALLOCBENCH_IN in the guest (default: the
#               base name of SRC)
#   -o OUTDIR   where the guest's folder lands (default: a new dir under /tmp)
#   -O SIZE     size of the results disk (default 1G, sparse)
#   -t SECONDS  kill QEMU after this long: exit 124 (default 3600)
#   -a ACCEL    auto | kvm | tcg (default auto: KVM if the kernel prints on the
#               console within ALLOCBENCH_KVM_PROBE_S seconds (default 6), else TCG)
#   -v          copy the guest console to stderr as it runs
#
# Disks: vda the image (root=/dev/vda, opened with snapshot=on: the guest's
# writes go to a throw-away overlay, the cached image never changes), vdb the
# input as a tar, vdc the results as a tar. No network device: the guest is
# offline.
#
# In the guest (unit allocbench-guest.service, see scripts/rootfs-image.sh):
# runs `bash GUEST_SCRIPT ARGS` as root in an empty folder with
# ALLOCBENCH_IN (the input), ALLOCBENCH_ACCEL (kvm|tcg) and ALLOCBENCH_LOG
# (/dev/ttyS1: OUTDIR/serial.log); afterwards the folder gets exit-code,
# dmesg.txt and journal.txt and goes back to OUTDIR.
#
# OUTDIR also gets vm.env (accelerator, qemu_version, kernel_release, image,
# cmdline, memory, smp, boot_s = seconds until the guest script started,
# wall_s), console.log (ttyS0) and control.log (the harness's messages, ttyS3).
#
# Exit status: the guest script's; 124 on timeout; 125 when the guest died
# without results or the harness itself failed.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
me=vm-rootfs-run

die() { echo "$me: $*" >&2; exit 125; }
usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; exit "${1:-2}"; }

image=6.12 vmlinux= initrd= mem=2G smp=2 cmdline_extra= outdir= outsize=1G timeout_s=3600 accel=${ALLOCBENCH_ACCEL_MODE:-auto} verbose=0
files=()
while getopts "r:k:i:m:s:c:f:o:O:t:a:vh" opt; do
	case $opt in
	r) image=$OPTARG ;;
	k) vmlinux=$OPTARG ;;
	i) initrd=$OPTARG ;;
	m) mem=$OPTARG ;;
	s) smp=$OPTARG ;;
	c) cmdline_extra="${cmdline_extra:+$cmdline_extra }$OPTARG" ;;
	f) files+=("$OPTARG") ;;
	o) outdir=$OPTARG ;;
	O) outsize=$OPTARG ;;
	t) timeout_s=$OPTARG ;;
	a) accel=$OPTARG ;;
	v) verbose=1 ;;
	h) usage 0 ;;
	*) usage 2 >&2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || { echo "$me: no guest script given" >&2; usage 2 >&2; }
script=$1; shift
[ -f "$script" ] || die "guest script '$script' not found"
case $accel in auto|kvm|tcg) ;; *) die "-a takes auto, kvm or tcg, not '$accel'" ;; esac
[[ $timeout_s =~ ^[0-9]+$ ]] || die "-t takes whole seconds"
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 not found: install qemu-system-x86 (scripts/install-deps.sh)"

if [ ! -d "$image" ]; then
	image=$("$here/rootfs-image.sh" -k "$image") || die "could not get a root file system image for '$image'"
fi
image=$(cd "$image" && pwd)
vmlinux=${vmlinux:-$image/vmlinux} initrd=${initrd:-$image/initrd.img}
for f in "$image/rootfs.img" "$vmlinux" "$initrd"; do
	[ -f "$f" ] || die "no $f (an image folder is made by scripts/rootfs-image.sh)"
done
release=$(cat "$image/release" 2>/dev/null || echo unknown)

work=$(mktemp -d "${TMPDIR:-/tmp}/allocbench-vmr.XXXXXX")
qpid= spid= tail_pid=
cleanup() {
	[ -n "$qpid" ] && kill "$qpid" 2>/dev/null && wait "$spid" 2>/dev/null
	[ -n "$tail_pid" ] && kill "$tail_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- the input disk ------------------------------------------------------------
in=$work/in
mkdir -p "$in"
cp "$script" "$in/.guest.sh"
: > "$in/.args"
for a in "$@"; do printf "'%s' " "$(printf %s "$a" | sed "s/'/'\\\\''/g")" >> "$in/.args"; done
for spec in ${files[@]+"${files[@]}"}; do
	src=${spec%%:*} dest=
	[ "$src" != "$spec" ] && dest=${spec#*:}
	[ -e "$src" ] || die "-f $src: no such file"
	dest=${dest:-$(basename "$src")}
	case $dest in */) dest=$dest$(basename "$src") ;; esac
	dest=${dest#/}
	mkdir -p "$in/$(dirname "$dest")"
	rm -rf "${in:?}/$dest"
	cp -a "$src" "$in/$dest"
done
tar cf "$work/in.img" -C "$in" . || die "could not pack the input"
truncate -s "%1M" "$work/in.img"	# whole sectors; tar ignores the zeros
rm -rf "$in"

# ---- QEMU ---------------------------------------------------------------------
qemu_version=$(qemu-system-x86_64 --version | awk 'NR==1 {print $4}')
if [ -z "$outdir" ]; then
	outdir=$(mktemp -d "${TMPDIR:-/tmp}/allocbench-out.XXXXXX")
	echo "$me: the guest's results go to $outdir" >&2
fi
mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)

start_qemu() {	# $1 = kvm|tcg
	local a=$1
	rm -f "$work/console.log" "$work/serial.log" "$work/control.log" "$work/out.img" "$work/qemu.err"
	truncate -s "$outsize" "$work/out.img"
	: > "$work/console.log"
	cmdline="console=ttyS0 root=/dev/vda rw panic=-1 loglevel=4 allocbench.guest=1 allocbench.accel=$a${cmdline_extra:+ $cmdline_extra}"
	local args=(-nodefaults -display none -no-reboot -m "$mem" -smp "$smp"
		-kernel "$vmlinux" -initrd "$initrd" -append "$cmdline"
		-serial "file:$work/console.log" -serial "file:$work/serial.log" -serial null
		-serial "file:$work/control.log"
		-drive "file=$image/rootfs.img,format=raw,if=virtio,snapshot=on"
		-drive "file=$work/in.img,format=raw,if=virtio,readonly=on"
		-drive "file=$work/out.img,format=raw,if=virtio")
	if [ "$a" = kvm ]; then args+=(-accel kvm -cpu "${ALLOCBENCH_KVM_CPU:-host}"); else args+=(-accel tcg); fi
	rm -f "$work/qemu.pid"
	( qemu-system-x86_64 "${args[@]}" < /dev/null > "$work/qemu.err" 2>&1 &
	  echo $! > "$work/qemu.pid"; wait $! ) 2>/dev/null &
	spid=$!
	while [ ! -s "$work/qemu.pid" ]; do sleep 0.02; done
	qpid=$(cat "$work/qemu.pid")
}

# Waits for QEMU; $1 = seconds for the kernel's first console line (0: no probe).
# Returns 0 when QEMU exited, 3 when the probe failed, 124 on timeout.
watch_qemu() {
	local probe=$1 t0 now seen=0 kernel_up=0
	t0=$(date +%s.%N)
	while kill -0 "$qpid" 2>/dev/null; do
		now=$(date +%s.%N)
		if [ $kernel_up = 0 ] && grep -q 'Linux version' "$work/console.log" 2>/dev/null; then kernel_up=1; fi
		if [ $seen = 0 ] && grep -q 'allocbench-vm: init up' "$work/control.log" 2>/dev/null; then
			seen=1
			boot_s=$(awk -v a="$t0" -v b="$now" 'BEGIN { printf "%.1f", b - a }')
		fi
		if [ "$probe" != 0 ] && [ $kernel_up = 0 ] && awk -v a="$t0" -v b="$now" -v p="$probe" 'BEGIN { exit !(b - a > p) }'; then
			kill "$qpid" 2>/dev/null; wait "$spid" 2>/dev/null || true; qpid=
			return 3
		fi
		if awk -v a="$start_all" -v b="$now" -v p="$timeout_s" 'BEGIN { exit !(b - a > p) }'; then
			kill "$qpid" 2>/dev/null; wait "$spid" 2>/dev/null || true; qpid=
			return 124
		fi
		sleep 0.2
	done
	wait "$spid" 2>/dev/null || true
	qpid=
	return 0
}

start_all=$(date +%s.%N)
boot_s=
if [ $verbose = 1 ]; then
	tail -n +1 -F "$work/console.log" >&2 2>/dev/null &
	tail_pid=$!
fi
used= status=0
if [ "$accel" != tcg ]; then
	if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
		start_qemu kvm
		watch_qemu "$([ "$accel" = auto ] && echo "${ALLOCBENCH_KVM_PROBE_S:-6}" || echo 0)" || status=$?
		if [ $status = 0 ] && ! grep -q 'Linux version' "$work/console.log" && [ "$accel" = auto ]; then
			status=3
			echo "$me: KVM unusable ($(grep -m1 -v warning "$work/qemu.err" | sed 's/^qemu-system-x86_64: //' || echo "QEMU exited")): using TCG (software emulation)" >&2
		elif [ $status = 3 ]; then
			echo "$me: KVM guest printed nothing in ${ALLOCBENCH_KVM_PROBE_S:-6} s: using TCG (software emulation)" >&2
		fi
		[ $status != 3 ] && used=kvm
	elif [ "$accel" = kvm ]; then
		die "-a kvm: /dev/kvm is not usable"
	fi
fi
if [ -z "$used" ]; then
	status=0
	start_qemu tcg
	watch_qemu 0 || status=$?
	used=tcg
fi
[ -n "$tail_pid" ] && { sleep 0.3; kill "$tail_pid" 2>/dev/null || true; tail_pid=; }
wall_s=$(awk -v a="$start_all" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')

# ---- results --------------------------------------------------------------------
cp "$work/console.log" "$outdir/console.log"
[ -s "$work/serial.log" ] && cp "$work/serial.log" "$outdir/serial.log"
cp "$work/control.log" "$outdir/control.log" 2>/dev/null || true
rm -f "$outdir/exit-code"
got=0
# An untouched (all-zero) disk is a valid empty tar: exit-code tells whether it held results.
if tar xf "$work/out.img" -C "$outdir" 2>/dev/null && [ -f "$outdir/exit-code" ]; then got=1; fi
{
	echo "accelerator=$used"
	echo "qemu_version=$qemu_version"
	echo "kernel_release=$release"
	echo "image=$image"
	echo "kernel=$vmlinux"
	echo "initrd=$initrd"
	echo "cmdline=$cmdline"
	echo "memory=$mem"
	echo "smp=$smp"
	echo "boot_s=${boot_s:-}"
	echo "wall_s=$wall_s"
} > "$outdir/vm.env"

if [ $status = 124 ]; then
	echo "$me: timeout: killed QEMU after ${timeout_s} s ($release, $used); console: $outdir/console.log" >&2
	exit 124
fi
[ $got = 1 ] && exit "$(cat "$outdir/exit-code")"
reason="no results came back"
if grep -q 'Kernel panic' "$outdir/console.log"; then
	reason=$(grep -m1 'Kernel panic' "$outdir/console.log" | sed 's/^\[[^]]*\] //')
elif grep -q 'Gave up waiting for root' "$outdir/console.log"; then
	reason="the initrd did not find the root file system"
elif ! grep -q 'allocbench-vm: init up' "$work/control.log"; then
	reason="the guest never started allocbench-guest.service"
	[ -s "$work/qemu.err" ] && reason="$reason (qemu: $(head -n1 "$work/qemu.err"))"
fi
echo "$me: guest died: $reason ($release, $used); console: $outdir/console.log" >&2
exit 125
