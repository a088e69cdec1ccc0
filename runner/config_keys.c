// SPDX-License-Identifier: GPL-2.0
/* Key tables and the value parsers shared by every kind; see config_keys.h. */
#include "config_keys.h"

#include <inttypes.h>
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

const struct cfg_key *cfg_key_find(const struct cfg_key *keys, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(keys[i].name, key))
			return &keys[i];
	return NULL;
}

static int parse_num(const struct cfg_key *k, void *field, const char *value, char *err, size_t errlen)
{
	/* a 4-byte field holds no more than UINT32_MAX, whatever the table says (size_t on i386) */
	uint64_t hi = k->size == sizeof(uint32_t) && k->max > UINT32_MAX ? UINT32_MAX : k->max;
	uint64_t v;

	if (key_u64(k->name, value, k->min, hi, &v, err, errlen))
		return -1;
	if (k->size == sizeof(uint32_t)) {
		uint32_t v32 = (uint32_t)v;

		memcpy(field, &v32, sizeof(v32));
	} else {
		memcpy(field, &v, sizeof(v));
	}
	return 0;
}

static int parse_string(const struct cfg_key *k, char *field, const char *value, char *err, size_t errlen)
{
	if (strlen(value) >= k->size) {
		snprintf(err, errlen, "%s too long (max %zu characters)", k->name, k->size - 1);
		return -1;
	}
	memcpy(field, value, strlen(value) + 1);
	return 0;
}

int cfg_key_parse(const struct cfg_key *k, void *obj, const char *value, int line,
		  char *err, size_t errlen)
{
	void *field = cfg_field(k, obj);

	if (k->line_offset)
		memcpy((char *)obj + k->line_offset - 1, &line, sizeof(line));
	if (k->parse)
		return k->parse(k, obj, value, line, err, errlen);
	switch (k->type) {
	case CFG_NUM:
		return parse_num(k, field, value, err, errlen);
	case CFG_SIZES:
		return key_sizes(k->name, value, field, err, errlen);
	case CFG_BOOL:
		return key_bool(k->name, value, field, err, errlen);
	case CFG_NAMES:
		return key_name_set(k->name, value, k->lookup, k->what, k->known(), k->all_mask, field,
				    err, errlen);
	case CFG_STRING:
		return parse_string(k, field, value, err, errlen);
	case CFG_CUSTOM:
		break;
	}
	snprintf(err, errlen, "%s: no parser", k->name);
	return -1;
}

int cfg_keys_defaults(const struct cfg_key *keys, size_t n, void *obj, char *err, size_t errlen)
{
	char msg[512];

	for (size_t i = 0; i < n; i++) {
		if (!keys[i].def)
			continue;
		if (cfg_key_parse(&keys[i], obj, keys[i].def, 0, msg, sizeof(msg))) {
			snprintf(err, errlen, "default of %s: %s", keys[i].name, msg);
			return -1;
		}
	}
	return 0;
}

void cfg_keys_release(const struct cfg_key *keys, size_t n, void *obj)
{
	for (size_t i = 0; i < n; i++)
		if (keys[i].type == CFG_SIZES)
			size_list_free(cfg_field(&keys[i], obj));
}

int cfg_key_format(const struct cfg_key *k, const void *obj, char *buf, size_t len)
{
	const char *field = (const char *)obj + k->offset;

	if (k->format) {
		k->format(k, obj, buf, len);
		return 0;
	}
	if (k->type == CFG_NUM && k->size == sizeof(uint32_t)) {
		uint32_t v;

		memcpy(&v, field, sizeof(v));
		snprintf(buf, len, "%" PRIu32, v);
	} else if (k->type == CFG_NUM) {
		uint64_t v;

		memcpy(&v, field, sizeof(v));
		snprintf(buf, len, "%" PRIu64, v);
	} else if (k->type == CFG_STRING) {
		snprintf(buf, len, "%s", field);
	} else {
		return -1;
	}
	return 0;
}
