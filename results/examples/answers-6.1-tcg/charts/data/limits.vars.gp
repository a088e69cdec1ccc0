# Variables for plots/limits.gp, written by `allocbench report`.
FOOTER = "kernel 6.1.0-56-amd64  |  CPU QEMU Virtual CPU version 2.5+  |  target vm (tcg)  |  git d5b72b9  |  run answers"
EMULATED = 1
DATA = "limits.dat"
OUT = "../limits"
NBARS = 11
NAMES = "kmalloc kzalloc kmem_cache kvmalloc vmalloc vzalloc vmalloc_huge alloc_pages get_free_pages alloc_pages_exact vmap"
KMALLOC_MAX = 4194304.
BUDDY_MAX = 4194304.
FORMULA = 8388608.
FORMULA_CONST = 11
TOTALRAM = 1007087616.
VMALLOC_TOTAL = 35184372088831.
CAP = 451076096.
