#!/usr/bin/env python3
"""Writes fixtures/latency.csv and fixtures/meta.csv: a synthetic run of
every allocator the runner knows (`allocbench list --names`) with failed,
unsupported, skipped and partial points, made under TCG (emulated=yes).
Deterministic; rerun after changing the schema or adding an allocator."""
import csv, math, os, random, subprocess

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "fixtures")
rnd = random.Random(42)

# Every allocator, in ABI order, from the runner's one table (make -C runner first).
ALLOCS = subprocess.run([os.path.join(here, "..", "..", "runner", "allocbench"), "list", "--names"],
                        check=True, capture_output=True, text=True).stdout.split()
SIZES = [8 << i for i in range(24)]          # 8 .. 64M
PAGE, KMAX, KCACHE = 4096, 4 << 20, 8192
COLS = ["schema_version", "allocator", "op", "gfp", "size_bytes", "status", "samples", "failures",
        "min_ns", "p10_ns", "p50_ns", "p90_ns", "p99_ns", "p999_ns", "max_ns", "mean_ns",
        "stddev_ns", "median_ci_lo_ns", "median_ci_hi_ns", "min_cycles", "p50_cycles",
        "p99_cycles", "max_cycles", "batch_ops", "batch_samples", "batch_p10_ns", "batch_p50_ns",
        "batch_p90_ns", "fallbacks"]
# latency.csv schema 2: sub-series, modes, repeats, overheads, note (runner/lat_row.c)
COLS[COLS.index("samples") + 1:COLS.index("samples") + 1] = ["requested_samples"]
COLS[COLS.index("median_ci_hi_ns") + 1:COLS.index("median_ci_hi_ns") + 1] = [
    "sample_ci_lo_ns", "sample_ci_hi_ns", "subseries", "subseries_sd_ns", "subseries_disagree",
    "modes", "mode1_ns", "mode1_share", "mode2_ns", "mode2_share", "mode_split_ns", "mode2_samples",
    "repeats", "repeat_cv_pct", "repeat_range_pct"]
COLS[COLS.index("batch_p90_ns") + 1:COLS.index("batch_p90_ns") + 1] = [
    "batch_diff_pct", "timer_overhead_ns", "timer_resolution_ns", "harness_ns", "batch_harness_ns",
    "setup_ns"]
COLS += ["cpu_migrations", "note"]

def zero_ns(size):          # TCG rep stosb, ~3.2 ns per byte
    return 3.2 * size

def model(a, op, size):
    """median ns, or a status string"""
    pages = max(1, size // PAGE)
    order_pages = 1 << max(0, math.ceil(math.log2(pages)))
    if a in ("kmalloc", "kzalloc", "kmem_cache"):
        if size > KMAX:
            return "failed"
        if size <= KCACHE:
            base = 60 + 0.002 * size
        else:
            base = 9000 + zero_ns(order_pages * PAGE) * 0.9
        if a == "kzalloc":
            base += zero_ns(size) * (0.3 if size <= KCACHE else 0.1)
        if a == "kmem_cache":
            base *= 0.85
    elif a in ("alloc_pages", "get_free_pages", "alloc_pages_exact", "folio_alloc"):
        if size > KMAX:
            return "failed"
        base = 15000 * (1 + 0.02 * math.log2(order_pages)) + zero_ns(order_pages * PAGE) * 0.95
        if a == "alloc_pages_exact":
            base *= 1.1
        if a == "get_free_pages":
            base *= 1.02
        if a == "folio_alloc":      # compound-page preparation
            base *= 1.15
    elif a == "vmap":
        if size < PAGE:
            return "unsupported"
        base = 25000 + 900 * pages
    else:  # vmalloc family
        if a == "kvmalloc" and size <= KCACHE:
            base = 70 + 0.002 * size
        else:
            base = 40000 + 16000 * pages + zero_ns(pages * PAGE) * 0.95
            if a == "vzalloc":
                base += zero_ns(size) * 0.2
            if a == "vmalloc_huge" and size >= (2 << 20):
                base = 40000 + zero_ns(pages * PAGE) * 0.95 + 2000 * (size >> 21)
    if op == "free":
        base = base * 0.25 + 40
    elif op == "pair":
        base = base * 1.25 + 50
    elif op == "burst_alloc":
        base *= 1.15
    elif op == "burst_free":
        base = base * 0.3 + 30
    return base

def quality(r, a, op, size, med, n, s):
    """The schema-2 columns of a measured row: six sub-series, one repeat, harness subtracted."""
    f = lambda v: "%.10g" % v
    r.update(requested_samples=n, sample_ci_lo_ns=r["median_ci_lo_ns"], sample_ci_hi_ns=r["median_ci_hi_ns"],
             median_ci_lo_ns=f(med * (1 - s / 2)), median_ci_hi_ns=f(med * (1 + s / 2)),
             subseries=6, subseries_sd_ns=f(med * s / 4), subseries_disagree=int(s > 0.15),
             modes=1, mode1_ns=f(med), mode1_share=1, repeats=1,
             timer_overhead_ns=f(38 / 2.9952), timer_resolution_ns=f(1 / 2.9952),
             harness_ns=f(45 if op == "pair" else 25), setup_ns=f(350000 if a == "kmem_cache" else 0),
             cpu_migrations=0)
    if a == "vmalloc" and size == 4096 and op == "alloc":   # the lazy purge: two modes
        r.update(modes=2, mode1_ns=f(med * 0.8), mode1_share=0.6, mode2_ns=f(med * 1.9), mode2_share=0.4,
                 mode_split_ns=f(med * 1.25), mode2_samples=round(0.4 * n))
    if r["batch_ops"]:
        diff = 100 * (float(r["batch_p50_ns"]) / med - 1)
        r.update(batch_diff_pct=f(diff), batch_harness_ns=f(8.5))
        if abs(diff) > 5:
            r["note"] = ("per-op and batch medians differ by %+.1f %%: a batch holds 64 objects at once, "
                         "so per-CPU cache refills and releases land in it" % diff)

def row(a, op, gfp, size, status, med=None, n=0, fails=0):
    r = dict.fromkeys(COLS, "")
    r.update(schema_version=2, allocator=a, op=op, gfp=gfp, size_bytes=size, status=status,
             samples=n, failures=fails, fallbacks=0)
    if med is not None:
        s = 0.08 + 0.1 * rnd.random()
        q = {"min_ns": med * (1 - 2 * s), "p10_ns": med * (1 - s), "p50_ns": med,
             "p90_ns": med * (1 + 1.5 * s), "p99_ns": med * (1 + 4 * s), "p999_ns": med * (1 + 8 * s),
             "max_ns": med * (1 + 20 * s), "mean_ns": med * (1 + 0.5 * s), "stddev_ns": med * s,
             "median_ci_lo_ns": med * (1 - s / 5), "median_ci_hi_ns": med * (1 + s / 5)}
        for k, v in q.items():
            r[k] = "%.10g" % v
        r["p50_cycles"] = "%.10g" % (med * 2.5)
        if med < 1000 and op in ("alloc", "free", "pair"):
            k = 0.98 if op == "pair" else 0.6   # a pair batch is the per-op loop repeated
            r.update(batch_ops=64, batch_samples=200, batch_p10_ns="%.10g" % (med * (k - 0.05)),
                     batch_p50_ns="%.10g" % (med * k), batch_p90_ns="%.10g" % (med * (k + 0.06)))
        quality(r, a, op, size, med, n, s)
    return r

rows = []
for op in ("alloc", "free", "pair", "burst_alloc", "burst_free"):
    for a in ALLOCS:
        for size in SIZES:
            if op.startswith("burst") and size > (1 << 20):
                continue
            m = model(a, op, size)
            if isinstance(m, str):
                if m == "failed":
                    rows.append(row(a, op, "kernel", size, "failed", None, 0, 5))
                else:
                    rows.append(row(a, op, "kernel", size, m))
                continue
            n = int(max(5, min(1000, 1e8 / m)))
            if a in ("kvmalloc", "vmalloc") and size == SIZES[-1]:
                rows.append(row(a, op, "kernel", size, "partial", m, n - 2, 2))
            elif a == "vmalloc_huge" and size == 8 and op == "pair":
                rows.append(row(a, op, "kernel", size, "skipped"))
            else:
                rows.append(row(a, op, "kernel", size, "ok", m, n))
# a point far below its requested samples says why
for r in rows:
    if (r["allocator"], r["op"], r["size_bytes"]) == ("kmem_cache", "alloc", 8):
        r.update(requested_samples=1000, note="640 of 1000 requested samples: the module returned "
                 "fewer samples than asked", samples=640)
# an atomic series for two allocators
for a in ("kmalloc", "alloc_pages"):
    for size in SIZES[:14]:
        m = model(a, "alloc", size)
        rows.append(row(a, "alloc", "atomic", size, "ok", m * 1.1, int(max(5, min(1000, 1e8 / m)))))

os.makedirs(out, exist_ok=True)
with open(os.path.join(out, "latency.csv"), "w", newline="") as f:
    w = csv.DictWriter(f, COLS, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)

meta = [
    ("schema_version", "1"), ("subseries", "6"), ("run_name", "fixture-tcg-6.1"), ("config_file", "configs/quick.conf"),
    ("started_utc", "2025-01-01T12:00:00Z"), ("hostname", "allocbench-vm"),
    ("kernel_release", "6.1.0-28-amd64"), ("kernel_version", "#1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1"),
    ("machine", "x86_64"), ("cmdline", "console=ttyS0 quiet init_on_alloc=1"),
    ("cpu_model", "QEMU Virtual CPU version 2.5+"), ("cpu_count", "2"), ("tsc_khz", "2995200"),
    ("timer_kind", "tsc"), ("timer_hz", "2995200000"), ("timer_overhead_ticks", "38"),
    ("timer_overhead_subtracted", "yes"), ("clocksource", "tsc"), ("thp", "always"),
    ("init_on_alloc", "1"), ("init_on_free", "0"), ("page_size", "4096"), ("max_order", "10"),
    ("max_order_const", "11"), ("max_order_kind", "exclusive"), ("page_alloc_costly_order", "3"),
    ("kmalloc_max_size", "4194304"), ("kmalloc_max_cache_size", "8192"), ("pmd_size", "2097152"),
    ("module_version", "0.1.0"), ("runner_version", "0.1.0"), ("cpu_pinned", "1"), ("repeat", "1"),
    ("warmup", "200"), ("iterations", "1000"), ("min_samples", "5"), ("time_budget_ms", "100"),
    ("target", "vm"), ("accelerator", "tcg"), ("emulated", "yes"), ("git_revision", "1deab65"),
    ("note", 'quoted, "field" with comma'),
]
with open(os.path.join(out, "meta.csv"), "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["key", "value"])
    w.writerows(meta)
print(len(rows), "rows")
