#!/usr/bin/env bash
# Build allocbench.ko against one kernel's headers, in a build folder of that
# kernel's own, so a module built for 6.1 is never picked up for 6.12.
#
#   scripts/build-module.sh [--strict] KDIR [OUTDIR]
#
# KDIR    a prepared headers tree (/lib/modules/$(uname -r)/build, or a
#         kernel-cache dir's build/)
# OUTDIR  default build/<kernel release>/module
# --strict  fail when the build log holds any "warning:"
#
# Prints the path of the .ko on stdout; the full log is OUTDIR/build.log.
# On failure: the errors from the log, then one line naming what failed.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(dirname "$here")
strict=0
[ "${1:-}" = --strict ] && { strict=1; shift; }
kdir=${1:?usage: build-module.sh [--strict] KDIR [OUTDIR]}
[ -d "$kdir" ] || { echo "build-module: no kernel headers at $kdir" >&2; exit 1; }
kdir=$(cd "$kdir" && pwd -P)
if [ -f "$kdir/include/generated/utsrelease.h" ]; then
	release=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"/\1/p' "$kdir/include/generated/utsrelease.h")
elif [ -f "$kdir/include/config/kernel.release" ]; then
	release=$(cat "$kdir/include/config/kernel.release")
else
	release=$(make -s -C "$kdir" kernelrelease 2>/dev/null) || release=unknown
fi
out=${2:-$top/build/$release/module}
mkdir -p "$out"
out=$(cd "$out" && pwd)

# Copy the sources in (mtimes kept, so Kbuild stays incremental).
src=$top/bench-module
[ -f "$src/Kbuild" ] || { echo "build-module: $src/Kbuild missing" >&2; exit 1; }
( cd "$src" && find . \( -name '*.[ch]' -o -name Kbuild -o -name Makefile \) \
	-not -path './.tmp*' -print0 | cpio -p0dmu --quiet "$out" )

extra=()
# Kernels with CONFIG_DEBUG_INFO_BTF_MODULES (Debian 6.12) need pahole; without it skip BTF.
command -v pahole >/dev/null 2>&1 || extra+=(CONFIG_DEBUG_INFO_BTF_MODULES=)

# One job per CPU, unless a parent make already shares its jobserver.
case ${MAKEFLAGS:-} in *-j*|*jobserver*) ;; *) extra+=(-j"$(nproc 2>/dev/null || echo 1)") ;; esac

log=$out/build.log
if ! make -C "$kdir" M="$out" "${extra[@]}" modules > "$log" 2>&1; then
	grep -E 'error|Error|warning:' "$log" | head -n 20 >&2 || tail -n 20 "$log" >&2
	echo "build-module: build against $release failed (log: $log)" >&2
	exit 1
fi
if [ $strict = 1 ] && grep -q 'warning:' "$log"; then
	grep 'warning:' "$log" | head -n 20 >&2
	echo "build-module: warnings building against $release (log: $log)" >&2
	exit 1
fi
[ -f "$out/allocbench.ko" ] || { echo "build-module: no allocbench.ko after the build (log: $log)" >&2; exit 1; }
echo "$out/allocbench.ko"
