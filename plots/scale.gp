# allocbench: one [scale] pattern against the thread count: total ops/s
# (METRIC "ops"), p99 latency per sampled operation ("p99") or scaling
# efficiency ("eff": ops/s at N / (N x ops/s at 1), 1 = linear).
#
#   gnuplot -c plots/scale.gp RESULTS/charts/data/scale-ops-pair.vars.gp [svg|png]
#
# Variables: DATA (one block per allocator and size: rows "threads ops_per_s
# p99_ns efficiency", "?" where missing), ALLOCS (allocator per block, for the
# colour), LABELS (legend per block, "kmalloc/64"), DASHES (dash type per
# block: 1 for the smallest size of the run, 2, 3 ... for larger ones),
# METRIC, PATTERN, XMAX, NOTE, OUT, FOOTER, EMULATED, and the allocator table
# AB_ALLOCATORS AB_COLORS AB_POINTS (see style.gp).
if (ARGC < 1) { print "usage: gnuplot -c scale.gp VARS.gp [svg|png]"; exit status 2 }
_lastslash(s, i) = i < 1 ? 0 : (s[i:i] eq "/" ? i : _lastslash(s, i - 1))
dirname(s) = _lastslash(s, strlen(s)) > 0 ? s[1:_lastslash(s, strlen(s))] : ""
load dirname(ARG0)."style.gp"
VDIR = dirname(ARG1)
EMULATED = 0
XMAX = 2
NOTE = ""
DASHES = ""
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
set datafile missing "?"

# x: threads, log2, whole powers of two labelled
set logscale x 2
unset xtics
set xtics out nomirror ("1" 1, "2" 2, "4" 4, "8" 8, "16" 16, "32" 32, "64" 64, "128" 128, "256" 256)
set xrange [0.8:(XMAX < 2 ? 2 : XMAX) * 1.25]
set xlabel "threads (one per CPU, log2 scale)"

COL = METRIC eq "ops" ? 2 : (METRIC eq "p99" ? 3 : 4)
if (METRIC eq "ops") {
    set logscale y 10
    unset ytics
    set ytics out nomirror ("1k" 1e3, "10k" 1e4, "100k" 1e5, "1M" 1e6, "10M" 1e7, "100M" 1e8, "1G" 1e9)
    set ylabel "total operations per second (log scale)"
    set title "Throughput vs threads: ".PATTERN font ",14"
}
if (METRIC eq "p99") {
    set ylabel "p99 per sampled operation (ns, log scale)"
    set title "p99 latency vs threads: ".PATTERN font ",14"
}
if (METRIC eq "eff") {
    unset logscale y
    unset ytics
    set ytics out nomirror
    set yrange [0:*]
    set ylabel "scaling efficiency: ops/s at N / (N x ops/s at 1)"
    set title "Scaling efficiency vs threads: ".PATTERN." (1 = linear)" font ",14"
    set arrow from graph 0, first 1 to graph 1, first 1 nohead lw 1.5 dt 2 lc rgb AB_GUIDE_COLOR
}
set lmargin at screen 0.085
set rmargin at screen 0.75
set tmargin at screen 0.89
set bmargin at screen 0.2
set label FOOTER at screen 0.012, screen 0.025 left font ",9" tc rgb AB_FOOT_COLOR
set label NOTE at screen 0.012, screen 0.09 left font ",10" tc rgb AB_FOOT_COLOR
if (EMULATED) {
    set label "emulated (TCG): absolute times are not hardware times" at screen 0.012, screen 0.058 \
        left font ",10" tc rgb AB_WARN_COLOR
}
N = words(ALLOCS)
dash(i) = words(DASHES) >= i ? word(DASHES, i) + 0 : 1
plot for [i=1:N] VDIR.DATA index (i - 1) using 1:COL with linespoints lw 2 dt dash(i) \
    lc rgb ab_color(word(ALLOCS, i)) pt ab_pt(word(ALLOCS, i)) ps 1.2 title word(LABELS, i)
set output
