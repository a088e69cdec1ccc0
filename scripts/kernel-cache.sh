#!/usr/bin/env bash
# Fetch a Debian kernel (image + headers) into a cache folder, never into /boot.
#
#   scripts/kernel-cache.sh 6.1|6.12|6.1-686|<release>   -> prints the cache dir on stdout
#
# The cache dir holds: root/ (the unpacked packages), vmlinux (uncompressed, for
# QEMU's PVH boot), bzImage, build -> the headers tree a module builds against,
# release, and arch (the Debian architecture of the kernel: amd64 or i386; the
# VM harness and the builds read it, so callers never name an architecture).
# Exact package names are resolved through Debian's meta packages because the
# ABI suffix moves with every security update.
#
# 6.1-686 is bookworm's 32-bit kernel (linux-image-686-pae, architecture
# i386). Its packages are only in apt's lists once i386 is a foreign
# architecture: asked for that kernel, this script (as root) runs
# `dpkg --add-architecture i386` and `apt-get update` once, and says so.
# Nothing else about the machine changes (no package is installed). Its
# kbuild host tools are the amd64 linux-kbuild package of the same version:
# they are host programs and build modules for any x86 configuration.
set -euo pipefail

die() { echo "kernel-cache: $*" >&2; exit 1; }

alias_name=${1:-6.12}
cache=${ALLOCBENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/allocbench}/kernels
mkdir -p "$cache"

# Map the user's alias to the image meta package that follows it.
arch=amd64
case "$alias_name" in
	6.1)  meta=linux-image-amd64 ;;		# bookworm's own kernel line
	6.12) meta=linux-image-6.12-amd64 ;;
	6.1-686) meta=linux-image-686-pae arch=i386 ;;	# bookworm's 32-bit kernel (PAE)
	*)    meta=linux-image-$alias_name
	      case $alias_name in *-686|*-686-pae) arch=i386 ;; esac ;;
esac
native=$(dpkg --print-architecture 2>/dev/null || echo amd64)
# Package names with the architecture spelled out where it is not the host's.
q() { if [ "$arch" = "$native" ]; then echo "$1"; else echo "$1:$arch"; fi; }

# i386 packages: the architecture must be known to dpkg and in apt's lists.
ensure_arch() {
	[ "$arch" = "$native" ] && return 0
	apt-cache show "$(q "$meta")" >/dev/null 2>&1 && return 0
	if [ "$(id -u)" != 0 ]; then
		echo "kernel-cache: kernel '$alias_name' is an $arch package; as root run once: dpkg --add-architecture $arch && apt-get update" >&2
		return 1
	fi
	if ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
		echo "kernel-cache: kernel '$alias_name' is an $arch package: dpkg --add-architecture $arch (once; nothing is installed)" >&2
		dpkg --add-architecture "$arch" || return 1
	fi
	echo "kernel-cache: apt-get update for the $arch package lists" >&2
	apt-get update -qq >/dev/null 2>&1 || echo "kernel-cache: apt-get update reported errors (offline, or a mirror mid-sync): using the lists it got" >&2
	return 0
}

resolve_release() {
	local dep
	dep=$(apt-cache depends "$(q "$meta")" 2>/dev/null |
	      awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
	if [ -z "$dep" ] && apt-cache show "$(q "$meta")" >/dev/null 2>&1; then
		dep=$meta	# already a concrete image package
	fi
	[ -n "$dep" ] || return 1
	dep=${dep%%:*}
	echo "${dep#linux-image-}"
}

ensure_arch || true
release=$(resolve_release || true)
if [ -z "$release" ]; then
	# Offline or no apt lists: fall back to a release already in the cache.
	# Same version prefix and same architecture (a cache without an arch file is amd64).
	prefix=${alias_name%-686}
	release=$(for d in $(ls "$cache" 2>/dev/null | grep -E "^${prefix//./\\.}[.+-]"); do
			[ "$(cat "$cache/$d/arch" 2>/dev/null || echo amd64)" = "$arch" ] && echo "$d"
		done | sort -V | tail -n1 || true)
	[ -n "$release" ] && [ -f "$cache/$release/.complete" ] ||
		die "cannot resolve kernel '$alias_name' (package $meta): run 'apt-get update' (needs Debian's package lists) or pass KERNEL=<path>"
	echo "$cache/$release"
	exit 0
fi

dir=$cache/$release
if [ -f "$dir/.complete" ]; then
	echo "$dir"
	exit 0
fi

rm -rf "$dir.tmp"
mkdir -p "$dir.tmp/debs" "$dir.tmp/root"
(
	cd "$dir.tmp/debs"
	hdr=$(q "linux-headers-$release")
	# A foreign architecture's dependency on an arch-all package reads
	# "Depends: <linux-headers-...-common:i386>" (virtual, then the real one).
	common=$(apt-cache depends "$hdr" | awk '/Depends: <?linux-headers-.*-common/ { gsub(/[<>]/, "", $2); print $2; exit }')
	kbuild=$(apt-cache depends "$hdr" | awk '/Depends: linux-kbuild-/ { print $2; exit }')
	[ -n "$common" ] && [ -n "$kbuild" ] || die "cannot resolve headers for $release"
	common=${common%%:*}	# architecture all
	if [ "$arch" != "$native" ]; then
		# The host's own build of the kbuild tools, same version as the headers ask for.
		# The same version as the headers, which ask for ">= theirs".
		kver=$(apt-cache show --no-all-versions "$hdr" | sed -n 's/^Depends:.*linux-kbuild-[^ ]* ([>=]* *\([^)]*\)).*/\1/p' | head -n1)
		kbuild=${kbuild%%:*}
		[ -n "$kver" ] && apt-cache show "$kbuild=$kver" >/dev/null 2>&1 && kbuild=$kbuild=$kver
	fi
	# The -unsigned image is the same kernel without the signature wrapper;
	# prefer the signed one, which is what a Debian machine boots.
	apt-get download -q -o APT::Sandbox::User=root "$(q "linux-image-$release")" "$hdr" "$common" "$kbuild" >&2 ||
		die "apt-get download failed for $release"
)
for deb in "$dir.tmp"/debs/*.deb; do
	dpkg-deb -x "$deb" "$dir.tmp/root"
done

# The arch headers' Makefile includes the -common tree by absolute path.
hdrdir=$dir.tmp/root/usr/src/linux-headers-$release
[ -f "$hdrdir/Makefile" ] || die "no headers tree in the packages for $release"
sed -i "s#include /usr/src/#include $dir/root/usr/src/#" "$hdrdir/Makefile"
# Kbuild's scripts are symlinks into /usr/lib/linux-kbuild-*: point them into the cache.
find "$dir.tmp/root/usr/src" -maxdepth 2 -type l | while read -r link; do
	target=$(readlink "$link")
	case "$target" in
		/usr/*) ln -sfn "$dir/root$target" "$link" ;;
		../../lib/*|../lib/*) : ;;	# relative links stay valid inside root/
	esac
done

# vmlinux for PVH boot: the first xz or zstd stream inside the bzImage.
"$(dirname "$0")/extract-vmlinux.sh" "$dir.tmp/root/boot/vmlinuz-$release" > "$dir.tmp/vmlinux" ||
	die "could not extract vmlinux from vmlinuz-$release"

cp "$dir.tmp/root/boot/vmlinuz-$release" "$dir.tmp/bzImage"
echo "$release" > "$dir.tmp/release"
echo "$arch" > "$dir.tmp/arch"
rm -rf "$dir.tmp/debs"
rm -rf "$dir"
mv "$dir.tmp" "$dir"
ln -sfn "root/usr/src/linux-headers-$release" "$dir/build"
touch "$dir/.complete"
echo "$dir"
