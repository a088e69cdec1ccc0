# allocbench: the one shared chart style. Loaded by every chart script.
#
# One fixed colour and point type per allocator, the same on every chart:
# they come from the runner's allocator table (runner/names.c), which
# `allocbench report` writes into every variables file as three word lists
# in ABI order:
#   AB_ALLOCATORS = "kmalloc kzalloc ..."
#   AB_COLORS     = "#0072B2 #56B4E9 ..."
#   AB_POINTS     = "7 6 ..."
# A chart script loads this file first and its variables file after it, so
# the lists below are only the fallback for a variables file without them:
# every name then gets the neutral style of a name not in the table.
# Point type 2 (X) is reserved for failure markers.

AB_ALLOCATORS = ""
AB_COLORS = ""
AB_POINTS = ""

# Position of a name in AB_ALLOCATORS (1-based), 0 when it is not there.
ab_pos(n) = sum [i=1:words(AB_ALLOCATORS)] (word(AB_ALLOCATORS, i) eq n ? i : 0)
ab_color(n) = ab_pos(n) > 0 ? word(AB_COLORS, ab_pos(n)) : "#333333"
ab_pt(n) = ab_pos(n) > 0 ? word(AB_POINTS, ab_pos(n)) + 0 : 1

# Position of an allocator in the ABI order (0-based), the number of
# allocators for unknown names: each allocator's own lane in the failure
# strip, one lane more for the unknown. Evaluate AB_LANES after loading the
# variables file: ab_lanes(0).
ab_index(n) = ab_pos(n) > 0 ? ab_pos(n) - 1 : words(AB_ALLOCATORS)
ab_lanes(x) = words(AB_ALLOCATORS) + 1

AB_FAIL_PT = 2          # X
AB_FAIL_COLOR = "#444444"
AB_GUIDE_COLOR = "#8a8a8a"
AB_FOOT_COLOR = "#505050"
AB_WARN_COLOR = "#B00020"
AB_BAND_ALPHA = 0.16

# Strings as given: allocator names and kernel constants hold underscores.
set termoption noenhanced

# Terminals: 1200x700 for both; the SVG keeps text as text for slides.
ab_terminal(fmt) = fmt eq "svg" ? "svg" : \
    (strstrt(GPVAL_TERMINALS, " pngcairo ") ? "pngcairo" : "png")
AB_FONT_SVG = "Helvetica,14"
AB_FONT_PNG = "Sans,11"

# Axes: log2 bytes on x with human labels, log10 ns on y with human labels.
set logscale x 2
set logscale y 10
set format x ""
set xtics out nomirror scale 1.2,0.6 ("1" 1, "8" 8, "64" 64, "512" 512, "4K" 4096, "32K" 32768, \
    "256K" 262144, "2M" 2097152, "16M" 16777216, "128M" 134217728, "1G" 1073741824, \
    "8G" 8589934592., "64G" 68719476736.)
do for [i=0:36] { set xtics add ("" 2.0**i 1) }
ab_ytic(e) = word("0.1ns 1ns 10ns 100ns 1µs 10µs 100µs 1ms 10ms 100ms 1s 10s 100s", e + 2)
set ytics out nomirror scale 1.2,0.6 ("0.1ns" 0.1, "1ns" 1, "10ns" 10, "100ns" 100, "1µs" 1e3, "10µs" 1e4, \
    "100µs" 1e5, "1ms" 1e6, "10ms" 1e7, "100ms" 1e8, "1s" 1e9, "10s" 1e10, "100s" 1e11)
do for [e=-1:11] { do for [m=2:9] { set ytics add ("" m * 10.0**e 1) } }
set xlabel "allocation size (bytes, log2 scale)"
set ylabel "latency per operation (ns, log scale)"
set grid xtics ytics lw 1 lc rgb "#e3e3e3" dt 1, lw 1 lc rgb "#e3e3e3"
set border 3 lw 1.2 lc rgb "#333333"
set key outside right top vertical Left reverse samplen 2 spacing 1.2 width 0 \
    box lc rgb "#d0d0d0" opaque
set style fill transparent solid AB_BAND_ALPHA noborder

# ---- series of the access charts ----
# Views and backings that are not allocators: the direct map of vmap's
# pages, and user-space backings of `allocbench uaccess`. A series name
# "name/line" is drawn dashed in the colour of "name"; "(direct)" marks the
# direct-map view of an allocator's pages.
#   direct   #009E73 (same pages as vmap, through the linear map)
#   4k       #D55E00   thp  #0072B2   hugetlb  #8C564B
ab_sbase(n) = strstrt(n, "/") ? n[1:strstrt(n, "/") - 1] : n
ab_scolor(n) = \
    ab_sbase(n) eq "direct"  ? "#009E73" : \
    ab_sbase(n) eq "4k"      ? "#D55E00" : \
    ab_sbase(n) eq "thp"     ? "#0072B2" : \
    ab_sbase(n) eq "hugetlb" ? "#8C564B" : \
    strstrt(ab_sbase(n), "(direct)") ? "#009E73" : ab_color(ab_sbase(n))
ab_spt(n) = \
    ab_sbase(n) eq "direct"  ?  5 : \
    ab_sbase(n) eq "4k"      ?  9 : \
    ab_sbase(n) eq "thp"     ?  7 : \
    ab_sbase(n) eq "hugetlb" ? 11 : ab_pt(ab_sbase(n))
ab_sdash(n) = strstrt(n, "/line") ? 2 : 1

# ---- phases of the fragmentation experiments ([frag], [vspace]) ----
ab_phase_color(p) = p eq "before" ? "#0072B2" : (p eq "fragmented" ? "#D55E00" : "#009E73")
