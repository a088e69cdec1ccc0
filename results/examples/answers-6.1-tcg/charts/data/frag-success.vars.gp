# Variables for plots/frag-success.gp, written by `allocbench report`.
FOOTER = "kernel 6.1.0-56-amd64  |  CPU QEMU Virtual CPU version 2.5+  |  target vm (tcg)  |  git d5b72b9  |  run answers"
EMULATED = 1
DATA = "frag-success.dat"
OUT = "../frag-success"
SERIES = "before:nowait fragmented:nowait after:nowait before:kernel fragmented:kernel after:kernel"
KEEP_ORDER = 6
