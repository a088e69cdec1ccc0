#!/usr/bin/env python3
"""Checks of a [vspace] run folder (vspace.csv, vspace-summary.csv, meta.csv).

  vspace-checks.py shown DIR [MIN_RANGE_BYTES]
      32-bit: vmalloc of fail_size succeeded before, failed fragmented with
      MemFree far above the size and the largest gap below it, succeeded
      after; the largest gap came back; /proc/vmallocinfo back to its
      starting areas (the runner's own before/after diff); the range is at
      least MIN_RANGE_BYTES.
  vspace-checks.py param DIR VALUE
      vspace.csv and meta.csv's cmdline record vmalloc=VALUE.
  vspace-checks.py unreachable DIR
      64-bit: the range is reported (>= 1 TiB), reachable = no with a
      reason, no hold was made, no vmalloc tried.
  vspace-checks.py vmallocinfo BEFORE AFTER
      the same busy areas in two /proc/vmallocinfo texts (lazily freed
      "unpurged vm_area" lines are not areas).

Prints what is wrong and exits 1; silent on success.
"""
import csv
import re
import sys

errors = []


def bad(msg):
    errors.append(msg)


def rows(path):
    with open(path, newline='') as f:
        return list(csv.DictReader(f))


def kv(path):
    return {r['key']: r['value'] for r in rows(path)}


def phases(d):
    return {r['phase']: r for r in rows(f"{d}/vspace.csv")}


def check_shown(d, min_range=0):
    p = phases(d)
    s = kv(f"{d}/vspace-summary.csv")
    for ph in ('before', 'fragmented', 'after'):
        if ph not in p:
            bad(f"vspace.csv: no {ph} row")
    if errors:
        return
    b, f, a = p['before'], p['fragmented'], p['after']
    if int(b['schema_version']) != 1:
        bad(f"schema_version {b['schema_version']}")
    total = int(b['vmalloc_total_bytes'])
    if total < min_range:
        bad(f"vmalloc range {total} < {min_range}")
    if total > 1 << 32:
        bad(f"vmalloc range {total}: not a 32-bit kernel")
    size = int(f['request_bytes'])
    memfree = int(f['memfree_bytes'])
    gap_b, gap_f, gap_a = (int(x['largest_gap_bytes']) for x in (b, f, a))
    if b['status'] != 'ok':
        bad(f"before: vmalloc({size}) status {b['status']}, expected ok")
    if f['status'] != 'failed':
        bad(f"fragmented: vmalloc({size}) status {f['status']}, expected failed")
    if a['status'] != 'ok':
        bad(f"after: vmalloc({size}) status {a['status']}, expected ok")
    if memfree < 10 * size:
        bad(f"fragmented: MemFree {memfree} not far above the failing size {size}")
    if not gap_f < size < gap_b:
        bad(f"largest gap fragmented {gap_f} < size {size} < before {gap_b} does not hold")
    if gap_a != gap_b:
        bad(f"largest gap after {gap_a} != before {gap_b}")
    if int(f['held_areas']) <= 0:
        bad("fragmented: no area held")
    if s.get('verdict') != 'shown':
        bad(f"verdict {s.get('verdict')}, expected shown ({s.get('reason')})")
    if s.get('areas_restored') != 'yes':
        bad(f"areas_restored {s.get('areas_restored')}: missing {s.get('areas_missing_after')}, "
            f"added {s.get('areas_added_after')}")
    if s.get('hold_range_full') != 'no':
        bad("the hold ran out of room (vmap failed): the fill count from /proc/vmallocinfo was wrong")
    if s.get('released_areas') != f['held_areas']:
        bad(f"released {s.get('released_areas')} areas, held {f['held_areas']}")


def check_param(d, value):
    p = phases(d)
    for ph, r in p.items():
        if r['vmalloc_param'] != value:
            bad(f"vspace.csv {ph}: vmalloc_param {r['vmalloc_param']!r}, expected {value!r}")
    meta = kv(f"{d}/meta.csv")
    if f"vmalloc={value}" not in meta.get('cmdline', '').split():
        bad(f"meta.csv cmdline {meta.get('cmdline')!r} lacks vmalloc={value}")


def check_unreachable(d):
    p = phases(d)
    s = kv(f"{d}/vspace-summary.csv")
    if 'before' not in p:
        bad("vspace.csv: no before row")
        return
    if set(p) != {'before'}:
        bad(f"phases {sorted(p)}: expected only before (nothing tried)")
    b = p['before']
    if int(b['vmalloc_total_bytes']) < 1 << 40:
        bad(f"vmalloc range {b['vmalloc_total_bytes']} < 1 TiB: not a 64-bit kernel?")
    if not b['largest_gap_bytes'] or int(b['largest_gap_bytes']) < 1 << 40:
        bad(f"largest gap {b['largest_gap_bytes']!r}: expected the range's gaps, >= 1 TiB")
    if b['status'] != 'not_run' or int(b['attempts']) != 0:
        bad(f"before: status {b['status']}, attempts {b['attempts']}: nothing should be tried")
    if s.get('reachable') != 'no' or s.get('verdict') != 'not_reachable':
        bad(f"reachable {s.get('reachable')}, verdict {s.get('verdict')}: expected no / not_reachable")
    if 'page tables' not in s.get('reason', ''):
        bad(f"reason {s.get('reason')!r} does not give the page-table cost")
    if any(k.startswith('hold_') and k != 'hold_cost_bound_bytes' for k in s):
        bad("a hold was made on a 64-bit kernel")


LINE = re.compile(r'^0x([0-9a-f]+)-0x([0-9a-f]+)\s+(\d+)\s+(.*)$')


def busy(path):
    out = set()
    with open(path) as f:
        for line in f:
            m = LINE.match(line.strip())
            if m and not m.group(4).startswith('unpurged vm_area'):
                out.add((int(m.group(1), 16), int(m.group(2), 16), m.group(4).split()[0]))
    return out


def check_vmallocinfo(before, after):
    a, b = busy(before), busy(after)
    if not a:
        bad(f"{before}: no areas (addresses hashed?)")
    for x in sorted(a - b)[:5]:
        bad(f"gone after: {x[0]:#x}-{x[1]:#x} {x[2]}")
    for x in sorted(b - a)[:5]:
        bad(f"new after: {x[0]:#x}-{x[1]:#x} {x[2]}")


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    cmd, args = sys.argv[1], sys.argv[2:]
    try:
        if cmd == 'shown':
            check_shown(args[0], int(args[1]) if len(args) > 1 else 0)
        elif cmd == 'param':
            check_param(args[0], args[1])
        elif cmd == 'unreachable':
            check_unreachable(args[0])
        elif cmd == 'vmallocinfo':
            check_vmallocinfo(args[0], args[1])
        else:
            print(f"unknown check {cmd}")
            return 2
    except (OSError, KeyError, ValueError) as e:
        bad(f"{type(e).__name__}: {e}")
    for e in errors:
        print(e)
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
