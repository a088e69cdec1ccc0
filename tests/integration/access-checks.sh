#!/bin/sh
# access-checks.sh RESULTS_DIR: checks of an [access]/[mapping] run.
#
# RESULTS_DIR is what `allocbench run -c CONF -o DIR` wrote in the VM for a
# config with [access] (all allocators, sizes reaching >= 2M) and [mapping],
# e.g. configs/access.conf or a smaller one. Runs on the host (or in the
# guest: needs only sh, awk, grep), after the run:
#
#   tests/integration/access-checks.sh /tmp/out/run
#
# Checks: every allocator the kernel offers has access rows; vmalloc buffers
# mapped only by 4K PTEs; vmalloc_huge working sets >= 2M mapped (mostly) at
# 2M where the kernel has vmalloc_huge; direct-map levels recorded (whatever
# they are); under TCG pmu_status is "unavailable: ..." and no dTLB figure
# (never a zero count). Prints "N passed, N failed"; exit 1 on any failure.
set -u
dir=${1:?usage: access-checks.sh RESULTS_DIR}
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   $*"; }
ko() { fail=$((fail + 1)); echo "FAIL $*"; }

acc=$dir/access.csv map=$dir/mapping.csv meta=$dir/meta.csv
[ -f "$acc" ] && ok "access.csv exists" || ko "no $acc"
[ -f "$map" ] && ok "mapping.csv exists" || ko "no $map"
[ -f "$meta" ] || { ko "no $meta"; echo "$pass passed, $fail failed"; exit 1; }

# column index by name
col() { head -1 "$1" | tr ',' '\n' | grep -nx "$2" | cut -d: -f1; }
metav() { awk -F, -v k="$1" '$1 == k { sub(/^[^,]*,/, ""); print; exit }' "$meta"; }

if [ -f "$acc" ]; then
	ca=$(col "$acc" allocator) cs=$(col "$acc" status) cw=$(col "$acc" working_set_bytes)
	cl=$(col "$acc" layout) c4=$(col "$acc" mapped_4k_bytes) c2=$(col "$acc" mapped_2m_bytes)
	c1=$(col "$acc" mapped_1g_bytes) cp=$(col "$acc" pmu_status) cd=$(col "$acc" dtlb_misses_per_access)
	for a in $(metav allocators_available); do
		n=$(awk -F, -v c="$ca" -v a="$a" -v s="$cs" 'NR > 1 && $c == a && $s == "ok"' "$acc" | wc -l)
		[ "$n" -gt 0 ] && ok "$a: $n ok access rows" || ko "$a: no ok access rows"
	done
	for a in vmalloc vzalloc; do
		bad=$(awk -F, -v c="$ca" -v a="$a" -v s="$cs" -v x="$c2" -v y="$c1" \
			'NR > 1 && $c == a && $s == "ok" && ($x + $y) > 0' "$acc" | wc -l)
		n=$(awk -F, -v c="$ca" -v a="$a" -v s="$cs" 'NR > 1 && $c == a && $s == "ok"' "$acc" | wc -l)
		[ "$n" -eq 0 ] && continue
		[ "$bad" -eq 0 ] && ok "$a: every buffer mapped at 4K only" || ko "$a: $bad rows with 2M/1G mappings"
	done
	if metav allocators_available | grep -qw vmalloc_huge; then
		n=$(awk -F, -v c="$ca" -v s="$cs" -v w="$cw" 'NR > 1 && $c == "vmalloc_huge" && $s == "ok" && $w >= 2097152' "$acc" | wc -l)
		bad=$(awk -F, -v c="$ca" -v s="$cs" -v w="$cw" -v x="$c2" \
			'NR > 1 && $c == "vmalloc_huge" && $s == "ok" && $w >= 2097152 && $x * 2 < $w' "$acc" | wc -l)
		if [ "$n" -eq 0 ]; then
			ko "vmalloc_huge: no ok rows >= 2M"
		elif [ "$bad" -eq 0 ]; then
			ok "vmalloc_huge: $n buffers >= 2M mapped mostly at 2M"
		else
			ko "vmalloc_huge: $bad buffers >= 2M not mapped at 2M"
		fi
	fi
	n=$(awk -F, -v c="$ca" -v s="$cs" -v x="$c4" -v y="$c2" -v z="$c1" \
		'NR > 1 && ($c == "alloc_pages" || $c == "kmalloc") && $s == "ok" && $x == "" && $y == "" && $z == ""' "$acc" | wc -l)
	[ "$n" -eq 0 ] && ok "direct-map levels recorded for kmalloc/alloc_pages (levels: $(awk -F, -v c="$ca" -v s="$cs" -v x="$c4" -v y="$c2" -v z="$c1" 'NR > 1 && $c == "alloc_pages" && $s == "ok" {printf "%s4k=%s,2m=%s,1g=%s", sep, $x, $y, $z; sep=" "; exit}' "$acc"))" \
		|| ko "$n direct-map rows without levels"
	if [ "$(metav accelerator)" = tcg ]; then
		bad=$(awk -F, -v s="$cs" -v p="$cp" -v d="$cd" 'NR > 1 && $s == "ok" && ($p !~ /^unavailable: / || $d != "")' "$acc" | wc -l)
		[ "$bad" -eq 0 ] && ok "TCG: pmu_status unavailable on every row, no dTLB figure ($(awk -F, -v p="$cp" 'NR == 2 {print $p}' "$acc"))" \
			|| ko "TCG: $bad rows with a PMU figure or status not 'unavailable: ...'"
	fi
	bad=$(awk -F, -v d="$cd" 'NR > 1 && $d != "" && $d + 0 == 0' "$acc" | wc -l)
	[ "$bad" -eq 0 ] && ok "no zero dTLB count reported" || ko "$bad rows report exactly zero dTLB misses"
fi

if [ -f "$map" ]; then
	cm=$(col "$map" mapping) cs=$(col "$map" status) cr=$(col "$map" ratio_vmap_over_direct)
	c4=$(col "$map" mapped_4k_bytes) c2=$(col "$map" mapped_2m_bytes) c1=$(col "$map" mapped_1g_bytes)
	for m in direct vmap; do
		n=$(awk -F, -v c="$cm" -v m="$m" -v s="$cs" 'NR > 1 && $c == m && $s == "ok"' "$map" | wc -l)
		[ "$n" -gt 0 ] && ok "mapping $m: $n ok rows" || ko "mapping $m: no ok rows"
	done
	bad=$(awk -F, -v c="$cm" -v s="$cs" -v x="$c2" -v y="$c1" 'NR > 1 && $c == "vmap" && $s == "ok" && ($x + $y) > 0' "$map" | wc -l)
	[ "$bad" -eq 0 ] && ok "vmap view mapped at 4K only" || ko "vmap view: $bad rows with huge mappings"
	n=$(awk -F, -v c="$cm" -v r="$cr" 'NR > 1 && $c == "vmap" && $r != ""' "$map" | wc -l)
	[ "$n" -gt 0 ] && ok "ratio_vmap_over_direct computed on $n rows" || ko "no ratio_vmap_over_direct"
fi
for k in l1d_bytes directmap_4k_bytes_before directmap_2m_bytes_after; do
	v=$(metav "$k")
	[ -n "$v" ] && ok "meta $k = $v" || ko "meta $k missing"
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
