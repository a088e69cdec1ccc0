#!/usr/bin/env bash
# Boot a kernel in QEMU with a throw-away busybox initramfs, run one guest
# script in it, and bring the guest's /out back to the host.
#
#   scripts/vm-run.sh [options] GUEST_SCRIPT [ARGS...]
#
#   -k KERNEL   6.1 | 6.12 | 6.1-686 | a kernel-cache dir (holds vmlinux) | a vmlinux | a bzImage
#               (default 6.12; aliases go through scripts/kernel-cache.sh). The
#               guest's architecture comes from the cache's arch file, else from
#               the vmlinux (ELF class): a 32-bit (i386) kernel gets an i386
#               busybox (scripts/i386-userland.sh), and every -f executable
#               must then be static (no host libraries fit it).
#   -m MEM      guest memory (default 1G)
#   -s SMP      guest CPUs (default 2)
#   -c CMDLINE  extra kernel command line (repeatable, appended)
#   -f SRC[:DEST]  add a file or directory to the initramfs (repeatable).
#               DEST defaults to /bin/NAME for executables, /data/NAME otherwise;
#               a DEST ending in / is a directory. Dynamically linked ELF files
#               get the libraries ldd lists (and the ELF interpreter) too.
#   -o OUTDIR   where the guest's /out lands (default: a new dir under /tmp)
#   -t SECONDS  kill QEMU after this long: exit 124 (default 3600)
#   -a ACCEL    auto | kvm | tcg (default auto: KVM if a guest reaches /init
#               within ALLOCBENCH_KVM_PROBE_S seconds (default 6), else TCG)
#   -v          copy the guest console to stderr as it runs
#
# Environment: ALLOCBENCH_KVM_PROBE_S (KVM probe, default 6 s),
# ALLOCBENCH_KVM_CPU (-cpu under KVM, default host).
#
# In the guest: /init mounts proc, sys, devtmpfs, debugfs and tmpfs (/tmp),
# sets PATH, exports ALLOCBENCH_ACCEL (kvm|tcg, also on the kernel command
# line as allocbench.accel=) and ALLOCBENCH_LOG (/dev/ttyS1, a log port that
# lands in OUTDIR/serial.log), then runs `sh GUEST_SCRIPT ARGS` in /out.
# Afterwards it writes /out/exit-code and /out/dmesg.txt and sends /out back
# as a tar on a virtio disk (or base64 on a serial port when the kernel has
# no virtio_blk).
#
# OUTDIR also gets vm.env (accelerator, qemu_version, kernel_release, arch,
# cmdline, memory, smp, boot_s, boot_retries, wall_s), console.log (ttyS0) and control.log
# (the harness's own messages from the guest, on ttyS3).
#
# Exit status: the guest script's; 124 on timeout; 125 when the guest died
# without results (panic, no /init, ...) or the harness itself failed.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
me=vm-run
vm_self=${BASH_SOURCE[0]}
# shellcheck source=vm-lib.sh
. "$here/vm-lib.sh"

kernel=6.12 mem=1G smp=2
while getopts "k:m:s:c:f:o:t:a:vh" opt; do
	case $opt in
	k) kernel=$OPTARG ;;
	*) vm_common_option "$opt" ;;
	esac
done
shift $((OPTIND - 1))
vm_check_args "$@"
script=$1; shift

is_dynamic() { ldd "$1" >/dev/null 2>&1; }	# ldd fails on static and non-ELF files
command -v cpio >/dev/null || die "cpio not found: install cpio"

work=$(mktemp -d "${TMPDIR:-/tmp}/allocbench-vm.XXXXXX")
qpid= spid=
cleanup() {
	[ -n "$qpid" ] && kill "$qpid" 2>/dev/null && wait "$spid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- the kernel -------------------------------------------------------------
kdir=
if [ ! -e "$kernel" ]; then
	kdir=$("$here/kernel-cache.sh" "$kernel") || die "could not fetch kernel $kernel"
	kernel=$kdir
fi
if [ -d "$kernel" ]; then
	kdir=$(cd "$kernel" && pwd)
	[ -f "$kdir/vmlinux" ] || die "$kdir holds no vmlinux"
	vmlinux=$kdir/vmlinux
elif [ -f "$kernel" ]; then
	if [ "$(head -c4 "$kernel" | od -An -tx1 | tr -d ' ')" = 7f454c46 ]; then
		vmlinux=$kernel
	else
		vmlinux=$work/vmlinux
		"$here/extract-vmlinux.sh" "$kernel" > "$vmlinux" || die "could not extract a vmlinux from $kernel"
	fi
else
	die "kernel '$kernel' not found"
fi
if [ -n "$kdir" ] && [ -f "$kdir/release" ]; then
	release=$(cat "$kdir/release")
else
	release=$(LC_ALL=C grep -aom1 'Linux version [^ ]*' "$vmlinux" | awk '{print $3}' || true)
	[ -n "$release" ] || release=unknown
fi
# The guest's architecture: the cache says it; else the vmlinux's ELF class.
if [ -n "$kdir" ] && [ -f "$kdir/arch" ]; then
	arch=$(cat "$kdir/arch")
elif [ "$(head -c5 "$vmlinux" | tail -c1 | od -An -tu1 | tr -d ' ')" = 1 ]; then
	arch=i386	# ELFCLASS32
else
	arch=amd64
fi
case $arch in amd64|i386) ;; *) die "kernel architecture '$arch' is not supported (amd64, i386)" ;; esac

# busybox of the guest's architecture, statically linked.
if [ $arch = i386 ]; then
	busybox=$("$here/i386-userland.sh")/root/bin/busybox || die "no i386 busybox (scripts/i386-userland.sh failed)"
else
	busybox=$(command -v busybox || true)
	[ -n "$busybox" ] || die "busybox not found: install busybox-static (scripts/install-deps.sh)"
	if is_dynamic "$busybox"; then
		[ -x /bin/busybox ] && ! is_dynamic /bin/busybox && busybox=/bin/busybox ||
			die "$busybox is not statically linked: install busybox-static"
	fi
fi

# ---- the initramfs ----------------------------------------------------------
root=$work/root
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,out,etc,data,lib/modules}
cp "$busybox" "$root/bin/busybox"
for app in $("$busybox" --list-full); do
	[ -e "$root/$app" ] || ln -s /bin/busybox "$root/$app"
done

add_libs() {	# $1 = ELF file on the host: copy what ldd lists
	local lib
	if [ $arch != amd64 ]; then	# ldd of the host cannot judge a 32-bit file
		LC_ALL=C readelf -l "$1" 2>/dev/null | grep -q 'program interpreter' &&
			die "-f $1 is dynamically linked: an $arch guest takes static executables only"
		return 0
	fi
	is_dynamic "$1" || return 0
	for lib in $(ldd "$1" 2>/dev/null | grep -o '/[^ ]*'); do
		[ -e "$root$lib" ] && continue
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}
for spec in ${files[@]+"${files[@]}"}; do
	src=${spec%%:*} dest=
	[ "$src" != "$spec" ] && dest=${spec#*:}
	[ -e "$src" ] || die "-f $src: no such file"
	if [ -z "$dest" ]; then
		if [ -f "$src" ] && [ -x "$src" ]; then dest=/bin/; else dest=/data/; fi
	fi
	case $dest in */) dest=$dest$(basename "$src") ;; esac
	mkdir -p "$root$(dirname "$dest")"
	rm -rf "${root:?}$dest"
	cp -aL "$src" "$root$dest"
	if [ -d "$src" ]; then
		while IFS= read -r -d '' f; do add_libs "$f"; done < <(find "$src" -type f -perm -u+x -print0)
	else
		add_libs "$src"
	fi
done

# The results disk needs virtio_blk; Debian builds it (and on 6.1 virtio_pci)
# as modules. Take them from the cache's image package, dependencies first.
modlist=$work/modlist
: > "$modlist"
kconfig=
[ -n "$kdir" ] && kconfig=$(ls "$kdir"/root/boot/config-* 2>/dev/null | head -n1 || true)
moddir=
[ -n "$kdir" ] && moddir=$(ls -d "$kdir"/root/lib/modules/*/kernel 2>/dev/null | head -n1 || true)
modinfo_deps() { # $1 = module file
	case $1 in
	*.xz) xz -dc "$1" ;; *.zst) zstd -dcq "$1" ;; *.gz) gzip -dc "$1" ;; *) cat "$1" ;;
	esac | tr '\0' '\n' | sed -n 's/^depends=//p' | head -n1 | tr ',' ' '
}
add_module() {	# $1 = module name; appends to $modlist after its dependencies
	local name=$1 f dep n
	grep -qx "$name" "$modlist.names" 2>/dev/null && return 0
	# built in?
	if [ -n "$kdir" ] && grep -q "/${name}.ko\$" "$(dirname "$moddir")/modules.builtin" 2>/dev/null; then return 0; fi
	f=$(find "$moddir" \( -name "$name.ko*" -o -name "${name//_/-}.ko*" \) | head -n1)
	[ -n "$f" ] || return 1
	for dep in $(modinfo_deps "$f"); do add_module "$dep" || return 1; done
	echo "$name" >> "$modlist.names"
	n=/lib/modules/$name.ko
	case $f in
	*.xz) xz -dc "$f" > "$root$n" ;; *.zst) zstd -dcq "$f" > "$root$n" ;; *.gz) gzip -dc "$f" > "$root$n" ;;
	*) cp "$f" "$root$n" ;;
	esac
	echo "$n" >> "$modlist"
}
use_disk=0
if [ -n "${ALLOCBENCH_VM_SERIAL_OUT:-}" ]; then
	:	# debugging knob: results over the serial port
elif [ -n "$kconfig" ] && grep -q '^CONFIG_VIRTIO_BLK=y' "$kconfig" && grep -q '^CONFIG_VIRTIO_PCI=y' "$kconfig"; then
	use_disk=1
elif [ -n "$moddir" ] && add_module virtio_pci && add_module virtio_blk; then
	use_disk=1
elif [ -z "$kconfig" ]; then
	use_disk=1	# a user's kernel: assume virtio is built in, the guest falls back to serial
fi
cp "$modlist" "$root/etc/modules"

# Arguments of the guest script, quoted for sh.
vm_quote_args "$root/etc/guest-args" "$@"
cp "$script" "$root/guest.sh"

cat > "$root/init" <<'EOF'
#!/bin/sh
export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root TMPDIR=/tmp
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t tmpfs tmpfs /tmp
mkdir -p /root
# Harness messages go to ttyS3 (the host's control.log), so the console holds
# only the kernel's and the guest script's output.
stty -F /dev/ttyS3 raw -echo 2>/dev/null
ctl() { echo "allocbench-vm: $*" > /dev/ttyS3; }
ctl init up
ALLOCBENCH_ACCEL=unknown
for w in $(cat /proc/cmdline); do
	case $w in allocbench.accel=*) ALLOCBENCH_ACCEL=${w#allocbench.accel=} ;; esac
done
export ALLOCBENCH_ACCEL ALLOCBENCH_LOG=/dev/ttyS1
while read -r m; do
	insmod "$m" 2>/dev/null || ctl "insmod $m failed"
done < /etc/modules
cd /out
eval "set -- $(cat /etc/guest-args)"
sh /guest.sh "$@"
rc=$?
echo "$rc" > /out/exit-code
ctl "guest script exit $rc"
cd /
dmesg > /out/dmesg.txt 2>/dev/null
sync
i=0
while [ ! -b /dev/vda ] && [ $i -lt 20 ]; do sleep 0.1; i=$((i + 1)); done
if [ -b /dev/vda ] && tar cf /dev/vda -C /out . 2>/tmp/tar.err; then
	sync
	ctl "results on vda"
else
	stty -F /dev/ttyS2 raw -echo 2>/dev/null
	tar cf - -C /out . | gzip | base64 > /dev/ttyS2
	ctl "results on ttyS2"
fi
ctl done
poweroff -f
EOF
chmod +x "$root/init" "$root/guest.sh"
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) > "$work/initrd.cpio" ||
	die "could not build the initramfs"

# ---- QEMU ---------------------------------------------------------------------
vm_make_outdir "the guest's /out goes to"

start_qemu() {	# $1 = kvm|tcg
	local a=$1
	rm -f "$work/console.log" "$work/serial.log" "$work/data.b64" "$work/control.log" "$work/out.img" "$work/qemu.err"
	truncate -s 256M "$work/out.img"
	: > "$work/console.log"
	cmdline="console=ttyS0 panic=-1 loglevel=4 rdinit=/init allocbench.accel=$a${cmdline_extra:+ $cmdline_extra}"
	local args=(-nodefaults -display none -no-reboot -m "$mem" -smp "$smp"
		-kernel "$vmlinux" -initrd "$work/initrd.cpio" -append "$cmdline"
		-serial "file:$work/console.log" -serial "file:$work/serial.log" -serial "file:$work/data.b64"
		-serial "file:$work/control.log")
	[ $use_disk = 1 ] && args+=(-drive "file=$work/out.img,format=raw,if=virtio")
	if [ "$a" = kvm ]; then args+=(-accel kvm -cpu "${ALLOCBENCH_KVM_CPU:-host}"); else args+=(-accel tcg); fi
	vm_spawn_qemu "${args[@]}"
}

# KVM works when a guest reaches /init.
vm_up_file=$work/control.log vm_up_pattern='allocbench-vm: init up' vm_watch_pause=0.1
tail_pid=

start_all=$(date +%s.%N)
boot_s=
if [ $verbose = 1 ]; then
	: > "$work/console.log"
	tail -n +1 -F "$work/console.log" >&2 2>/dev/null &
	tail_pid=$!
fi
vm_try_kvm "did not reach /init"
# An emulated boot can die before /init for reasons outside the project (a
# TCG guest panicked in enqueue_timer at 1.3 s once in ~40 boots, under host
# load): nothing of ours has run then, so boot once more and record it. A
# guest that died after /init, where the project's code runs, is never retried.
boot_retries=0
while [ -z "$used" ]; do
	status=0
	start_qemu tcg
	vm_watch_qemu 0 || status=$?
	if [ $status = 0 ] && [ $boot_retries = 0 ] && ! grep -q 'allocbench-vm: init up' "$work/control.log"; then
		boot_retries=1
		cp "$work/console.log" "$outdir/console-failed-boot.log"
		echo "$me: the guest died before reaching /init ($(grep -m1 'Kernel panic' "$work/console.log" |
			sed 's/^\[[^]]*\] //' || echo 'no panic message')): booting once more; its console: $outdir/console-failed-boot.log" >&2
		continue
	fi
	used=tcg
done
[ -n "$tail_pid" ] && { sleep 0.2; kill "$tail_pid" 2>/dev/null || true; }
wall_s=$(awk -v a="$start_all" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')

# ---- results --------------------------------------------------------------------
vm_copy_logs
got=0
rm -f "$outdir/exit-code"
# An untouched (all-zero) image is a valid empty tar: exit-code tells whether it held /out.
if [ $use_disk = 1 ] && tar xf "$work/out.img" -C "$outdir" 2>/dev/null && [ -f "$outdir/exit-code" ]; then
	got=1
elif [ -s "$work/data.b64" ] && tr -d '\r' < "$work/data.b64" | base64 -d 2>/dev/null | tar xzf - -C "$outdir" 2>/dev/null; then
	got=1
fi
{
	echo "accelerator=$used"
	echo "qemu_version=$qemu_version"
	echo "kernel_release=$release"
	echo "arch=$arch"
	echo "cmdline=$cmdline"
	echo "memory=$mem"
	echo "smp=$smp"
	echo "boot_s=${boot_s:-}"
	echo "boot_retries=$boot_retries"
	echo "wall_s=$wall_s"
} > "$outdir/vm.env"

vm_exit_on_timeout
if [ $got = 1 ] && [ -f "$outdir/exit-code" ]; then
	exit "$(cat "$outdir/exit-code")"
fi
reason="no results came back"
if grep -q 'Kernel panic' "$outdir/console.log"; then
	reason=$(grep -m1 'Kernel panic' "$outdir/console.log" | sed 's/^\[[^]]*\] //')
elif ! grep -q 'allocbench-vm: init up' "$work/control.log"; then
	reason="the guest never reached /init"
	[ -s "$work/qemu.err" ] && reason="$reason (qemu: $(head -n1 "$work/qemu.err"))"
fi
echo "$me: guest died: $reason ($release, $used); console: $outdir/console.log" >&2
exit 125
