# Variables for plots/frag-success.gp, written by `allocbench report`.
FOOTER = "kernel 6.1.0-56-amd64  |  CPU QEMU Virtual CPU version 2.5+  |  target vm (tcg)  |  git d5b72b9  |  run answers"
EMULATED = 1
DATA = "frag-success.dat"
OUT = "../frag-success"
# Allocators in ABI order, their colours and point types (runner/names.c).
AB_ALLOCATORS = "kmalloc kzalloc kmem_cache kvmalloc vmalloc vzalloc vmalloc_huge alloc_pages get_free_pages alloc_pages_exact vmap folio_alloc"
AB_COLORS = "#0072B2 #56B4E9 #009E73 #CC79A7 #D55E00 #E69F00 #8C564B #000000 #7F7F7F #B8A000 #6A3D9A #17BECF"
AB_POINTS = "7 6 5 13 9 8 11 4 12 10 15 14"
SERIES = "before:nowait fragmented:nowait after:nowait before:kernel fragmented:kernel after:kernel"
KEEP_ORDER = 6
