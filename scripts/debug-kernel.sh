#!/usr/bin/env bash
# Build (once) and cache a debug kernel for QEMU from Debian's linux-source-6.12:
# KASAN (generic, inline, vmalloc), kmemleak, page_owner, lockdep, atomic-sleep
# and preemption checks, DEBUG_VM, SLUB_DEBUG, DEBUG_LIST, debugobjects, UBSAN,
# hardened usercopy, FORTIFY_SOURCE, lockup detectors: see scripts/debug-kernel.config.
#
#   scripts/debug-kernel.sh [--deb FILE] [--print-key]   -> prints the cache dir on stdout
#
#   --deb FILE    use this linux-source-6.12_*.deb instead of apt-get download
#   --print-key   print the cache key (source version + config hash) and exit
#
# The config is `make allnoconfig KCONFIG_ALLCONFIG=scripts/debug-kernel.config`;
# every option the fragment sets must come out set, or the build stops and
# names it. The cache key is the source package's version plus a hash of the
# fragment, this recipe and the compiler: a changed fragment builds a new kernel.
#
# Cache dir (~/.cache/allocbench/kernels/debug/<version>-<hash>/), the layout
# scripts/vm-run.sh -k and scripts/build-module.sh take:
#   vmlinux            uncompressed kernel for QEMU's PVH boot (bzImage: the same, compressed)
#   release            the kernel release (6.12.N-allocbench-debug); arch: amd64
#   build -> src       the built tree (objects pruned): M= module builds work in it
#   root/boot/config-<release>   the final .config (vm-run reads it: virtio built in)
#   config.fragment    the fragment it was built from
#   build-info         key=value: source version, hash, build seconds, jobs, compiler
#   build.log          the kernel build's output
#
# Environment: ALLOCBENCH_CACHE (cache root), ALLOCBENCH_KBUILD_JOBS (make -j,
# default: the number of CPUs). The build always runs under nice -n 10. It takes
# ~10 CPU-minutes: 9.5 min on 2 cores shared with other work, 17 min on 2 cores
# under a load of ~10 (see README); a second call returns at once.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
me=debug-kernel
die() { echo "$me: $*" >&2; exit 1; }
say() { echo "$me: $*" >&2; }

srcpkg=linux-source-6.12
fragment=$here/debug-kernel.config
recipe=allnoconfig+allconfig/v2	# bump when the build steps below change what they produce
deb= print_key=0
while [ $# -gt 0 ]; do
	case $1 in
	--deb) deb=${2:?--deb needs a file}; shift ;;
	--print-key) print_key=1 ;;
	-h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; exit 0 ;;
	*) die "unknown option '$1' (--deb FILE, --print-key)" ;;
	esac
	shift
done
[ -f "$fragment" ] || die "$fragment missing"

cache=${ALLOCBENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/allocbench}/kernels/debug
mkdir -p "$cache/src"
jobs=${ALLOCBENCH_KBUILD_JOBS:-$(nproc)}

# ---- which source: the given .deb, the candidate apt knows, or the cache's --
if [ -n "$deb" ]; then
	[ -f "$deb" ] || die "--deb $deb: no such file"
	version=$(dpkg-deb -f "$deb" Version) || die "$deb is not a .deb"
	[ "$(dpkg-deb -f "$deb" Package)" = "$srcpkg" ] || die "$deb is not a $srcpkg package"
else
	version=$(apt-cache policy "$srcpkg" 2>/dev/null | awk '/Candidate:/ { print $2; exit }')
	[ "$version" = "(none)" ] && version=
	if [ -z "$version" ]; then
		# Offline or no package lists: the newest source .deb already in the cache.
		deb=$(ls "$cache"/src/"${srcpkg}"_*_all.deb 2>/dev/null | sort -V | tail -n1 || true)
		[ -n "$deb" ] || die "apt knows no $srcpkg (run 'apt-get update'; it is in bookworm-updates/security) and the cache holds none: pass --deb FILE"
		version=$(dpkg-deb -f "$deb" Version)
	fi
fi
gcc_id=$(${CC:-gcc} --version 2>/dev/null | head -n1) || die "no C compiler (gcc)"
hash=$( { cat "$fragment"; echo "$recipe"; echo "$gcc_id"; } | sha256sum | cut -c1-12)
key=$version-$hash
if [ $print_key = 1 ]; then echo "$key"; exit 0; fi

dir=$cache/$key
if [ -f "$dir/.complete" ]; then
	echo "$dir"
	exit 0
fi

# One build at a time per cache (a second caller waits, then finds it done).
exec 9>"$cache/.lock"
if ! flock -n 9; then
	say "another build holds $cache/.lock: waiting for it"
	flock 9
fi
if [ -f "$dir/.complete" ]; then echo "$dir"; exit 0; fi

# What a kernel build needs beyond the project's usual tools (scripts/install-deps.sh --debug-kernel).
need=()
for c in flex bison bc make gcc perl xz; do command -v "$c" >/dev/null 2>&1 || need+=("$c"); done
[ -f /usr/include/gelf.h ] || need+=("libelf headers (gelf.h)")
[ -f /usr/include/openssl/opensslv.h ] || need+=("openssl headers")
[ ${#need[@]} = 0 ] ||
	die "missing to build a kernel: ${need[*]}: run scripts/install-deps.sh --debug-kernel (as root)"

if [ -z "$deb" ]; then
	deb=$cache/src/${srcpkg}_${version//:/%3a}_all.deb
	if [ ! -f "$deb" ]; then
		say "downloading $srcpkg $version (~150 MB)"
		( cd "$cache/src" && apt-get download -q -o APT::Sandbox::User=root "$srcpkg=$version" >&2 ) ||
			die "apt-get download $srcpkg=$version failed (network? apt-get update?)"
		[ -f "$deb" ] || deb=$(ls "$cache"/src/"${srcpkg}"_*"${version##*:}"*_all.deb | head -n1)
	fi
fi

# Built in place (kbuild records absolute paths); .complete marks a finished one.
tmp=$dir
rm -rf "$tmp"
mkdir -p "$tmp/root/boot"
say "unpacking $srcpkg $version into $tmp"
dpkg-deb --fsys-tarfile "$deb" | tar -xOf - "./usr/src/$srcpkg.tar.xz" | tar -xJf - -C "$tmp" ||
	die "could not unpack $deb"
mv "$tmp/$srcpkg" "$tmp/src"
src=$tmp/src

# ---- config: allnoconfig with the fragment, and every request checked ------------
cp "$fragment" "$tmp/config.fragment"
kmake() { make -C "$src" -s "$@"; }
kmake allnoconfig KCONFIG_ALLCONFIG="$fragment" > "$tmp/config.log" 2>&1 ||
	{ tail -n 20 "$tmp/config.log" >&2; die "make allnoconfig failed"; }
kmake olddefconfig >> "$tmp/config.log" 2>&1 || { tail -n 20 "$tmp/config.log" >&2; die "make olddefconfig failed"; }
lost=$(grep -E '^CONFIG_[A-Z0-9_]+=' "$fragment" | while IFS= read -r line; do
	grep -qxF "$line" "$src/.config" || echo "  $line (now: $(grep -E "^(# )?${line%%=*}[= ]" "$src/.config" || echo unset))"
done)
lost=$lost$(grep -E '^# CONFIG_[A-Z0-9_]+ is not set' "$fragment" | awk '{ print $2 }' | while read -r opt; do
	grep -q "^$opt=" "$src/.config" && echo "  # $opt is not set (now: $(grep "^$opt=" "$src/.config"))"
done || true)
[ -z "$lost" ] || die "options of $fragment that Kconfig did not keep (a missing dependency?):
$lost"

# ---- build ----------------------------------------------------------------------
say "building $srcpkg $version with $(basename "$fragment") (make -j$jobs under nice -n 10; ~10 CPU-minutes); log: $tmp/build.log"
t0=$(date +%s)
if ! nice -n 10 make -C "$src" -j"$jobs" all > "$tmp/build.log" 2>&1; then
	grep -E 'error|Error' "$tmp/build.log" | head -n 20 >&2 || tail -n 20 "$tmp/build.log" >&2
	die "kernel build failed (log: $tmp/build.log; the tree is left in $tmp, the next call starts afresh)"
fi
build_s=$(( $(date +%s) - t0 ))
release=$(kmake kernelrelease)
say "built $release in $build_s s"

# ---- the cache layout -------------------------------------------------------
mv "$src/vmlinux" "$tmp/vmlinux"
ln -s ../vmlinux "$src/vmlinux"		# a tree that still has its vmlinux (BTF, gdb scripts)
cp "$src/.config" "$tmp/root/boot/config-$release"
cp "$src/arch/x86/boot/bzImage" "$tmp/bzImage"
echo "$release" > "$tmp/release"
echo amd64 > "$tmp/arch"
# Objects are not needed for M= builds: keep the host programs (scripts/, tools/objtool).
find "$src" \( -path "$src/scripts" -o -path "$src/tools" \) -prune -o \
	-type f \( -name '*.o' -o -name '*.a' -o -name '*.o.cmd' -o -name '.tmp_*' \) -print0 | xargs -0 rm -f
rm -f "$src/arch/x86/boot/compressed/vmlinux.bin"*
{
	echo "source_package=$srcpkg"
	echo "source_version=$version"
	echo "config_hash=$hash"
	echo "recipe=$recipe"
	echo "release=$release"
	echo "build_s=$build_s"
	echo "jobs=$jobs"
	echo "cpus=$(nproc)"
	echo "compiler=$gcc_id"
	echo "built_utc=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
} > "$tmp/build-info"

# The tree must build an out-of-tree module exactly as scripts/build-module.sh does.
smoke=$(mktemp -d)
trap 'rm -rf "$smoke"' EXIT
printf '#include <linux/module.h>\nstatic int __init s_init(void) { return 0; }\nstatic void __exit s_exit(void) {}\nmodule_init(s_init);\nmodule_exit(s_exit);\nMODULE_LICENSE("GPL");\n' > "$smoke/smoke.c"
echo 'obj-m := smoke.o' > "$smoke/Kbuild"
make -C "$src" M="$smoke" modules > "$smoke/log" 2>&1 && [ -f "$smoke/smoke.ko" ] ||
	{ tail -n 20 "$smoke/log" >&2; die "an out-of-tree module does not build against the pruned tree"; }

ln -sfn src "$dir/build"
touch "$dir/.complete"
say "cached in $dir (build $build_s s)"
echo "$dir"
