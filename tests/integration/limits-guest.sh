#!/bin/sh
# Guest script (scripts/vm-run.sh) for the limits and fragmentation checks
# (issue 3): runs configs/limits.conf and configs/frag.conf into /out/limits
# and /out/frag, then unloads the module. Check the results on the host with
#   tests/integration/limits-checks.sh OUTDIR/limits 6.1|6.12   (probe)
#   tests/integration/limits-checks.sh OUTDIR/frag 6.1|6.12     (frag)
# Needs /bin/allocbench, /data/allocbench.ko, /data/limits.conf, /data/frag.conf.
set -u
rc=0
allocbench load /data/allocbench.ko || exit 1
allocbench run -c /data/limits.conf -o /out/limits --no-report || rc=1
allocbench run -c /data/frag.conf -o /out/frag --no-report || rc=1
allocbench unload || rc=1
lsmod 2>/dev/null | grep -q allocbench && { echo "module still loaded"; rc=1; }
exit $rc
