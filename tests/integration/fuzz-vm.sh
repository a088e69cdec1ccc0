#!/usr/bin/env bash
# Boot one VM for the abuse suite: the ioctl fuzzer, then SIGKILLs
# of `allocbench run` at seeded random moments of every experiment kind,
# with slab debugging on (slub_debug=FZPU) so that memory errors show in
# dmesg. Used by tests/integration/run.sh (a CI-sized slice) and by
# tests/integration/fuzz.sh (`make fuzz`, any size).
#
#   fuzz-vm.sh -k KERNEL_CACHE_DIR -m MODULE.ko -r RUNNER_STATIC -f FUZZER -o OUTDIR
#              [-s SEED] [-n REQUESTS] [-j CHILDREN] [-K KILLS_PER_KIND] [-t TIMEOUT_S]
#
# Exit status: vm-run.sh's (the guest script's, 124 timeout, 125 guest died).
# Check OUTDIR with tests/integration/fuzz-checks.sh.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
kc= ko= runner= fuzzer= out= seed=1 n=20000 j=3 kills=1 timeout=1800
while getopts "k:m:r:f:o:s:n:j:K:t:" opt; do
	case $opt in
	k) kc=$OPTARG ;; m) ko=$OPTARG ;; r) runner=$OPTARG ;; f) fuzzer=$OPTARG ;; o) out=$OPTARG ;;
	s) seed=$OPTARG ;; n) n=$OPTARG ;; j) j=$OPTARG ;; K) kills=$OPTARG ;; t) timeout=$OPTARG ;;
	*) sed -n '2,14p' "${BASH_SOURCE[0]}" >&2; exit 2 ;;
	esac
done
for v in kc ko runner fuzzer out; do
	[ -n "${!v}" ] || { echo "fuzz-vm: -${v:0:1} missing" >&2; exit 2; }
done
exec "$top/scripts/vm-run.sh" -k "$kc" -m 1G -c "slub_debug=FZPU init_on_alloc=0" -t "$timeout" -o "$out" \
	-f "$runner:/bin/allocbench" -f "$ko:/data/allocbench.ko" -f "$fuzzer:/bin/ioctl-fuzz" \
	-f "$here/kill-lib.sh:/data/kill-lib.sh" -f "$here/kill-guest.sh:/data/kill-guest.sh" \
	-f "$here/kill-configs:/data/kill" \
	"$here/fuzz-guest.sh" "$seed" "$n" "$j" "$kills"
