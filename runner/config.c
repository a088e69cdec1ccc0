// SPDX-License-Identifier: GPL-2.0
/*
 * Config files: libinih reads the INI syntax; this file knows [run] and hands
 * every other section to its experiment kind. A line-counting reader wrapped
 * around libinih gives every message its line, sees section headers (also
 * empty ones) and refuses lines longer than libinih's buffer instead of
 * letting them be cut.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "allocbench.h"
#include "sizes.h"
#include "util.h"

const struct experiment_kind *const experiment_kinds[] = {
	&exp_latency,
	/* access latency (issue 4) */
	&exp_access,
	&exp_mapping,
	/* limits and fragmentation (issue 3) */
	&exp_probe,
	&exp_frag,
	&exp_overhead,
	/* user-space access, run on the host by `allocbench uaccess -c` */
	&exp_uaccess,
	NULL,
};

const char *const config_run_keys[] = {
	"name", "cpu", "seed", "repeat", "warmup", "iterations", "min_samples",
	"time_budget_ms", "batch", "batch_below_ns", "cmdline", "memory",
	"mem_cap_percent", NULL,
};

#define READ_BUF	4096	/* our reader's own limit on a line */

struct seen_key {
	int sec;		/* -1 for [run] */
	int line;
	char key[64];
};

struct parse_state {
	struct config *cfg;
	FILE *f;
	int line;		/* line the reader returned last */
	int at_bol;		/* next read starts a new line */
	int cur;		/* current section: -2 none, -1 [run], else index */
	int err_line;		/* first error of ours, 0 if none */
	char err[CFG_ERR_LEN];
	struct seen_key *seen;
	size_t nseen, capseen;
	char *linebuf;
};

static void AB_PRINTF(3, 4) set_err(struct parse_state *ps, int line, const char *fmt, ...)
{
	va_list ap;

	if (ps->err_line)
		return;
	ps->err_line = line > 0 ? line : 1;
	va_start(ap, fmt);
	vsnprintf(ps->err, sizeof(ps->err), fmt, ap);
	va_end(ap);
}

static void run_defaults(struct run_config *r, const char *path)
{
	const char *base = strrchr(path, '/');
	size_t n;

	memset(r, 0, sizeof(*r));
	base = base ? base + 1 : path;
	snprintf(r->name, sizeof(r->name), "%s", base);
	n = strlen(r->name);
	if (n > 5 && !strcmp(r->name + n - 5, ".conf"))
		r->name[n - 5] = '\0';
	r->cpu = 0;
	r->seed = 1;
	r->repeat = 1;
	r->warmup = 200;
	r->iterations = 1000;
	r->min_samples = 5;
	r->time_budget_ms = 100;
	r->batch = 64;
	r->batch_below_ns = 1000;
	r->cmdline[0] = '\0';
	r->memory = 1ULL << 30;
	r->mem_cap_percent = 50;
}

static int valid_label(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-' && *s != '.')
			return 0;
	return 1;
}

/* A section header line seen by the reader: "[name]" or "[name LABEL]". */
static void begin_section(struct parse_state *ps, const char *text)
{
	struct config *cfg = ps->cfg;
	char name[96], word[96], label[96], extra[96];
	const struct experiment_kind *kind = NULL;
	int kidx = -1, nw;
	struct section *s;

	snprintf(name, sizeof(name), "%s", text);
	nw = sscanf(name, "%95s %95s %95s", word, label, extra);
	if (nw <= 0) {
		set_err(ps, ps->line, "empty section name []");
		return;
	}
	if (!strcmp(word, "run")) {
		if (nw != 1) {
			set_err(ps, ps->line, "bad section name [%s]: [run] takes no label", name);
			return;
		}
		if (cfg->run.line) {
			set_err(ps, ps->line, "duplicate section [run] (first at line %d)", cfg->run.line);
			return;
		}
		cfg->run.line = ps->line;
		ps->cur = -1;
		return;
	}
	for (int i = 0; experiment_kinds[i]; i++)
		if (!strcmp(experiment_kinds[i]->name, word)) {
			kind = experiment_kinds[i];
			kidx = i;
		}
	if (!kind) {
		char known[256] = "run";
		size_t o = strlen(known);

		for (int i = 0; experiment_kinds[i]; i++)
			o += (size_t)snprintf(known + o, sizeof(known) - o, ", %s",
					      experiment_kinds[i]->name);
		set_err(ps, ps->line, "unknown section [%s] (known: %s)", name, known);
		return;
	}
	if (nw == 3 || (nw == 2 && !valid_label(label))) {
		set_err(ps, ps->line, "bad section name [%s]: expected [%s] or [%s LABEL] (label: letters, digits, _ - .)",
			name, kind->name, kind->name);
		return;
	}
	if (nw == 1)
		label[0] = '\0';
	for (size_t i = 0; i < cfg->nsec; i++)
		if (cfg->sec[i].kind == kind && !strcmp(cfg->sec[i].label, label)) {
			set_err(ps, ps->line, "duplicate section [%s] (first at line %d)",
				cfg->sec[i].title, cfg->sec[i].line);
			return;
		}
	s = realloc(cfg->sec, (cfg->nsec + 1) * sizeof(*s));
	if (!s) {
		set_err(ps, ps->line, "out of memory");
		return;
	}
	cfg->sec = s;
	s = &cfg->sec[cfg->nsec];
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->kind_idx = kidx;
	s->line = ps->line;
	snprintf(s->label, sizeof(s->label), "%s", label);
	if (label[0])
		snprintf(s->title, sizeof(s->title), "%s %s", kind->name, label);
	else
		snprintf(s->title, sizeof(s->title), "%s", kind->name);
	s->priv = kind->section_new();
	if (!s->priv) {
		set_err(ps, ps->line, "out of memory");
		return;
	}
	ps->cur = (int)cfg->nsec++;
}

/* ini_reader: fgets that counts lines and watches section headers. */
static char *reader(char *str, int num, void *stream)
{
	struct parse_state *ps = stream;
	char *p;
	size_t n;

	if (ps->err_line)
		return NULL;	/* stop at our first error */
	if (!fgets(ps->linebuf, READ_BUF, ps->f))
		return NULL;
	ps->line++;
	n = strlen(ps->linebuf);
	if (n == READ_BUF - 1 && ps->linebuf[n - 1] != '\n') {
		set_err(ps, ps->line, "line too long (more than %d characters)", READ_BUF - 2);
		return NULL;
	}
	if (n >= (size_t)num) {
		set_err(ps, ps->line, "line too long (more than %d characters)", num - 2);
		return NULL;
	}
	memcpy(str, ps->linebuf, n + 1);
	p = ps->linebuf;
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '[') {
		char *end = strchr(p, ']');

		if (end) {
			*end = '\0';
			begin_section(ps, p + 1);
			if (ps->err_line)
				return NULL;
		}
	}
	return str;
}

/* Duplicate keys: remembered per section. 0 or -1 (error set). */
static int note_key(struct parse_state *ps, const char *key, const char *where)
{
	struct seen_key *k;

	for (size_t i = 0; i < ps->nseen; i++)
		if (ps->seen[i].sec == ps->cur && !strcmp(ps->seen[i].key, key)) {
			set_err(ps, ps->line, "duplicate key '%s' in [%s] (first at line %d)",
				key, where, ps->seen[i].line);
			return -1;
		}
	if (ps->nseen == ps->capseen) {
		size_t nc = ps->capseen ? ps->capseen * 2 : 32;

		k = realloc(ps->seen, nc * sizeof(*k));
		if (!k) {
			set_err(ps, ps->line, "out of memory");
			return -1;
		}
		ps->seen = k;
		ps->capseen = nc;
	}
	k = &ps->seen[ps->nseen++];
	k->sec = ps->cur;
	k->line = ps->line;
	snprintf(k->key, sizeof(k->key), "%s", key);
	return 0;
}

static int run_uint(struct parse_state *ps, const char *key, const char *value,
		    uint64_t lo, uint64_t hi, unsigned *out)
{
	uint64_t v;

	if (parse_u64(value, lo, hi, &v)) {
		set_err(ps, ps->line, "bad number '%s' for %s (expected %" PRIu64 "..%" PRIu64 ")",
			value, key, lo, hi);
		return -1;
	}
	*out = (unsigned)v;
	return 0;
}

static int run_key(struct parse_state *ps, const char *key, const char *value)
{
	struct run_config *r = &ps->cfg->run;
	char msg[CFG_ERR_LEN];

	if (!strcmp(key, "name")) {
		if (!*value || strlen(value) >= sizeof(r->name)) {
			set_err(ps, ps->line, "bad name '%s' (1..%zu characters)", value, sizeof(r->name) - 1);
			return -1;
		}
		snprintf(r->name, sizeof(r->name), "%s", value);
	} else if (!strcmp(key, "cpu")) {
		return run_uint(ps, key, value, 0, CFG_MAX_CPU, &r->cpu);
	} else if (!strcmp(key, "seed")) {
		if (parse_u64(value, 0, UINT64_MAX, &r->seed)) {
			set_err(ps, ps->line, "bad number '%s' for seed (expected 0..%" PRIu64 ")",
				value, UINT64_MAX);
			return -1;
		}
	} else if (!strcmp(key, "repeat")) {
		return run_uint(ps, key, value, 1, CFG_MAX_REPEAT, &r->repeat);
	} else if (!strcmp(key, "warmup")) {
		return run_uint(ps, key, value, 0, ALLOCBENCH_MAX_WARMUP, &r->warmup);
	} else if (!strcmp(key, "iterations")) {
		r->line_iterations = ps->line;
		return run_uint(ps, key, value, 1, CFG_MAX_ITERATIONS, &r->iterations);
	} else if (!strcmp(key, "min_samples")) {
		r->line_min_samples = ps->line;
		return run_uint(ps, key, value, 1, CFG_MAX_ITERATIONS, &r->min_samples);
	} else if (!strcmp(key, "time_budget_ms")) {
		return run_uint(ps, key, value, 1, CFG_MAX_BUDGET_MS, &r->time_budget_ms);
	} else if (!strcmp(key, "batch")) {
		return run_uint(ps, key, value, 1, ALLOCBENCH_MAX_BATCH, &r->batch);
	} else if (!strcmp(key, "batch_below_ns")) {
		return run_uint(ps, key, value, 0, 1000000000, &r->batch_below_ns);
	} else if (!strcmp(key, "cmdline")) {
		if (strlen(value) >= sizeof(r->cmdline)) {
			set_err(ps, ps->line, "cmdline too long (max %zu characters)", sizeof(r->cmdline) - 1);
			return -1;
		}
		snprintf(r->cmdline, sizeof(r->cmdline), "%s", value);
	} else if (!strcmp(key, "memory")) {
		if (size_parse(value, &r->memory, msg, sizeof(msg))) {
			set_err(ps, ps->line, "memory: %s", msg);
			return -1;
		}
		if (r->memory < CFG_MIN_MEMORY || r->memory % (1ULL << 20)) {
			set_err(ps, ps->line, "memory must be a whole number of MiB, at least 64M (got '%s')", value);
			return -1;
		}
	} else if (!strcmp(key, "mem_cap_percent")) {
		return run_uint(ps, key, value, 1, 90, &r->mem_cap_percent);
	} else {
		set_err(ps, ps->line, "unknown key '%s' in [run]", key);
		return -1;
	}
	return 0;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
	struct parse_state *ps = user;
	struct section *s;
	char msg[CFG_ERR_LEN];
	int rc;

	(void)section;	/* ps->cur, set by the reader, is the same section */
	if (!name)	/* INI_CALL_HANDLER_ON_NEW_SECTION builds: the reader saw it */
		return 1;
	if (ps->err_line)
		return 0;
	if (ps->cur == -2) {
		set_err(ps, ps->line, "key '%s' outside a section (start with [run] or [latency])", name);
		return 0;
	}
	if (ps->cur == -1) {
		if (note_key(ps, name, "run"))
			return 0;
		return run_key(ps, name, value) ? 0 : 1;
	}
	s = &ps->cfg->sec[ps->cur];
	if (note_key(ps, name, s->title))
		return 0;
	msg[0] = '\0';
	rc = s->kind->parse_key(s->priv, name, value, ps->line, msg, sizeof(msg));
	if (rc == 1) {
		set_err(ps, ps->line, "unknown key '%s' in [%s]", name, s->title);
		return 0;
	}
	if (rc) {
		set_err(ps, ps->line, "%s", msg);
		return 0;
	}
	return 1;
}

void config_free(struct config *cfg)
{
	for (size_t i = 0; i < cfg->nsec; i++)
		if (cfg->sec[i].priv)
			cfg->sec[i].kind->section_free(cfg->sec[i].priv);
	free(cfg->sec);
	cfg->sec = NULL;
	cfg->nsec = 0;
}

int config_load(const char *path, struct config *cfg, char *err, size_t errlen)
{
	struct parse_state ps;
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	memset(&ps, 0, sizeof(ps));
	snprintf(cfg->path, sizeof(cfg->path), "%s", path);
	run_defaults(&cfg->run, path);
	ps.cfg = cfg;
	ps.cur = -2;
	ps.f = fopen(path, "re");
	if (!ps.f) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	ps.linebuf = malloc(READ_BUF);
	if (!ps.linebuf) {
		fclose(ps.f);
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	rc = ini_parse_stream(reader, &ps, handler, &ps);
	fclose(ps.f);
	free(ps.linebuf);
	free(ps.seen);

	/* libinih's own syntax errors come before ours when they are on an earlier line. */
	if (rc > 0 && (!ps.err_line || rc < ps.err_line)) {
		ps.err_line = 0;
		set_err(&ps, rc, "syntax error: expected '[section]', 'key = value' or a comment");
	} else if (rc < 0 && !ps.err_line) {
		set_err(&ps, ps.line, "out of memory");
	}

	if (!ps.err_line) {
		struct run_config *r = &cfg->run;

		if (r->iterations < r->min_samples) {
			int line = r->line_iterations > r->line_min_samples ?
				   r->line_iterations : r->line_min_samples;

			set_err(&ps, line ? line : r->line,
				"iterations (%u) is below min_samples (%u)", r->iterations, r->min_samples);
		}
	}
	if (!ps.err_line && cfg->nsec == 0)
		set_err(&ps, ps.line ? ps.line : 1,
			"no experiment section: add [latency] (see configs/README.md)");
	for (size_t i = 0; !ps.err_line && i < cfg->nsec; i++) {
		struct section *s = &cfg->sec[i];
		int line = s->line;
		char msg[CFG_ERR_LEN] = "";

		/* finish() sees the sections before it as the config holds them now. */
		size_t saved = cfg->nsec;

		cfg->nsec = i;
		rc = s->kind->finish(cfg, s, msg, sizeof(msg), &line);
		cfg->nsec = saved;
		if (rc)
			set_err(&ps, line, "%s", msg);
	}
	if (ps.err_line) {
		snprintf(err, errlen, "%s:%d: %s", path, ps.err_line, ps.err);
		config_free(cfg);
		return -1;
	}
	return 0;
}

int config_get(const struct config *cfg, const char *key, char *buf, size_t len)
{
	const struct run_config *r = &cfg->run;

	if (!strcmp(key, "name"))
		snprintf(buf, len, "%s", r->name);
	else if (!strcmp(key, "cpu"))
		snprintf(buf, len, "%u", r->cpu);
	else if (!strcmp(key, "seed"))
		snprintf(buf, len, "%" PRIu64, r->seed);
	else if (!strcmp(key, "repeat"))
		snprintf(buf, len, "%u", r->repeat);
	else if (!strcmp(key, "warmup"))
		snprintf(buf, len, "%u", r->warmup);
	else if (!strcmp(key, "iterations"))
		snprintf(buf, len, "%u", r->iterations);
	else if (!strcmp(key, "min_samples"))
		snprintf(buf, len, "%u", r->min_samples);
	else if (!strcmp(key, "time_budget_ms"))
		snprintf(buf, len, "%u", r->time_budget_ms);
	else if (!strcmp(key, "batch"))
		snprintf(buf, len, "%u", r->batch);
	else if (!strcmp(key, "batch_below_ns"))
		snprintf(buf, len, "%u", r->batch_below_ns);
	else if (!strcmp(key, "cmdline"))
		snprintf(buf, len, "%s", r->cmdline);
	else if (!strcmp(key, "memory"))	/* MiB with a suffix: what qemu -m takes */
		snprintf(buf, len, "%" PRIu64 "M", r->memory >> 20);
	else if (!strcmp(key, "mem_cap_percent"))
		snprintf(buf, len, "%u", r->mem_cap_percent);
	else
		return -1;
	return 0;
}
