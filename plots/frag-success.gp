# allocbench: alloc_pages success rate by order, before / fragmented / after
# ([frag]); solid: gfp noretry, dashed: gfp kernel (direct compaction).
#
#   gnuplot -c plots/frag-success.gp RESULTS/charts/data/frag-success.vars.gp [svg|png]
#
# Variables: DATA (one block per series: rows "order success_rate"), SERIES
# (space-separated "phase:gfp", one per block), KEEP_ORDER, OUT, FOOTER, EMULATED.
if (ARGC < 1) { print "usage: gnuplot -c frag-success.gp VARS.gp [svg|png]"; exit status 2 }
_lastslash(s, i) = i < 1 ? 0 : (s[i:i] eq "/" ? i : _lastslash(s, i - 1))
dirname(s) = _lastslash(s, strlen(s)) > 0 ? s[1:_lastslash(s, strlen(s))] : ""
load dirname(ARG0)."style.gp"
VDIR = dirname(ARG1)
EMULATED = 0
KEEP_ORDER = 0
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
set xrange [-0.5:10.5]
set yrange [-5:105]
set xtics 1 out nomirror
set format x "%g"
set ytics 0,20,100 out nomirror
set format y "%g%%"
set xlabel "order (block of PAGE_SIZE << order)"
set ylabel "alloc_pages success rate"
phase_color(p) = p eq "before" ? "#0072B2" : (p eq "fragmented" ? "#D55E00" : "#009E73")
ser_phase(s) = s[1:strstrt(s, ":") - 1]
ser_gfp(s) = s[strstrt(s, ":") + 1:]
if (KEEP_ORDER > 0) {
    set arrow from first KEEP_ORDER - 0.5, graph 0 to first KEEP_ORDER - 0.5, graph 1 nohead dt 2 lc rgb AB_GUIDE_COLOR
    set label sprintf("one page pinned in every 2^%d", KEEP_ORDER) at first KEEP_ORDER - 0.4, graph 0.5 left font ",10" tc rgb "#555555"
}
set title "Physical fragmentation: alloc_pages success by order" font ",15"
set lmargin at screen 0.085
set rmargin at screen 0.75
set tmargin at screen 0.89
set bmargin at screen 0.165
set label FOOTER at screen 0.012, screen 0.025 left font ",9" tc rgb AB_FOOT_COLOR
if (EMULATED) {
    set label "emulated (TCG): absolute times are not hardware times" at screen 0.012, screen 0.058 \
        left font ",10" tc rgb AB_WARN_COLOR
}
gfp_title(g) = g eq "kernel" ? " (GFP_KERNEL: compaction)" : \
    (g eq "noretry" ? " (noretry: light compaction)" : " (nowait: no compaction)")
N = words(SERIES)
plot for [i=1:N] VDIR.DATA index (i - 1) using 1:($2 * 100) with linespoints \
    lw (ser_gfp(word(SERIES, i)) eq "kernel" ? 1.2 : 2.5) \
    pt (ser_gfp(word(SERIES, i)) eq "kernel" ? 6 : (ser_gfp(word(SERIES, i)) eq "noretry" ? 5 : 7)) \
    lc rgb phase_color(ser_phase(word(SERIES, i))) \
    title ser_phase(word(SERIES, i)).gfp_title(ser_gfp(word(SERIES, i)))
set output
