// SPDX-License-Identifier: GPL-2.0
/* User-space buffers and timed chases for `allocbench uaccess`; see uaccess.h. */
#include "uaccess.h"

#include <errno.h>
#include <inttypes.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define SMALL_PAGE	4096UL
#define HUGE_PAGE	(2UL << 20)

static const char *const backing_names[UACCESS_NR_BACKINGS] = {
	[UACCESS_4K] = "4k",
	[UACCESS_THP] = "thp",
	[UACCESS_HUGETLB] = "hugetlb",
};

const char *uaccess_backing_name(enum uaccess_backing b)
{
	return b < UACCESS_NR_BACKINGS ? backing_names[b] : "?";
}

int uaccess_backing_parse(const char *name, enum uaccess_backing *b)
{
	for (int i = 0; i < UACCESS_NR_BACKINGS; i++) {
		if (!strcmp(name, backing_names[i])) {
			*b = (enum uaccess_backing)i;
			return 0;
		}
	}
	return -1;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

long long uaccess_smaps_huge_bytes(const void *addr)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[512];
	bool in_vma = false, hugetlb = false;
	unsigned long long lo, hi, vma_bytes = 0;
	long long result = -1;
	uintptr_t a = (uintptr_t)addr;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx-%llx ", &lo, &hi) == 2 && strchr(line, '-') < strchr(line, ' ')) {
			if (in_vma)
				break;	/* past our mapping without a verdict */
			in_vma = a >= lo && a < hi;
			vma_bytes = hi - lo;
			continue;
		}
		if (!in_vma)
			continue;
		unsigned long long kb;

		if (sscanf(line, "AnonHugePages: %llu kB", &kb) == 1 && kb)
			result = (long long)kb * 1024;
		else if (sscanf(line, "AnonHugePages: %llu kB", &kb) == 1)
			result = 0;
		/* hugetlb VMAs count in Private_Hugetlb/Shared_Hugetlb, not AnonHugePages. */
		if ((sscanf(line, "Private_Hugetlb: %llu kB", &kb) == 1 ||
		     sscanf(line, "Shared_Hugetlb: %llu kB", &kb) == 1) && kb) {
			hugetlb = true;
			result = (result > 0 ? result : 0) + (long long)kb * 1024;
		}
	}
	fclose(f);
	if (hugetlb && result > (long long)vma_bytes)
		result = (long long)vma_bytes;
	return result;
}

int uaccess_map(struct uaccess_buffer *b, enum uaccess_backing backing,
		size_t bytes, char *reason, size_t reasonlen)
{
	int flags = MAP_PRIVATE | MAP_ANONYMOUS;
	size_t bytes_rounded = (bytes + SMALL_PAGE - 1) & ~(SMALL_PAGE - 1);

	memset(b, 0, sizeof(*b));
	b->backing = backing;
	b->bytes = bytes_rounded;

	if (backing == UACCESS_HUGETLB) {
		/* hugetlb needs whole huge pages and a reservation by the admin. */
		b->bytes = (bytes + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
		b->map_bytes = b->bytes;
		b->map = mmap(NULL, b->map_bytes, PROT_READ | PROT_WRITE,
			      flags | MAP_HUGETLB | MAP_POPULATE, -1, 0);
		if (b->map == MAP_FAILED) {
			snprintf(reason, reasonlen,
				 "unavailable: MAP_HUGETLB failed (%s): reserve pages with "
				 "'echo N > /proc/sys/vm/nr_hugepages'", strerror(errno));
			b->map = NULL;
			return -1;
		}
		b->base = b->map;
	} else {
		/* Over-allocate so that the working set starts on a 2M boundary:
		 * THP can then map all of it, even a set smaller than 2M, and
		 * 4K vs THP differ only in the mapping, not in the alignment. */
		b->map_bytes = ((b->bytes + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1)) + HUGE_PAGE;
		b->map = mmap(NULL, b->map_bytes, PROT_READ | PROT_WRITE, flags, -1, 0);
		if (b->map == MAP_FAILED) {
			snprintf(reason, reasonlen, "unavailable: mmap of %zu bytes failed (%s)",
				 b->map_bytes, strerror(errno));
			b->map = NULL;
			return -1;
		}
		b->base = (char *)(((uintptr_t)b->map + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1));
		if (madvise(b->map, b->map_bytes,
			    backing == UACCESS_THP ? MADV_HUGEPAGE : MADV_NOHUGEPAGE)) {
			snprintf(reason, reasonlen, "unavailable: madvise(%s) failed (%s)",
				 backing == UACCESS_THP ? "MADV_HUGEPAGE" : "MADV_NOHUGEPAGE",
				 strerror(errno));
			uaccess_unmap(b);
			return -1;
		}
	}

	/* First touch: one write per 4K page, which takes the page faults
	 * (and, for THP, the zeroing of whole 2M pages). */
	double t0 = now_ns();

	for (size_t off = 0; off < b->bytes; off += SMALL_PAGE)
		((volatile char *)b->base)[off] = 1;
	b->first_touch_ns_per_page = (now_ns() - t0) / (double)(b->bytes / SMALL_PAGE);

	long long huge = uaccess_smaps_huge_bytes(b->base);

	b->huge_bytes = huge > 0 ? (size_t)huge : 0;
	return 0;
}

void uaccess_unmap(struct uaccess_buffer *b)
{
	if (b->map)
		munmap(b->map, b->map_bytes);
	b->map = NULL;
}

/* Keeps the chase's end pointer alive so the loads cannot be dropped. */
static void *volatile chase_sink;

int uaccess_chase(const struct chain *c, unsigned int passes, size_t min_steps,
		  double *ns)
{
	size_t cycles = (min_steps + c->elements - 1) / c->elements;
	size_t steps = (cycles ? cycles : 1) * c->elements;

	chase_sink = chain_chase(c->start, steps);	/* warm-up: TLB, caches */
	for (unsigned int i = 0; i < passes; i++) {
		double t0 = now_ns();

		chase_sink = chain_chase(c->start, steps);
		ns[i] = (now_ns() - t0) / (double)steps;
	}
	return 0;
}

static volatile uint64_t seq_sink;

void uaccess_seq_read(const struct uaccess_buffer *b, unsigned int passes,
		      double *bytes_per_ns)
{
	const uint64_t *w = (const uint64_t *)b->base;
	size_t nwords = b->bytes / sizeof(uint64_t);

	for (unsigned int i = 0; i <= passes; i++) {
		uint64_t sum = 0;
		double t0 = now_ns();

		for (size_t k = 0; k < nwords; k++)
			sum += w[k];
		double dt = now_ns() - t0;

		seq_sink = sum;
		if (i > 0)	/* pass 0 warms up */
			bytes_per_ns[i - 1] = (double)b->bytes / dt;
	}
}

int uaccess_dtlb_misses(const struct chain *c, size_t steps, double *per_access,
			char *reason, size_t reasonlen)
{
	struct perf_event_attr attr;
	uint64_t count = 0;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_HW_CACHE;
	attr.config = PERF_COUNT_HW_CACHE_DTLB |
		      (PERF_COUNT_HW_CACHE_OP_READ << 8) |
		      (PERF_COUNT_HW_CACHE_RESULT_MISS << 16);
	attr.disabled = 1;
	attr.exclude_kernel = 1;
	attr.exclude_hv = 1;
	fd = (int)syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
	if (fd < 0) {
		if (access("/sys/bus/event_source/devices/cpu", F_OK) &&
		    access("/sys/bus/event_source/devices/cpu_core", F_OK))
			snprintf(reason, reasonlen,
				 "unavailable: no hardware PMU exposed (no /sys/bus/event_source/devices/cpu)");
		else
			snprintf(reason, reasonlen, "unavailable: perf_event_open(dTLB-load-misses): %s",
				 strerror(errno));
		return -1;
	}
	ioctl(fd, PERF_EVENT_IOC_RESET, 0);
	ioctl(fd, PERF_EVENT_IOC_ENABLE, 0);
	chase_sink = chain_chase(c->start, steps);
	ioctl(fd, PERF_EVENT_IOC_DISABLE, 0);
	if (read(fd, &count, sizeof(count)) != (ssize_t)sizeof(count)) {
		snprintf(reason, reasonlen, "unavailable: reading the dTLB counter failed");
		close(fd);
		return -1;
	}
	close(fd);
	*per_access = (double)count / (double)steps;
	return 0;
}
