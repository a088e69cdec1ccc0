#!/usr/bin/env python3
"""Host-side checks of one integration-test VM run. Silent and exit 0 when a
check holds; otherwise one line per problem on stdout and exit 1.

  check.py info INFO_TXT key=value...          allocbench info matches the kernel
  check.py latency RUN_DIR CONFIG LIST_TXT [POINTS]   latency.csv invariants
  check.py charts RUN_DIR                       charts and report.md
  check.py quality RUN_DIR                      samples, intervals, modes, overheads (latency.csv, report.md)
"""
import csv
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

problems = []


def bad(msg):
    problems.append(msg)


def done():
    for p in problems[:30]:
        print(p)
    if len(problems) > 30:
        print(f"... and {len(problems) - 30} more")
    sys.exit(1 if problems else 0)


# ---- info --------------------------------------------------------------------
def check_info(path, expect):
    info = {}
    with open(path) as f:
        for line in f:
            parts = line.split(None, 1)
            if len(parts) == 2:
                info[parts[0].rstrip(':')] = parts[1].strip()
    for kv in expect:
        k, v = kv.split('=', 1)
        got = info.get(k)
        if got is None:
            bad(f"info: no '{k}' line")
        elif got.split()[0] != v:
            bad(f"info: {k} is {got}, expected {v}")


# ---- config (the subset the test needs) ---------------------------------------
SUFFIX = {'': 1, 'K': 1 << 10, 'M': 1 << 20, 'G': 1 << 30}


def parse_size(s):
    m = re.fullmatch(r'\s*(\d+)\s*([KMG]?)\s*', s, re.I)
    if not m:
        raise ValueError(f"bad size {s!r}")
    return int(m.group(1)) * SUFFIX[m.group(2).upper()]


def parse_sizes(text):
    out = set()
    for item in text.split(','):
        item = item.strip()
        if not item:
            continue
        m = re.fullmatch(r'(.+?)\.\.(.+?)\s+([x+])\s*(\S+)', item)
        if not m:
            m2 = re.fullmatch(r'(.+?)\.\.(.+)', item)
            if m2:  # bare range: x2
                m = re.fullmatch(r'(.+?)\.\.(.+?)\s+([x+])\s*(\S+)', item + ' x2')
        if m:
            lo, hi, op, step = parse_size(m.group(1)), parse_size(m.group(2)), m.group(3), m.group(4)
            step = int(step) if op == 'x' else parse_size(step)
            v = lo
            while v <= hi:
                out.add(v)
                v = v * step if op == 'x' else v + step
        else:
            out.add(parse_size(item))
    return sorted(out)


def read_config(path):
    sections = []
    cur = None
    with open(path) as f:
        for raw in f:
            line = re.split(r'\s[;#]|^[;#]', raw, maxsplit=1)[0].strip()
            if not line:
                continue
            m = re.fullmatch(r'\[\s*(\S+)(?:\s+(.*?))?\s*\]', line)
            if m:
                cur = {'_kind': m.group(1), '_label': m.group(2) or ''}
                sections.append(cur)
                continue
            if '=' in line and cur is not None:
                k, v = line.split('=', 1)
                cur[k.strip()] = v.strip()
    return sections


def all_allocators():
    """Every allocator in ABI order, from the runner's one table: `allocbench list
    --names` of $ALLOCBENCH_RUNNER, else of runner/allocbench in this tree."""
    runner = os.environ.get('ALLOCBENCH_RUNNER') or \
        os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'runner', 'allocbench')
    return subprocess.run([runner, 'list', '--names'], check=True, capture_output=True,
                          text=True).stdout.split()


def split_list(v):
    return [x.strip() for x in v.split(',') if x.strip()]


# ---- latency.csv ----------------------------------------------------------------
def num(row, col):
    v = row.get(col, '')
    return float(v) if v not in ('', None) else None


def check_latency(run, conf, list_txt, points):
    path = os.path.join(run, 'latency.csv')
    if not os.path.exists(path):
        bad(f"{path}: missing")
        return
    with open(path, newline='') as f:
        rows = list(csv.DictReader(f))
    if not rows:
        bad("latency.csv: no rows")
        return
    cols = rows[0].keys()
    for need in ('allocator', 'op', 'size_bytes', 'status'):
        if need not in cols:
            bad(f"latency.csv: no column {need} (have: {', '.join(cols)})")
    if problems:
        return
    gfp_col = 'gfp' if 'gfp' in cols else None
    # Every planned (allocator, op, gfp, size) has a row.
    offered = []
    if os.path.exists(list_txt):
        with open(list_txt) as f:
            for line in f:
                w = line.split()
                if w and re.fullmatch(r'[a-z_]+', w[0]) and w[0] not in ('name', 'allocator'):
                    if 'unavailable' not in line and 'no' != (w[1] if len(w) > 1 else ''):
                        offered.append(w[0])
    have = {(r['allocator'], r['op'], r.get(gfp_col, 'kernel') if gfp_col else 'kernel', int(r['size_bytes']))
            for r in rows}
    planned = set()
    allocs_expected = set()
    npoints_planned = [0]
    repeat = [1]
    visits = [6]  # [run] subseries: the plan visits every latency point this many times per repeat
    for sec in read_config(conf):
        if sec['_kind'] == 'run':
            repeat[0] = int(sec.get('repeat', 1) or 1)
            visits[0] = int(sec.get('subseries', 6) or 6)
        if sec['_kind'] != 'latency':
            continue
        allocs = split_list(sec.get('allocators', 'all'))
        if allocs == ['all']:  # the runner plans all of them; unavailable ones are "unsupported" rows
            allocs = all_allocators()
        allocs_expected.update(allocs)
        ops = split_list(sec.get('ops', 'alloc, free, pair, burst'))
        gfps = split_list(sec.get('gfp', 'kernel'))
        sizes = parse_sizes(sec.get('sizes', '8..4M x2'))
        for a in allocs:
            for o in ops:
                for g in gfps:
                    for s in sizes:
                        if o == 'burst':  # one point, two rows
                            planned.add((a, 'burst_alloc', g, s))
                            planned.add((a, 'burst_free', g, s))
                        else:
                            planned.add((a, o, g, s))
                        npoints_planned[0] += 1
    missing = sorted(planned - have)
    for m in missing[:10]:
        bad(f"latency.csv: no row for allocator={m[0]} op={m[1]} gfp={m[2]} size={m[3]}")
    if len(missing) > 10:
        bad(f"latency.csv: {len(missing)} planned rows missing in all")
    extra = sorted(have - planned)
    for m in extra[:5]:
        bad(f"latency.csv: unplanned row allocator={m[0]} op={m[1]} gfp={m[2]} size={m[3]}")
    if len(rows) != len(have):
        bad(f"latency.csv: {len(rows)} rows but {len(have)} distinct (allocator, op, gfp, size): duplicates")
    if points and int(points) != npoints_planned[0] * repeat[0] * visits[0]:
        bad(f"allocbench check --plan has {points} latency visits, the config's allocators x ops x gfp x sizes"
            f" x repeat x subseries give {npoints_planned[0] * repeat[0] * visits[0]}")
    for a in sorted(allocs_expected):
        if not any(r['allocator'] == a for r in rows):
            bad(f"latency.csv: allocator {a} never appears")
    # Order statistics of every ok row.
    for i, r in enumerate(rows, 2):
        if r['status'] not in ('ok', 'partial'):
            continue
        qs = [(c, num(r, c)) for c in ('min_ns', 'p50_ns', 'p99_ns', 'max_ns') if c in r]
        vals = [v for _, v in qs if v is not None]
        if len(vals) != len(qs) or len(qs) < 4:
            bad(f"latency.csv:{i}: ok row without min/p50/p99/max")
            continue
        if not all(vals[j] <= vals[j + 1] + 1e-9 for j in range(len(vals) - 1)):
            bad(f"latency.csv:{i}: not min <= p50 <= p99 <= max: {dict(qs)}")
    # Limits every 6.x kernel has.
    def status_of(alloc, size, want):
        # A burst of 64M objects may be skipped for the memory cap: only single-object ops must succeed.
        return {r['status'] for r in rows if r['allocator'] == alloc and int(r['size_bytes']) == size
                and not (want == 'ok' and r['op'].startswith('burst'))}
    M = 1 << 20
    for alloc, size, want in (('kmalloc', 8 * M, 'failed'), ('alloc_pages', 8 * M, 'failed'),
                              ('vmalloc', 64 * M, 'ok')):
        if not any(p[0] == alloc and p[3] == size for p in planned):
            continue
        st = status_of(alloc, size, want)
        if st != {want}:
            bad(f"latency.csv: {alloc} at {size >> 20}M has status {sorted(st) or 'none'}, expected {want}")


# ---- charts --------------------------------------------------------------------
def check_charts(run):
    cdir = os.path.join(run, 'charts')
    if not os.path.isdir(cdir):
        bad(f"{cdir}: missing")
        return
    files = sorted(os.listdir(cdir))
    svgs = [f for f in files if f.endswith('.svg')]
    pngs = [f for f in files if f.endswith('.png')]
    if not svgs:
        bad("charts/: no SVG")
    allocs = set()
    lat = os.path.join(run, 'latency.csv')
    if os.path.exists(lat):
        with open(lat, newline='') as f:
            allocs = {r['allocator'] for r in csv.DictReader(f)}
    for s in svgs:
        p = os.path.join(cdir, s)
        try:
            root = ET.parse(p).getroot()
        except ET.ParseError as e:
            bad(f"{s}: not well-formed XML: {e}")
            continue
        if not root.tag.endswith('svg'):
            bad(f"{s}: root element is {root.tag}")
        text = ' '.join(t for t in root.itertext())
        # Charts that compare allocators must name every one of them.
        if s.startswith('latency') and allocs:
            lost = [a for a in sorted(allocs) if a not in text]
            if lost:
                bad(f"{s}: does not name {', '.join(lost)}")
        if s[:-4] + '.png' not in pngs:
            bad(f"{s}: no PNG twin")
    for p in pngs:
        with open(os.path.join(cdir, p), 'rb') as f:
            if f.read(8) != b'\x89PNG\r\n\x1a\n':
                bad(f"{p}: no PNG signature")
    rep = os.path.join(run, 'report.md')
    if not os.path.exists(rep):
        bad("report.md: missing")
    else:
        with open(rep) as f:
            md = f.read()
        for ref in re.findall(r'!\[[^\]]*\]\(([^)\s]+)', md):
            if not os.path.exists(os.path.join(run, ref)):
                bad(f"report.md: links {ref}, which does not exist")


# ---- measurement quality (latency.csv schema 2) ---------------------------------
QUALITY_COLUMNS = ('requested_samples', 'median_ci_lo_ns', 'median_ci_hi_ns', 'sample_ci_lo_ns',
                   'sample_ci_hi_ns', 'subseries', 'subseries_sd_ns', 'subseries_disagree', 'modes',
                   'mode1_ns', 'mode1_share', 'mode2_ns', 'mode2_share', 'mode_split_ns', 'mode2_samples',
                   'repeats', 'repeat_cv_pct', 'repeat_range_pct', 'batch_diff_pct', 'timer_overhead_ns',
                   'timer_resolution_ns', 'harness_ns', 'batch_harness_ns', 'setup_ns', 'note')
AGREE_PCT, AGREE_ABOVE_STEPS = 5.0, 10.0


def check_row_quality(i, r):
    name = f"latency.csv:{i}: {r['allocator']} {r['op']} {r['size_bytes']}"
    n, req = int(r['samples']), num(r, 'requested_samples')
    if req is not None and n < 0.9 * req and not r['note']:
        bad(f"{name}: {n} of {req:.0f} requested samples and no note saying why")
    if r['status'] not in ('ok', 'partial'):
        return
    lo, p50, hi = num(r, 'median_ci_lo_ns'), num(r, 'p50_ns'), num(r, 'median_ci_hi_ns')
    slo, shi = num(r, 'sample_ci_lo_ns'), num(r, 'sample_ci_hi_ns')
    if None in (lo, hi, slo, shi) or not lo <= p50 <= hi or not (lo <= slo + 1e-9 and shi <= hi + 1e-9):
        bad(f"{name}: interval {lo}..{hi} does not hold p50 {p50} and the sample interval {slo}..{shi}")
    if not r['subseries'] or int(r['subseries']) < 1:
        bad(f"{name}: no sub-series count")
    for c in ('harness_ns', 'timer_overhead_ns', 'timer_resolution_ns'):
        if num(r, c) is None:
            bad(f"{name}: no {c}")
    if r['modes'] == '2':
        m1, m2 = num(r, 'mode1_ns'), num(r, 'mode2_ns')
        share = num(r, 'mode1_share') + num(r, 'mode2_share')
        if not (m1 < num(r, 'mode_split_ns') < m2) or abs(share - 1) > 1e-6 or \
                abs(int(r['mode2_samples']) - num(r, 'mode2_share') * n) > 0.5:
            bad(f"{name}: inconsistent modes {m1} / {m2}, split {r['mode_split_ns']}, shares sum {share}")
    elif r['modes'] != '1' or r['mode2_ns']:
        bad(f"{name}: modes '{r['modes']}' with mode2_ns '{r['mode2_ns']}'")


def check_batch_agreement(rows):
    """kmalloc and kmem_cache at 64 B: per-op and batch medians agree within 5 % wherever the
    per-op median is 10 timer steps or more, or the row says why they differ."""
    for r in rows:
        if r['allocator'] not in ('kmalloc', 'kmem_cache') or r['size_bytes'] != '64' or \
                r['status'] != 'ok' or num(r, 'batch_diff_pct') is None:
            continue
        step = num(r, 'timer_resolution_ns') or 0
        if num(r, 'p50_ns') < AGREE_ABOVE_STEPS * step:
            continue
        if abs(num(r, 'batch_diff_pct')) > AGREE_PCT and 'per-op and batch' not in r['note']:
            bad(f"{r['allocator']} {r['op']} 64: per-op {r['p50_ns']} ns vs batch {r['batch_p50_ns']} ns "
                f"({float(r['batch_diff_pct']):+.1f} %) and no explanation in the row")


def check_quality(run):
    with open(os.path.join(run, 'latency.csv'), newline='') as f:
        rows = list(csv.DictReader(f))
    missing = [c for c in QUALITY_COLUMNS if rows and c not in rows[0]]
    if missing:
        bad(f"latency.csv: no column {', '.join(missing)}")
        return
    for i, r in enumerate(rows, 2):
        check_row_quality(i, r)
    check_batch_agreement(rows)
    rep = os.path.join(run, 'report.md')
    if os.path.exists(rep):
        md = open(rep).read()
        for want in ('## Measurement quality', 'Intervals that include drift', '### Points with two modes'):
            if want not in md:
                bad(f"report.md: no '{want}'")
        for r in rows:
            if r['modes'] == '2' and r['allocator'] == 'vmalloc' and r['size_bytes'] == '4096' and \
                    f"| vmalloc {r['op']} 4K (" not in md:
                bad(f"report.md: two-mode vmalloc {r['op']} 4K is not in its modes table")


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        sys.exit(2)
    what = sys.argv[1]
    if what == 'info':
        check_info(sys.argv[2], sys.argv[3:])
    elif what == 'latency':
        check_latency(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5] if len(sys.argv) > 5 else '')
    elif what == 'charts':
        check_charts(sys.argv[2])
    elif what == 'quality':
        check_quality(sys.argv[2])
    else:
        print(__doc__)
        sys.exit(2)
    done()


if __name__ == '__main__':
    main()
