# allocbench compare: both sides' medians against size, A solid, B dashed.
#
# Usage (any working directory):
#   gnuplot -c plots/compare-overlay.gp COMPARE/charts/data/compare-latency-alloc.vars.gp [svg|png]
#
# Variables (written by `allocbench compare`, paths relative to the file):
#   DATA        two blocks per allocator of ALLOCS, A's then B's, rows "size median"
#   ALLOCS      space-separated allocator (or mapping) names
#   LABEL_A LABEL_B   what the sides are ("6.1.0-56", "init_on_alloc=1")
#   OUT TITLE SUBTITLE FOOTER EMULATED XLABEL YLABEL   as in latency.gp
#   XMIN XMAX YMIN YMAX   the extent of the medians
#   AB_ALLOCATORS AB_COLORS AB_POINTS  the allocator table (style.gp)

if (ARGC < 1) {
    print "usage: gnuplot -c compare-overlay.gp VARS.gp [svg|png]"
    exit status 2
}
_lastslash(s, i) = i < 1 ? 0 : (s[i:i] eq "/" ? i : _lastslash(s, i - 1))
dirname(s) = _lastslash(s, strlen(s)) > 0 ? s[1:_lastslash(s, strlen(s))] : ""

load dirname(ARG0)."style.gp"
VDIR = dirname(ARG1)
EMULATED = 0
SUBTITLE = ""
SUBTITLE2 = ""
XLABEL = "allocation size (bytes, log2 scale)"
YLABEL = "latency per operation (ns, log scale)"
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

set xrange [XMIN / 1.6:XMAX * 1.6]
LMIN = log10(YMIN > 0 ? YMIN : 1)
LMAX = log10(YMAX > YMIN ? YMAX : YMIN * 10)
SPAN = LMAX - LMIN < 1 ? 1 : LMAX - LMIN
set yrange [10**(LMIN - 0.06 * SPAN):10**(LMAX + 0.08 * SPAN)]
set xlabel XLABEL
set ylabel YLABEL

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

NA = words(ALLOCS)
P_A = 'for [i=1:NA] VDIR.DATA index (2 * i - 2) using 1:2 with linespoints lw 2 dt 1 ' . \
    'lc rgb ab_color(word(ALLOCS, i)) pt ab_pt(word(ALLOCS, i)) ps 1.1 title word(ALLOCS, i)'
P_B = 'for [i=1:NA] VDIR.DATA index (2 * i - 1) using 1:2 with linespoints lw 2 dt 2 ' . \
    'lc rgb ab_color(word(ALLOCS, i)) pt ab_pt(word(ALLOCS, i)) ps 1.1 notitle'
P_KEYS = 'keyentry with lines lw 2 dt 1 lc rgb "#555555" title "solid: A = ".LABEL_A, ' . \
    'keyentry with lines lw 2 dt 2 lc rgb "#555555" title "dashed: B = ".LABEL_B'
eval 'plot ' . P_A . ', ' . P_B . ', ' . P_KEYS

set output
