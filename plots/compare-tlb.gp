# allocbench compare: the kernel's TLB tax (4K-mapped / huge-mapped page
# chase) against the working set, A solid, B dashed.
#
# Usage (any working directory):
#   gnuplot -c plots/compare-tlb.gp COMPARE/charts/data/compare-tlb-tax.vars.gp [svg|png]
#
# Variables (written by `allocbench compare`, paths relative to the file):
#   DATA        rows "working_set tax_a tax_b" (NaN: the side lacks the point)
#   YTICS       gnuplot tic list for the ratio axis
#   LABEL_A LABEL_B   what the sides are
#   OUT TITLE SUBTITLE FOOTER EMULATED XMIN XMAX YMIN YMAX   as in compare-overlay.gp

if (ARGC < 1) {
    print "usage: gnuplot -c compare-tlb.gp VARS.gp [svg|png]"
    exit status 2
}
_lastslash(s, i) = i < 1 ? 0 : (s[i:i] eq "/" ? i : _lastslash(s, i - 1))
dirname(s) = _lastslash(s, strlen(s)) > 0 ? s[1:_lastslash(s, strlen(s))] : ""

load dirname(ARG0)."style.gp"
VDIR = dirname(ARG1)
EMULATED = 0
SUBTITLE = ""
SUBTITLE2 = ""
YTICS = '("1" 1)'
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
set logscale y 2
unset ytics
eval "set ytics out nomirror scale 1.2,0.6 ".YTICS
set format y "%g"
set yrange [YMIN / 1.15:YMAX * 1.15]
set xlabel "working set (bytes, log2 scale)"
set ylabel "ns per access, 4K-mapped / huge-mapped"
set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead lw 1.6 lc rgb "#444444" back

set title TITLE.(SUBTITLE ne "" ? "\n".SUBTITLE : "").(SUBTITLE2 ne "" ? "\n".SUBTITLE2 : "") font ",13"
set lmargin at screen 0.085
set rmargin at screen 0.75
set tmargin at screen 0.85
set bmargin at screen 0.165
set label 10 FOOTER at screen 0.012, screen 0.025 left font ",9" tc rgb AB_FOOT_COLOR
if (EMULATED) {
    set label 11 "emulated (TCG): QEMU's soft TLB, not a hardware TLB" at screen 0.012, screen 0.058 \
        left font ",10" tc rgb AB_WARN_COLOR
}

plot VDIR.DATA using 1:2 with linespoints lw 2 dt 1 pt 7 ps 1.2 lc rgb "#6A3D9A" title "A = ".LABEL_A, \
     VDIR.DATA using 1:3 with linespoints lw 2 dt 2 pt 6 ps 1.2 lc rgb "#6A3D9A" title "B = ".LABEL_B

set output
