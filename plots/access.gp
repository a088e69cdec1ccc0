# allocbench: ns per access vs working set, one line per allocator (or view,
# or backing). Also the engine of mapping.gp and uaccess.gp.
#
# Usage (any working directory):
#   gnuplot -c plots/access.gp RESULTS/charts/data/access-page.vars.gp [svg|png]
#
# Variables (from the variables file `allocbench report` writes):
#   DATA       data file, one block per series (two blank lines between
#              blocks, in the order of SERIES): "working_set_bytes p50_ns p10_ns p90_ns"
#   SERIES     space-separated series names; "name/line" is drawn dashed
#   OUT        output path without extension
#   TITLE SUBTITLE YLABEL FOOTER NOTE (strings); EMULATED (1: TCG warning)
#   XMIN XMAX YMIN YMAX (numbers)
#   NGUIDES, GUIDE_X_<i>, GUIDE_LABEL_<i>: cache sizes and TLB reach
#   AB_ALLOCATORS AB_COLORS AB_POINTS: the allocator table (see style.gp)

if (ARGC < 1) {
    print "usage: gnuplot -c access.gp VARS.gp [svg|png]"
    exit status 2
}
_lastslash(s, i) = i < 1 ? 0 : (s[i:i] eq "/" ? i : _lastslash(s, i - 1))
dirname(s) = _lastslash(s, strlen(s)) > 0 ? s[1:_lastslash(s, strlen(s))] : ""

load dirname(ARG0)."style.gp"
VDIR = dirname(ARG1)
EMULATED = 0
NGUIDES = 0
SUBTITLE = ""
NOTE = ""
YLABEL = "ns per access (log scale)"
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
LMIN = log10(YMIN > 0 ? YMIN : 1)
LMAX = log10(YMAX > YMIN ? YMAX : YMIN * 10)
SPAN = LMAX - LMIN < 1 ? 1 : LMAX - LMIN
set yrange [10**(LMIN - 0.06 * SPAN):10**(LMAX + 0.10 * SPAN)]
unset ytics
set ytics out nomirror scale 1.2,0.6
do for [e=-1:11] {
    if (10.0**e >= 10**(LMIN - 0.06 * SPAN) * 0.999 && 10.0**e <= 10**(LMAX + 0.10 * SPAN)) { set ytics add (ab_ytic(e) 10.0**e) }
    do for [m=2:9] {
        if (m * 10.0**e >= 10**(LMIN - 0.06 * SPAN) && m * 10.0**e <= 10**(LMAX + 0.10 * SPAN)) { set ytics add ((m == 2 || m == 5) ? sprintf("%g", m * 10.0**e) : "" m * 10.0**e 1) }
    }
}
set xlabel "working set (bytes, log2 scale)"
set ylabel YLABEL

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
} else {
    if (NOTE ne "") {
        set label NOTE at screen 0.012, screen 0.058 left font ",10" tc rgb "#1a5e1a"
    }
}

NS = words(SERIES)
P_BANDS = 'for [i=1:NS] VDIR.DATA index (i - 1) using 1:3:4 with filledcurves ' . \
    'fc rgb ab_scolor(word(SERIES, i)) fs transparent solid AB_BAND_ALPHA noborder notitle'
P_LINES = 'for [i=1:NS] VDIR.DATA index (i - 1) using 1:2 with linespoints ' . \
    'lw 2 dt ab_sdash(word(SERIES, i)) lc rgb ab_scolor(word(SERIES, i)) pt ab_spt(word(SERIES, i)) ps 1.1 ' . \
    'title word(SERIES, i)'
P_KEYS = 'keyentry with filledcurves fc rgb "#9a9a9a" fs transparent solid 0.35 noborder title "p10–p90 band"'
eval 'plot ' . P_BANDS . ', ' . P_LINES . ', ' . P_KEYS

set output
