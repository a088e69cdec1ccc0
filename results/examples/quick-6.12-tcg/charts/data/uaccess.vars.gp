# Variables for plots/uaccess.gp, written by `allocbench report`.
#   gnuplot -c PATH/TO/plots/uaccess.gp results/examples/quick-6.12-tcg/charts/data/uaccess.vars.gp svg
TITLE = "User space: 4K pages vs transparent huge pages vs hugetlb"
SUBTITLE = "same chain code as the module; solid: page chase, dashed: line chase"
YLABEL = "ns per access (log scale)"
DATA = "uaccess.dat"
OUT = "../uaccess"
SERIES = "4k/page thp/page"
FOOTER = "kernel 6.18.44-fc-v657  |  CPU AMD EPYC  |  THP madvise  |  runner 2cbf01d-dirty"
NOTE = "uaccess ran in user space on host vm (AMD EPYC, a hardware-virtualised guest): hardware times"
EMULATED = 0
XMIN = 65536.
XMAX = 1073741824.
YMIN = 1.08495
YMAX = 346.81
NGUIDES = 6
GUIDE_X_1 = 49152.
GUIDE_LABEL_1 = "L1d (48K)"
GUIDE_X_2 = 1048576.
GUIDE_LABEL_2 = "L2 (1M)"
GUIDE_X_3 = 33554432.
GUIDE_LABEL_3 = "L3 (32M)"
GUIDE_X_4 = 393216.
GUIDE_LABEL_4 = "L1 dTLB reach 4K (384K)"
GUIDE_X_5 = 524288.
GUIDE_LABEL_5 = "L2 TLB reach 4K (512K)"
GUIDE_X_6 = 268435456.
GUIDE_LABEL_6 = "L2 TLB reach 2M (256M)"
# Allocators in ABI order, their colours and point types (runner/names.c).
AB_ALLOCATORS = "kmalloc kzalloc kmem_cache kvmalloc vmalloc vzalloc vmalloc_huge alloc_pages get_free_pages alloc_pages_exact vmap folio_alloc"
AB_COLORS = "#0072B2 #56B4E9 #009E73 #CC79A7 #D55E00 #E69F00 #8C564B #000000 #7F7F7F #B8A000 #6A3D9A #17BECF"
AB_POINTS = "7 6 5 13 9 8 11 4 12 10 15 14"
