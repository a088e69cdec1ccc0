# Variables for plots/overhead.gp, written by `allocbench report`.
FOOTER = "kernel 6.1.0-56-amd64  |  CPU QEMU Virtual CPU version 2.5+  |  target vm (tcg)  |  git d5b72b9  |  run answers"
EMULATED = 1
DATA = "overhead.dat"
OUT = "../overhead"
ALLOCS = "kmalloc kzalloc kmem_cache kvmalloc vmalloc vzalloc vmalloc_huge alloc_pages get_free_pages alloc_pages_exact vmap"
