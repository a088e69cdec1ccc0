# allocbench: memory consumed / bytes requested vs size, per allocator ([overhead]).
#
#   gnuplot -c plots/overhead.gp RESULTS/charts/data/overhead.vars.gp [svg|png]
#
# Variables: DATA (one block per allocator: rows "size_bytes ratio"), ALLOCS
# (names, one per block), OUT, FOOTER, EMULATED, and the allocator table
# AB_ALLOCATORS AB_COLORS AB_POINTS (see style.gp).
if (ARGC < 1) { print "usage: gnuplot -c overhead.gp VARS.gp [svg|png]"; exit status 2 }
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
set logscale y 2
unset ytics
set ytics out nomirror ("1" 1, "1.25" 1.25, "1.5" 1.5, "2" 2, "4" 4, "16" 16, "64" 64, "256" 256, "1024" 1024)
set yrange [0.9:*]
set ylabel "consumed / requested (log scale)"
set title "Memory one allocation really consumes (slab rounding, whole orders, vmalloc guard and page tables)" font ",14"
set lmargin at screen 0.085
set rmargin at screen 0.75
set tmargin at screen 0.89
set bmargin at screen 0.165
set label FOOTER at screen 0.012, screen 0.025 left font ",9" tc rgb AB_FOOT_COLOR
if (EMULATED) {
    set label "emulated (TCG): absolute times are not hardware times" at screen 0.012, screen 0.058 \
        left font ",10" tc rgb AB_WARN_COLOR
}
N = words(ALLOCS)
plot for [i=1:N] VDIR.DATA index (i - 1) using 1:2 with linespoints lw 2 \
    lc rgb ab_color(word(ALLOCS, i)) pt ab_pt(word(ALLOCS, i)) ps 1 title word(ALLOCS, i)
set output
