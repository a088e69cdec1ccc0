# Variables for plots/buddyinfo.gp, written by `allocbench report`.
FOOTER = "kernel 6.1.0-56-amd64  |  CPU QEMU Virtual CPU version 2.5+  |  target vm (tcg)  |  git d5b72b9  |  run answers"
EMULATED = 1
DATA = "buddyinfo.dat"
OUT = "../buddyinfo"
SERIES = "before fragmented after"
