// SPDX-License-Identifier: GPL-2.0
/* allocbench info | allocbench list [--names] */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "device.h"
#include "help.h"
#include "names.h"
#include "sizes.h"
#include "util.h"

static int no_args(int argc, char **argv)
{
	if (argc > 1) {
		ab_err("%s: unexpected argument '%s'", argv[0], argv[1]);
		help_usage(argv[0]);
		return -1;
	}
	return 0;
}

static void print_u64(const char *k, uint64_t v)
{
	printf("%-24s %" PRIu64 "\n", k, v);
}

static void print_size(const char *k, uint64_t v)
{
	char h[32];

	printf("%-24s %" PRIu64 " (%s)\n", k, v, size_format(v, h, sizeof(h)));
}

int cmd_info(int argc, char **argv)
{
	struct device d;
	const struct allocbench_info *in = &d.info;
	const char *s;
	int rc;

	if (no_args(argc, argv))
		return EXIT_USAGE;
	rc = device_open(&d);
	if (rc)
		return rc;
	print_u64("abi_version", in->abi_version);
	printf("%-24s %s\n", "module_version", in->module_version[0] ? in->module_version : "-");
	print_size("page_size", in->page_size);
	print_u64("max_order", in->max_order);
	print_u64("max_order_const", in->max_order_const);
	s = max_order_kind_name(in->max_order_kind);
	printf("%-24s %s\n", "max_order_kind", s ? s : "unknown");
	print_u64("page_alloc_costly_order", in->page_alloc_costly_order);
	print_u64("nr_cpus", in->nr_cpus);
	print_size("kmalloc_max_size", in->kmalloc_max_size);
	print_size("kmalloc_max_cache_size", in->kmalloc_max_cache_size);
	print_size("pmd_size", in->pmd_size);
	print_size("vmalloc_total", in->vmalloc_total);
	/* 0: the module is older, or this caller lacks CAP_SYSLOG (a kernel address) */
	printf("%-24s 0x%" PRIx64 "\n", "vmalloc_start", (uint64_t)in->vmalloc_start);
	print_size("totalram_bytes", in->totalram_bytes);
	s = timer_kind_name(in->timer_kind);
	printf("%-24s %s\n", "timer_kind", s ? s : "unknown");
	print_u64("timer_hz", in->timer_hz);
	print_u64("timer_overhead_ticks", in->timer_overhead_ticks);
	print_u64("call_overhead_mticks", in->call_overhead_mticks);
	print_u64("init_on_alloc", in->init_on_alloc);
	print_u64("init_on_free", in->init_on_free);
	printf("%-24s ", "allocators");
	{
		int any = 0;

		for (unsigned i = 0; i < 64; i++) {
			if (!device_has_allocator(&d, i))
				continue;
			if (allocator_name(i))
				printf("%s%s", any ? "," : "", allocator_name(i));
			else
				printf("%sunknown%u", any ? "," : "", i);
			any = 1;
		}
		printf("%s\n", any ? "" : "-");
	}
	device_close(&d);
	return EXIT_OK;
}

/* Every allocator the runner knows, one name a line in ABI order: for scripts, no module needed. */
static int list_names(void)
{
	for (unsigned i = 0; allocator_name(i); i++)
		printf("%s\n", allocator_name(i));
	return EXIT_OK;
}

int cmd_list(int argc, char **argv)
{
	struct device d;
	int rc;

	if (argc == 2 && !strcmp(argv[1], "--names"))
		return list_names();
	if (no_args(argc, argv))
		return EXIT_USAGE;
	rc = device_open(&d);
	if (rc)
		return rc;
	printf("%-18s %-9s %-10s %-12s %-9s %s\n", "allocator", "available", "contiguous", "mapping",
	       "atomic_ok", "max_bytes");
	for (unsigned i = 0; i < ALLOCBENCH_NR_ALLOCATORS; i++) {
		const struct allocbench_allocator_info *a = &d.alloc[i];
		const char *name = allocator_name(i);
		char h[32];

		if (!d.alloc_known[i]) {
			printf("%-18s %-9s %-10s %-12s %-9s %s\n", name, "no", "-", "-", "-", "-");
			continue;
		}
		printf("%-18s %-9s %-10s %-12s %-9s %s\n", name,
		       device_has_allocator(&d, i) ? "yes" : "no",
		       a->flags & ALLOCBENCH_ALLOC_CONTIGUOUS ? "yes" : "no",
		       mapping_name(a->mapping) ? mapping_name(a->mapping) : "unknown",
		       a->flags & ALLOCBENCH_ALLOC_ATOMIC_OK ? "yes" : "no",
		       a->max_bytes ? size_format(a->max_bytes, h, sizeof(h)) : "-");
	}
	device_close(&d);
	return EXIT_OK;
}
