# allocbench: the vmalloc address range per phase of [vspace]: free gaps
# (coloured) against busy areas (grey), before / fragmented / after.
#
#   gnuplot -c plots/vspace.gp RESULTS/charts/data/vspace.vars.gp [svg|png]
#
# Variables: DATA (one block per phase: rows "lane start_MiB end_MiB", one per
# free gap, offsets from VMALLOC_START), PHASES (phase names, one per block),
# LARGEST (largest gap per phase, human), TOTAL_MIB (the range), FAIL_MIB
# (the vmalloc size tried), FAIL_STATUS (its outcome when fragmented),
# MEMFREE (MemFree then), KERNEL, OUT, FOOTER, EMULATED.
if (ARGC < 1) { print "usage: gnuplot -c vspace.gp VARS.gp [svg|png]"; exit status 2 }
_lastslash(s, i) = i < 1 ? 0 : (s[i:i] eq "/" ? i : _lastslash(s, i - 1))
dirname(s) = _lastslash(s, strlen(s)) > 0 ? s[1:_lastslash(s, strlen(s))] : ""
load dirname(ARG0)."style.gp"
VDIR = dirname(ARG1)
EMULATED = 0
FAIL_MIB = 0
FAIL_STATUS = ""
MEMFREE = ""
KERNEL = ""
LARGEST = ""
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
N = words(PHASES)
set xrange [0:TOTAL_MIB]
set yrange [N - 0.4:-0.9]
unset xtics
set xtics out nomirror autofreq
set format x "%gM"
unset mxtics
unset ytics
do for [i=1:N] { set ytics add (word(PHASES, i) i - 1) }
set ytics out nomirror scale 0
unset grid
set grid xtics lw 1 lc rgb "#e3e3e3"
set xlabel "offset from VMALLOC_START (MiB)"
set ylabel ""
set title sprintf("vmalloc address range (%s): free gaps per phase", KERNEL) font ",15" offset 0, 2.2
set lmargin at screen 0.12
set rmargin at screen 0.80
set tmargin at screen 0.80
set bmargin at screen 0.165
set label FOOTER at screen 0.012, screen 0.025 left font ",9" tc rgb AB_FOOT_COLOR
if (EMULATED) {
    set label "emulated (TCG): absolute times are not hardware times" at screen 0.012, screen 0.058 \
        left font ",10" tc rgb AB_WARN_COLOR
}
# Busy background per lane; the gaps are drawn over it.
do for [i=1:N] {
    set object i rectangle from 0, i - 1.3 to TOTAL_MIB, i - 0.7 fc rgb "#cfcfcf" fs solid 1.0 noborder behind
    set label sprintf("largest gap %s", word(LARGEST, i)) at screen 0.81, first i - 1 left font ",11"
}
# The size vmalloc was asked for, as a ruler above the fragmented lane.
FRAG = 0
do for [i=1:N] { if (word(PHASES, i) eq "fragmented") { FRAG = i } }
if (FRAG > 0 && FAIL_MIB > 0) {
    set arrow from 0, FRAG - 1.42 to FAIL_MIB, FRAG - 1.42 heads size screen 0.006,90 lw 2 lc rgb AB_WARN_COLOR
    set label sprintf("vmalloc(%gM): %s while MemFree %s", FAIL_MIB, FAIL_STATUS, MEMFREE) \
        at first FAIL_MIB, first FRAG - 1.42 offset 1, 0 left font ",11" tc rgb AB_WARN_COLOR
}
set key at screen 0.12, screen 0.875 left top horizontal Left reverse samplen 2 width 2 nobox
set style fill solid 1.0 noborder
plot for [i=1:N] VDIR.DATA index (i - 1) using (($2 + $3) / 2):1:(($3 - $2) / 2):(0.3) \
        with boxxyerror lc rgb ab_phase_color(word(PHASES, i)) title word(PHASES, i)." free", \
    NaN with boxes lc rgb "#cfcfcf" title "busy"
set output
