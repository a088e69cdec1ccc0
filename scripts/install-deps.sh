#!/usr/bin/env bash
# Install what allocbench needs to build, run in a VM, plot and test.
#
#   scripts/install-deps.sh          # as root on Debian/Ubuntu: installs what is missing
#   scripts/install-deps.sh --check  # only says what is missing (exit 1 if anything is)
#   scripts/install-deps.sh --list   # prints the packages, one a line (nothing else is done)
#   scripts/install-deps.sh --debug-kernel [--check]
#                                    # also what building the debug kernel needs
#                                    # (make test-debug; scripts/debug-kernel.sh)
#   scripts/install-deps.sh --i386   # also prepare the 32-bit guest now (KERNEL=6.1-686):
#                                    # dpkg --add-architecture i386 + apt-get update, and the
#                                    # i386 busybox/libinih/zlib unpacked into the cache
#                                    # (scripts/i386-userland.sh; else done on first use)
#
# Quiet and quick when everything is present (dpkg -s, no network).
# Not root or not apt-based: prints exactly what to install, exit 1.
set -euo pipefail

# What for:
#   gcc make libc6-dev         module and runner builds (runner-static links libc statically)
#   libinih-dev                config parser (static libinih.a for the VM runner)
#   libcmocka-dev              unit tests
#   zlib1g-dev                 compressed raw samples
#   libgsl-dev                 allocbench compare: t and normal distributions, random numbers
#                              (static libgsl.a for the VM runner)
#   gnuplot-nox                charts
#   qemu-system-x86            vm target
#   busybox-static cpio        the guest's initramfs
#   xz-utils zstd              kernel images and modules are compressed
#   pahole libelf1 libssl3     kbuild of Debian's kernel headers (6.12 builds module BTF)
#   kmod                       modinfo/insmod on the host target
#   python3                    integration checks (SVG well-formedness)
#   apt-utils dpkg-dev         apt-get download / dpkg-deb for the kernel cache (normally present)
#   ca-certificates            https mirrors
#   linux-perf binutils        deep dives (make perf): perf record/report/annotate, objdump
#   gcc-multilib               the 32-bit static runner and abi-abuse for the i386 guest
#                              (KERNEL=6.1-686, tests/integration/i386.sh); amd64 packages only
#   npm (only when no `npm` command exists: NodeSource's nodejs bundles it)
#                              fetches d3-flame-graph for the flame graphs
#                              (scripts/flamegraph-template.sh, into the cache)
pkgs=(gcc make libc6-dev libinih-dev libcmocka-dev zlib1g-dev libgsl-dev gnuplot-nox
      qemu-system-x86 busybox-static cpio xz-utils zstd pahole libelf1 libssl3
      kmod python3 ca-certificates linux-perf binutils gcc-multilib)
# Only with --debug-kernel (a kernel built from source, see scripts/debug-kernel.sh):
#   flex bison bc              Kconfig and the kernel's generated headers
#   libelf-dev libssl-dev      objtool (ORC unwinder), sign-file and certs tooling
#   linux-source-6.12 is not installed here: debug-kernel.sh downloads the .deb
#   into its cache (apt-get download), so nothing lands in /usr/src.
debug_pkgs=(flex bison bc libelf-dev libssl-dev)

check_only=0 list_only=0 i386=0
for arg in "$@"; do
	case $arg in
	--check) check_only=1 ;;
	--list) list_only=1 ;;
	--debug-kernel) pkgs+=("${debug_pkgs[@]}") ;;
	--i386) i386=1 ;;
	*) echo "install-deps: unknown option '$arg' (--check, --list, --debug-kernel, --i386)" >&2; exit 2 ;;
	esac
done
# tests/host-path builds its guest's root filesystem from this list.
[ $list_only = 1 ] && { printf '%s\n' "${pkgs[@]}"; exit 0; }

missing=()
if command -v dpkg >/dev/null 2>&1; then
	for p in "${pkgs[@]}"; do
		# dpkg-query, not `dpkg -s | grep -q`: under pipefail grep -q's early exit
		# makes dpkg die of SIGPIPE on long entries (libc6-dev), a false "missing".
		[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] || missing+=("$p")
	done
	command -v npm >/dev/null 2>&1 || missing+=(npm)
else
	echo "install-deps: not a Debian/Ubuntu system (no dpkg). Install the equivalents of:" >&2
	echo "  ${pkgs[*]}" >&2
	exit 1
fi

# The flame graph template (make perf): from the npm registry into the cache.
# Checked with --check; a failure to fetch it only warns (make bench does not need it).
flamegraph_template() {
	if [ $check_only = 1 ]; then "$(dirname "$0")/flamegraph-template.sh" --check; return; fi
	"$(dirname "$0")/flamegraph-template.sh" >/dev/null ||
		echo "install-deps: warning: no flame graph template (make perf needs it; retry: scripts/flamegraph-template.sh)" >&2
	return 0
}

# --i386: the 32-bit guest's package lists and user space now rather than on first use.
i386_prep() {
	[ $i386 = 1 ] || return 0
	if [ $check_only = 1 ]; then
		[ -f "${ALLOCBENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/allocbench}/i386-userland/.complete" ] && return 0
		echo "install-deps: missing: the i386 user space (scripts/i386-userland.sh)" >&2
		return 1
	fi
	"$(dirname "$0")/i386-userland.sh" >/dev/null
}

[ ${#missing[@]} -eq 0 ] && { flamegraph_template && i386_prep; exit; }

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
	# A mirror mid-sync fails one index (exit 100) and leaves the others
	# fresh: go on with what apt has; a real outage fails the install below.
	$sudo apt-get update -qq >/dev/null ||
		echo "install-deps: apt-get update reported errors (network, or a mirror mid-sync): using the lists it got" >&2
fi
log=$(mktemp)
if ! $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$log" 2>&1; then
	tail -n 20 "$log" >&2
	rm -f "$log"
	echo "install-deps: apt-get install failed for: ${missing[*]}" >&2
	exit 1
fi
rm -f "$log"
flamegraph_template
i386_prep
