# allocbench: free blocks per order in each phase of [frag] (/proc/buddyinfo,
# all zones summed).
#
#   gnuplot -c plots/buddyinfo.gp RESULTS/charts/data/buddyinfo.vars.gp [svg|png]
#
# Variables: DATA (one block per phase: rows "order free_blocks"), SERIES
# (phase names, one per block), OUT, FOOTER, EMULATED.
if (ARGC < 1) { print "usage: gnuplot -c buddyinfo.gp VARS.gp [svg|png]"; exit status 2 }
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
unset logscale
set logscale y 10
set xrange [-0.5:10.5]
set xtics 1 out nomirror
set format x "%g"
set format y "%g"
set ytics out nomirror auto
set xlabel "order"
set ylabel "free blocks (log scale; 0 drawn at 0.5)"
set yrange [0.4:*]
phase_color(p) = p eq "before" ? "#0072B2" : (p eq "fragmented" ? "#D55E00" : "#009E73")
set title "/proc/buddyinfo: free blocks per order, before / fragmented / after" font ",15"
set lmargin at screen 0.085
set rmargin at screen 0.75
set tmargin at screen 0.89
set bmargin at screen 0.165
set label FOOTER at screen 0.012, screen 0.025 left font ",9" tc rgb AB_FOOT_COLOR
if (EMULATED) {
    set label "emulated (TCG): absolute times are not hardware times" at screen 0.012, screen 0.058 \
        left font ",10" tc rgb AB_WARN_COLOR
}
N = words(SERIES)
plot for [i=1:N] VDIR.DATA index (i - 1) using 1:($2 > 0 ? $2 : 0.5) with linespoints lw 2 pt 7 \
    lc rgb phase_color(word(SERIES, i)) title word(SERIES, i)
set output
