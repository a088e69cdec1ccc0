# allocbench: user-space reference (uaccess.csv): the same chains over mmap'd
# buffers backed by 4K pages, THP and hugetlb. Series "4k", "thp", "hugetlb";
# "/line" suffix: line chase, dashed. NOTE says where uaccess ran (the host
# CPU, real hardware, when meta.csv says uaccess_target=host).
#
#   gnuplot -c plots/uaccess.gp RESULTS/charts/data/uaccess.vars.gp [svg|png]
#
# Same variables as access.gp, which draws it.
call (strstrt(ARG0, "/") ? ARG0[1:strlen(ARG0) - strlen("uaccess.gp")] : "")."access.gp" ARG1 ARG2
