#!/usr/bin/env bash
# Matrix runs in one command: every cell (kernel x kernel command line) runs
# the same config REPEAT times (separate boots, or module loads on the host),
# in rounds (each round runs every cell once, so drift spreads over all cells),
# then every other cell is compared with the first (allocbench compare) and
# the comparison's summary is printed. What `make bench` runs when KERNEL
# holds several kernels, CMDLINE several command lines, or REPEAT is set.
#
#   KERNEL="6.1 6.12" scripts/matrix.sh                      kernels (space-separated)
#   CMDLINE="init_on_alloc=1|init_on_alloc=0" scripts/matrix.sh   command lines ('|' separates cells;
#                                                            each replaces the config's cmdline)
#   REPEAT=N     runs per cell (default 3); CONFIG, TARGET as for scripts/bench.sh
#   MIN_EFFECT=PCT   passed to allocbench compare (default 5)
#
# Several kernels or command lines need the vm target (TARGET=auto becomes vm).
# Runs land in results/matrix-<UTC>/<cell>-r<i>/ (each run's output in
# <cell>-r<i>.log beside it), comparisons in results/compare-<UTC>-<what differs>/
# (named by diffing the runs' meta.csv), results/latest-compare at the last one.
# A run whose timer rate is more than 2 % off the host's TSC rate (or, not
# recorded, the median of all runs: a guest that calibrated its TSC wrongly
# at boot) is run once more; the first one is
# kept as <cell>-r<i>.bad-timer. Prints one line per run, each comparison's
# summary, the wall time, and the comparison folders on the last lines.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(dirname "$here")
cd "$top"

say() { echo "matrix: $*" >&2; }
die() { echo "matrix: $*" >&2; exit 1; }

read -ra kernels <<< "${KERNEL:-6.12}"
[ ${#kernels[@]} -gt 0 ] || kernels=(6.12)
cmdlines=()
if [ -n "${CMDLINE:-}" ]; then
	IFS='|' read -ra cmdlines <<< "$CMDLINE"
	for i in "${!cmdlines[@]}"; do cmdlines[$i]=$(echo "${cmdlines[$i]}" | xargs); done
fi
[ ${#cmdlines[@]} -gt 0 ] || cmdlines=("")
repeat=${REPEAT:-3}
[[ $repeat =~ ^[1-9][0-9]*$ ]] || die "REPEAT must be a number of runs per cell (1 or more), not '$repeat'"
TARGET=${TARGET:-auto}
if [ ${#kernels[@]} -gt 1 ] || [ -n "${CMDLINE:-}" ]; then
	case $TARGET in
	auto) TARGET=vm ;;
	vm) ;;
	*) die "several kernels or kernel command lines need TARGET=vm (the host runs the kernel it booted)" ;;
	esac
fi
export TARGET CONFIG=${CONFIG:-configs/default.conf}
ncells=$(( ${#kernels[@]} * ${#cmdlines[@]} ))
t0=$(date +%s)
stamp=$(date -u +%Y%m%dT%H%M%SZ)
mdir=results/matrix-$stamp
mkdir -p "$mdir"
say "$ncells cell(s) x $repeat run(s) of $CONFIG (target $TARGET) into $mdir/"
# Every cell runs one and the same bench.sh, copied now: bash reads a script as
# it goes, and an edit of scripts/bench.sh during a long matrix would reach the
# runs still to come half-written. The copy sits beside it (it finds its
# sibling scripts through its own folder).
snap=$(mktemp "$here/.matrix-bench.XXXXXX")
trap 'rm -f "$snap"' EXIT
cp "$here/bench.sh" "$snap" && chmod +x "$snap"

# A cell's folder name: the kernel, then the command line made file-safe.
cell_name() {
	local k=$1 c=$2
	k=$(basename "${k%%:*}")
	[ -n "$c" ] && k="$k-$(echo "$c" | tr -c 'A-Za-z0-9._=+-' '_' | sed 's/_*$//')"
	echo "$k"
}

# run_one KERNEL CMDLINE OUT WHAT: one run of a cell, its output in OUT.log
run_one() {
	local t1
	t1=$(date +%s)
	rm -rf "$3"
	if ALLOCBENCH_MATRIX_CELL=1 KERNEL=$1 CMDLINE=$2 OUT=$3 "$snap" > "$3.log" 2>&1; then
		say "$4: $3 ($(( $(date +%s) - t1 )) s)"
	else
		tail -n 25 "$3.log" >&2
		die "$4 failed (log: $3.log)"
	fi
}

# timer_hz of a run, and the host's TSC rate it was made beside (kHz resolution is enough)
run_hz() { awk -F, '$1 == "timer_hz" { print int($2 / 1000) }' "$1/meta.csv"; }
host_hz() { awk -F, '$1 == "host_tsc_hz" && $2 > 0 { print int($2 / 1000) }' "$1/meta.csv"; }

# Rounds, not cells, on the outside: round i runs every cell once. Drift of
# the machine over the matrix's wall time (other load, thermal state) then
# falls on every cell alike instead of on whichever cell ran last, where a
# comparison would report it as the cell's own difference.
cells=() all=() allk=() allc=()
for i in $(seq 1 "$repeat"); do
	j=0
	for k in "${kernels[@]}"; do
		for c in "${cmdlines[@]}"; do
			name=$(cell_name "$k" "$c")
			run_one "$k" "$c" "$mdir/$name-r$i" "cell $name run $i/$repeat"
			cells[$j]="${cells[$j]:-}${cells[$j]:+ }$mdir/$name-r$i"
			all+=("$mdir/$name-r$i") allk+=("$k") allc+=("$c")
			j=$((j + 1))
		done
	done
done

# Every guest runs on this machine's CPU: a run whose timer rate is more than 2 %
# off the host's TSC rate (host_tsc_hz; without it, the median of all runs)
# calibrated its TSC wrongly at boot (a loaded host under TCG), and every ns
# figure of it is off by that factor. Run it once more.
mapfile -t hzs < <(for r in "${all[@]}"; do run_hz "$r"; done | sort -n)
med=${hzs[$(( ${#hzs[@]} / 2 ))]:-0}
for i in "${!all[@]}"; do
	hz=$(run_hz "${all[$i]}") ref=$(host_hz "${all[$i]}") what="the host's TSC rate"
	[ -n "$ref" ] || ref=$med what="the others'"
	if [ "${ref:-0}" -gt 0 ] && [ -n "$hz" ] && [ $(( (hz > ref ? hz - ref : ref - hz) * 50 )) -gt "$ref" ]; then
		say "${all[$i]}: timer rate ${hz} kHz, more than 2 % off $what ${ref} kHz (the guest's TSC calibration at boot): running it once more"
		mv "${all[$i]}" "${all[$i]}.bad-timer"
		run_one "${allk[$i]}" "${allc[$i]}" "${all[$i]}" "re-run of ${all[$i]}"
	fi
done

outs=()
if [ ${#cells[@]} -gt 1 ]; then
	read -ra base <<< "${cells[0]}"
	for j in $(seq 1 $(( ${#cells[@]} - 1 ))); do
		read -ra other <<< "${cells[$j]}"
		res=$("$top/runner/allocbench" compare ${MIN_EFFECT:+--min-effect "$MIN_EFFECT"} "${base[@]}" -- "${other[@]}") ||
			die "allocbench compare failed"
		printf '%s\n' "$res" | sed '$d'
		outs+=("$(printf '%s\n' "$res" | tail -n 1)")
	done
fi
say "wall time $(( $(date +%s) - t0 )) s for $ncells cell(s) x $repeat run(s)"
if [ ${#outs[@]} -gt 0 ]; then
	printf '%s\n' "${outs[@]}"
else
	say "one cell: nothing to compare; its runs are in $mdir/"
	echo "$mdir"
fi
