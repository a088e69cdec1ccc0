# Variables for plots/latency.gp, written by `allocbench report`.
# Render by hand (from any directory):
#   gnuplot -c PATH/TO/plots/latency.gp results/examples/quick-6.12-tcg/charts/data/latency-pair.vars.gp svg
# Paths below are relative to this file's directory.
TITLE = "Latency of pair (GFP_KERNEL)"
SUBTITLE = "median per operation, band p10–p90; allocation + free timed together"
DATA = "latency-pair.dat"
FAILDATA = "latency-pair.fail"
OUT = "../latency-pair"
ALLOCS = "kmalloc kzalloc kmem_cache kvmalloc vmalloc vzalloc vmalloc_huge alloc_pages get_free_pages alloc_pages_exact vmap"
FAILS = "kmalloc kzalloc kmem_cache alloc_pages get_free_pages alloc_pages_exact"
FOOTER = "kernel 6.12.117+deb12-amd64  |  CPU QEMU Virtual CPU version 2.5+  |  target vm (tcg)  |  git d5b72b9  |  run quick"
EMULATED = 1
NMODES = 0
XMIN = 8.
XMAX = 67108864.
YMIN = 126.0641414
YMAX = 25115240.12
NGUIDES = 4
GUIDE_X_1 = 8192.
GUIDE_LABEL_1 = "KMALLOC_MAX_CACHE_SIZE (8K)"
GUIDE_X_2 = 32768.
GUIDE_LABEL_2 = "PAGE_ALLOC_COSTLY_ORDER (32K)"
GUIDE_X_3 = 2097152.
GUIDE_LABEL_3 = "PMD_SIZE (2M)"
GUIDE_X_4 = 4194304.
GUIDE_LABEL_4 = "KMALLOC_MAX_SIZE = largest order (4M)"
# Allocators in ABI order, their colours and point types (runner/names.c).
AB_ALLOCATORS = "kmalloc kzalloc kmem_cache kvmalloc vmalloc vzalloc vmalloc_huge alloc_pages get_free_pages alloc_pages_exact vmap folio_alloc"
AB_COLORS = "#0072B2 #56B4E9 #009E73 #CC79A7 #D55E00 #E69F00 #8C564B #000000 #7F7F7F #B8A000 #6A3D9A #17BECF"
AB_POINTS = "7 6 5 13 9 8 11 4 12 10 15 14"
