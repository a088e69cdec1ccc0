#!/usr/bin/env bash
# Two deep dives of the same point compared: what `make perf-diff A=... B=...` runs.
# "Why is 6.12 slower here": perf diff of the two profiles and a differential
# flame graph of their stacks.
#
#   scripts/perf-diff.sh A B [OUT]
#
#   A, B  deep-dive folders (results/<run>/perf/<point>/), or run folders that hold
#         exactly one deep dive (POINT="..." picks one when they hold several)
#   OUT   default results/perf-diff-<UTC>-<point>; must not exist
#
# OUT gets:
#   diff.txt                 perf diff (A is the baseline): sorted by A's share, then by
#                            the size of the change
#   diff-flamegraph.html     differential flame graph (d3-flame-graph, no network):
#                            red = more in B, blue = less; switch between B's and A's shape
#   a.folded, b.folded       the two stacks.folded it was made from
#   README.md                which two dives, how to read the files
# Symbols are matched by name: a function renamed between kernels (6.12's
# *_noprof allocation entry points, GCC's .part/.isra clones) is two rows in
# diff.txt; the flame graph drops those suffixes so the frames line up.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(dirname "$here")
me=perf-diff
die() { echo "$me: $*" >&2; exit "${2:-1}"; }

[ $# -ge 2 ] && [ -n "$1" ] && [ -n "$2" ] ||
	die "usage: make perf-diff A=<deep dive folder> B=<deep dive folder> [OUT=dir] (e.g. results/<run>/perf/kmalloc-pair-64-kernel)" 2
command -v perf >/dev/null || die "perf is not installed: install the Debian package linux-perf (scripts/install-deps.sh)"
command -v python3 >/dev/null || die "python3 not found (scripts/install-deps.sh)"
assets=$("$here/flamegraph-template.sh" --dir) || die "no d3-flame-graph in the cache (scripts/flamegraph-template.sh)"

# A deep-dive folder from a point folder or a run folder.
pick() {	# $1 = path, $2 = A|B
	local p=${1%/} n slug
	[ -d "$p" ] || die "$2=$1: no such folder" 2
	if [ -e "$p/perf.data" ]; then
		[ -f "$p/stacks.folded" ] || die "$2=$1: not rendered (no stacks.folded): scripts/perf-render.sh $1" 2
		echo "$p"; return
	fi
	[ -d "$p/perf" ] || die "$2=$1 is neither a deep dive (perf.data) nor a run with deep dives (perf/)" 2
	if [ -n "${POINT:-}" ]; then
		slug=$("$top/runner/allocbench" perf --list "$POINT" | awk -F'\t' 'NR == 1 { print $1 }') || exit 2
		[ -d "$p/perf/$slug" ] || die "$2=$1 has no deep dive of '$POINT' (perf/$slug)" 2
		echo "$p/perf/$slug"; return
	fi
	n=$(find "$p/perf" -mindepth 1 -maxdepth 1 -type d ! -name '.*' | wc -l)
	[ "$n" = 1 ] || die "$2=$1 holds $n deep dives: name one (…/perf/<point>) or set POINT=" 2
	find "$p/perf" -mindepth 1 -maxdepth 1 -type d ! -name '.*'
}
a=$(pick "$1" A)
b=$(pick "$2" B)
[ "$(cd "$a" && pwd)" != "$(cd "$b" && pwd)" ] || die "A and B are the same deep dive" 2

meta() {	# $1 = folder, $2 = key
	awk -v k="$2" 'BEGIN { FS = "," }
		$1 == k { v = substr($0, length(k) + 2); if (v ~ /^".*"$/) { v = substr(v, 2, length(v) - 2); gsub(/""/, "\"", v) } print v; exit }' "$1/meta.csv"
}
pa=$(meta "$a" point) pb=$(meta "$b" point)
[ -n "$pa" ] && [ -n "$pb" ] || die "A or B has no point in meta.csv"
slug=$(meta "$b" point_slug)
label() {	# kernel, and the command line when the two differ in it
	local k c
	k=$(meta "$1" kernel_release)
	c=$(meta "$1" cmdline | tr ' ' '\n' | grep -vE '^(console|panic|loglevel|rdinit|allocbench\.accel)=' | paste -sd' ' - || true)
	echo "$k${c:+ [$c]} ($(meta "$1" event), $(meta "$1" target))"
}
la=$(label "$a") lb=$(label "$b")
same_point=yes
[ "$pa" = "$pb" ] || { same_point=no; echo "$me: warning: A is '$pa' and B is '$pb': not the same point" >&2; }

out=${3:-$top/results/perf-diff-$(date -u +%Y%m%dT%H%M%SZ)-$slug}
[ -e "$out" ] && die "$out already exists" 2
mkdir -p "$(dirname "$out")"
tmp=$(dirname "$out")/.$(basename "$out").tmp.$$
work=$(mktemp -d "${TMPDIR:-/tmp}/allocbench-perfdiff.XXXXXX")
trap 'rm -rf "$work" "$tmp"' EXIT
trap 'exit 130' INT TERM
mkdir -p "$tmp"

# One build-id cache for both: each kernel's kallsyms under its own build id
# (perf diff reads two kernels; the kcore_dir of a perf.data directory would
# serve only one), plus each dive's user-space binaries.
bid=$work/buildid
mkdir -p "$bid"
datafile() { if [ -d "$1/perf.data" ]; then echo "$1/perf.data/data"; else echo "$1/perf.data"; fi; }
for x in "$a" "$b"; do
	[ -d "$x/.debug" ] && cp -a "$x/.debug/." "$bid/"
	ks=$x/perf.data/kcore_dir/kallsyms
	[ -f "$ks" ] || ks=$x/kallsyms
	id=$(perf buildid-list -i "$(datafile "$x")" 2>/dev/null | awk '$2 == "[kernel.kallsyms]" && !n++ { print $1 }')
	if [ -f "$ks" ] && [ -n "$id" ]; then
		mkdir -p "$bid/[kernel.kallsyms]/$id" "$bid/.build-id/${id:0:2}"
		cp "$ks" "$bid/[kernel.kallsyms]/$id/kallsyms"
		ln -sfn "../../[kernel.kallsyms]/$id" "$bid/.build-id/${id:0:2}/${id:2}"
	else
		echo "$me: warning: $x: no kallsyms or kernel build id: its kernel symbols stay unnamed" >&2
	fi
done
comms() {	# the processes of a dive but the idle task and perf
	perf --buildid-dir "$bid" report -i "$(datafile "$1")" --stdio -q --no-children --sort comm -g none 2>/dev/null |
		awk '{ sub(/^[ \t]*[0-9.]+%[ \t]*/, ""); sub(/[ \t]+$/, ""); print }' | grep -vxE 'swapper|perf|perf-exec|' || true
}
cl=$( { comms "$a"; comms "$b"; } | sort -u | paste -sd, -)
pd() { perf --buildid-dir "$bid" diff ${cl:+--comms "$cl" --percentage relative} "$@" "$(datafile "$a")" "$(datafile "$b")" 2>/dev/null; }
{
	echo "# perf diff: A = $a"
	echo "#            B = $b"
	echo "# A: $pa on $la"
	echo "# B: $pb on $lb"
	echo "# Baseline = A's share of its samples; Delta = B's share minus A's, in points (percentages"
	echo "# of the processes shown: $cl). A blank baseline: the symbol has no sample in A (often a"
	echo "# function renamed or inlined differently in B's kernel); a blank delta: none in B."
	echo "#"
	echo "# 1. Sorted by A's share (perf diff -c delta -o 0 --sort sym), first 60 rows"
	pd -c delta -o 0 --sort sym | grep -v '^# Event' | sed -n '/^# Baseline/,$p' | awk 'NR <= 64'
	echo
	echo "# 2. Sorted by the size of the change (perf diff -c delta-abs --sort sym), first 40 rows"
	pd -c delta-abs --sort sym | sed -n '/^# Baseline/,$p' | awk 'NR <= 44'
} > "$tmp/diff.txt"
grep -qE '^ +[0-9.]+%' "$tmp/diff.txt" || die "perf diff compared nothing (see $tmp/diff.txt)"

cp "$a/stacks.folded" "$tmp/a.folded"
cp "$b/stacks.folded" "$tmp/b.folded"
python3 "$here/perf-diff-flamegraph.py" "$tmp/a.folded" "$tmp/b.folded" "$tmp/diff-flamegraph.html" "$assets" \
	"allocbench: $pb — B against A" "$la" "$lb" || die "the differential flame graph failed"
! grep -qE 'https?://' "$tmp/diff-flamegraph.html" || die "diff-flamegraph.html holds a URL"

rel() { realpath --relative-to="$out" "$1" 2>/dev/null || echo "$1"; }
{
	echo "# perf diff: \`$pb\`"
	echo
	echo "| | deep dive | kernel, event, target |"
	echo "|---|---|---|"
	echo "| **A** (baseline) | [$(rel "$a")]($(rel "$a")/README.md) | $la |"
	echo "| **B** | [$(rel "$b")]($(rel "$b")/README.md) | $lb |"
	echo
	[ $same_point = no ] && echo "> A is \`$pa\` and B is \`$pb\`: not the same point." && echo
	echo "## Files"
	echo
	echo "- \`diff.txt\`: \`perf diff\` with A as the baseline, only the processes that ran the"
	echo "  loop and its deferred work (idle and perf left out; percentages of those). Section 1"
	echo "  is sorted by A's share: where A's time went and what B did with it; section 2 by the"
	echo "  size of the change. *Delta* is B's share minus A's in percentage points: a positive"
	echo "  delta is a function taking a larger part of B's time. Shares, not times: a function"
	echo "  can grow in share because another one shrank. Symbols match by name, so a function"
	echo "  renamed between the kernels (6.12's \`*_noprof\`, e.g. \`__kmalloc\` →"
	echo "  \`__kmalloc_noprof\`; GCC's \`.part.N\`/\`.isra.N\` clones) appears as one row with"
	echo "  only a baseline and one with only a delta."
	echo "- \`diff-flamegraph.html\`: the stacks of B drawn as a flame graph and coloured by the"
	echo "  change against A (A scaled to B's sample count): red = more samples in B, blue ="
	echo "  fewer, orange = only in B, grey = about the same. The switch shows A's shape instead,"
	echo "  where paths B no longer takes are visible. Frames are matched with \`_noprof\` and"
	echo "  clone suffixes dropped. Click to zoom; opens from disk, no network."
	echo "- \`a.folded\`, \`b.folded\`: the folded stacks of A and B (\`stacks.folded\` of each dive)."
	echo
	echo "Made by \`make perf-diff A=$a B=$b\` ($(perf --version))."
} > "$tmp/README.md"
mv "$tmp" "$out"
echo "$me: $out/diff.txt, $out/diff-flamegraph.html" >&2
echo "$out"
