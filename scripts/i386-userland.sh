#!/usr/bin/env bash
# The 32-bit user space an i386 guest (KERNEL=6.1-686) needs, unpacked into a
# cache folder, never installed: busybox-static (the guest's shell and tools)
# and the static archives the runner links (libinih, zlib, GSL).
#
#   scripts/i386-userland.sh        -> prints the folder on stdout
#
# The folder holds root/ (the unpacked packages: root/bin/busybox,
# root/usr/lib/i386-linux-gnu/libinih.a, libz.a, libgsl.a, libgslcblas.a),
# packages (the list it was made from: a new list refetches) and .complete.
# The runner's
# `make -C runner static32` links against it with gcc -m32 (gcc-multilib:
# scripts/install-deps.sh --i386); the headers are the host's (ini.h, zlib.h,
# zconf.h and gsl/ are the same on every architecture).
#
# Why apt-get download and not apt-get install of the :i386 -dev packages:
# installing them pulls libc6-dev:i386 and friends, which must match the
# amd64 versions exactly (Multi-Arch: same) and break whenever the i386 and
# amd64 lists are out of step (a mirror mid-sync); unpacking the few
# packages needs only their .deb files. Like scripts/kernel-cache.sh, this
# adds i386 as a foreign architecture and runs apt-get update once when
# i386 lists are missing (as root), and says so.
set -euo pipefail

die() { echo "i386-userland: $*" >&2; exit 1; }

cache=${ALLOCBENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/allocbench}/i386-userland
pkgs=(busybox-static:i386 libinih-dev:i386 zlib1g-dev:i386 libgsl-dev:i386)
libs=(libinih.a libz.a libgsl.a libgslcblas.a)

if [ -f "$cache/.complete" ] && [ "$(cat "$cache/packages" 2>/dev/null)" = "${pkgs[*]}" ]; then
	echo "$cache"
	exit 0
fi

if ! apt-cache show "${pkgs[0]}" >/dev/null 2>&1; then
	[ "$(id -u)" = 0 ] ||
		die "no i386 package lists; as root run once: dpkg --add-architecture i386 && apt-get update"
	if ! dpkg --print-foreign-architectures | grep -qx i386; then
		echo "i386-userland: dpkg --add-architecture i386 (once; nothing is installed)" >&2
		dpkg --add-architecture i386
	fi
	echo "i386-userland: apt-get update for the i386 package lists" >&2
	apt-get update -qq >/dev/null 2>&1 ||
		echo "i386-userland: apt-get update reported errors (offline, or a mirror mid-sync): using the lists it got" >&2
	apt-cache show "${pkgs[0]}" >/dev/null 2>&1 || die "no i386 packages in apt's lists (apt-get update failed?)"
fi

rm -rf "$cache.tmp"
mkdir -p "$cache.tmp/debs" "$cache.tmp/root"
( cd "$cache.tmp/debs" && apt-get download -q -o APT::Sandbox::User=root "${pkgs[@]}" >&2 ) ||
	die "apt-get download ${pkgs[*]} failed"
for deb in "$cache.tmp"/debs/*.deb; do
	dpkg-deb -x "$deb" "$cache.tmp/root"
done
rm -rf "$cache.tmp/debs"
[ -x "$cache.tmp/root/bin/busybox" ] || die "busybox-static:i386 holds no bin/busybox"
for a in "${libs[@]}"; do
	[ -f "$cache.tmp/root/usr/lib/i386-linux-gnu/$a" ] || die "no usr/lib/i386-linux-gnu/$a in the packages"
done
echo "${pkgs[*]}" > "$cache.tmp/packages"
rm -rf "$cache"
mv "$cache.tmp" "$cache"
touch "$cache/.complete"
echo "$cache"
