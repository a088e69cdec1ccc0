#!/usr/bin/env bash
# A full Debian 12 system as a cached disk image, booted by
# scripts/vm-rootfs-run.sh: systemd, udev, a Debian kernel with its own
# modules and headers package, and everything scripts/install-deps.sh lists,
# built by mmdebstrap from Debian's packages. What a user's machine looks like,
# where the busybox initramfs of scripts/vm-run.sh is not.
#
#   scripts/rootfs-image.sh [-k KERNEL] [-p PKG]... [-s FREE] [-f]   -> prints the image folder
#
#   -k KERNEL  6.12 (default) | 6.1 | a release (6.12.117+deb12-amd64): the
#              linux-image-<release> and linux-headers-<release> installed, and
#              the kernel the image boots
#   -p PKG     one more package (repeatable)
#   -s FREE    free space left in the file system (default 2G; guest writes go
#              to a throw-away snapshot, the image itself never changes)
#   -f         rebuild even when the cache holds this image
#
# The image folder, ${ALLOCBENCH_CACHE:-~/.cache/allocbench}/rootfs/<suite>-<release>-<key>/:
#   rootfs.img   ext4, raw, root=/dev/vda
#   vmlinux      the image's own kernel, uncompressed (QEMU boots it through PVH)
#   initrd.img   the image's own initramfs-tools initrd (Debian builds ext4 and
#                virtio_blk as modules); MODULES=list: virtio_blk and ext4 only
#   release, packages (the list, one a line), build.log, build_s (seconds)
# The cache keeps the newest image and the one before it.
# <key> is a hash of the package list, the mirrors, this script's recipe and
# scripts/install-deps.sh (run in the image once, as a user's first make bench
# would): a change to any of them (a kernel security update moves the release)
# builds a new image.
# Offline (no apt lists to resolve the kernel), the newest complete image for
# that kernel is used.
#
# The image runs one guest script per boot: a systemd unit (allocbench-guest,
# only when the kernel command line has allocbench.guest=1) unpacks the tar
# on /dev/vdb, runs its .guest.sh in a fresh folder and writes that folder
# back as a tar on /dev/vdc, then powers off. See scripts/vm-rootfs-run.sh.
#
# What install-deps.sh keeps in its cache besides packages (the flame graph
# template, from the npm registry) is copied in from this machine's cache,
# fetched there first when missing.
#
# Needs root (mmdebstrap --mode=root, mkfs.ext4 -d; mmdebstrap is installed
# when missing) and the network. mkfs.ext4 -d works in /dev/shm when it has
# room (ALLOCBENCH_IMAGE_SCRATCH moves it).
# Environment: ALLOCBENCH_DEBIAN_MIRROR (default http://deb.debian.org/debian),
# ALLOCBENCH_DEBIAN_SECURITY (default http://deb.debian.org/debian-security).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
me=rootfs-image
die() { echo "$me: $*" >&2; exit 1; }

kernel=6.12 free=2G force=0 extra=()
while getopts "k:p:s:fh" opt; do
	case $opt in
	k) kernel=$OPTARG ;;
	p) extra+=("$OPTARG") ;;
	s) free=$OPTARG ;;
	f) force=1 ;;
	h) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; exit 0 ;;
	*) exit 2 ;;
	esac
done

suite=bookworm
mirror=${ALLOCBENCH_DEBIAN_MIRROR:-http://deb.debian.org/debian}
security=${ALLOCBENCH_DEBIAN_SECURITY:-http://deb.debian.org/debian-security}
cache=${ALLOCBENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/allocbench}/rootfs
mkdir -p "$cache"

case $kernel in
6.1)  meta=linux-image-amd64 ;;
6.12) meta=linux-image-6.12-amd64 ;;
*)    meta=linux-image-$kernel ;;
esac
release=$(apt-cache depends "$meta" 2>/dev/null | awk '/Depends: linux-image-[0-9]/ { sub(/^linux-image-/, "", $2); print $2; exit }' || true)
[ -z "$release" ] && apt-cache show "$meta" >/dev/null 2>&1 && release=${meta#linux-image-}
if [ -z "$release" ]; then
	# Offline: the newest complete image for this kernel.
	d=$(ls -d "$cache/$suite-$kernel"[.+-]*/ 2>/dev/null | sort -V | while read -r x; do
		[ -f "$x/.complete" ] && echo "${x%/}"; done | tail -n1)
	[ -n "$d" ] || die "cannot resolve kernel '$kernel' ($meta): run 'apt-get update' (needs Debian's package lists)"
	echo "$me: no package lists to resolve $kernel: using the cached $d" >&2
	echo "$d"
	exit 0
fi

# Everything the project needs (one source of truth: install-deps.sh), the
# kernel's image and headers, and what makes it a real system.
#   systemd-sysv udev     init and device nodes, as on any Debian machine
#   initramfs-tools       the initrd (root on virtio_blk + ext4, both modules)
#   build-essential git   what a user who clones and builds has
#   procps                ps, free (the guest scripts' diagnostics)
pkgs=$( {
	"$here/install-deps.sh" --list
	printf '%s\n' systemd-sysv udev initramfs-tools build-essential git procps \
		"linux-image-$release" "linux-headers-$release"
	[ ${#extra[@]} = 0 ] || printf '%s\n' "${extra[@]}"
} | LC_ALL=C sort -u)

# The guest side of scripts/vm-rootfs-run.sh.
guest_sh=$(cat <<'EOF'
#!/bin/sh
# allocbench-guest: run by allocbench-guest.service when the kernel command
# line has allocbench.guest=1. Input: a tar on /dev/vdb holding .guest.sh and
# .args (its arguments, quoted for sh); runs `bash .guest.sh ARGS` in a fresh
# folder, which then goes back as a tar on /dev/vdc. The harness's messages
# go to ttyS3 (the host's control.log); ALLOCBENCH_LOG=/dev/ttyS1 is a log
# port (serial.log); ALLOCBENCH_IN is the unpacked input.
ctl() { echo "allocbench-vm: $*" > /dev/ttyS3; }
stty -F /dev/ttyS3 raw -echo 2>/dev/null
ctl "init up"
ALLOCBENCH_ACCEL=unknown
for w in $(cat /proc/cmdline); do
	case $w in allocbench.accel=*) ALLOCBENCH_ACCEL=${w#allocbench.accel=} ;; esac
done
export ALLOCBENCH_ACCEL ALLOCBENCH_LOG=/dev/ttyS1
in=/var/lib/allocbench-guest/in out=/var/lib/allocbench-guest/out
rm -rf /var/lib/allocbench-guest
mkdir -p "$in" "$out"
export ALLOCBENCH_IN=$in
if tar xf /dev/vdb -C "$in" && [ -f "$in/.guest.sh" ]; then
	cd "$out"
	eval "set -- $(cat "$in/.args")"
	bash "$in/.guest.sh" "$@" < /dev/null
	rc=$?
else
	echo "allocbench-guest: no guest script on /dev/vdb" >&2
	rc=125
fi
echo "$rc" > "$out/exit-code"
ctl "guest script exit $rc"
cd /
dmesg > "$out/dmesg.txt" 2>/dev/null
journalctl -b -o short-monotonic --no-pager > "$out/journal.txt" 2>/dev/null
if tar cf /dev/vdc -C "$out" . && sync; then
	ctl "results on vdc"
else
	ctl "could not write the results to vdc"
fi
ctl done
systemctl poweroff --force --force
EOF
)

guest_unit=$(cat <<'EOF'
[Unit]
Description=allocbench: the guest script from /dev/vdb (scripts/vm-rootfs-run.sh)
ConditionKernelCommandLine=allocbench.guest=1
After=basic.target

[Service]
Type=oneshot
Environment=HOME=/root LANG=C.UTF-8
ExecStart=/usr/local/sbin/allocbench-guest
StandardOutput=journal+console
StandardError=journal+console
TimeoutStartSec=infinity

[Install]
WantedBy=multi-user.target
EOF
)

# MODULES=list: the initrd holds what finding root needs and nothing else
# (MODULES=most puts ~600 modules in it, each to be unpacked under emulation).
setup_hook='mkdir -p "$1/etc/initramfs-tools/conf.d" "$1/etc/initramfs-tools/hooks" &&
printf "MODULES=list\nCOMPRESS=zstd\n" > "$1/etc/initramfs-tools/conf.d/allocbench.conf" &&
printf "#!/bin/sh\n[ \"\$1\" = prereqs ] && exit 0\n. /usr/share/initramfs-tools/hook-functions\nmanual_add_modules virtio_blk ext4\n" > "$1/etc/initramfs-tools/hooks/allocbench" &&
chmod +x "$1/etc/initramfs-tools/hooks/allocbench"'

customize_hook='set -e
echo allocbench-guest > "$1/etc/hostname"
printf "127.0.0.1 localhost\n127.0.1.1 allocbench-guest\n" > "$1/etc/hosts"
echo "/dev/vda / ext4 rw,relatime 0 0" > "$1/etc/fstab"
chroot "$1" useradd -m -s /bin/bash user
install -m 0755 "$1/../allocbench-guest" "$1/usr/local/sbin/allocbench-guest"
install -m 0644 "$1/../allocbench-guest.service" "$1/etc/systemd/system/allocbench-guest.service"
mkdir -p "$1/etc/systemd/system/multi-user.target.wants"
ln -sf /etc/systemd/system/allocbench-guest.service "$1/etc/systemd/system/multi-user.target.wants/"
for u in serial-getty@ttyS0.service getty@tty1.service apt-daily.timer apt-daily-upgrade.timer \
	e2scrub_all.timer e2scrub_reap.service fstrim.timer dpkg-db-backup.timer systemd-tmpfiles-clean.timer; do
	ln -sf /dev/null "$1/etc/systemd/system/$u"
done
mkdir -p "$1/etc/systemd/journald.conf.d"
printf "[Journal]\nStorage=volatile\n" > "$1/etc/systemd/journald.conf.d/volatile.conf"
: > "$1/etc/machine-id"
# What a machine looks like after its first, online `make bench`: install-deps.sh
# ran (its packages are in already; it adds what it decides at run time, e.g. a
# cache of its own), and then finds everything with --check.
# What it fetches into its cache comes from the cache of the building host (seed/), for
# root and for user.
for h in root home/user; do
	mkdir -p "$1/$h/.cache/allocbench" && cp -a "$1/../seed/." "$1/$h/.cache/allocbench/"
done
chroot "$1" chown -R user:user /home/user/.cache
rm -rf "$1/tmp/allocbench-scripts" && cp -a "$ALLOCBENCH_IMAGE_SCRIPTS" "$1/tmp/allocbench-scripts"
chroot "$1" env HOME=/root DEBIAN_FRONTEND=noninteractive ALLOCBENCH_APT_UPDATED=1 /tmp/allocbench-scripts/install-deps.sh
chroot "$1" env HOME=/root /tmp/allocbench-scripts/install-deps.sh --check
rm -rf "$1/tmp/allocbench-scripts"
rm -rf "$1/var/cache/apt/archives/"*.deb "$1/var/lib/apt/lists/"*'

sources="deb $mirror $suite main
deb $mirror $suite-updates main
deb $security $suite-security main"

# No documentation: a smaller image, a faster build. No fsync per file (the
# image is written once, from a finished tree).
mmdebstrap_opts=(--variant=apt --mode=root --format=directory --dpkgopt=force-unsafe-io
	--dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*'
	--dpkgopt='path-exclude=/usr/share/info/*' --dpkgopt='path-exclude=/usr/share/locale/*')

# The key: everything that decides what the image holds, install-deps.sh and
# the scripts it runs included.
export ALLOCBENCH_IMAGE_SCRIPTS=$here
deps_scripts=$(cd "$here" && { echo install-deps.sh
	grep -o 'dirname "$0")/[A-Za-z0-9_.-]*\.sh' install-deps.sh | sed 's#.*/##'; } | LC_ALL=C sort -u)
key=$( { printf '%s\n' "$pkgs" "$suite" "$sources" "${mmdebstrap_opts[*]}" "free=$free" "$setup_hook" \
	"$customize_hook" "$guest_sh" "$guest_unit"; (cd "$here" && cat $deps_scripts); } | sha256sum | cut -c1-12)
dir=$cache/$suite-$release-$key
if [ $force = 0 ] && [ -f "$dir/.complete" ]; then
	echo "$dir"
	exit 0
fi

[ "$(id -u)" = 0 ] || die "building the image needs root (mmdebstrap --mode=root); as root: $0 $*"
if ! command -v mmdebstrap >/dev/null; then
	echo "$me: installing mmdebstrap" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mmdebstrap >/dev/null 2>&1 ||
		die "mmdebstrap not found and could not be installed: apt-get install mmdebstrap"
fi
command -v mkfs.ext4 >/dev/null || die "mkfs.ext4 not found: apt-get install e2fsprogs"

t0=$(date +%s)
echo "$me: building $suite with $release ($(echo "$pkgs" | wc -l) packages) into $dir (a few minutes)" >&2
rm -rf "$dir.tmp"
mkdir -p "$dir.tmp"
root=$dir.tmp/root
log=$dir.tmp/build.log
# A failed build keeps only its log.
trap '[ -f "$dir/.complete" ] || rm -rf "$root"' EXIT
# The seed: what install-deps.sh keeps in the cache besides packages (the flame
# graph template, from the npm registry), taken from this machine's cache,
# where it gets it first when missing.
mkdir -p "$dir.tmp/seed"
if [ -x "$here/flamegraph-template.sh" ]; then
	fg=$("$here/flamegraph-template.sh" --dir 2>/dev/null) && "$here/flamegraph-template.sh" >/dev/null ||
		die "could not get the flame graph template into this machine's cache first ($here/flamegraph-template.sh)"
	mkdir -p "$dir.tmp/seed/$(basename "$fg")"
	(cd "$fg" && find . -path ./npm -prune -o -type f -print0 | cpio -p0dmu --quiet "$dir.tmp/seed/$(basename "$fg")")
fi
printf '%s\n' "$guest_sh" > "$dir.tmp/allocbench-guest"
printf '%s\n' "$guest_unit" > "$dir.tmp/allocbench-guest.service"

# shellcheck disable=SC2086
if ! mmdebstrap "${mmdebstrap_opts[@]}" --include="$(echo $pkgs | tr ' ' ,)" \
	--setup-hook="$setup_hook" --customize-hook="$customize_hook" \
	"$suite" "$root" - <<< "$sources" > "$log" 2>&1; then
	tail -n 30 "$log" >&2
	die "mmdebstrap failed (log: $log)"
fi

[ -f "$root/boot/vmlinuz-$release" ] || die "no /boot/vmlinuz-$release in the image (log: $log)"
[ -f "$root/boot/initrd.img-$release" ] || die "no initrd for $release in the image (log: $log)"
# build is an absolute link, to be followed inside the image
[ "$(readlink "$root/lib/modules/$release/build")" = "/usr/src/linux-headers-$release" ] &&
	[ -f "$root/usr/src/linux-headers-$release/Makefile" ] || die "no headers at /lib/modules/$release/build in the image"
"$here/extract-vmlinux.sh" "$root/boot/vmlinuz-$release" > "$dir.tmp/vmlinux" ||
	die "could not extract vmlinux from vmlinuz-$release"
cp "$root/boot/initrd.img-$release" "$dir.tmp/initrd.img"

used_kb=$(du -sk "$root" | cut -f1)
free_kb=$(numfmt --from=iec "$free")
free_kb=$((free_kb / 1024))
size_kb=$(( (used_kb * 11 / 10 + free_kb + 1023) / 1024 * 1024 ))
# mkfs.ext4 -d writes block by block: on a tmpfs (when it has room) that takes
# half the time it takes on a disk.
scratch=${ALLOCBENCH_IMAGE_SCRATCH:-/dev/shm}
img=$dir.tmp/rootfs.img
if [ -d "$scratch" ] && [ -w "$scratch" ] &&
	[ "$(df -Pk "$scratch" | awk 'NR == 2 { print $4 }')" -gt $((used_kb * 2)) ]; then
	img=$(mktemp "$scratch/allocbench-rootfs.XXXXXX")
	trap '[ -f "$dir/.complete" ] || rm -rf "$root"; rm -f "$img"' EXIT
fi
mkfs.ext4 -q -F -L allocbench-root -d "$root" "$img" "${size_kb}k" >> "$log" 2>&1 ||
	die "mkfs.ext4 -d failed (log: $log)"
if [ "$img" != "$dir.tmp/rootfs.img" ]; then
	cp --sparse=always "$img" "$dir.tmp/rootfs.img" && rm -f "$img" || die "could not copy the image from $img"
fi
rm -rf "$root" "$dir.tmp/allocbench-guest" "$dir.tmp/allocbench-guest.service" "$dir.tmp/seed"
echo "$release" > "$dir.tmp/release"
echo "$pkgs" > "$dir.tmp/packages"
echo $(( $(date +%s) - t0 )) > "$dir.tmp/build_s"
rm -rf "$dir"
mv "$dir.tmp" "$dir"
touch "$dir/.complete"
# Each image is ~1.3 GB: keep this one and the one built before it.
ls -dt "$cache/$suite"-*/ 2>/dev/null | sed 's#/$##' | grep -vxF "$dir" | tail -n +2 |
	while read -r old; do rm -rf "$old"; done
echo "$me: built in $(cat "$dir/build_s") s: $dir ($(du -sh --apparent-size "$dir/rootfs.img" | cut -f1) file system, $((used_kb / 1024)) MiB used)" >&2
echo "$dir"
