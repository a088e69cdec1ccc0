#!/usr/bin/env bash
# Fetch a Debian kernel (image + headers) into a cache folder, never into /boot.
#
#   scripts/kernel-cache.sh 6.1|6.12|<release>   -> prints the cache dir on stdout
#
# The cache dir holds: root/ (the unpacked packages), vmlinux (uncompressed, for
# QEMU's PVH boot), build -> the headers tree a module builds against, release.
# Exact package names are resolved through Debian's meta packages because the
# ABI suffix moves with every security update.
set -euo pipefail

die() { echo "kernel-cache: $*" >&2; exit 1; }

alias_name=${1:-6.12}
cache=${ALLOCBENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/allocbench}/kernels
mkdir -p "$cache"

# Map the user's alias to the image meta package that follows it.
case "$alias_name" in
	6.1)  meta=linux-image-amd64 ;;		# bookworm's own kernel line
	6.12) meta=linux-image-6.12-amd64 ;;
	*)    meta=linux-image-$alias_name ;;
esac

resolve_release() {
	local dep
	dep=$(apt-cache depends "$meta" 2>/dev/null |
	      awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
	if [ -z "$dep" ] && apt-cache show "$meta" >/dev/null 2>&1; then
		dep=$meta	# already a concrete image package
	fi
	[ -n "$dep" ] || return 1
	echo "${dep#linux-image-}"
}

release=$(resolve_release || true)
if [ -z "$release" ]; then
	# Offline or no apt lists: fall back to a release already in the cache.
	release=$(ls "$cache" 2>/dev/null | grep -E "^${alias_name//./\\.}[.+-]" | sort -V | tail -n1 || true)
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
	hdr=linux-headers-$release
	common=$(apt-cache depends "$hdr" | awk '/Depends: linux-headers-.*-common/ { print $2; exit }')
	kbuild=$(apt-cache depends "$hdr" | awk '/Depends: linux-kbuild-/ { print $2; exit }')
	[ -n "$common" ] && [ -n "$kbuild" ] || die "cannot resolve headers for $release"
	# The -unsigned image is the same kernel without the signature wrapper;
	# prefer the signed one, which is what a Debian machine boots.
	apt-get download -q -o APT::Sandbox::User=root "linux-image-$release" "$hdr" "$common" "$kbuild" >&2 ||
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

echo "$release" > "$dir.tmp/release"
rm -rf "$dir.tmp/debs"
rm -rf "$dir"
mv "$dir.tmp" "$dir"
ln -sfn "root/usr/src/linux-headers-$release" "$dir/build"
touch "$dir/.complete"
echo "$dir"
