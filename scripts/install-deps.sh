#!/usr/bin/env bash
# Install what allocbench needs to build, run in a VM, plot and test.
#
#   scripts/install-deps.sh          # as root on Debian/Ubuntu: installs what is missing
#   scripts/install-deps.sh --check  # only says what is missing (exit 1 if anything is)
#
# Quiet and quick when everything is present (dpkg -s, no network).
# Not root or not apt-based: prints exactly what to install, exit 1.
set -euo pipefail

# What for:
#   gcc make libc6-dev         module and runner builds (runner-static links libc statically)
#   libinih-dev                config parser (static libinih.a for the VM runner)
#   libcmocka-dev              unit tests
#   zlib1g-dev                 compressed raw samples
#   gnuplot-nox                charts
#   qemu-system-x86            vm target
#   busybox-static cpio        the guest's initramfs
#   xz-utils zstd              kernel images and modules are compressed
#   pahole libelf1 libssl3     kbuild of Debian's kernel headers (6.12 builds module BTF)
#   kmod                       modinfo/insmod on the host target
#   python3                    integration checks (SVG well-formedness)
#   apt-utils dpkg-dev         apt-get download / dpkg-deb for the kernel cache (normally present)
#   ca-certificates            https mirrors
pkgs=(gcc make libc6-dev libinih-dev libcmocka-dev zlib1g-dev gnuplot-nox
      qemu-system-x86 busybox-static cpio xz-utils zstd pahole libelf1 libssl3
      kmod python3 ca-certificates)

check_only=0
[ "${1:-}" = --check ] && check_only=1

missing=()
if command -v dpkg >/dev/null 2>&1; then
	for p in "${pkgs[@]}"; do
		dpkg -s "$p" 2>/dev/null | grep -q '^Status: install ok installed' || missing+=("$p")
	done
else
	echo "install-deps: not a Debian/Ubuntu system (no dpkg). Install the equivalents of:" >&2
	echo "  ${pkgs[*]}" >&2
	exit 1
fi

[ ${#missing[@]} -eq 0 ] && exit 0

if [ $check_only = 1 ]; then
	echo "install-deps: missing: ${missing[*]}" >&2
	exit 1
fi

sudo=
if [ "$(id -u)" != 0 ]; then
	if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
		sudo=sudo
	else
		echo "install-deps: missing packages; as root run:" >&2
		echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
		exit 1
	fi
fi
command -v apt-get >/dev/null || { echo "install-deps: no apt-get; install: ${missing[*]}" >&2; exit 1; }

echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
if [ -z "${ALLOCBENCH_APT_UPDATED:-}" ]; then
	$sudo apt-get update -qq >/dev/null ||
		{ echo "install-deps: apt-get update failed (network? sources.list?)" >&2; exit 1; }
fi
log=$(mktemp)
if ! $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$log" 2>&1; then
	tail -n 20 "$log" >&2
	rm -f "$log"
	echo "install-deps: apt-get install failed for: ${missing[*]}" >&2
	exit 1
fi
rm -f "$log"
