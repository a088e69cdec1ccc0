# Variables for plots/mapping.gp, written by `allocbench report`.
#   gnuplot -c PATH/TO/plots/mapping.gp results/examples/quick-6.12-tcg/charts/data/mapping.vars.gp svg
TITLE = "The same pages, different mappings: direct map vs vmap() vs vmalloc_huge"
SUBTITLE = "direct and vmap: the very same order-0 pages; solid page chase, dashed line chase"
YLABEL = "ns per access (log scale)"
DATA = "mapping.dat"
OUT = "../mapping"
SERIES = "direct/page vmap/page vmalloc_huge/page"
FOOTER = "kernel 6.12.117+deb12-amd64  |  CPU QEMU Virtual CPU version 2.5+  |  target vm (tcg)  |  git d5b72b9  |  run quick"
NOTE = ""
EMULATED = 1
XMIN = 4194304.
XMAX = 4194304.
YMIN = 9.16265
YMAX = 17.7727
NGUIDES = 5
GUIDE_X_1 = 65536.
GUIDE_LABEL_1 = "L1d (64K)"
GUIDE_X_2 = 524288.
GUIDE_LABEL_2 = "L2 (512K)"
GUIDE_X_3 = 16777216.
GUIDE_LABEL_3 = "L3 (16M)"
GUIDE_X_4 = 1044480.
GUIDE_LABEL_4 = "L1 dTLB reach 4K (1020K)"
GUIDE_X_5 = 2097152.
GUIDE_LABEL_5 = "L2 TLB reach 4K (2M)"
# Allocators in ABI order, their colours and point types (runner/names.c).
AB_ALLOCATORS = "kmalloc kzalloc kmem_cache kvmalloc vmalloc vzalloc vmalloc_huge alloc_pages get_free_pages alloc_pages_exact vmap folio_alloc"
AB_COLORS = "#0072B2 #56B4E9 #009E73 #CC79A7 #D55E00 #E69F00 #8C564B #000000 #7F7F7F #B8A000 #6A3D9A #17BECF"
AB_POINTS = "7 6 5 13 9 8 11 4 12 10 15 14"
