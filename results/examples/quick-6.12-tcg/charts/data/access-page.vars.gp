# Variables for plots/access.gp, written by `allocbench report`.
#   gnuplot -c PATH/TO/plots/access.gp results/examples/quick-6.12-tcg/charts/data/access-page.vars.gp svg
TITLE = "Access latency of each allocator's memory: page chase"
SUBTITLE = "one load per page, random page order (a TLB miss per load); median, band p10–p90"
YLABEL = "ns per access (log scale)"
DATA = "access-page.dat"
OUT = "../access-page"
SERIES = "kmalloc kzalloc kmem_cache kvmalloc vmalloc vzalloc vmalloc_huge alloc_pages get_free_pages alloc_pages_exact vmap"
FOOTER = "kernel 6.12.117+deb12-amd64  |  CPU QEMU Virtual CPU version 2.5+  |  target vm (tcg)  |  git d5b72b9  |  run quick"
NOTE = ""
EMULATED = 1
XMIN = 65536.
XMAX = 4194304.
YMIN = 3.13702
YMAX = 11.4507
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
