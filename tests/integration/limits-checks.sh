#!/usr/bin/env bash
# Host-side checks of a [probe] or [frag] run from the VM.
#   tests/integration/limits-checks.sh RUN_DIR 6.1|6.12
# RUN_DIR holds probe.csv (limits.conf) and/or frag.csv (frag.conf); the
# guest's dmesg.txt is looked up in RUN_DIR and its parent.
# Prints one line per check and "N passed, N failed"; exit 1 on any failure.
set -u
dir=${1:?RUN_DIR}; series=${2:?6.1|6.12}
pass=0 fail=0
ok() { echo "PASS $*"; pass=$((pass + 1)); }
ko() { echo "FAIL $*"; fail=$((fail + 1)); }
check() { local what=$1; shift; if "$@"; then ok "$what"; else ko "$what"; fi; }
col() { awk -F, -v c="$2" -v a="$3" 'NR==1{for(i=1;i<=NF;i++)h[$i]=i;next} $h["allocator"]==a{print $h[c]; exit}' "$1"; }
kv() { awk -F, -v k="$2" '$1==k{print $2; exit}' "$1"; }

# A run that wrote neither file failed: that must not pass on dmesg alone.
[ -f "$dir/probe.csv" ] || [ -f "$dir/frag.csv" ] || ko "neither probe.csv nor frag.csv in $dir"
if [ -f "$dir/probe.csv" ]; then
	p=$dir/probe.csv
	check "probe: kmalloc largest_ok is 4194304" [ "$(col "$p" largest_ok_bytes kmalloc)" = 4194304 ]
	check "probe: alloc_pages largest_ok is order 10 (4 MiB)" [ "$(col "$p" largest_ok_bytes alloc_pages)" = 4194304 ]
	v=$(col "$p" largest_ok_bytes vmalloc)
	check "probe: vmalloc limit ($v) above kmalloc's" [ "${v:-0}" -gt 4194304 ]
	f=$(awk -F, '$1=="formula_2pow_max_order_x_page_size"{print $3}' "$dir/limits.csv")
	want=$([ "$series" = 6.1 ] && echo 8388608 || echo 4194304)
	check "probe: formula row is $want on $series (got $f)" [ "$f" = "$want" ]
fi
if [ -f "$dir/frag.csv" ]; then
	fr=$dir/frag.csv s=$dir/frag-summary.csv
	rate() { awk -F, -v ph="$1" -v a="$2" -v mo="$3" 'NR==1{for(i=1;i<=NF;i++)h[$i]=i;next}
		$h["phase"]==ph && $h["allocator"]==a && $h["gfp"]=="nowait" && $h["order"]>=mo {t+=$h["attempts"]; o+=$h["successes"]}
		END{printf "%d", t ? 1000*o/t : -1}' "$fr"; }
	b=$(rate before alloc_pages 8); fg=$(rate fragmented alloc_pages 8)
	check "frag: order>=8 success lower fragmented ($fg) than before ($b), per mille" test "$fg" -ge 0 -a "$fg" -lt "$b"
	vf=$(awk -F, 'NR==1{for(i=1;i<=NF;i++)h[$i]=i;next} $h["phase"]=="fragmented" && $h["allocator"]=="vmalloc" && $h["size_bytes"]==4194304 && $h["gfp"]=="nowait"{print $h["successes"]"/"$h["attempts"]}' "$fr")
	check "frag: vmalloc 4M still succeeds fragmented ($vf)" test -n "$vf" -a "${vf%/*}" = "${vf#*/}"
	d=$(kv "$s" memfree_delta_percent)
	check "frag: free memory back within 2 % (delta $d %)" awk -v d="$d" 'BEGIN{exit !(d != "" && d <= 2 && d >= -2)}'
	check "frag: summary says baseline restored" [ "$(kv "$s" baseline_restored)" = yes ]
fi
dm=$dir/dmesg.txt; [ -f "$dm" ] || dm=$dir/../dmesg.txt
if [ -f "$dm" ]; then
	# Case-sensitive as the kernel prints them: -i made "Oops" match
	# "loops_per_jiffy" in TCG boots' calibrate_delay messages.
	check "dmesg: no OOM kill, WARN or oops" sh -c "! grep -qiE 'oom-kill|out of memory' '$dm' && ! grep -qE 'WARNING:|Call Trace|BUG:|\\bOops\\b' '$dm'"
else
	ko "dmesg.txt not found next to $dir"
fi
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
