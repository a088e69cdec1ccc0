#!/usr/bin/env python3
"""A differential flame graph of two deep dives, as one self-contained HTML file.

    perf-diff-flamegraph.py A.folded B.folded OUT.html ASSETS_DIR TITLE LABEL_A LABEL_B

A.folded and B.folded are `perf script report stackcollapse` output (one stack a
line, "frame;frame;... count"). ASSETS_DIR holds diff.js and diff.css from
scripts/flamegraph-template.sh (d3-selection, d3-flame-graph and its colour
mappers, with no URL in them). The page draws d3-flame-graph's differential mode
twice, with a switch: the shape of B (width = B's samples) and the shape of A
(width = A's samples, so frames that vanished in B stay visible); in both, red is
more in B than in A and blue is less, after A is scaled to B's sample count (as
FlameGraph's difffolded.pl -n does).

Frame names are matched across kernel versions: the `_[k]` marks, GCC's clone
suffixes (.part.N, .isra.N, .constprop.N, .cold) and 6.12's allocation-profiling
`_noprof` suffix are dropped, and kworker/N:M-queue threads are one "kworker".
"""
import html
import json
import re
import sys

CLONE = re.compile(r'(\.(part|isra|constprop|cold|lto_priv)(\.\d+)?)+$')


def norm(frame, first):
    frame = frame.replace('\0', ' ')
    kernel = frame.endswith('_[k]')
    if kernel:
        frame = frame[:-4]
    if first and frame.startswith('kworker/'):
        return 'kworker', 'kernel'
    mod = ''
    m = re.match(r'^(.*?)\s(\[[^\]]+\])$', frame)   # "ab_ioctl_run [allocbench]"
    if m:
        frame, mod = m.group(1), m.group(2)
    frame = CLONE.sub('', frame)
    if frame.endswith('_noprof'):
        frame = frame[:-len('_noprof')]
    return frame + (' ' + mod if mod else ''), 'kernel' if kernel else ''


def read_folded(path):
    stacks = {}
    total = 0.0
    with open(path, encoding='utf-8', errors='replace') as f:
        for line in f:
            line = line.rstrip('\n')
            if not line:
                continue
            stack, _, count = line.rpartition(' ')
            try:
                n = float(count)
            except ValueError:
                continue
            frames = tuple(norm(fr, i == 0) for i, fr in enumerate(stack.split(';')))
            stacks[frames] = stacks.get(frames, 0.0) + n
            total += n
    return stacks, total


def inclusive(stacks, scale):
    """Samples at or under every path prefix."""
    inc = {}
    for path, n in stacks.items():
        for i in range(1, len(path) + 1):
            inc[path[:i]] = inc.get(path[:i], 0.0) + n * scale
    return inc


def differential(a, ta, b, tb, view):
    """A d3-flame-graph tree in the shape of B (view 'b') or of A (view 'a'):
    value = the shape's self samples (A scaled to B's total), delta set so that
    d3-flame-graph's computeDelta (a frame's delta plus its children's) gives
    B - A of everything at or under the frame, paths missing from the shape included."""
    sa = tb / ta if ta else 0.0
    shape, scale = (b, 1.0) if view == 'b' else (a, sa)
    inc_a, inc_b = inclusive(a, sa), inclusive(b, 1.0)
    root = {'name': 'all', 'libtype': 'root', 'value': 0, 'delta': 0.0, 'children': [], '_c': {}}
    for path, n in shape.items():
        node = root
        for name, lib in path:
            c = node['_c'].get(name)
            if c is None:
                c = {'name': name, 'libtype': lib, 'value': 0.0, 'delta': 0.0, 'children': [], '_c': {}}
                node['_c'][name] = c
                node['children'].append(c)
            node = c
        node['value'] += n * scale

    def incd(p):
        return inc_b.get(p, 0.0) - inc_a.get(p, 0.0)

    def walk(n, path):
        kids = 0.0
        for c in n['children']:
            p = path + ((c['name'], c['libtype']),)
            kids += incd(p)
            walk(c, p)
            c['value'] = round(c['value'], 2)
        if path:
            n['delta'] = round(incd(path) - kids, 2)
        else:
            n['delta'] = round(-kids, 2)   # the root: both totals are equal after scaling
        del n['_c']
    walk(root, ())
    return root


def main():
    if len(sys.argv) != 8:
        sys.exit(__doc__)
    fa, fb, out, assets, title, la, lb = sys.argv[1:]
    a, ta = read_folded(fa)
    b, tb = read_folded(fb)
    if not ta or not tb:
        sys.exit('perf-diff-flamegraph: no stacks in %s' % (fa if not ta else fb))
    data = {'b': differential(a, ta, b, tb, 'b'), 'a': differential(a, ta, b, tb, 'a')}
    with open(assets + '/diff.js', encoding='utf-8') as f:
        js = f.read()
    with open(assets + '/diff.css', encoding='utf-8') as f:
        css = f.read()
    blob = json.dumps(data, separators=(',', ':')).replace('</', '<\\/')
    blob = blob.replace('http://', 'http:\\/\\/').replace('https://', 'https:\\/\\/')
    page = PAGE.format(title=html.escape(title), la=html.escape(la), lb=html.escape(lb),
                       na=int(ta), nb=int(tb), css=css, js=js, data=blob)
    page = page.replace('http://', 'http:\\/\\/').replace('https://', 'https:\\/\\/')
    with open(out, 'w', encoding='utf-8') as f:
        f.write(page)


PAGE = """<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
{css}
body {{ font-family: sans-serif; margin: 16px; }}
#controls {{ margin: 8px 0; }}
#details {{ min-height: 1.5em; margin: 6px 0; font-family: monospace; }}
.key span {{ display: inline-block; padding: 0 6px; margin-right: 6px; }}
</style>
</head>
<body>
<h2>{title}</h2>
<p><b>A</b> = {la} ({na} samples) &nbsp; <b>B</b> = {lb} ({nb} samples)</p>
<p class="key"><span style="background: rgb(220,90,90)">more in B</span><span style="background: rgb(90,90,220); color: white">less in B</span><span style="background: rgb(255,190,90)">only in B</span><span style="background: rgb(220,220,220)">about the same</span>
A is scaled to B's sample count; a frame's colour is its change, including what it calls, relative to its width.</p>
<div id="controls">
<label><input type="radio" name="view" value="b" checked> shape of B (width = B's samples)</label>
<label><input type="radio" name="view" value="a"> shape of A (width = A's samples: frames gone in B show here)</label>
&nbsp; <input id="term" type="text" placeholder="function name"> <button id="search">Search</button> <button id="reset">Reset zoom</button>
</div>
<div id="details"></div>
<div id="chart"></div>
<script>
{js}
</script>
<script>
const data = {data};
let chart = null;
function show(which) {{
  document.getElementById('chart').innerHTML = '';
  chart = flamegraph()
    .width(Math.max(800, document.body.clientWidth - 40))
    .cellHeight(18)
    .selfValue(true)
    .computeDelta(true)
    .minFrameSize(2)
    .setColorMapper(flamegraph.colorMapper.differentialColorMapper)
    .setDetailsElement(document.getElementById('details'))
    .label(function (d) {{
      const delta = d.delta || 0;
      return d.data.name + ': ' + Math.round(d.value) + ' samples, ' + (delta >= 0 ? '+' : '') + Math.round(delta) + ' against A';
    }});
  d3.select('#chart').datum(data[which]).call(chart);
}}
document.querySelectorAll('input[name=view]').forEach(function (r) {{
  r.addEventListener('change', function () {{ show(r.value); }});
}});
document.getElementById('search').addEventListener('click', function () {{ chart.search(document.getElementById('term').value); }});
document.getElementById('reset').addEventListener('click', function () {{ chart.resetZoom(); }});
show('b');
</script>
</body>
</html>
"""

if __name__ == '__main__':
    main()
