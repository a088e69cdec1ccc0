#!/usr/bin/env bash
# Deep dives, end to end: what `make perf` runs. Each point is repeated,
# time-boxed, under perf record -g and perf stat where the module runs (this
# kernel, or a Debian kernel in QEMU), then rendered here (scripts/perf-render.sh)
# into <run>/perf/<point>/.
#
#   scripts/perf.sh             (settings from the environment:)
#     POINT="vmalloc pair 1M [gfp=kernel]"   a point (several: separated by commas)
#     CONFIG=configs/perf.conf  when POINT is empty: the config's [perf] section
#     TARGET=auto|host|vm       auto: host when this kernel can load modules, else vm
#     KERNEL=6.12|6.1|<release>|/path/bzImage:/path/headers   vm target only (default 6.12)
#     PERF_SECONDS=10           time box of each repetition (make perf SECONDS=...)
#     RUN=results/<run>         add the deep dives to this run (report.md then links them);
#                               default: a new run folder OUT
#     OUT=dir                   the new run folder (default results/<UTC>-<host>-<kernel>); must not exist
#     CMDLINE="init_on_alloc=0" vm: kernel command line (default: the config's [run] cmdline)
#     MEMORY=1G                 vm: guest memory (default: the config's [run] memory, else 1G)
#     EVENT=...                 sampling event (default cycles where the PMU has them, else cpu-clock)
#     ALLOCBENCH_PERF=perf      the perf binary (here and, copied with its libraries, in the guest)
#     ALLOCBENCH_VM_TIMEOUT=s   before the VM is killed (default: from the points and seconds)
#
# Checked before anything runs: the points (unknown words), perf (package
# linux-perf), objdump, the flame graph template (scripts/flamegraph-template.sh);
# then, where the module runs, perf_event_paranoid, kptr_restrict and whether the
# kernel serves each point (allocbench perf). Nothing half-written: every
# folder is made under a temporary name and renamed when complete.
# Prints each deep dive's folder; the last line is the run folder.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(dirname "$here")
cd "$top"

POINT=${POINT:-}
CONFIG=${CONFIG:-}
TARGET=${TARGET:-auto}
KERNEL=${KERNEL:-6.12}
secs=${PERF_SECONDS:-10}
RUN=${RUN:-}
EVENT=${EVENT:-}
OUT=${OUT:-}
perf=${ALLOCBENCH_PERF:-perf}

say() { echo "perf: $*" >&2; }
die() { echo "perf: $*" >&2; exit "${2:-1}"; }

case $TARGET in auto|host|vm) ;; *) die "TARGET must be auto, host or vm, not '$TARGET'" 2 ;; esac
[[ $secs =~ ^[0-9]+$ ]] && [ "$secs" -ge 1 ] && [ "$secs" -le 3600 ] ||
	die "SECONDS must be a whole number of seconds, 1..3600, not '$secs'" 2

mkdir -p build
rdir=${ALLOCBENCH_RUNNER_DIR:-$top/runner}
runner_build() {	# $1 = make target
	[ -n "${ALLOCBENCH_RUNNER_DIR:-}" ] && return 0
	make -s -C runner "$@" > build/runner.log 2>&1 ||
		{ grep -E 'error|warning:' build/runner.log | head -n 15 >&2; die "runner build failed (log: build/runner.log)"; }
}
runner_build
runner=$rdir/allocbench

# ---- the selection --------------------------------------------------------------------
sel=()
if [ -n "$POINT" ]; then
	sel=("$POINT")
elif [ -n "$CONFIG" ]; then
	[ -f "$CONFIG" ] || die "no config $CONFIG" 2
	sel=(-c "$CONFIG")
else
	die "which point? make perf POINT=\"vmalloc pair 1M\" (ALLOCATOR OP SIZE [gfp=GFP]), or CONFIG=<a config with a [perf] section>" 2
fi
points=$("$runner" perf --list "${sel[@]}") || exit 2
npoints=$(printf '%s\n' "$points" | grep -c .)
[ -n "$CONFIG" ] && [ -z "$POINT" ] && [ -z "${PERF_SECONDS:-}" ] &&
	s=$(awk '/^[ \t]*\[/ { in_perf = ($0 ~ /^[ \t]*\[perf\]/) } in_perf && /^[ \t]*seconds[ \t]*=/ { sub(/.*=[ \t]*/, ""); sub(/[ \t;#].*/, ""); print; exit }' "$CONFIG") &&
	[ -n "$s" ] && secs=$s

# ---- what rendering needs, here ---------------------------------------------------------
perfbin=$(command -v "$perf") ||
	die "perf is not installed: install the Debian package linux-perf (apt-get install linux-perf; scripts/install-deps.sh installs it with the rest)"
"$perfbin" --version >/dev/null 2>&1 || die "'$perf --version' fails: perf is not usable here (Debian: linux-perf)"
export ALLOCBENCH_PERF=$perfbin	# for perf-render.sh
command -v objdump >/dev/null || die "objdump not found: install binutils (perf annotate needs it)"
if ! "$here/flamegraph-template.sh" --check 2>/dev/null; then
	say "the flame graph template is missing: fetching d3-flame-graph from the npm registry"
	"$here/flamegraph-template.sh" >/dev/null || die "no flame graph template (see above; scripts/install-deps.sh)"
fi
if [ -n "$RUN" ]; then
	[ -d "$RUN" ] || die "RUN=$RUN is not a folder (RUN names an existing run; leave it out for a new one)" 2
	[ -f "$RUN/meta.csv" ] || die "RUN=$RUN holds no meta.csv: not a run folder" 2
	[ -z "$OUT" ] || die "RUN= adds to a run, OUT= makes a new one: not both" 2
fi
[ -z "$OUT" ] || [ ! -e "$OUT" ] || die "OUT=$OUT already exists" 2

# ---- where the module runs -------------------------------------------------------------------
host_blocker() {	# why the running kernel cannot load our module; empty when it can
	local krel caps
	krel=$(uname -r)
	[ -e /proc/modules ] || { echo "the running kernel $krel has no module support (CONFIG_MODULES=n)"; return; }
	[ "$(cat /proc/sys/kernel/modules_disabled 2>/dev/null || echo 0)" = 0 ] ||
		{ echo "module loading is disabled (kernel.modules_disabled=1)"; return; }
	if grep -qE '\[(integrity|confidentiality)\]' /sys/kernel/security/lockdown 2>/dev/null; then
		echo "the kernel is locked down: unsigned modules cannot load"; return
	fi
	[ "$(id -u)" = 0 ] || { echo "loading a module needs root"; return; }
	caps=$(awk '/^CapEff:/ { print $2 }' /proc/self/status)
	(( (16#${caps:-0} >> 16) & 1 )) || { echo "no CAP_SYS_MODULE (a container?)"; return; }
	[ -d "/lib/modules/$krel/build" ] ||
		{ echo "no headers for $krel at /lib/modules/$krel/build (apt-get install linux-headers-$krel)"; return; }
	echo
}
blocker=$(host_blocker)
case $TARGET in
auto)
	if [ -z "$blocker" ]; then TARGET=host; say "target: host (kernel $(uname -r) can load modules)"
	else TARGET=vm; say "target: vm ($blocker; kernel $KERNEL in QEMU instead)"; fi ;;
host) [ -z "$blocker" ] || die "TARGET=host impossible: $blocker. Use TARGET=vm (QEMU)." ;;
vm) say "target: vm (kernel $KERNEL in QEMU)" ;;
esac
[ $TARGET = vm ] && ! command -v qemu-system-x86_64 >/dev/null &&
	die "TARGET=vm needs QEMU: install qemu-system-x86 busybox-static cpio (scripts/install-deps.sh)"

git_rev=$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo none)
[ "$git_rev" != none ] && [ -n "$(git -C "$top" status --porcelain -uno 2>/dev/null)" ] && git_rev=$git_rev-dirty

work=$(mktemp -d "${TMPDIR:-/tmp}/allocbench-perf.XXXXXX")
loaded=0 newrun=
cleanup() {
	if [ $loaded = 1 ]; then "$runner" unload >/dev/null 2>&1 || say "warning: could not unload allocbench"; fi
	rm -rf "$work"
	[ -n "$newrun" ] && rm -rf "$newrun"
	if [ -n "$RUN" ]; then rm -rf "$RUN"/perf/.*.render.$$ 2>/dev/null || true; fi
}
# ALLOCBENCH_PERF_KEEP=1 keeps the work folder (the guest's raw output) for a post-mortem.
[ "${ALLOCBENCH_PERF_KEEP:-0}" = 1 ] && echo "perf: work folder $work (kept)" >&2 || trap cleanup EXIT
trap 'exit 130' INT TERM

stamp=$(date -u +%Y%m%dT%H%M%SZ)
host=$(uname -n | cut -d. -f1)
meta=(--meta git_revision="$git_rev")
[ -n "$EVENT" ] && meta+=(-e "$EVENT")
rc=0
if [ $TARGET = host ]; then
	krel=$(uname -r)
	ko=$("$here/build-module.sh" "/lib/modules/$krel/build") || die "module build against $krel failed"
	"$runner" load "$ko" || die "could not load $ko"
	loaded=1
	"$runner" perf --record-only -o "$work/rec" -s "$secs" --ko "$ko" \
		--meta target=host --meta accelerator=none --meta emulated=no "${meta[@]}" "${sel[@]}" >/dev/null || rc=$?
	"$runner" unload || say "warning: could not unload allocbench"
	loaded=0
	[ $rc = 0 ] || die "allocbench perf failed (see above): nothing was written" "$rc"
	rec=$work/rec
else
	runner_build static
	case $KERNEL in
	*:*)
		kimage=${KERNEL%%:*} kdir=${KERNEL#*:}
		[ -f "$kimage" ] || die "KERNEL: no kernel image $kimage"
		[ -d "$kdir" ] || die "KERNEL: no headers tree $kdir" ;;
	*)
		say "kernel $KERNEL: fetching into the cache if needed"
		kcache=$("$here/kernel-cache.sh" "$KERNEL") || die "could not get kernel $KERNEL"
		[ "$(cat "$kcache/arch" 2>/dev/null || echo amd64)" = amd64 ] ||
			die "kernel $KERNEL is 32-bit: this machine's perf (amd64) cannot run in its guest; deep dives need an amd64 kernel"
		kimage=$kcache kdir=$kcache/build ;;
	esac
	ko=$("$here/build-module.sh" "$kdir") || die "module build against $kdir failed"
	krel=$(basename "$(dirname "$(dirname "$ko")")")
	memory=${MEMORY:-} cmdline=${CMDLINE-}
	if [ -n "$CONFIG" ]; then
		[ -n "$memory" ] || memory=$("$runner" check -c "$CONFIG" --get memory)
		[ -n "${CMDLINE+x}" ] || cmdline=$("$runner" check -c "$CONFIG" --get cmdline)
	fi
	memory=${memory:-1G}
	qemu_version=$(qemu-system-x86_64 --version | awk 'NR==1 {print $4}')
	files=(-f "$rdir/allocbench-static:/bin/allocbench" -f "$ko:/data/allocbench.ko" -f "$perfbin:/bin/perf")
	gsel=("${sel[@]}")
	if [ "${sel[0]}" = -c ]; then
		files+=(-f "$CONFIG:/data/perf.conf")
		gsel=(-c /data/perf.conf)
	fi
	cat > "$work/guest.sh" <<'EOF'
# allocbench deep dive in the guest: load, record (no rendering: the host does it), unload.
# $1 = seconds, $2 = qemu version, then allocbench perf's own arguments.
secs=$1 qv=$2; shift 2
emulated=yes
[ "$ALLOCBENCH_ACCEL" = kvm ] && emulated=no
allocbench load /data/allocbench.ko || exit 3
allocbench perf --record-only -o /out/rec -s "$secs" --ko /data/allocbench.ko \
	--meta target=vm --meta accelerator="$ALLOCBENCH_ACCEL" --meta emulated=$emulated \
	--meta qemu_version="$qv" "$@"
rc=$?
allocbench unload || { echo "allocbench: unload failed"; [ $rc = 0 ] && rc=1; }
exit $rc
EOF
	timeout=${ALLOCBENCH_VM_TIMEOUT:-$((180 + npoints * (2 * secs + 90)))}
	say "booting $krel (memory $memory${cmdline:+, cmdline '$cmdline'}) for $npoints point(s), ${secs} s each under perf record and perf stat"
	"$here/vm-run.sh" -k "$kimage" -m "$memory" ${cmdline:+-c "$cmdline"} -t "$timeout" -o "$work/vm" \
		"${files[@]}" "$work/guest.sh" "$secs" "$qemu_version" "${meta[@]}" "${gsel[@]}" > "$work/vm-run.log" 2>&1 || rc=$?
	# The guest's own messages (allocbench's reasons) are on its console.
	if [ $rc != 0 ]; then
		grep -hE '^allocbench|^  ' "$work/vm/console.log" 2>/dev/null | grep -v '^allocbench perf: ' >&2 || true
		grep -v '^vm-run: the guest' "$work/vm-run.log" >&2 || true
		[ $rc = 124 ] && die "the VM timed out after $timeout s (ALLOCBENCH_VM_TIMEOUT): nothing was written"
		[ $rc = 3 ] && die "the module did not load in the VM: nothing was written"
		die "the deep dive failed in the VM (exit $rc): nothing was written" "$rc"
	fi
	rec=$work/vm/rec
fi
[ -d "$rec/perf" ] || die "no deep dive came back: nothing was written"

# ---- render here, then move into place ------------------------------------------------------------
if [ -n "$RUN" ]; then
	dest=$RUN
else
	final=${OUT:-results/$stamp-$host-$krel}
	final=${final%/}
	mkdir -p "$(dirname "$final")"
	dest=$(dirname "$final")/.$(basename "$final").tmp.$$
	mkdir -p "$dest"
	newrun=$dest
	cp "$rec/meta.csv" "$dest/meta.csv"
	mkdir -p "$dest/perf"
fi
mkdir -p "$dest/perf"
done_dirs=()
while IFS=$'\t' read -r -u 3 slug desc; do
	src=$rec/perf/$slug
	[ -d "$src" ] || die "$desc: no recording came back (see above)"
	if [ $TARGET = vm ]; then
		mkdir -p "$src/vm"
		for f in vm.env console.log dmesg.txt; do [ -f "$work/vm/$f" ] && cp "$work/vm/$f" "$src/vm/"; done
	fi
	tmp=$dest/perf/.$slug.render.$$
	rm -rf "$tmp"
	mv "$src" "$tmp"
	"$here/perf-render.sh" "$tmp" < /dev/null || die "$desc: rendering failed: nothing was written for it"
	done_dirs+=("$slug")
done 3<<< "$points"
# Every point rendered: now in place (replacing earlier dives of the same points).
for slug in "${done_dirs[@]}"; do
	if [ -e "$dest/perf/$slug" ]; then
		mv "$dest/perf/$slug" "$dest/perf/.$slug.old.$$"
	fi
	mv "$dest/perf/.$slug.render.$$" "$dest/perf/$slug"
	rm -rf "$dest/perf/.$slug.old.$$"
done
if [ -z "$RUN" ]; then
	"$runner" report "$dest" --no-charts --quiet >/dev/null 2>"$work/report.err" ||
		{ cat "$work/report.err" >&2; say "warning: report.md not written (allocbench report $final)"; }
	mv "$dest" "$final"
	newrun=
	dest=$final
else
	"$runner" report "$dest" --quiet >/dev/null 2>"$work/report.err" ||
		{ cat "$work/report.err" >&2; say "warning: $dest/report.md not refreshed (make plots RUN=$dest)"; }
fi
for slug in "${done_dirs[@]}"; do
	d=$dest/perf/$slug
	echo "perf: $d/README.md" >&2
	awk -F'\t' '$1 == "self" { printf "        %6s%%  %s\n", $2, $3; n++ } n == 5 { exit }' "$d/top.tsv" >&2
done
echo "$dest"
