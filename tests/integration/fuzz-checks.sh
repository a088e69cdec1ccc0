#!/usr/bin/env bash
# Host-side checks of tests/integration/fuzz-guest.sh (the abuse suite).
#   tests/integration/fuzz-checks.sh OUTDIR [CHECK...]
# CHECK: fuzz, dmesg, memory, module, kills (default: all of them).
# OUTDIR is the vm-run.sh output directory. Prints one line per check
# ("PASS ..." / "FAIL ..." with the evidence) and "N passed, N failed";
# exit 1 on any failure.
#   summary OUTDIR     one line: requests, mismatches, wall time (no verdict)
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dir=${1:?OUTDIR}
shift
checks=("$@")
[ ${#checks[@]} -gt 0 ] || checks=(fuzz dmesg memory module kills)
env=$dir/fuzz.env
pass=0 fail=0
ok() { echo "PASS $*"; pass=$((pass + 1)); }
ko() { echo "FAIL $*"; fail=$((fail + 1)); }
kv() { awk -F= -v k="$1" '$1==k{sub(/^[^=]*=/, ""); print; exit}' "$env" 2>/dev/null; }
rc() { cat "$dir/$1.rc" 2>/dev/null || echo '?'; }

if [ "${checks[0]}" = summary ]; then
	last=$(tail -n 1 "$dir/fuzz.txt" 2>/dev/null)
	sent=$(sed -n 's/^ioctl-fuzz: seed [0-9]*, \([0-9]*\) requests sent.*/\1/p' "$dir/fuzz.txt" 2>/dev/null)
	echo "${sent:-?} requests, ${last:-no result}, fuzz $(kv fuzz_s) s, kills $(kv kills_s) s"
	exit 0
fi

for c in "${checks[@]}"; do
	case $c in
	fuzz)
		last=$(tail -n 1 "$dir/fuzz.txt" 2>/dev/null)
		if [ "$(rc load)" = 0 ] && [ "$(rc fuzz)" = 0 ] && [[ $last =~ ^[0-9]+\ passed,\ 0\ failed$ ]]; then
			ok "fuzz: seed $(kv seed): $(grep -m1 'requests sent' "$dir/fuzz.txt"); $last"
		else
			ko "fuzz: seed $(kv seed), load exit $(rc load), fuzzer exit $(rc fuzz): ${last:-no summary}"
			grep '^FAIL' "$dir/fuzz.txt" 2>/dev/null | sed 's/^/     /' | head -n 12
			grep -A4 -m3 '^FAIL seed=[0-9]* stream' "$dir/fuzz.txt" 2>/dev/null | grep '^  ' | sed 's/^/     /' | head -n 12
			tail -n 3 "$dir/fuzz.err" 2>/dev/null | sed 's/^/     stderr: /'
		fi
		;;
	dmesg)
		# the whole boot: the fuzz, the kills, the unloads (slub_debug reports say "BUG <cache>");
		# dmesg-end.txt when the guest script ran inside another one (tests/debug)
		dm=$dir/dmesg.txt
		[ -f "$dm" ] || dm=$dir/dmesg-end.txt
		pat='WARNING:|(^|[^A-Z_])BUG[: ]|Oops|Call Trace|page allocation failure|oom-kill|Out of memory|general protection|Poison overwritten|Redzone|refcount_t|list_(add|del) corruption'
		if [ -f "$dm" ] && ! grep -qE "$pat" "$dm"; then
			ok "dmesg: no WARNING/BUG/Oops/Call Trace/allocation failure/OOM/slub_debug report ($(kv cmdline | grep -o 'slub_debug=[^ ]*'))"
		else
			ko "dmesg: kernel complained (or dmesg.txt missing)"
			grep -nE -m 12 "$pat" "$dm" 2>/dev/null | sed 's/^/     /'
		fi
		;;
	memory)
		d=$(kv free_delta_percent) s=$(kv start_high) a=$(kv after_high)
		# where memory went, for the record (kB, after minus start)
		moved=$(awk 'NR == FNR { a[$1] = $2; next }
			$1 in a && $1 ~ /^(MemFree|Slab|SUnreclaim|KernelStack|PageTables|VmallocUsed|Percpu|Shmem|AnonPages):$/ {
				d = $2 - a[$1]; if (d != 0) { printf "%s%s %+d", sep, $1, d; sep = ", " } }' \
			"$dir/meminfo-start.txt" "$dir/meminfo-after.txt" 2>/dev/null)
		if [ "$(kv free_recovered)" = yes ]; then
			ok "memory: MemFree + per-CPU lists back within 2 % ($(kv start_free_kb) -> $(kv after_free_kb) kB, ${d:-?} %; ${moved:-meminfo not recorded})"
		else
			ko "memory: MemFree + per-CPU lists not back within 2 % ($(kv start_free_kb) -> $(kv after_free_kb) kB, ${d:-?} %; ${moved:-meminfo not recorded})"
		fi
		if [ -f "$dir/vmalloc-allocbench.txt" ] && [ ! -s "$dir/vmalloc-allocbench.txt" ] &&
		   [ -f "$dir/slab-allocbench.txt" ] && [ ! -s "$dir/slab-allocbench.txt" ]; then
			ok "memory: no vmalloc area and no slab cache of the module's left after the fuzz"
		else
			ko "memory: the module left vmalloc areas or slab caches behind"
			head -n 8 "$dir/vmalloc-allocbench.txt" "$dir/slab-allocbench.txt" 2>/dev/null | sed 's/^/     /'
		fi
		# Thousands of random RUN requests leave the kernel's own caches
		# (slab partial lists, per-CPU lists, vmalloc page tables) as the
		# kernel keeps them: a figure, not a promise of the module. FRAG's
		# promise (its pins merge back) is checked in abi-abuse and the
		# frag kill test, where nothing else runs.
		echo "  info free blocks of order >= 9 per zone, in order-9 units: $s -> $a after $(kv settle_s) s (after rmmod: $(kv unloaded_high))"
		;;
	module)
		if [ "$(rc unload)" = 0 ] && [ ! -s "$dir/modules-after-unload.txt" ] && [ "$(rc reload)" = 0 ] &&
		   [ "$(rc info)" = 0 ] && [ "$(rc unload2)" = 0 ]; then
			ok "module: unloads after the fuzz, is gone, loads again, answers INFO, unloads after the kills"
		else
			ko "module: unload $(rc unload), still listed: $(cat "$dir/modules-after-unload.txt" 2>/dev/null), reload $(rc reload), info $(rc info), last unload $(rc unload2)"
			cat "$dir/unload.txt" "$dir/reload.txt" "$dir/unload2.txt" 2>/dev/null | head -n 5 | sed 's/^/     /'
		fi
		;;
	kills)
		if [ "$(kv kills_asked)" = 0 ]; then
			echo "  info kills: none asked for (KILLS=0)"
		elif [ ! -d "$dir/kills" ]; then
			ko "kills: no kills/ folder (guest script exit $(rc kills))"
		elif out=$(bash "$here/kill-checks.sh" "$dir" 2>&1); then
			ok "kills: $(echo "$out" | grep -c '^PASS') checks over $(ls "$dir"/kills/*.env | wc -l) SIGKILLs, $(grep -l '^killed=yes' "$dir"/kills/*.env | wc -l) of them mid-run ($(kv kills_s) s)"
		else
			ko "kills: $(echo "$out" | tail -n 1)"
			echo "$out" | grep '^FAIL' | sed 's/^/     /' | head -n 15
		fi
		;;
	*)
		ko "unknown check '$c'"
		;;
	esac
done
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
