# allocbench: latency of one operation vs allocation size, all allocators.
#
# Usage (any working directory):
#   gnuplot -c plots/latency.gp RESULTS/charts/data/latency-alloc.vars.gp [svg|png]
#
# `allocbench report DIR` writes the variables file and the data files it
# names under DIR/charts/data/ and runs this script twice (svg, png). Paths
# inside the variables file are relative to the variables file's directory.
# Variables (all set in the variables file; strings unless noted):
#   DATA        data file: one block per allocator (blocks separated by two
#               blank lines, in the order of ALLOCS), rows "size_bytes p50_ns
#               p10_ns p90_ns mode1_ns mode2_ns" for the sizes that were
#               measured; the modes are NaN unless the point has two
#   ALLOCS      space-separated allocator names, one per DATA block
#   FAILDATA    failure file: one block per allocator in FAILS, rows
#               "size_bytes" where every allocation failed
#   FAILS       space-separated allocator names, one per FAILDATA block ("" if none)
#   OUT         output path without extension (.svg / .png is added)
#   TITLE       chart title, e.g. "Latency of alloc (GFP_KERNEL)"
#   SUBTITLE    second title line
#   FOOTER      footer line: kernel, CPU, target, git revision, run name
#   EMULATED    number: 1 adds the TCG warning to the footer
#   NMODES      number of two-mode points: each is drawn as its two modes,
#               ringed and joined by a dashed line, beside its median
#   XMIN XMAX   numbers: smallest and largest size shown (bytes)
#   YMIN YMAX   numbers: smallest p10 and largest p90 (ns)
#   NGUIDES     number of vertical guides; GUIDE_X_<i> (number, bytes) and
#               GUIDE_LABEL_<i> (string) for i = 1..NGUIDES
#   AB_ALLOCATORS AB_COLORS AB_POINTS  the allocator table: colours, point
#               types and failure lanes (see style.gp)
# Format: svg (default) or png (pngcairo when available, else gd png).

if (ARGC < 1) {
    print "usage: gnuplot -c latency.gp VARS.gp [svg|png]"
    exit status 2
}

# dirname with the trailing slash, "" for a bare file name
_lastslash(s, i) = i < 1 ? 0 : (s[i:i] eq "/" ? i : _lastslash(s, i - 1))
dirname(s) = _lastslash(s, strlen(s)) > 0 ? s[1:_lastslash(s, strlen(s))] : ""

load dirname(ARG0)."style.gp"
VDIR = dirname(ARG1)
EMULATED = 0
NGUIDES = 0
SUBTITLE = ""
FAILS = ""
NMODES = 0
load ARG1
AB_LANES = ab_lanes(0)  # failure-strip lanes of the allocator table just loaded
FMT = (ARGC >= 2 && ARG2 ne "") ? ARG2 : "svg"

TERM = ab_terminal(FMT)
if (TERM eq "svg") {
    set terminal svg size 1200,700 dynamic font AB_FONT_SVG background rgb "white"
    set output VDIR.OUT.".svg"
} else {
    if (TERM eq "pngcairo") {
        set terminal pngcairo size 1200,700 font AB_FONT_PNG background rgb "white"
    } else {
        set terminal png size 1200,700 background rgb "white"
    }
    set output VDIR.OUT.".png"
}
set termoption noenhanced

# Ranges: half a power of two of air on x; on y a decade fraction of air on
# top and, at the bottom, a strip of lanes for the failure markers.
XLO = XMIN / 1.6
XHI = XMAX * 1.6
set xrange [XLO:XHI]
LMIN = log10(YMIN > 0 ? YMIN : 1)
LMAX = log10(YMAX > YMIN ? YMAX : YMIN * 10)
SPAN = LMAX - LMIN < 1 ? 1 : LMAX - LMIN
PADT = 0.08 * SPAN
PADB = (words(FAILS) > 0 ? 0.30 : 0.06) * SPAN
set yrange [10**(LMIN - PADB):10**(LMAX + PADT)]
fail_y(i) = 10**(LMIN - PADB + (0.08 + 0.70 * (i + 0.5) / AB_LANES) * PADB)
FAIL_TOP = 10**(LMIN - 0.18 * PADB)
if (words(FAILS) > 0) {
    set arrow from graph 0, first FAIL_TOP to graph 1, first FAIL_TOP nohead dt 3 lw 1 lc rgb "#b0b0b0" back
    set label "failed" at graph 0, first fail_y((AB_LANES - 1) / 2.0) right offset character -0.9, 0 \
        tc rgb AB_FAIL_COLOR front
}
# Human y tics only where there are data: the failure strip is not a time axis.
unset ytics
set ytics out nomirror scale 1.2,0.6
YTLO = words(FAILS) > 0 ? FAIL_TOP : 10**(LMIN - PADB)
do for [e=-1:11] {
    if (10.0**e >= YTLO * 0.999 && 10.0**e <= 10**(LMAX + PADT)) { set ytics add (ab_ytic(e) 10.0**e) }
    do for [m=2:9] {
        if (m * 10.0**e >= YTLO && m * 10.0**e <= 10**(LMAX + PADT)) { set ytics add ("" m * 10.0**e 1) }
    }
}

# Vertical guides at the kernel's crossover points, labelled at the top.
set style textbox opaque fillcolor rgb "white" noborder margins 1, 1
if (NGUIDES > 0) {
    do for [i=1:NGUIDES] {
        gx = value("GUIDE_X_".i)
        if (gx >= XLO && gx <= XHI) {
            set arrow from first gx, graph 0 to first gx, graph 1 nohead dt 2 lw 1.3 lc rgb AB_GUIDE_COLOR back
            set label value("GUIDE_LABEL_".i) at first gx, graph 0.985 right rotate by 90 \
                offset character -0.5, 0 font ",9" tc rgb "#555555" boxed front
        }
    }
}

set title TITLE.(SUBTITLE ne "" ? "\n".SUBTITLE : "") font ",15"
set lmargin at screen 0.085
set rmargin at screen 0.75
set tmargin at screen 0.89
set bmargin at screen 0.165
set label FOOTER at screen 0.012, screen 0.025 left font ",9" tc rgb AB_FOOT_COLOR
if (EMULATED) {
    set label "emulated (TCG): absolute times are not hardware times" at screen 0.012, screen 0.058 \
        left font ",10" tc rgb AB_WARN_COLOR
}

in_allocs(n) = strstrt(" ".ALLOCS." ", " ".n." ") > 0
NA = words(ALLOCS)
NF = words(FAILS)

# The failure layer only when there are failures: gnuplot 5.4 still opens
# the file once for an empty "for [i=1:0]" and warns about it.
P_BANDS = 'for [i=1:NA] VDIR.DATA index (i - 1) using 1:3:4 with filledcurves ' . \
    'fc rgb ab_color(word(ALLOCS, i)) fs transparent solid AB_BAND_ALPHA noborder notitle'
P_LINES = 'for [i=1:NA] VDIR.DATA index (i - 1) using 1:2 with linespoints ' . \
    'lw 2 lc rgb ab_color(word(ALLOCS, i)) pt ab_pt(word(ALLOCS, i)) ps 1.1 title word(ALLOCS, i)'
P_FAILS = 'for [i=1:NF] VDIR.FAILDATA index (i - 1) using 1:(fail_y(ab_index(word(FAILS, i)))) ' . \
    'with points lw 2.2 lc rgb ab_color(word(FAILS, i)) pt AB_FAIL_PT ps 1.5 ' . \
    'title (in_allocs(word(FAILS, i)) ? "" : word(FAILS, i)." (failed)")'
# A two-mode point: one median describes neither group, so its modes are shown.
P_MODES = 'for [i=1:NA] VDIR.DATA index (i - 1) using 1:5:(0):($6 - $5) with vectors nohead ' . \
    'dt 2 lw 1.5 lc rgb ab_color(word(ALLOCS, i)) notitle, ' . \
    'for [c=5:6] for [i=1:NA] VDIR.DATA index (i - 1) using 1:c with points ' . \
    'pt 6 ps 2.3 lw 1.6 lc rgb ab_color(word(ALLOCS, i)) notitle'
P_KEYM = 'keyentry with points pt 6 ps 2 lw 1.6 lc rgb "#555555" title "two modes (each ringed)"'
P_KEYS = 'keyentry with filledcurves fc rgb "#9a9a9a" fs transparent solid 0.35 noborder title "p10–p90 band"'
P_KEYF = 'keyentry with points pt AB_FAIL_PT lw 2.2 lc rgb AB_FAIL_COLOR ps 1.5 title "X = every allocation failed"'
eval 'plot ' . P_BANDS . ', ' . P_LINES . (NF > 0 ? ', ' . P_FAILS : '') . \
    (NMODES > 0 ? ', ' . P_MODES : '') . ', ' . P_KEYS . (NF > 0 ? ', ' . P_KEYF : '') . \
    (NMODES > 0 ? ', ' . P_KEYM : '')

set output
