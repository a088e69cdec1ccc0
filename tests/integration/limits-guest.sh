#!/bin/sh
# Guest script (scripts/vm-run.sh) for the limits checks: runs
# /data/limits.conf ([probe], [overhead]) into /out/limits, unloads the
# module, then runs /data/frag-kill-guest.sh (fragmentation and the SIGKILL
# test, which loads the module again). Check on the host with
#   tests/integration/limits-checks.sh OUTDIR/limits 6.1|6.12   (probe)
#   tests/integration/limits-checks.sh OUTDIR/frag 6.1|6.12     (frag)
#   tests/integration/kill-checks.sh OUTDIR
# Needs /bin/allocbench, /data/allocbench.ko, /data/limits.conf,
# /data/frag.conf, /data/frag-kill-guest.sh, /data/kill-lib.sh.
set -u
rc=0
allocbench load /data/allocbench.ko || exit 1
allocbench run -c /data/limits.conf -o /out/limits --no-report || rc=1
allocbench unload || rc=1
grep -q '^allocbench ' /proc/modules && { echo "module still loaded"; rc=1; }
sh /data/frag-kill-guest.sh || rc=1
exit $rc
