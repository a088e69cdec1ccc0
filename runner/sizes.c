// SPDX-License-Identifier: GPL-2.0
/* Sizes: parse "4K", lists and ranges; format 4096 as "4K". */
#include "sizes.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static const char *skip_blank(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* Parses one size at *pp and advances *pp past it (and past trailing blanks). */
static int parse_one(const char **pp, uint64_t *out, char *err, size_t errlen)
{
	const char *p = skip_blank(*pp), *start = p;
	uint64_t v = 0, mult = 1;

	if (!isdigit((unsigned char)*p)) {
		snprintf(err, errlen, "bad size '%.*s': expected a number of bytes",
			 (int)strcspn(start, ","), start);
		return -1;
	}
	while (isdigit((unsigned char)*p)) {
		unsigned d = (unsigned)(*p - '0');

		if (v > (UINT64_MAX - d) / 10) {
			snprintf(err, errlen, "bad size '%.*s': too large",
				 (int)strcspn(start, ", \t"), start);
			return -1;
		}
		v = v * 10 + d;
		p++;
	}
	switch (*p) {
	case 'k': case 'K': mult = 1ULL << 10; p++; break;
	case 'm': case 'M': mult = 1ULL << 20; p++; break;
	case 'g': case 'G': mult = 1ULL << 30; p++; break;
	case 't': case 'T': mult = 1ULL << 40; p++; break;
	default: break;
	}
	if (isalnum((unsigned char)*p) || *p == '_') {
		int n = (int)strcspn(start, ", \t.");

		snprintf(err, errlen, "bad size '%.*s': unknown suffix (use K, M, G or T)", n, start);
		return -1;
	}
	if (mult > 1 && v > UINT64_MAX / mult) {
		snprintf(err, errlen, "bad size '%.*s': too large", (int)(p - start), start);
		return -1;
	}
	*out = v * mult;
	*pp = skip_blank(p);
	return 0;
}

int size_parse(const char *s, uint64_t *out, char *err, size_t errlen)
{
	const char *p = s;
	uint64_t v;

	if (parse_one(&p, &v, err, errlen))
		return -1;
	if (*p) {
		snprintf(err, errlen, "bad size '%s': unexpected '%s'", s, p);
		return -1;
	}
	if (v == 0) {
		snprintf(err, errlen, "bad size '%s': must be at least 1 byte", s);
		return -1;
	}
	*out = v;
	return 0;
}

static int push(struct size_list *l, size_t *cap, uint64_t v, char *err, size_t errlen)
{
	if (l->n >= SIZE_LIST_MAX) {
		snprintf(err, errlen, "too many sizes (more than %d)", SIZE_LIST_MAX);
		return -1;
	}
	if (l->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 32;
		uint64_t *nv = realloc(l->v, nc * sizeof(*nv));

		if (!nv) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		l->v = nv;
		*cap = nc;
	}
	l->v[l->n++] = v;
	return 0;
}

/* One item of a list: "SIZE" or "LO..HI xF" or "LO..HI +S", ending at ',' or NUL. */
static int parse_item(const char *item, struct size_list *l, size_t *cap, char *err, size_t errlen)
{
	const char *p = item;
	uint64_t lo, hi, step;

	if (parse_one(&p, &lo, err, errlen))
		return -1;
	if (lo == 0) {
		snprintf(err, errlen, "bad size '%s': must be at least 1 byte", item);
		return -1;
	}
	if (*p == '\0')
		return push(l, cap, lo, err, errlen);
	if (p[0] != '.' || p[1] != '.') {
		snprintf(err, errlen, "bad size '%s': unexpected '%s'", item, p);
		return -1;
	}
	p += 2;
	if (parse_one(&p, &hi, err, errlen))
		return -1;
	if (hi < lo) {
		snprintf(err, errlen, "bad range '%s': end is below start", item);
		return -1;
	}
	if (*p == 'x' || *p == 'X') {
		const char *f = ++p;
		char *end;
		unsigned long long fac;

		errno = 0;
		fac = strtoull(f, &end, 10);
		if (end == f || errno || !isdigit((unsigned char)*f) || *skip_blank(end)) {
			snprintf(err, errlen, "bad range '%s': factor must be a whole number >= 2", item);
			return -1;
		}
		if (fac < 2) {
			snprintf(err, errlen, "bad range '%s': factor must be >= 2", item);
			return -1;
		}
		for (uint64_t v = lo; v <= hi; v *= fac) {
			if (push(l, cap, v, err, errlen))
				return -1;
			if (v > UINT64_MAX / fac)
				break;
		}
		return 0;
	}
	if (*p == '+') {
		p++;
		if (parse_one(&p, &step, err, errlen))
			return -1;
		if (*p) {
			snprintf(err, errlen, "bad range '%s': unexpected '%s'", item, p);
			return -1;
		}
		if (step == 0) {
			snprintf(err, errlen, "bad range '%s': step must be at least 1 byte", item);
			return -1;
		}
		for (uint64_t v = lo; v <= hi; v += step) {
			if (push(l, cap, v, err, errlen))
				return -1;
			if (v > UINT64_MAX - step)
				break;
		}
		return 0;
	}
	if (*p == '\0')
		snprintf(err, errlen, "bad range '%s': needs a step, 'LO..HI xF' or 'LO..HI +S'", item);
	else
		snprintf(err, errlen, "bad range '%s': unexpected '%s' (step is 'xF' or '+S')", item, p);
	return -1;
}

int size_list_parse(const char *s, struct size_list *l, char *err, size_t errlen)
{
	size_t cap = 0, len = strlen(s);
	char *buf = malloc(len + 1), *item;
	int rc = 0;

	l->v = NULL;
	l->n = 0;
	if (!buf) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	memcpy(buf, s, len + 1);
	/* strtok would skip empty items; walk commas by hand to reject "4K,,8K". */
	item = buf;
	for (;;) {
		char *comma = strchr(item, ',');
		char *end;

		if (comma)
			*comma = '\0';
		item = (char *)skip_blank(item);
		end = item + strlen(item);
		while (end > item && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		if (*item == '\0') {
			snprintf(err, errlen, *s && strspn(s, " \t") != len ?
				 "empty item in size list" : "empty list");
			rc = -1;
			break;
		}
		if (parse_item(item, l, &cap, err, errlen)) {
			rc = -1;
			break;
		}
		if (!comma)
			break;
		item = comma + 1;
	}
	free(buf);
	if (rc) {
		size_list_free(l);
		return -1;
	}
	qsort(l->v, l->n, sizeof(*l->v), cmp_u64);
	{
		size_t j = 0;

		for (size_t i = 0; i < l->n; i++)
			if (j == 0 || l->v[i] != l->v[j - 1])
				l->v[j++] = l->v[i];
		l->n = j;
	}
	return 0;
}

void size_list_free(struct size_list *l)
{
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

char *size_format(uint64_t bytes, char *buf, size_t len)
{
	static const char units[] = "KMGTPE";

	if (!buf || len == 0)
		return buf;
	for (int u = 6; u >= 1; u--) {
		uint64_t unit = 1ULL << (10 * u);
		uint64_t whole, rem, hundredths;

		if (bytes < unit)
			continue;
		whole = bytes / unit;
		rem = bytes % unit;
		if (rem == 0) {
			snprintf(buf, len, "%" PRIu64 "%c", whole, units[u - 1]);
			return buf;
		}
		/* rem * 100 cannot overflow: rem < 2^60. Exact to two decimals? */
		if ((rem * 100) % unit == 0) {
			hundredths = rem * 100 / unit;
			if (hundredths % 10 == 0)
				snprintf(buf, len, "%" PRIu64 ".%" PRIu64 "%c", whole,
					 hundredths / 10, units[u - 1]);
			else
				snprintf(buf, len, "%" PRIu64 ".%02" PRIu64 "%c", whole,
					 hundredths, units[u - 1]);
			return buf;
		}
		break;
	}
	snprintf(buf, len, "%" PRIu64, bytes);
	return buf;
}
