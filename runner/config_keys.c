// SPDX-License-Identifier: GPL-2.0
/* Parsers for experiment-section values shared by every kind; see config_keys.h. */
#include "config_keys.h"

#include <stdio.h>
#include <string.h>

#include "config.h"
#include "experiment.h"
#include "util.h"

int key_name_set(const char *key, const char *value, int (*lookup)(const char *),
		 const char *what, const char *known, uint32_t all_mask, uint32_t *mask,
		 char *err, size_t errlen)
{
	char buf[1024], *p = buf, *comma;
	uint32_t m = 0;
	int items = 0;

	if (strlen(value) >= sizeof(buf)) {
		snprintf(err, errlen, "%s: list too long", key);
		return -1;
	}
	snprintf(buf, sizeof(buf), "%s", value);
	for (;;) {
		char *end;

		comma = strchr(p, ',');
		if (comma)
			*comma = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		end = p + strlen(p);
		while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		if (!*p) {
			snprintf(err, errlen, comma || items ? "%s: empty item in list" : "%s: empty list",
				 key);
			return -1;
		}
		if (all_mask && !strcmp(p, "all")) {
			m |= all_mask;
		} else {
			int id = lookup(p);

			if (id < 0 || id > 31) {
				snprintf(err, errlen, "unknown %s '%s' (known: %s%s)", what, p,
					 all_mask ? "all, " : "", known);
				return -1;
			}
			m |= 1U << id;
		}
		items++;
		if (!comma)
			break;
		p = comma + 1;
	}
	*mask = m;
	return 0;
}

int key_sizes(const char *key, const char *value, struct size_list *l, char *err, size_t errlen)
{
	struct size_list n;
	char msg[512];

	if (size_list_parse(value, &n, msg, sizeof(msg))) {
		snprintf(err, errlen, "%s: %s", key, msg);
		return -1;
	}
	size_list_free(l);
	*l = n;
	return 0;
}

int key_u64(const char *key, const char *value, uint64_t lo, uint64_t hi, uint64_t *out,
	    char *err, size_t errlen)
{
	if (parse_u64(value, lo, hi, out)) {
		snprintf(err, errlen, "bad number '%s' for %s (expected %llu..%llu)", value, key,
			 (unsigned long long)lo, (unsigned long long)hi);
		return -1;
	}
	return 0;
}

int key_bool(const char *key, const char *value, int *out, char *err, size_t errlen)
{
	int b = parse_bool(value);

	if (b < 0) {
		snprintf(err, errlen, "bad value '%s' for %s (expected yes or no)", value, key);
		return -1;
	}
	*out = b;
	return 0;
}

int key_single_section(const struct config *cfg, const struct section *sec, const void *index,
		       char *err, size_t errlen, int *line)
{
	(void)index;
	for (size_t i = 0; i < cfg->nsec && &cfg->sec[i] != sec; i++) {
		if (cfg->sec[i].kind == sec->kind) {
			snprintf(err, errlen, "only one [%s] section per config (the first is at line %d)",
				 sec->kind->name, cfg->sec[i].line);
			*line = sec->line;
			return -1;
		}
	}
	return 0;
}
