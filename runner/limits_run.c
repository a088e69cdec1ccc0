// SPDX-License-Identifier: GPL-2.0
/* Helpers shared by the [probe], [frag], [overhead] and [vspace] kinds. */
#include "limits_run.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "allocbench.h"
#include "csv.h"
#include "util.h"

int lim_kv_open(struct lim_kv *kv, const char *path)
{
	static const char *const cols[] = { "key", "value" };

	kv->path = path;
	kv->err = 0;
	kv->w = csv_create(path, cols, 2);
	if (!kv->w) {
		ab_err("cannot create %s.tmp: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

void lim_kv_str(struct lim_kv *kv, const char *key, const char *value)
{
	if (!kv->w)
		return;
	kv->err |= csv_str(kv->w, key);
	kv->err |= csv_str(kv->w, value ? value : "");
	kv->err |= csv_end_row(kv->w);
}

void lim_kv_u64(struct lim_kv *kv, const char *key, uint64_t value)
{
	if (!kv->w)
		return;
	kv->err |= csv_str(kv->w, key);
	kv->err |= csv_u64(kv->w, value);
	kv->err |= csv_end_row(kv->w);
}

void lim_kv_double(struct lim_kv *kv, const char *key, double value)
{
	if (!kv->w)
		return;
	kv->err |= csv_str(kv->w, key);
	kv->err |= csv_double(kv->w, value);
	kv->err |= csv_end_row(kv->w);
}

int lim_kv_commit(struct lim_kv *kv)
{
	int rc;

	if (!kv->w)
		return -1;
	rc = csv_commit_or_abort(kv->w, kv->path, kv->err);
	kv->w = NULL;
	return rc;
}

uint64_t lim_meminfo(const char *key)
{
	FILE *f = fopen("/proc/meminfo", "re");
	char line[256];
	size_t kl = strlen(key);
	unsigned long long kb = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, kl) && line[kl] == ':') {
			sscanf(line + kl + 1, "%llu", &kb);
			break;
		}
	}
	fclose(f);
	return (uint64_t)kb * 1024;
}

uint64_t lim_pcp_pages(void)
{
	FILE *f = fopen("/proc/zoneinfo", "re");
	char line[256];
	unsigned long long v, sum = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " count: %llu", &v) == 1)
			sum += v;
	fclose(f);
	return sum;
}

/*
 * /proc/vmallocinfo prints addresses with %pK: real only for a reader with
 * CAP_SYSLOG when kptr_restrict is 1. Root with kptr_restrict 0 sees hashed
 * values: raise it to 1 for the one read and put it back.
 */
char *lim_read_vmallocinfo(int *raised)
{
	char old[16] = "";
	char *text;
	FILE *f;

	*raised = 0;
	if (geteuid() == 0 && read_line("/proc/sys/kernel/kptr_restrict", old, sizeof(old)) == 0 &&
	    !strcmp(old, "0")) {
		f = fopen("/proc/sys/kernel/kptr_restrict", "we");
		if (f) {
			*raised = fputs("1\n", f) >= 0;
			if (fclose(f))
				*raised = 0;
		}
	}
	text = read_all("/proc/vmallocinfo", NULL);
	if (*raised) {
		f = fopen("/proc/sys/kernel/kptr_restrict", "we");
		if (f) {
			fputs("0\n", f);
			fclose(f);
		}
	}
	return text;
}
