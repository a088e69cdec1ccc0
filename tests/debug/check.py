#!/usr/bin/env python3
"""Host-side checks of a debug-kernel run (tests/debug/run.sh). Silent and
exit 0 when a check holds; otherwise the evidence on stdout and exit 1.

  check.py reports DMESG [--after MARKER] [--before MARKER] [--full FILE]
        kernel reports (KASAN, UBSAN, lockdep, BUG, WARNING, Call Trace, ...)
        in the part of DMESG between the markers; each report in full (to
        --full FILE as well)
  check.py kmemleak KMEMLEAK_TXT KO TEXTS [--any] [--full FILE]
        no unreferenced object whose backtrace passes through allocbench
        (a "[allocbench]" frame, or a bare address inside one of the module's
        recorded load ranges: the module is gone when the scan runs).
        --any: no unreferenced object at all
  check.py pageowner STACKS_TXT KO TEXTS [--full FILE]
        page_owner: no page still allocated through allocbench after the
        last unload (pages the kernel keeps by design excepted: slab pages,
        whose objects are kmemleak's part, vmalloc page tables, KASAN shadow)

KO is the allocbench.ko that ran; TEXTS holds "label section address" lines,
one per load of the module, recorded in the guest before each unload. Bare
addresses are symbolized with the .ko's symbol table and those ranges.
"""
import re
import subprocess
import sys

# A line that opens a kernel report. Lockdep, atomic-sleep, list, debugobjects,
# usercopy and fortify reports all print "WARNING:" or "BUG:" plus a Call Trace;
# the explicit patterns also name the kind in the summary.
REPORT = re.compile(
    r'BUG: |BUG [\w.:-]+ \(|WARNING:|Oops|general protection fault|kernel BUG at'
    r'|KASAN|UBSAN|KFENCE|Call Trace:|possible circular locking|possible recursive locking'
    r'|inconsistent lock state|suspicious RCU usage|sleeping function called from invalid context'
    r'|ODEBUG|list_(add|del) corruption|soft lockup|hard LOCKUP|blocked for more than'
    r'|page allocation failure|kmemleak: \d+ new suspected|usercopy:|detected buffer overflow'
    r'|stack-protector|Redzone overwritten|Poison overwritten|Object padding overwritten'
    r'|refcount_t: |Unable to handle|invalid opcode|Kernel panic'
    r'|^CPU: \d+ (UID: \d+ )?PID: \d+ Comm: ')	# the header of a dump_stack()
# What a report is, for the summary line (the most specific name first).
KINDS = re.compile(
    r'BUG: KASAN: [\w-]+|UBSAN: [\w-]+|possible circular locking|possible recursive locking'
    r'|inconsistent lock state|suspicious RCU usage|sleeping function called from invalid context'
    r'|ODEBUG: \w+|list_(add|del) corruption|soft lockup|blocked for more than|page allocation failure'
    r'|usercopy:|detected buffer overflow|Redzone overwritten|Poison overwritten|kmemleak: \d+ new suspected'
    r'|kernel BUG at|general protection fault|BUG: [\w ]+|WARNING: [^\n]{0,60}'
    r'|\w+\([\w.-]*\) failed with error -?\d+')
# A bare return address in the x86-64 module area (MODULES_VADDR..MODULES_END):
# %pS prints those once the module that held them is unloaded.
BARE = re.compile(r'\b0x(ffffffff[a-f][0-9a-f]{7})\b')


def strip_ts(line):
    return re.sub(r'^\[\s*\d+\.\d+\]\s?', '', line)


# ---- symbolization of bare module addresses ---------------------------------
def ko_symbols(ko):
    """{section: [(value, size, name)]} for the functions of a .ko."""
    syms = {}
    try:
        out = subprocess.run(['objdump', '-t', ko], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return syms
    for line in out.splitlines():
        # 0000000000000120 l     F .text	00000000000000b4 ab_free
        m = re.match(r'^([0-9a-f]+)\s+\S+\s+F\s+(\S+)\s+([0-9a-f]+)\s+(\S+)$', line)
        if m:
            syms.setdefault(m.group(2), []).append((int(m.group(1), 16), int(m.group(3), 16), m.group(4)))
    return syms


def load_texts(path):
    """[(label, section, base)] from 'label section 0xaddr' lines."""
    out = []
    try:
        with open(path) as f:
            for line in f:
                p = line.split()
                if len(p) == 3 and p[2].startswith('0x'):
                    out.append((p[0], p[1], int(p[2], 16)))
    except OSError:
        pass
    return out


class Symbolizer:
    def __init__(self, ko, texts):
        self.syms = ko_symbols(ko) if ko else {}
        self.texts = load_texts(texts) if texts else []

    def ranges(self):
        """(lo, hi) of every recorded section of every recorded load."""
        out = []
        for _, sec, base in self.texts:
            size = max((v + s for v, s, _ in self.syms.get(sec, [])), default=0x10000)
            out.append((base, base + size))
        return out

    def inside(self, addr):
        return any(lo <= addr < hi for lo, hi in self.ranges())

    def name(self, addr):
        """func+off/size [allocbench], or the candidates when loads differ."""
        cands = {}
        for label, sec, base in self.texts:
            for v, s, n in self.syms.get(sec, []):
                if base + v <= addr < base + v + s:
                    cands.setdefault(f"{n}+{addr - base - v:#x}/{s:#x}", []).append(label)
        if len(cands) == 1:
            return f"{next(iter(cands))} [allocbench]"
        return ' or '.join(f"{n} [allocbench, {', '.join(l)}]" for n, l in cands.items())

    def annotate(self, text):
        def sub(m):
            n = self.name(int(m.group(1), 16))
            return f"{m.group(0)} (= {n})" if n else m.group(0)
        return BARE.sub(sub, text)


def emit(blocks, full):
    text = '\n\n'.join(blocks) + '\n'
    if full:
        with open(full, 'w') as f:
            f.write(text)
    lines = text.splitlines()
    print('\n'.join(lines[:200]))
    if len(lines) > 200:
        print(f"... {len(lines) - 200} more lines" + (f" in {full}" if full else ''))


# ---- dmesg --------------------------------------------------------------------
def check_reports(path, after, before, full):
    with open(path, errors='replace') as f:
        lines = [strip_ts(l.rstrip('\n')) for l in f]
    if after:
        idx = [i for i, l in enumerate(lines) if after in l]
        if not idx:
            print(f"{path}: marker '{after}' not found (the guest script did not get that far)")
            return 1
        lines = lines[idx[0] + 1:]
    if before:
        idx = [i for i, l in enumerate(lines) if before in l]
        if idx:
            lines = lines[:idx[0]]
    hits = [i for i, l in enumerate(lines) if REPORT.search(l)]
    if not hits:
        return 0
    # One block per report: from a few lines before its first hit (what the
    # code printed before dump_stack()) to the end of its stack dump
    # ("</TASK>", "---[ end trace", a "====" rule) or 120 lines on. Hits inside
    # a block belong to it.
    end_re = re.compile(r'^\s*</TASK>|---\[ end trace|^={20,}$')
    blocks, kinds, blocks_end = [], set(), 0
    for h in hits:
        if h < blocks_end:
            continue
        start = max(0, h - 5, blocks_end)
        k = h + 1
        while k < len(lines) and k < h + 120 and not end_re.search(lines[k]):
            k += 1
        # a KASAN or lockdep report holds several stacks: run to its closing rule
        if re.search(r'BUG: KASAN|UBSAN|possible (circular|recursive) locking|inconsistent lock state', lines[h]):
            while k < len(lines) and k < h + 400 and not re.search(r'^={20,}$|---\[ end trace', lines[k]):
                k += 1
        k = min(len(lines), k + 1)
        blocks.append('\n'.join(lines[start:k]))
        blocks_end = k
        kind = None
        for line in lines[start:k]:
            m = KINDS.search(line)
            if m:
                kind = m.group(0).strip()
                break
        kinds.add(kind or 'Call Trace (dump_stack)')
    kinds = sorted(kinds)
    print(f"{len(blocks)} kernel report(s) ({', '.join(kinds)}):")
    emit(blocks, full)
    return 1


# ---- kmemleak ----------------------------------------------------------------
def entries(text, opener):
    """Split a kmemleak/page_owner dump into entries."""
    out, cur = [], []
    for line in text.splitlines():
        if opener(line) and cur:
            out.append('\n'.join(cur))
            cur = []
        if line.strip() or cur:
            cur.append(line)
    if cur:
        out.append('\n'.join(cur))
    return [e for e in (x.strip('\n') for x in out) if e.strip()]


def ours(entry, sym):
    if '[allocbench]' in entry:
        return True
    for m in BARE.finditer(entry):
        addr = int(m.group(1), 16)
        # With no recorded loads, any bare module address is ours: this kernel
        # builds everything in and allocbench is the only module it loads.
        if not sym.texts or sym.inside(addr):
            return True
    return False


def check_kmemleak(path, ko, texts, any_leak, full):
    with open(path, errors='replace') as f:
        text = f.read()
    sym = Symbolizer(ko, texts)
    objs = entries(text, lambda l: l.startswith('unreferenced object'))
    bad = objs if any_leak else [e for e in objs if ours(e, sym)]
    if not bad:
        return 0
    what = 'unreferenced object(s)' if any_leak else 'unreferenced object(s) allocated through allocbench'
    print(f"kmemleak: {len(bad)} {what} (of {len(objs)} reported):")
    emit([sym.annotate(e) for e in bad], full)
    return 1


# ---- page_owner ----------------------------------------------------------------
# Pages the kernel allocates on the module's behalf and keeps by design after
# the module has freed everything: slab pages (their objects are kmemleak's
# part), kernel page tables of the vmalloc area (never freed), and KASAN's
# shadow of vmalloc space (freed only when the lazy vmap purge runs).
KERNEL_OWNED = re.compile(
    r'\b(allocate_slab|new_slab|alloc_slab_page'
    r'|__pte_alloc_kernel|pte_alloc_one_kernel|__pmd_alloc|__pud_alloc|__p4d_alloc'
    r'|kasan_populate_vmalloc\w*|kasan_populate_vmalloc_pte)\b')
def check_pageowner(path, ko, texts, full):
    with open(path, errors='replace') as f:
        text = f.read()
    sym = Symbolizer(ko, texts)
    stacks = [s for s in text.split('\n\n') if 'nr_base_pages:' in s]
    bad = []
    for s in stacks:
        if KERNEL_OWNED.search(s):
            continue
        if ours(s, sym):
            bad.append(sym.annotate(s.strip('\n')))
    if not bad:
        return 0
    pages = sum(int(re.search(r'nr_base_pages: (\d+)', b).group(1)) for b in bad)
    print(f"page_owner: {pages} page(s) still allocated through allocbench after unload, {len(bad)} stack(s):")
    emit(bad, full)
    return 1


def main(argv):
    if len(argv) < 3:
        print(__doc__)
        return 2

    def opt(name, flag=False):
        if name in argv:
            i = argv.index(name)
            if flag:
                del argv[i]
                return True
            v = argv[i + 1]
            del argv[i:i + 2]
            return v
        return False if flag else None

    full = opt('--full')
    cmd = argv[1]
    if cmd == 'reports':
        after, before = opt('--after'), opt('--before')
        return check_reports(argv[2], after, before, full)
    if cmd == 'kmemleak':
        any_leak = opt('--any', flag=True)
        return check_kmemleak(argv[2], argv[3], argv[4], any_leak, full)
    if cmd == 'pageowner':
        return check_pageowner(argv[2], argv[3], argv[4], full)
    print(__doc__)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv))
