// SPDX-License-Identifier: GPL-2.0
#include "meta.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "config.h"
#include "csv.h"
#include "device.h"
#include "names.h"
#include "sizes.h"

int meta_set(struct meta *m, const char *key, const char *fmt, ...)
{
	char *v;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&v, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	for (char *p = v; *p; p++)	/* one value, one line */
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->kv[i].key, key)) {
			free(m->kv[i].value);
			m->kv[i].value = v;
			return 0;
		}
	if (m->n == m->cap) {
		size_t nc = m->cap ? m->cap * 2 : 64;
		struct meta_kv *nk = realloc(m->kv, nc * sizeof(*nk));

		if (!nk) {
			free(v);
			return -1;
		}
		m->kv = nk;
		m->cap = nc;
	}
	m->kv[m->n].key = strdup(key);
	m->kv[m->n].value = v;
	if (!m->kv[m->n].key) {
		free(v);
		return -1;
	}
	m->n++;
	return 0;
}

const char *meta_get(const struct meta *m, const char *key)
{
	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->kv[i].key, key))
			return m->kv[i].value;
	return NULL;
}

void meta_free(struct meta *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->kv[i].key);
		free(m->kv[i].value);
	}
	free(m->kv);
	memset(m, 0, sizeof(*m));
}

void meta_utc_now(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* A one-line file as a fact, or "unavailable: <path>: <reason>". */
static void set_file(struct meta *m, const char *key, const char *path)
{
	char buf[1024];
	int rc = read_line(path, buf, sizeof(buf));

	if (rc)
		meta_set(m, key, "unavailable: %s: %s", path, strerror(-rc));
	else
		meta_set(m, key, "%s", buf);
}

/* "always [madvise] never" -> "madvise" */
static void set_selected(struct meta *m, const char *key, const char *path)
{
	char buf[512], *a, *b;
	int rc = read_line(path, buf, sizeof(buf));

	if (rc) {
		meta_set(m, key, "unavailable: %s: %s", path, strerror(-rc));
		return;
	}
	a = strchr(buf, '[');
	b = a ? strchr(a, ']') : NULL;
	if (a && b) {
		*b = '\0';
		meta_set(m, key, "%s", a + 1);
	} else {
		meta_set(m, key, "%s", buf);
	}
}

static void set_cpu_model(struct meta *m)
{
	FILE *f = fopen("/proc/cpuinfo", "re");
	char line[512];

	if (!f) {
		meta_set(m, "cpu_model", "unavailable: /proc/cpuinfo: %s", strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		char *c = strchr(line, ':');

		if (c && (!strncmp(line, "model name", 10) || !strncmp(line, "Processor", 9) ||
			  !strncmp(line, "cpu model", 9))) {
			char *v = c + 1, *e;

			while (*v == ' ' || *v == '\t')
				v++;
			e = v + strlen(v);
			while (e > v && isspace((unsigned char)e[-1]))
				*--e = '\0';
			meta_set(m, "cpu_model", "%s", v);
			fclose(f);
			return;
		}
	}
	fclose(f);
	meta_set(m, "cpu_model", "unavailable: no model name in /proc/cpuinfo");
}

/* CONFIG_KASAN from /proc/config.gz or /boot/config-R: "yes", "no" or "unknown". */
static void set_kasan(struct meta *m, const char *release)
{
	char path[512], line[512];
	const char *res = NULL;
	gzFile gz = gzopen("/proc/config.gz", "rb");

	if (!gz) {
		snprintf(path, sizeof(path), "/boot/config-%s", release);
		gz = gzopen(path, "rb");	/* reads plain files too */
	}
	if (!gz) {
		meta_set(m, "kasan", "unknown");
		return;
	}
	while (gzgets(gz, line, sizeof(line))) {
		if (!strncmp(line, "CONFIG_KASAN=y", 14)) {
			res = "yes";
			break;
		}
		if (!strncmp(line, "# CONFIG_KASAN is not set", 25)) {
			res = "no";
			break;
		}
	}
	gzclose(gz);
	meta_set(m, "kasan", "%s", res ? res : "no");
}

/* slub_debug from the kernel command line: its value, "on" when bare, else "off". */
static void set_slub_debug(struct meta *m, const char *cmdline)
{
	const char *p = cmdline;

	while ((p = strstr(p, "slub_debug")) != NULL) {
		if (p == cmdline || p[-1] == ' ') {
			p += 10;
			if (*p == '=') {
				size_t n = strcspn(p + 1, " ");

				meta_set(m, "slub_debug", "%.*s", (int)n, p + 1);
			} else {
				meta_set(m, "slub_debug", "on");
			}
			return;
		}
		p += 10;
	}
	meta_set(m, "slub_debug", "off");
}

static void set_preemption(struct meta *m, const char *version)
{
	char buf[256];
	int rc;

	if (strstr(version, "PREEMPT_RT"))
		meta_set(m, "preemption", "PREEMPT_RT");
	else if (strstr(version, "PREEMPT_DYNAMIC"))
		meta_set(m, "preemption", "PREEMPT_DYNAMIC");
	else if (strstr(version, "PREEMPT"))
		meta_set(m, "preemption", "PREEMPT");
	else
		meta_set(m, "preemption", "none or voluntary (no PREEMPT in uname -v)");
	rc = read_line("/sys/kernel/debug/sched/preempt", buf, sizeof(buf));
	if (rc) {
		meta_set(m, "preempt_mode", "unavailable: /sys/kernel/debug/sched/preempt: %s",
			 strerror(-rc));
	} else {
		char *a = strchr(buf, '('), *b = a ? strchr(a, ')') : NULL;

		if (a && b) {
			*b = '\0';
			meta_set(m, "preempt_mode", "%s", a + 1);
		} else {
			meta_set(m, "preempt_mode", "%s", buf);
		}
	}
}

/* ---- for the access kinds: caches, TLBs, direct-map levels ---- */

/* l1d_bytes, l2_bytes, l3_bytes from sysfs (cpu0's cache indices). */
static void set_caches(struct meta *m)
{
	static const char *const keys[] = { "l1d_bytes", "l2_bytes", "l3_bytes" };
	uint64_t found[3] = { 0, 0, 0 };
	char path[128], buf[64], type[64];

	for (int i = 0; i < 16; i++) {
		uint64_t level, sz;
		char *end;

		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu0/cache/index%d/level", i);
		if (read_line(path, buf, sizeof(buf)))
			break;
		level = strtoull(buf, NULL, 10);
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu0/cache/index%d/type", i);
		if (read_line(path, type, sizeof(type)))
			continue;
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu0/cache/index%d/size", i);
		if (read_line(path, buf, sizeof(buf)))
			continue;
		sz = strtoull(buf, &end, 10);
		if (*end == 'K')
			sz <<= 10;
		else if (*end == 'M')
			sz <<= 20;
		if (level < 1 || level > 3 || !strcmp(type, "Instruction"))
			continue;
		found[level - 1] = sz;
	}
	for (int i = 0; i < 3; i++) {
		if (found[i])
			meta_set(m, keys[i], "%" PRIu64, found[i]);
		else
			meta_set(m, keys[i], "unavailable: not in /sys/devices/system/cpu/cpu0/cache");
	}
}

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

/* dTLB entries for 4K and 2M pages, L1 and L2, from CPUID. */
static void set_tlbs(struct meta *m)
{
	unsigned a, b, c, d, max_ext = __get_cpuid_max(0x80000000, NULL), max_std = __get_cpuid_max(0, NULL);
	unsigned l1_4k = 0, l1_2m = 0, l2_4k = 0, l2_2m = 0, l1_1g = 0, l2_1g = 0;
	const char *src = NULL;

	if (max_ext >= 0x80000006 && __get_cpuid(0x80000005, &a, &b, &c, &d) && (a | b)) {
		/* AMD: 0x80000005 L1, 0x80000006 L2 (EAX 2M/4M, EBX 4K). */
		l1_2m = (a >> 16) & 0xff;
		l1_4k = (b >> 16) & 0xff;
		__get_cpuid(0x80000006, &a, &b, &c, &d);
		l2_2m = (a >> 16) & 0xfff;
		l2_4k = (b >> 16) & 0xfff;
		if (max_ext >= 0x80000019 && __get_cpuid(0x80000019, &a, &b, &c, &d)) {
			l1_1g = (a >> 16) & 0xfff;
			l2_1g = (b >> 16) & 0xfff;
		}
		src = "cpuid 0x80000005/0x80000006";
	} else if (max_std >= 0x18) {
		/* Intel: leaf 0x18, deterministic address translation parameters. */
		unsigned nsub;

		__cpuid_count(0x18, 0, a, b, c, d);
		nsub = a;
		for (unsigned sub = 0; sub <= nsub && sub < 64; sub++) {
			unsigned type, level, entries;

			__cpuid_count(0x18, sub, a, b, c, d);
			type = d & 0x1f;
			level = (d >> 5) & 7;
			if (type != 1 && type != 3 && type != 4)	/* data, unified, load */
				continue;
			entries = ((b >> 16) & 0xffff) * c;
			if (level == 1) {
				if (b & 1)
					l1_4k = l1_4k > entries ? l1_4k : entries;
				if (b & 2)
					l1_2m = l1_2m > entries ? l1_2m : entries;
				if (b & 8)
					l1_1g = l1_1g > entries ? l1_1g : entries;
			} else if (level == 2) {
				if (b & 1)
					l2_4k = l2_4k > entries ? l2_4k : entries;
				if (b & 2)
					l2_2m = l2_2m > entries ? l2_2m : entries;
				if (b & 8)
					l2_1g = l2_1g > entries ? l2_1g : entries;
			}
		}
		src = "cpuid 0x18";
	}
	if (!src || !(l1_4k | l2_4k)) {
		const char *why = src ? "cpuid reports no dTLB sizes (an emulated CPU?)" :
			"neither AMD leaves 0x80000005/6 nor Intel leaf 0x18 (leaf 0x2 descriptors not decoded)";

		meta_set(m, "dtlb_l1_4k_entries", "unavailable: %s", why);
		meta_set(m, "dtlb_l1_2m_entries", "unavailable: %s", why);
		meta_set(m, "dtlb_l2_4k_entries", "unavailable: %s", why);
		meta_set(m, "dtlb_l2_2m_entries", "unavailable: %s", why);
		return;
	}
	meta_set(m, "tlb_source", "%s", src);
	meta_set(m, "dtlb_l1_4k_entries", "%u", l1_4k);
	meta_set(m, "dtlb_l1_2m_entries", "%u", l1_2m);
	meta_set(m, "dtlb_l2_4k_entries", "%u", l2_4k);
	meta_set(m, "dtlb_l2_2m_entries", "%u", l2_2m);
	if (l1_1g | l2_1g) {
		meta_set(m, "dtlb_l1_1g_entries", "%u", l1_1g);
		meta_set(m, "dtlb_l2_1g_entries", "%u", l2_1g);
	}
}
#else
static void set_tlbs(struct meta *m)
{
	meta_set(m, "dtlb_l1_4k_entries", "unavailable: CPUID is x86 only");
	meta_set(m, "dtlb_l2_4k_entries", "unavailable: CPUID is x86 only");
}
#endif

void meta_directmap(struct meta *m, const char *when)
{
	static const char *const names[] = { "DirectMap4k:", "DirectMap2M:", "DirectMap1G:" };
	static const char *const keys[] = { "directmap_4k", "directmap_2m", "directmap_1g" };
	int seen[3] = { 0, 0, 0 };
	char line[256], key[64];
	FILE *f = fopen("/proc/meminfo", "re");

	while (f && fgets(line, sizeof(line), f)) {
		for (int i = 0; i < 3; i++) {
			size_t l = strlen(names[i]);

			if (!strncmp(line, names[i], l)) {
				snprintf(key, sizeof(key), "%s_bytes_%s", keys[i], when);
				meta_set(m, key, "%llu", strtoull(line + l, NULL, 10) * 1024ULL);
				seen[i] = 1;
			}
		}
	}
	if (f)
		fclose(f);
	for (int i = 0; i < 3; i++) {
		if (seen[i])
			continue;
		snprintf(key, sizeof(key), "%s_bytes_%s", keys[i], when);
		meta_set(m, key, "unavailable: no %s in /proc/meminfo", names[i]);
	}
}

static void meta_collect_access(struct meta *m)
{
	set_caches(m);
	set_tlbs(m);
	meta_directmap(m, "before");
}
/* ---- end access ---- */

void meta_collect_machine(struct meta *m)
{
	struct utsname u;
	char *cpuinfo = read_all("/proc/cpuinfo", NULL);

	if (uname(&u) == 0) {
		meta_set(m, "hostname", "%s", u.nodename);
		meta_set(m, "kernel_release", "%s", u.release);
		meta_set(m, "machine", "%s", u.machine);
	} else {
		meta_set(m, "hostname", "unavailable: uname: %s", strerror(errno));
		meta_set(m, "kernel_release", "unavailable: uname: %s", strerror(errno));
	}
	set_cpu_model(m);
	meta_set(m, "cpu_count", "%ld", sysconf(_SC_NPROCESSORS_ONLN));
	/* A guest of a hardware hypervisor still runs user code on the real CPU,
	 * but its page walks are two-dimensional (EPT/NPT): worth knowing. */
	if (cpuinfo)
		meta_set(m, "hypervisor", "%s", strstr(cpuinfo, " hypervisor") ? "yes" : "no");
	else
		meta_set(m, "hypervisor", "unavailable: /proc/cpuinfo: %s", strerror(errno));
	free(cpuinfo);
	set_selected(m, "thp", "/sys/kernel/mm/transparent_hugepage/enabled");
	set_file(m, "hugetlb_pages_free", "/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages");
	set_caches(m);
	set_tlbs(m);
}

/* uname(2): host name and kernel; u is zeroed when it fails. */
static void set_uname(struct meta *m, struct utsname *u)
{
	if (uname(u) == 0) {
		meta_set(m, "hostname", "%s", u->nodename);
		meta_set(m, "kernel_release", "%s", u->release);
		meta_set(m, "kernel_version", "%s", u->version);
		meta_set(m, "machine", "%s", u->machine);
		return;
	}
	meta_set(m, "hostname", "unavailable: uname: %s", strerror(errno));
	meta_set(m, "kernel_release", "unavailable: uname: %s", strerror(errno));
	meta_set(m, "kernel_version", "unavailable: uname: %s", strerror(errno));
	memset(u, 0, sizeof(*u));
}

static void set_cmdline(struct meta *m)
{
	char buf[4096];
	int rc = read_line("/proc/cmdline", buf, sizeof(buf));

	if (rc == 0) {
		meta_set(m, "cmdline", "%s", buf);
		set_slub_debug(m, buf);
	} else {
		meta_set(m, "cmdline", "unavailable: /proc/cmdline: %s", strerror(-rc));
		meta_set(m, "slub_debug", "unknown");
	}
}

/* The module's timer and the overheads it subtracts. */
static void set_timer(struct meta *m, const struct allocbench_info *in)
{
	const char *kind = timer_kind_name(in->timer_kind);

	if (in->timer_kind == ALLOCBENCH_TIMER_TSC)
		meta_set(m, "tsc_khz", "%" PRIu64, (uint64_t)(in->timer_hz / 1000));
	else
		meta_set(m, "tsc_khz", "unavailable: timer is %s, not the TSC", kind ? kind : "unknown");
	meta_set(m, "timer_kind", "%s", kind ? kind : "unknown");
	meta_set(m, "timer_hz", "%" PRIu64, (uint64_t)in->timer_hz);
	meta_set(m, "timer_overhead_ticks", "%" PRIu64, (uint64_t)in->timer_overhead_ticks);
	meta_set(m, "call_overhead_mticks", "%" PRIu64, (uint64_t)in->call_overhead_mticks);
	meta_set(m, "timer_overhead_subtracted", "yes");
}

/* The kernel's limits as the module reads them, and which allocators it offers. */
static void set_kernel_facts(struct meta *m, const struct device *dev)
{
	const struct allocbench_info *in = &dev->info;
	const char *kind = max_order_kind_name(in->max_order_kind);
	char buf[4096];
	size_t o = 0;

	meta_set(m, "max_order", "%u", in->max_order);
	meta_set(m, "max_order_const", "%u", in->max_order_const);
	meta_set(m, "max_order_kind", "%s", kind ? kind : "unknown");
	meta_set(m, "page_alloc_costly_order", "%u", in->page_alloc_costly_order);
	meta_set(m, "kmalloc_max_size", "%" PRIu64, (uint64_t)in->kmalloc_max_size);
	meta_set(m, "kmalloc_max_cache_size", "%" PRIu64, (uint64_t)in->kmalloc_max_cache_size);
	meta_set(m, "pmd_size", "%" PRIu64, (uint64_t)in->pmd_size);
	meta_set(m, "vmalloc_total", "%" PRIu64, (uint64_t)in->vmalloc_total);
	meta_set(m, "totalram_bytes", "%" PRIu64, (uint64_t)in->totalram_bytes);
	meta_set(m, "module_version", "%s", in->module_version);
	meta_set(m, "abi_version", "%u", in->abi_version);
	buf[0] = '\0';
	for (unsigned i = 0; i < ALLOCBENCH_NR_ALLOCATORS; i++)
		if (device_has_allocator(dev, i))
			o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%s", o ? " " : "", allocator_name(i));
	meta_set(m, "allocators_available", "%s", buf);
}

/* The [run] settings the run was made with. */
static void set_run_settings(struct meta *m, const struct config *cfg)
{
	char h[32];

	meta_set(m, "cpu_pinned", "%u", cfg->run.cpu);
	meta_set(m, "seed", "%" PRIu64, cfg->run.seed);
	meta_set(m, "repeat", "%u", cfg->run.repeat);
	meta_set(m, "warmup", "%u", cfg->run.warmup);
	meta_set(m, "iterations", "%u", cfg->run.iterations);
	meta_set(m, "min_samples", "%u", cfg->run.min_samples);
	meta_set(m, "time_budget_ms", "%u", cfg->run.time_budget_ms);
	meta_set(m, "batch", "%u", cfg->run.batch);
	meta_set(m, "batch_below_ns", "%u", cfg->run.batch_below_ns);
	meta_set(m, "subseries", "%u", cfg->run.subseries);
	meta_set(m, "mem_cap_percent", "%u", cfg->run.mem_cap_percent);
	meta_set(m, "config_cmdline", "%s", cfg->run.cmdline);
	meta_set(m, "config_memory", "%s", size_format(cfg->run.memory, h, sizeof(h)));
	meta_set(m, "config_smp", "%u", cfg->run.smp);	/* vm target: guest CPUs */
}

void meta_collect(struct meta *m, const struct device *dev, const struct config *cfg)
{
	const struct allocbench_info *in = dev ? &dev->info : NULL;
	struct utsname u;
	char path[256], now[64];
	uint64_t avail = mem_available_bytes();

	meta_set(m, "schema_version", "1");
	meta_set(m, "run_name", "%s", cfg->run.name);
	meta_set(m, "config_file", "%s", cfg->path);
	meta_utc_now(now, sizeof(now));
	meta_set(m, "started_utc", "%s", now);
	meta_set(m, "finished_utc", "unavailable: run not finished");
	set_uname(m, &u);
	set_cmdline(m);
	set_cpu_model(m);
	meta_set(m, "cpu_count", "%ld", sysconf(_SC_NPROCESSORS_ONLN));
	if (in)
		set_timer(m, in);
	set_file(m, "clocksource", "/sys/devices/system/clocksource/clocksource0/current_clocksource");
	set_selected(m, "thp", "/sys/kernel/mm/transparent_hugepage/enabled");
	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%u/cpufreq/scaling_governor", cfg->run.cpu);
	set_file(m, "cpufreq_governor", path);
	set_preemption(m, u.version);
	if (in) {
		meta_set(m, "init_on_alloc", "%u", in->init_on_alloc);
		meta_set(m, "init_on_free", "%u", in->init_on_free);
	}
	set_kasan(m, u.release);
	meta_set(m, "page_size", "%ld", in ? (long)in->page_size : sysconf(_SC_PAGESIZE));
	if (in)
		set_kernel_facts(m, dev);
	if (avail)
		meta_set(m, "mem_available_bytes", "%" PRIu64, avail);
	else
		meta_set(m, "mem_available_bytes", "unavailable: no MemAvailable in /proc/meminfo");
	meta_set(m, "runner_version", "%s", ALLOCBENCH_VERSION);
	set_run_settings(m, cfg);
	meta_collect_access(m);
}

int meta_write(const struct meta *m, const char *path)
{
	static const char *const cols[] = { "key", "value" };
	struct csv_writer *w = csv_create(path, cols, 2);
	int rc = 0;

	if (!w)
		return -1;
	for (size_t i = 0; i < m->n && !rc; i++)
		rc = csv_str(w, m->kv[i].key) || csv_str(w, m->kv[i].value) || csv_end_row(w);
	if (rc) {
		int e = errno;

		csv_abort(w);
		errno = e;
		return -1;
	}
	return csv_commit(w);
}
