#!/usr/bin/env bash
# Render one deep dive recorded by `allocbench perf` into readable files, with
# perf's own tools only (report, annotate, script and its flamegraph and
# stackcollapse scripts). Runs on the machine that reads the profile (the host
# of a VM run); everything it needs is in the folder.
#
#   scripts/perf-render.sh DIR      DIR = a point folder: perf.data, meta.csv, loop.txt, stat.txt, .debug/
#
# Adds to DIR:
#   report.txt        perf report --stdio: children and self sorted by children,
#                     self sorted by self, and the callers of the hottest functions
#   top.tsv           the top symbols (self and children) as kind, percent, symbol
#   annotate/SYM.txt  perf annotate --stdio of the hottest kernel symbols (and the
#                     module's run function), disassembled from perf.data/kcore_dir
#   stacks.folded     perf script's stackcollapse: one line per stack, "a;b;c count"
#   flamegraph.html   perf script's flamegraph with the d3-flame-graph template,
#                     self-contained: no http:// or https:// in it
#   buildids.txt      perf buildid-list: the binaries the samples hit
#   README.md         what was run and how to read each file
# The idle task (swapper) and perf itself are left out of report.txt,
# stacks.folded and the flame graph (--comms); perf.data keeps every sample.
#
# Environment: ALLOCBENCH_PERF (perf binary), ALLOCBENCH_PERF_ANNOTATE (how many
# kernel symbols to annotate, default 6).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
me=perf-render
die() { echo "$me: $*" >&2; exit 1; }

[ $# = 1 ] || die "usage: scripts/perf-render.sh POINT_DIR"
dir=$(cd "$1" 2>/dev/null && pwd) || die "no folder $1"
[ -e "$dir/perf.data" ] || die "$dir holds no perf.data (not a deep dive recorded by allocbench perf)"
[ -f "$dir/meta.csv" ] || die "$dir holds no meta.csv"
perf=${ALLOCBENCH_PERF:-perf}
command -v "$perf" >/dev/null ||
	die "perf is not installed: install the Debian package linux-perf (apt-get install linux-perf; scripts/install-deps.sh)"
"$perf" --version >/dev/null 2>&1 ||
	die "'$perf --version' fails: perf is not usable here (on Ubuntu the wrapper wants linux-tools-\$(uname -r); Debian: linux-perf)"
command -v objdump >/dev/null || die "objdump not found (binutils): perf annotate needs it"
template=$("$here/flamegraph-template.sh") || die "no flame graph template (scripts/flamegraph-template.sh)"
exec_path=$("$perf" --exec-path)
for s in flamegraph stackcollapse; do
	[ -f "$exec_path/scripts/python/$s.py" ] ||
		die "perf has no $exec_path/scripts/python/$s.py (a perf built without python scripting?)"
done
cd "$dir"
P=("$perf" --buildid-dir "$dir/.debug")

meta() {	# $1 = key: the value from meta.csv (key,value; a quoted value keeps its commas)
	awk -v k="$1" 'BEGIN { FS = "," }
		$1 == k { v = substr($0, length(k) + 2); if (v ~ /^".*"$/) { v = substr(v, 2, length(v) - 2); gsub(/""/, "\"", v) } print v; exit }' meta.csv
}
loopv() { sed -n "s/^$1=//p" "${2:-loop.txt}" | awk 'NR == 1'; }

point=$(meta point)
[ -n "$point" ] || die "meta.csv has no point"
kernel=$(meta kernel_release)
event=$(meta event)
target=$(meta target)
accel=$(meta accelerator)
[ "$accel" = none ] && accel=
seconds=$(meta seconds)

# ---- which processes: everything but the idle task and perf itself ----------------
# perf 6.1's --comms filter drops callchain-only entries from a --children report
# (and then shows shares above 100 %), so the tables are made unfiltered, sorted
# by comm,sym, and the idle task's and perf's rows are left out afterwards;
# shares stay perf's own: of all samples.
skip='^(swapper|perf|perf-exec)$'
bycomm=$("${P[@]}" report -i perf.data --stdio -q --no-children --sort comm -g none -t $'\t' 2>/dev/null |
	awk -F'\t' '{ gsub(/[ %]/, "", $1); c = $2; gsub(/^[ \t]+|[ \t]+$/, "", c); if (c != "") print c "\t" $1 }')
comms=$(printf '%s\n' "$bycomm" | awk -F'\t' -v re="$skip" '$1 !~ re && $1 != "" { print $1 }' | paste -sd, -)
leftout=$(printf '%s\n' "$bycomm" | awk -F'\t' -v re="$skip" '$1 ~ re { s[$1] += $2 } END { for (c in s) printf "%s%s %.1f %%", n++ ? ", " : "", c, s[c] }')
samples=$("${P[@]}" report -i perf.data --stdio --no-children --sort comm -g none 2>/dev/null |
	sed -n 's/^# Samples: \([^ ]*\) of event.*/\1/p' | awk 'NR == 1')

# ---- report.txt -------------------------------------------------------------------
rep() { "${P[@]}" report -i perf.data --stdio "$@" 2>/dev/null | grep -v '^# (Tip:' ; }
drop() {	# $1 = the comm column: leave out the idle task's and perf's rows
	awk -v col="$1" -v re="$skip" '!(/%/ && $col ~ re)'
}
{
	echo "# allocbench deep dive: $point"
	echo "# kernel $kernel, target $target${accel:+ ($accel)}, event $event, ${seconds} s, $samples samples in perf.data"
	echo "# Shares are of all samples, every CPU (perf record -a). Left out of the tables: ${leftout:-nothing}"
	echo "# (the idle task and perf itself). Processes: ${comms:-none}."
	echo "#"
	echo "# 1. Children and self, sorted by children: time in a function and in everything it calls"
	echo "#    (perf report --children --sort comm,sym -g none --percent-limit 0.5)"
	echo "#"
	rep --children --sort comm,sym -g none --percent-limit 0.5 | sed -n '/^# Children/,$p' | drop 3
	echo
	echo "# 2. Self, sorted by self: where the CPU was (perf report --no-children --sort comm,sym -g none)"
	echo "#"
	rep --no-children --sort comm,sym -g none --percent-limit 0.5 | sed -n '/^# Overhead/,$p' | drop 2
	echo
	echo "# 3. Who calls the hottest functions, leaf first (perf report --no-children --comms ..."
	echo "#    -g graph,1,callee --percent-limit 2)"
	echo "#"
	rep --no-children ${comms:+--comms "$comms"} --sort sym -g graph,1,callee --percent-limit 2 | sed -n '/^# Overhead/,$p'
} > report.txt.tmp
grep -q '%' report.txt.tmp || die "perf report found no samples in $dir/perf.data"
mv report.txt.tmp report.txt

# ---- top.tsv ------------------------------------------------------------------------
top() {	# $1 = kind (self|children), then perf options
	local kind=$1; shift
	rep -q -g none --sort comm,sym -t $'\t' "$@" | tr -d '\r' |
		awk -F'\t' -v k="$kind" -v re="$skip" 'NF >= 3 { gsub(/[ %]/, "", $1); c = $(NF - 1); gsub(/^[ \t]+|[ \t]+$/, "", c);
			s = $NF; gsub(/^[ \t]+|[ \t]+$/, "", s);
			if ($1 != "" && s != "" && c !~ re) print k "\t" $1 "\t" s }'
}
{
	printf 'kind\tpercent\tsymbol\n'
	top self --no-children --percent-limit 0.5 | awk 'NR <= 25'
	top children --children --percent-limit 0.5 | awk 'NR <= 40'
} > top.tsv

# ---- annotate/ -----------------------------------------------------------------------
rm -rf annotate annotate.tmp
mkdir annotate.tmp
nann=${ALLOCBENCH_PERF_ANNOTATE:-6}
# The hottest kernel symbols by self, then the module's own hottest function.
syms=$(awk -F'\t' '$1 == "self" && $3 ~ /^\[k\] / { s = $3; sub(/^\[k\] /, "", s); sub(/ \[.*\]$/, "", s);
		if (s !~ /^0x/) print s }' top.tsv | awk -v n="$nann" 'NR <= n')
modsym=$(awk -F'\t' '$1 == "children" && $3 ~ /^\[k\] ab_/ { s = $3; sub(/^\[k\] /, "", s); sub(/ \[.*\]$/, "", s); print s; exit }' top.tsv)
annotated=0
for s in $syms $modsym; do
	f=annotate.tmp/$(printf %s "$s" | tr -c 'A-Za-z0-9_.-' _).txt
	[ -e "$f" ] && continue
	if "${P[@]}" annotate -i perf.data --stdio "$s" > "$f" 2> "$f.err" && grep -q '^ *[0-9.]\+ *:' "$f"; then
		annotated=$((annotated + 1))
	else
		{ echo "# perf annotate --stdio $s produced no disassembly:"; cat "$f.err"; } > "$f"
	fi
	rm -f "$f.err"
done
mv annotate.tmp annotate

# ---- stacks.folded and flamegraph.html ----------------------------------------------
"${P[@]}" script -i perf.data ${comms:+--comms "$comms"} -s "$exec_path/scripts/python/stackcollapse.py" \
	-- --kernel > stacks.folded.tmp 2> stackcollapse.log || { cat stackcollapse.log >&2; die "perf script stackcollapse failed"; }
rm -f stackcollapse.log
[ -s stacks.folded.tmp ] || die "perf script stackcollapse wrote no stacks"
# perf names a module's symbol "name\0[module]" when it comes from kcore: a space instead.
tr '\0' ' ' < stacks.folded.tmp > stacks.folded
rm -f stacks.folded.tmp
# What `perf script report flamegraph` runs, with --comms and the template from the cache.
rm -f flamegraph.html.tmp
"${P[@]}" script -i perf.data ${comms:+--comms "$comms"} -s "$exec_path/scripts/python/flamegraph.py" \
	-- --template "$template" -o flamegraph.html.tmp > flamegraph.log 2>&1 ||
	{ cat flamegraph.log >&2; die "perf script flamegraph failed"; }
rm -f flamegraph.log
[ -s flamegraph.html.tmp ] || die "perf script flamegraph wrote nothing"
if grep -qE 'https?://' flamegraph.html.tmp; then
	# The stacks and perf's header are data: should one hold a URL, write it the
	# way the template's own strings are (the same text to JavaScript).
	sed -i -e 's#https://#https:\\/\\/#g' -e 's#http://#http:\\/\\/#g' flamegraph.html.tmp
fi
sed -i 's/\\u0000/ /g' flamegraph.html.tmp
mv flamegraph.html.tmp flamegraph.html

"${P[@]}" buildid-list -i perf.data > buildids.txt 2>/dev/null || true
for f in record.log stat.log buildid.log; do [ -s "$f" ] || rm -f "$f"; done

# ---- README.md -------------------------------------------------------------------------
ops=$(loopv operations) nsop=$(loopv ns_per_operation) fails=$(loopv failures) batch=$(loopv batch)
cmdline=$(meta cmdline)
kcore=$(meta kcore)
{
	echo "# Deep dive: \`$point\`"
	echo
	echo "Kernel **$kernel** · target **$target**${accel:+ ($accel)} · sampled with **$event** ($(meta event_reason)) · $(meta perf_version) · recorded $(meta recorded_utc)"
	echo
	if [ "$(meta emulated)" = yes ] || [ "$accel" = tcg ]; then
		echo "> **Emulated (TCG): where the time goes is the emulator's idea of it.** Every guest"
		echo "> instruction is translated; \`rep stosb\` (page zeroing) costs ~3 ns per byte and page"
		echo "> walks are not modelled. Compare shapes and call paths, not absolute times."
		echo
	fi
	echo "## What was run"
	echo
	echo "The module's RUN request for this point (allocator, op, size, gfp as named above; batches of"
	echo "$batch operations per timed sample) in a loop on CPU $(meta cpu_pinned) for $seconds s:"
	echo "\`allocbench perf --loop '$point' -s $seconds\`, wrapped twice:"
	echo
	echo "1. \`perf record -a -g -e $event$( [ "${kcore%%:*}" = yes ] && echo ' --kcore') --kernel-callchains -- allocbench perf --loop ...\`:"
	echo "   every CPU with the kernel's call graphs, so deferred work (kworkers purging lazily"
	echo "   freed vmap areas, RCU callbacks, kcompactd) shows beside the loop itself (the"
	echo "   runner's own user-space stack is one ioctl() and is not unwound). $ops operations, $fails failed,"
	echo "   ${nsop:-?} ns per operation as the module timed them (profiling included) — see \`loop.txt\`."
	echo "2. \`perf stat -d -d -- allocbench perf --loop ...\`: the same loop once more, counted"
	echo "   (\`stat.txt\`, \`loop-stat.txt\`)."
	echo
	echo "Kernel command line: \`$cmdline\`; init_on_alloc=$(meta init_on_alloc) (1: every page and slab"
	echo "allocation is zeroed, which is often the top symbol)."
	echo
	echo "## Top symbols (self: where the CPU was)"
	echo
	echo "| self % | symbol |"
	echo "|---:|---|"
	awk -F'\t' '$1 == "self" { s = $3; gsub(/\|/, "\\|", s); print "| " $2 " | `" s "` |" }' top.tsv | awk 'NR <= 10'
	echo
	echo "## Files"
	echo
	echo "| file | what it is, how to read it |"
	echo "|---|---|"
	echo "| \`report.txt\` | \`perf report --stdio\`: (1) children and self sorted by children — *children* is the time in a function and everything it calls, so the allocator's entry point (\`__vmalloc_node_range\`, \`__kmalloc\`, \`alloc_pages\`) sits near the top with the share of the samples it accounts for; (2) self sorted by self, per process — where the CPU really was; (3) the callers of the hottest functions, leaf first. Shares are of all samples on every CPU; the idle task's and perf's own rows are left out (their share is in the header). |"
	echo "| \`top.tsv\` | the first rows of (2) and (1) as \`kind, percent, symbol\` (what report.md of the run quotes) |"
	echo "| \`annotate/<symbol>.txt\` | \`perf annotate --stdio\` of the hottest kernel symbols: each instruction with its share of the symbol's samples. Disassembled from the copy of the kernel's text in \`perf.data/kcore_dir\` (no debug info: addresses, no source lines; call targets appear as addresses, \`kallsyms\` in kcore_dir names them). Under TCG a sample lands after the instruction that was slow, as on hardware skid. |"
	echo "| \`flamegraph.html\` | the call stacks of every sample as a flame graph (\`perf script report flamegraph\` with the d3-flame-graph template from the cache): width = share of samples, bottom = process, top = where the CPU was; click to zoom, search box to highlight a function. Opens from disk with no network. |"
	echo "| \`stacks.folded\` | the same stacks, one line each, \`process;outer;...;inner count\` (\`perf script report stackcollapse --kernel\`: kernel frames end in \`_[k]\`), for grep, FlameGraph's scripts or \`make perf-diff\` |"
	echo "| \`stat.txt\` | \`perf stat -d -d\` of the loop: task-clock, context switches, page faults, and cycles, instructions, IPC, cache and dTLB misses where the CPU has a PMU (\`<not supported>\` under TCG: $(meta cycles)) |"
	echo "| \`loop.txt\`, \`loop-stat.txt\` | what each loop did: requests, operations, failures, ns per operation |"
	echo "| \`meta.csv\` | the machine, kernel, module, event and perf version of this recording |"
	echo "| \`perf.data/\` | the samples (\`perf.data/data\`) and what reading them needs: \`kcore_dir/\` (the kernel's and modules' text from /proc/kcore, kallsyms, modules), so annotation works without a vmlinux |"
	echo "| \`.debug/\` | a perf build-id cache holding the runner binary, so its user-space frames get names |"
	echo "| \`allocbench.ko\` | the module that ran, with symbols: \`objdump -dS --disassemble=ab_ioctl_run allocbench.ko\` shows its source beside the code |"
	echo "| \`modules\`, \`kallsyms\` | /proc/modules (and /proc/kallsyms when kcore could not be copied) of the profiled kernel |"
	echo "| \`buildids.txt\` | \`perf buildid-list\`: every binary the samples hit, by build id |"
	echo
	echo "## Reading it again, here or on another machine"
	echo
	echo '```sh'
	echo "cd $(basename "$dir")    # perf finds perf.data/kcore_dir by itself"
	echo "perf --buildid-dir \$PWD/.debug report -i perf.data                      # interactive"
	echo "perf --buildid-dir \$PWD/.debug report -i perf.data --stdio --comms allocbench"
	echo "perf --buildid-dir \$PWD/.debug annotate -i perf.data --stdio <symbol>"
	echo "perf --buildid-dir \$PWD/.debug script -i perf.data | less              # every sample"
	echo '```'
	echo
	echo "Compare with another deep dive of the same point (another kernel, another command line):"
	echo "\`make perf-diff A=<this folder> B=<the other>\`."
} > README.md.tmp
mv README.md.tmp README.md
echo "$me: $dir: report.txt, $annotated annotated symbol(s), flamegraph.html, stacks.folded, README.md" >&2
