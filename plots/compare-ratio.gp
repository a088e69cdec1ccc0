# allocbench compare: ratio B/A of the medians against size, one chart per op.
#
# Usage (any working directory):
#   gnuplot -c plots/compare-ratio.gp COMPARE/charts/data/compare-ratio-alloc.vars.gp [svg|png]
#
# `allocbench compare` writes the variables file and the data files it names
# under COMPARE/charts/data/ and runs this script twice (svg, png). Paths in
# the variables file are relative to its directory. Variables:
#   DATA        one block per allocator (in the order of ALLOCS), rows
#               "size ratio ci_lo ci_hi significant(0/1)"; ci NaN: no interval
#   ALLOCS      space-separated allocator names, one per DATA block
#   FAILDATA    one block per allocator of FAILS, rows "size side": the point
#               was measured on one side only (1: on B only, 2: on A only)
#   FAILS       allocator names of the FAILDATA blocks ("" if none)
#   OUT TITLE SUBTITLE FOOTER EMULATED   as in latency.gp; SUBTITLE2 a third title line
#   XMIN XMAX   sizes shown (bytes); YMIN YMAX ratios shown; BAND = 1 + min effect
#   YTICS       gnuplot tic list for the ratio axis, e.g. ("0.5" 0.5, "1" 1, "2" 2)
#   XLABEL      x axis label
#   AB_ALLOCATORS AB_COLORS AB_POINTS  the allocator table (style.gp)
# Each allocator keeps its colour; its point is filled where the change is
# significant and open where it is not; whiskers are the 95 % interval.

if (ARGC < 1) {
    print "usage: gnuplot -c compare-ratio.gp VARS.gp [svg|png]"
    exit status 2
}
_lastslash(s, i) = i < 1 ? 0 : (s[i:i] eq "/" ? i : _lastslash(s, i - 1))
dirname(s) = _lastslash(s, strlen(s)) > 0 ? s[1:_lastslash(s, strlen(s))] : ""

load dirname(ARG0)."style.gp"
VDIR = dirname(ARG1)
EMULATED = 0
SUBTITLE = ""
SUBTITLE2 = ""
FAILS = ""
BAND = 1.05
XLABEL = "allocation size (bytes, log2 scale)"
load ARG1
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

XLO = XMIN / 1.6
XHI = XMAX * 1.6
set xrange [XLO:XHI]
LMIN = log(YMIN)
LMAX = log(YMAX)
SPAN = LMAX - LMIN < 0.2 ? 0.2 : LMAX - LMIN
PADB = (words(FAILS) > 0 ? 0.22 : 0.06) * SPAN
YLO = exp(LMIN - PADB)
YHI = exp(LMAX + 0.08 * SPAN)
set yrange [YLO:YHI]
set logscale y 2
unset ytics
eval "set ytics out nomirror scale 1.2,0.6 ".YTICS
set format y "%g"
set xlabel XLABEL
set ylabel "ratio B / A of the medians (log scale)"
FAIL_Y = exp(LMIN - 0.6 * PADB)

# The practical threshold as a band around 1.0, and 1.0 itself.
set object 1 rectangle from graph 0, first 1.0 / BAND to graph 1, first BAND fc rgb "#9a9a9a" \
    fs transparent solid 0.14 noborder behind
set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead lw 1.6 lc rgb "#444444" back

set title TITLE.(SUBTITLE ne "" ? "\n".SUBTITLE : "").(SUBTITLE2 ne "" ? "\n".SUBTITLE2 : "") font ",13"
set lmargin at screen 0.085
set rmargin at screen 0.75
set tmargin at screen 0.85
set bmargin at screen 0.165
set label 10 FOOTER at screen 0.012, screen 0.025 left font ",9" tc rgb AB_FOOT_COLOR
if (EMULATED) {
    set label 11 "emulated (TCG): absolute times are not hardware times" at screen 0.012, screen 0.058 \
        left font ",10" tc rgb AB_WARN_COLOR
}

ab_fill(p) = p < 4 ? p : (p % 2 == 0 ? p + 1 : p)
ab_open(p) = p < 4 ? p : (p % 2 == 1 ? p - 1 : p)
NA = words(ALLOCS)
NF = words(FAILS)
in_allocs(n) = strstrt(" ".ALLOCS." ", " ".n." ") > 0

P_LINES = 'for [i=1:NA] VDIR.DATA index (i - 1) using 1:2 with lines lw 1.4 ' . \
    'lc rgb ab_color(word(ALLOCS, i)) notitle'
P_WHISK = 'for [i=1:NA] VDIR.DATA index (i - 1) using 1:2:3:4 with yerrorbars pt -1 lw 1.3 ' . \
    'lc rgb ab_color(word(ALLOCS, i)) notitle'
P_SIG = 'for [i=1:NA] VDIR.DATA index (i - 1) using 1:($5 > 0 ? $2 : NaN) with points ' . \
    'pt ab_fill(ab_pt(word(ALLOCS, i))) ps 1.5 lc rgb ab_color(word(ALLOCS, i)) title word(ALLOCS, i)'
P_NS = 'for [i=1:NA] VDIR.DATA index (i - 1) using 1:($5 > 0 ? NaN : $2) with points ' . \
    'pt ab_open(ab_pt(word(ALLOCS, i))) ps 1.5 lw 1.5 lc rgb ab_color(word(ALLOCS, i)) notitle'
P_FAILS = 'for [i=1:NF] VDIR.FAILDATA index (i - 1) using 1:(FAIL_Y) with points lw 2.2 ' . \
    'lc rgb ab_color(word(FAILS, i)) pt AB_FAIL_PT ps 1.5 ' . \
    'title (in_allocs(word(FAILS, i)) ? "" : word(FAILS, i))'
P_KEYS = 'keyentry with points pt 7 ps 1.3 lc rgb "#555555" title "filled: significant", ' . \
    'keyentry with points pt 6 ps 1.3 lw 1.5 lc rgb "#555555" title "open: not significant", ' . \
    'keyentry with yerrorbars pt -1 lw 1.3 lc rgb "#555555" title "95 % interval"'
P_KEYF = 'keyentry with points pt AB_FAIL_PT lw 2.2 lc rgb AB_FAIL_COLOR ps 1.5 title "X = measured on one side only"'
eval 'plot ' . P_LINES . ', ' . P_WHISK . ', ' . P_NS . ', ' . P_SIG . (NF > 0 ? ', ' . P_FAILS : '') . \
    ', ' . P_KEYS . (NF > 0 ? ', ' . P_KEYF : '')

set output
