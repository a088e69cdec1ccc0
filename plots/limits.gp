# allocbench: largest successful allocation per allocator ([probe]), log scale,
# with the kernel's theoretical limits marked.
#
#   gnuplot -c plots/limits.gp RESULTS/charts/data/limits.vars.gp [svg|png]
#
# Variables (written by `allocbench report`): DATA (rows: index "allocator"
# largest_ok_bytes "status"), OUT, FOOTER, EMULATED, KMALLOC_MAX, BUDDY_MAX,
# FORMULA, FORMULA_CONST, TOTALRAM, VMALLOC_TOTAL, CAP (numbers, bytes), and
# the allocator table AB_ALLOCATORS AB_COLORS AB_POINTS (see style.gp).
if (ARGC < 1) { print "usage: gnuplot -c limits.gp VARS.gp [svg|png]"; exit status 2 }
_lastslash(s, i) = i < 1 ? 0 : (s[i:i] eq "/" ? i : _lastslash(s, i - 1))
dirname(s) = _lastslash(s, strlen(s)) > 0 ? s[1:_lastslash(s, strlen(s))] : ""
load dirname(ARG0)."style.gp"
VDIR = dirname(ARG1)
EMULATED = 0
load ARG1
FMT = (ARGC >= 2 && ARG2 ne "") ? ARG2 : "svg"
TERM = ab_terminal(FMT)
if (TERM eq "svg") {
    set terminal svg size 1200,700 dynamic font AB_FONT_SVG background rgb "white"
    set output VDIR.OUT.".svg"
} else {
    if (TERM eq "pngcairo") { set terminal pngcairo size 1200,700 font AB_FONT_PNG background rgb "white" } \
    else { set terminal png size 1200,700 background rgb "white" }
    set output VDIR.OUT.".png"
}
set termoption noenhanced
unset logscale x
set logscale y 2
set xrange [-0.7:NBARS - 0.3]
set yrange [2048:VMALLOC_TOTAL * 4]
set format y ""
set ytics out nomirror ("4K" 4096, "64K" 65536, "1M" 1048576, "4M" 4194304, "16M" 16777216, \
    "256M" 268435456, "1G" 1073741824, "4G" 4294967296., "64G" 68719476736., "1T" 1099511627776., \
    "32T" 35184372088832.)
set xtics out nomirror rotate by -30 scale 0
set ylabel "largest successful allocation (bytes, log2 scale)"
set xlabel ""
set grid ytics lw 1 lc rgb "#e3e3e3"
set style fill solid 0.85 noborder
set boxwidth 0.6
set key outside right top vertical Left reverse samplen 2 box lc rgb "#d0d0d0" opaque
set title "Largest allocation each allocator served (probe: real allocations, doubling + bisection)" font ",15"
set lmargin at screen 0.09
set rmargin at screen 0.72
set tmargin at screen 0.9
set bmargin at screen 0.2
set label FOOTER at screen 0.012, screen 0.025 left font ",9" tc rgb AB_FOOT_COLOR
if (EMULATED) {
    set label "emulated (TCG): absolute times are not hardware times" at screen 0.012, screen 0.058 \
        left font ",10" tc rgb AB_WARN_COLOR
}
set arrow from graph 0, first KMALLOC_MAX to graph 1, first KMALLOC_MAX nohead dt 2 lw 1.5 lc rgb "#0072B2" front
set arrow from graph 0, first FORMULA to graph 1, first FORMULA nohead dt 3 lw 1.5 lc rgb "#B00020" front
set arrow from graph 0, first TOTALRAM to graph 1, first TOTALRAM nohead dt 2 lw 1.5 lc rgb "#555555" front
set arrow from graph 0, first VMALLOC_TOTAL to graph 1, first VMALLOC_TOTAL nohead dt 2 lw 1.5 lc rgb "#D55E00" front
if (CAP > 0) { set arrow from graph 0, first CAP to graph 1, first CAP nohead dt 4 lw 1.2 lc rgb "#009E73" front }
plot for [i=1:NBARS] VDIR.DATA every ::(i - 1)::(i - 1) using 1:3:xtic(2) with boxes \
         lc rgb ab_color(word(NAMES, i)) notitle, \
     VDIR.DATA using 1:3:(strcol(4) eq "ok" ? "" : strcol(4)) with labels offset 0,0.8 font ",9" notitle, \
     keyentry with lines dt 2 lw 1.5 lc rgb "#0072B2" title "KMALLOC_MAX_SIZE = largest buddy block", \
     keyentry with lines dt 3 lw 1.5 lc rgb "#B00020" title sprintf("2^%d x PAGE_SIZE (folk formula)", FORMULA_CONST), \
     keyentry with lines dt 2 lw 1.5 lc rgb "#555555" title "total RAM", \
     keyentry with lines dt 4 lw 1.2 lc rgb "#009E73" title "probe cap (share of MemAvailable)", \
     keyentry with lines dt 2 lw 1.5 lc rgb "#D55E00" title "VMALLOC_TOTAL"
set output
