# allocbench: the same order-0 pages chased through the direct map and
# through vmap(), and a vmalloc_huge buffer of the same size (mapping.csv).
# Series "direct", "vmap", "vmalloc_huge"; "/line" suffix: line chase, dashed.
#
#   gnuplot -c plots/mapping.gp RESULTS/charts/data/mapping.vars.gp [svg|png]
#
# Same variables as access.gp, which draws it.
call (strstrt(ARG0, "/") ? ARG0[1:strlen(ARG0) - strlen("mapping.gp")] : "")."access.gp" ARG1 ARG2
