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
vm_self=${BASH_SOURCE[0]}
# shellcheck source=vm-lib.sh
. "$here/vm-lib.sh"

image=6.12 vmlinux= initrd= mem=2G smp=2 outsize=1G
while getopts "r:k:i:m:s:c:f:o:O:t:a:vh" opt; do
	case $opt in
	r) image=$OPTARG ;;
	k) vmlinux=$OPTARG ;;
	i) initrd=$OPTARG ;;
	O) outsize=$OPTARG ;;
	*) vm_common_option "$opt" ;;
	esac
done
shift $((OPTIND - 1))
vm_check_args "$@"
script=$1; shift

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
vm_quote_args "$in/.args" "$@"
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
vm_make_outdir "the guest's results go to"

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
	vm_spawn_qemu "${args[@]}"
}

# KVM works when the kernel prints on the console.
vm_up_file=$work/console.log vm_up_pattern='Linux version' vm_watch_pause=0.2

start_all=$(date +%s.%N)
boot_s=
if [ $verbose = 1 ]; then
	tail -n +1 -F "$work/console.log" >&2 2>/dev/null &
	tail_pid=$!
fi
vm_try_kvm "printed nothing"
if [ -z "$used" ]; then
	status=0
	start_qemu tcg
	vm_watch_qemu 0 || status=$?
	used=tcg
fi
[ -n "$tail_pid" ] && { sleep 0.3; kill "$tail_pid" 2>/dev/null || true; tail_pid=; }
wall_s=$(awk -v a="$start_all" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')

# ---- results --------------------------------------------------------------------
vm_copy_logs
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

vm_exit_on_timeout
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
