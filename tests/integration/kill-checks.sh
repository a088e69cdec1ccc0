#!/usr/bin/env bash
# Host-side checks of tests/integration/frag-kill-guest.sh (issue 3: the
# runner SIGKILLed during a fragmentation hold).
#   tests/integration/kill-checks.sh OUTDIR
# OUTDIR is the vm-run.sh output directory (holds kill.env, dmesg.txt).
# Prints one line per check and "N passed, N failed"; exit 1 on any failure.
set -u
dir=${1:?OUTDIR}
env=$dir/kill.env
pass=0 fail=0
ok() { echo "PASS $*"; pass=$((pass + 1)); }
ko() { echo "FAIL $*"; fail=$((fail + 1)); }
check() { local what=$1; shift; if "$@"; then ok "$what"; else ko "$what"; fi; }
kv() { awk -F= -v k="$1" '$1==k{print $2; exit}' "$env"; }

if [ ! -f "$env" ]; then
	ko "kill.env not found in $dir"
	echo "$pass passed, $fail failed"
	exit 1
fi
check "kill: runner SIGKILLed while its hold was active" [ "$(kv killed_while_holding)" = yes ]
d=$(kv after_kill_delta_percent)
check "kill: free memory (MemFree + per-CPU lists) back within 2 % of the baseline (delta ${d:-?} %)" \
	awk -v d="$d" 'BEGIN{exit !(d != "" && d <= 2 && d >= -2)}'
# MemFree alone barely moves (the hold pins 1/64 of what it covers), so the
# high-order blocks are checked too: at kill time they are gone; after the
# module's release on close at least half of the baseline's are back.
b=$(kv baseline_high_blocks) k=$(kv high_blocks_at_kill) a=$(kv after_kill_high_blocks)
check "kill: free blocks of order >= 6 gone during the hold (${k:-?} of ${b:-?})" \
	test -n "$k" -a -n "$b" -a "${k:-0}" -le $(( ${b:-0} / 20 ))
check "kill: free blocks of order >= 6 back after the kill (${a:-?} of ${b:-?})" \
	test -n "$a" -a -n "$b" -a $(( ${a:-0} * 2 )) -ge "${b:-1}"
check "kill: a second frag run completes" [ "$(kv second_run)" = ok ]
check "kill: the module unloads" [ "$(kv unload)" = ok ]
check "kill: guest script exit code 0" [ "$(cat "$dir/kill-rc" 2>/dev/null)" = 0 ]
if [ -f "$dir/kill2/frag-summary.csv" ]; then
	check "kill: second run restored its baseline" \
		[ "$(awk -F, '$1=="baseline_restored"{print $2}' "$dir/kill2/frag-summary.csv")" = yes ]
else
	ko "kill: kill2/frag-summary.csv missing"
fi
dm=$dir/dmesg.txt
if [ -f "$dm" ]; then
	check "dmesg: no OOM kill, WARN or oops" sh -c "! grep -qiE 'oom-kill|out of memory' '$dm' && ! grep -qE 'WARNING:|Call Trace|BUG:|\\bOops\\b|bad page' '$dm'"
else
	ko "dmesg.txt not found in $dir"
fi
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
