// SPDX-License-Identifier: GPL-2.0
/*
 * Config files: libinih reads the INI syntax; this file knows [run] (its keys:
 * config_run_keys[]) and parses every other section through its experiment
 * kind's key table (config_keys.h). A line-counting reader wrapped
 * around libinih gives every message its line, sees section headers (also
 * empty ones), refuses text after a header (libinih ignores it), NUL bytes
 * and lines longer than libinih's buffer instead of letting them be cut.
 *
 * Loading stays linear in the number of sections: duplicate sections are
 * found through a hash table, duplicate keys are looked up among the current
 * section's keys only, and kinds that compare sections with each other get an
 * index built once (experiment_kind.finish_index_new).
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
#include "config_keys.h"
#include "sizes.h"
#include "util.h"

const struct experiment_kind *const experiment_kinds[] = {
	&exp_latency,
	/* access latency */
	&exp_access,
	&exp_mapping,
	/* limits and fragmentation */
	&exp_probe,
	&exp_frag,
	&exp_overhead,
	/* the vmalloc address range: exp_vspace.c */
	&exp_vspace,
	/* many CPUs at once: exp_scale.c */
	&exp_scale,
	/* user-space access, run on the host by `allocbench uaccess -c` */
	&exp_uaccess,
	/* deep dives, run by `allocbench perf -c` */
	&exp_perf,
	NULL,
};

static int parse_run_name(const struct cfg_key *k, void *obj, const char *value, int line,
			  char *err, size_t errlen)
{
	struct run_config *r = obj;

	(void)k;
	(void)line;
	if (!*value || strlen(value) >= sizeof(r->name)) {
		snprintf(err, errlen, "bad name '%s' (1..%zu characters)", value, sizeof(r->name) - 1);
		return -1;
	}
	snprintf(r->name, sizeof(r->name), "%s", value);
	return 0;
}

static int parse_memory(const struct cfg_key *k, void *obj, const char *value, int line,
			char *err, size_t errlen)
{
	struct run_config *r = obj;
	char msg[CFG_ERR_LEN - 16];

	(void)k;
	(void)line;
	if (size_parse(value, &r->memory, msg, sizeof(msg))) {
		snprintf(err, errlen, "memory: %s", msg);
		return -1;
	}
	if (r->memory < CFG_MIN_MEMORY || r->memory % (1ULL << 20)) {
		snprintf(err, errlen, "memory must be a whole number of MiB, at least 64M (got '%s')", value);
		return -1;
	}
	return 0;
}

/* MiB with a suffix: what qemu -m takes. */
static void format_memory(const struct cfg_key *k, const void *obj, char *buf, size_t len)
{
	const struct run_config *r = obj;

	(void)k;
	snprintf(buf, len, "%" PRIu64 "M", r->memory >> 20);
}

#define RUN_NUM(member, lo, hi)	CFG_NUMBER(struct run_config, member, lo, hi)

const struct cfg_key config_run_keys[] = {
	{ .name = "name", .type = CFG_STRING, CFG_FIELD(struct run_config, name), .parse = parse_run_name,
	  .help = "label of the run, recorded in meta.csv (default: the file name)" },
	{ .name = "cpu", RUN_NUM(cpu, 0, CFG_MAX_CPU), .def = "0",
	  .help = "CPU the runner pins itself to" },
	{ .name = "seed", RUN_NUM(seed, 0, UINT64_MAX), .def = "1",
	  .help = "seed of the shuffled order (and of anything random)" },
	{ .name = "repeat", RUN_NUM(repeat, 1, CFG_MAX_REPEAT), .def = "1",
	  .help = "the whole plan is run this many times, each in a new order" },
	{ .name = "warmup", RUN_NUM(warmup, 0, ALLOCBENCH_MAX_WARMUP), .def = "200",
	  .help = "untimed operations before every timed series" },
	{ .name = "iterations", RUN_NUM(iterations, 1, CFG_MAX_ITERATIONS), .def = "1000",
	  CFG_LINE(struct run_config, line_iterations), .help = "upper bound of samples per point" },
	{ .name = "min_samples", RUN_NUM(min_samples, 1, CFG_MAX_ITERATIONS), .def = "5",
	  CFG_LINE(struct run_config, line_min_samples), .help = "lower bound of samples per point" },
	{ .name = "time_budget_ms", RUN_NUM(time_budget_ms, 1, CFG_MAX_BUDGET_MS), .def = "100",
	  .help = "time budget per point" },
	{ .name = "batch", RUN_NUM(batch, 1, ALLOCBENCH_MAX_BATCH), .def = "64",
	  .help = "operations per sample of the batch-timed series" },
	{ .name = "batch_below_ns", RUN_NUM(batch_below_ns, 0, 1000000000), .def = "1000",
	  .help = "a batch series is added where the per-op median is below this" },
	{ .name = "subseries", RUN_NUM(subseries, 1, CFG_MAX_SUBSERIES), .def = "6",
	  .help = "sub-series per latency point and repeat, spread over the run" },
	{ .name = "cmdline", .type = CFG_STRING, CFG_FIELD(struct run_config, cmdline),
	  .help = "vm target: extra kernel command line" },
	{ .name = "memory", .type = CFG_CUSTOM, CFG_FIELD(struct run_config, memory), .def = "1G",
	  .parse = parse_memory, .format = format_memory,
	  .help = "vm target: guest memory (whole MiB, 64M at least)" },
	{ .name = "mem_cap_percent", RUN_NUM(mem_cap_percent, 1, 90), .def = "50",
	  .help = "no point may hold more than this share of MemAvailable" },
	{ .name = "smp", RUN_NUM(smp, 1, CFG_MAX_SMP), .def = "2",
	  .help = "vm target: guest CPUs (qemu -smp)" },
};
const size_t config_run_nkeys = ARRAY_SIZE(config_run_keys);

#define READ_BUF	4096	/* our reader's own limit on a line */

unsigned long config_check_steps;

/* A key of the current section (sections cannot repeat, so earlier ones need not be kept). */
struct seen_key {
	int line;
	char key[64];
};

/* Sections by (kind, label), so that finding a duplicate does not walk all earlier ones. */
struct section_table {
	size_t *slot;		/* 1 + index into cfg->sec; 0 = empty */
	size_t cap;		/* power of two, more than twice the sections */
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
	size_t capsec;		/* allocated entries of cfg->sec */
	struct section_table table;
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

static void run_defaults(struct parse_state *ps, const char *path)
{
	struct run_config *r = &ps->cfg->run;
	const char *base = strrchr(path, '/');
	char msg[CFG_ERR_LEN];
	size_t n;

	memset(r, 0, sizeof(*r));
	if (cfg_keys_defaults(config_run_keys, config_run_nkeys, r, msg, sizeof(msg)))
		set_err(ps, 1, "[run] %s", msg);
	base = base ? base + 1 : path;
	snprintf(r->name, sizeof(r->name), "%s", base);
	n = strlen(r->name);
	if (n > 5 && !strcmp(r->name + n - 5, ".conf"))
		r->name[n - 5] = '\0';
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

static size_t section_hash(int kind_idx, const char *label)
{
	size_t h = 14695981039346656037ULL ^ (size_t)kind_idx;	/* FNV-1a */

	for (; *label; label++)
		h = (h ^ (unsigned char)*label) * 1099511628211ULL;
	return h;
}

/* The section with this kind and label, or NULL. */
static const struct section *table_find(struct parse_state *ps, int kind_idx, const char *label)
{
	const struct section_table *t = &ps->table;
	size_t i;

	if (!t->cap)
		return NULL;
	for (i = section_hash(kind_idx, label) & (t->cap - 1); t->slot[i]; i = (i + 1) & (t->cap - 1)) {
		const struct section *s = &ps->cfg->sec[t->slot[i] - 1];

		config_check_steps++;
		if (s->kind_idx == kind_idx && !strcmp(s->label, label))
			return s;
	}
	return NULL;
}

static void table_put(struct section_table *t, const struct section *sec, size_t idx)
{
	size_t i = section_hash(sec->kind_idx, sec->label) & (t->cap - 1);

	while (t->slot[i])
		i = (i + 1) & (t->cap - 1);
	t->slot[i] = idx + 1;
}

/* Adds cfg->sec[idx], growing the table when it is half full. 0 or -1 (ENOMEM). */
static int table_add(struct parse_state *ps, size_t idx)
{
	struct section_table *t = &ps->table;

	if ((idx + 1) * 2 >= t->cap) {
		size_t nc = t->cap ? t->cap * 2 : 64;
		size_t *ns = calloc(nc, sizeof(*ns));

		if (!ns)
			return -1;
		free(t->slot);
		t->slot = ns;
		t->cap = nc;
		for (size_t i = 0; i < idx; i++)
			table_put(t, &ps->cfg->sec[i], i);
	}
	table_put(t, &ps->cfg->sec[idx], idx);
	return 0;
}

/* A new section entry in cfg->sec (capacity doubles, so n sections cost O(n) copies). */
static struct section *section_append(struct parse_state *ps)
{
	struct config *cfg = ps->cfg;
	struct section *s;

	if (cfg->nsec == ps->capsec) {
		size_t nc = ps->capsec ? ps->capsec * 2 : 8;

		s = realloc(cfg->sec, nc * sizeof(*s));
		if (!s)
			return NULL;
		cfg->sec = s;
		ps->capsec = nc;
	}
	s = &cfg->sec[cfg->nsec];
	memset(s, 0, sizeof(*s));
	return s;
}

static void begin_run(struct parse_state *ps, int nw, const char *name)
{
	struct config *cfg = ps->cfg;

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
}

static int kind_index(const char *name)
{
	for (int i = 0; experiment_kinds[i]; i++)
		if (!strcmp(experiment_kinds[i]->name, name))
			return i;
	return -1;
}

static void unknown_section(struct parse_state *ps, const char *name)
{
	char known[256] = "run";
	size_t o = strlen(known);

	for (int i = 0; experiment_kinds[i]; i++)
		o += (size_t)snprintf(known + o, sizeof(known) - o, ", %s", experiment_kinds[i]->name);
	set_err(ps, ps->line, "unknown section [%s] (known: %s)", name, known);
}

/* A new section's struct: zeroed, then its kind's defaults. */
static void *section_new(struct parse_state *ps, const struct experiment_kind *kind)
{
	void *priv = calloc(1, kind->section_size);
	char msg[CFG_ERR_LEN];

	if (priv && cfg_keys_defaults(kind->keys, kind->nkeys, priv, msg, sizeof(msg)))
		set_err(ps, ps->line, "[%s] %s", kind->name, msg);
	return priv;
}

static void section_free(const struct experiment_kind *kind, void *priv)
{
	if (kind->section_release)
		kind->section_release(priv);
	cfg_keys_release(kind->keys, kind->nkeys, priv);
	free(priv);
}

/* [kind] or [kind LABEL], already checked: a new section, unless it repeats one. */
static void add_section(struct parse_state *ps, int kidx, const char *label)
{
	const struct experiment_kind *kind = experiment_kinds[kidx];
	const struct section *dup = table_find(ps, kidx, label);
	struct section *s;

	if (dup) {
		set_err(ps, ps->line, "duplicate section [%s] (first at line %d)", dup->title, dup->line);
		return;
	}
	s = section_append(ps);
	if (!s) {
		set_err(ps, ps->line, "out of memory");
		return;
	}
	s->kind = kind;
	s->kind_idx = kidx;
	s->line = ps->line;
	/* begin_section() checked that the label fits: the precision only tells the compiler. */
	snprintf(s->label, sizeof(s->label), "%.*s", (int)sizeof(s->label) - 1, label);
	if (label[0])
		snprintf(s->title, sizeof(s->title), "%s %s", kind->name, s->label);
	else
		snprintf(s->title, sizeof(s->title), "%s", kind->name);
	s->priv = section_new(ps, kind);
	/* Counted before the checks below so that config_free() frees priv on error. */
	ps->cfg->nsec++;
	if (!s->priv || table_add(ps, ps->cfg->nsec - 1)) {
		set_err(ps, ps->line, "out of memory");
		return;
	}
	ps->cur = (int)ps->cfg->nsec - 1;
}

/* The text between '[' and ']' of a header line: "name" or "name LABEL". */
static void begin_section(struct parse_state *ps, const char *text)
{
	char name[96], word[96], label[96], extra[96];
	int kidx, nw;

	ps->nseen = 0;	/* duplicate keys are per section */
	snprintf(name, sizeof(name), "%s", text);
	nw = sscanf(name, "%95s %95s %95s", word, label, extra);
	if (nw <= 0) {
		set_err(ps, ps->line, "empty section name []");
		return;
	}
	if (!strcmp(word, "run")) {
		begin_run(ps, nw, name);
		return;
	}
	kidx = kind_index(word);
	if (kidx < 0) {
		unknown_section(ps, name);
		return;
	}
	if (nw == 3 || (nw == 2 && !valid_label(label))) {
		set_err(ps, ps->line, "bad section name [%s]: expected [%s] or [%s LABEL] (label: letters, digits, _ - .)",
			name, word, word);
		return;
	}
	if (nw == 2 && strlen(label) >= CFG_LABEL_LEN) {
		set_err(ps, ps->line, "bad section name [%s]: label longer than %d characters",
			name, CFG_LABEL_LEN - 1);
		return;
	}
	add_section(ps, kidx, nw == 1 ? "" : label);
}

/*
 * A line that starts with '[' (after blanks). libinih takes the name up to
 * the first ']' and ignores the rest of the line, so "[latency] sizes = 64M"
 * would silently plan the default sizes: only blanks or a comment may follow.
 */
static void see_header(struct parse_state *ps, char *open)
{
	char *close = strchr(open, ']'), *rest, *end;

	if (!close)
		return;		/* libinih reports the syntax error */
	for (rest = close + 1; isspace((unsigned char)*rest); rest++)
		;
	if (*rest && *rest != ';' && *rest != '#') {
		for (end = rest + strlen(rest); end > rest && isspace((unsigned char)end[-1]); end--)
			;
		set_err(ps, ps->line, "unexpected text after [%.*s]: '%.*s' (a section header stands alone on its line)",
			(int)(close - open - 1), open + 1, (int)(end - rest), rest);
		return;
	}
	*close = '\0';
	begin_section(ps, open + 1);
}

/*
 * Reads one physical line into ps->linebuf, of at most max characters
 * before its newline. getc, not fgets: fgets hides a NUL byte and what
 * follows it, and splits a long line into two. 1, 0 at the end of the
 * file, or -1 with the error set.
 */
static int read_raw_line(struct parse_state *ps, size_t max)
{
	size_t n = 0;
	int c = getc(ps->f);

	if (c == EOF) {
		if (ferror(ps->f))
			set_err(ps, ps->line + 1, "read error: %s", strerror(errno));
		return ferror(ps->f) ? -1 : 0;
	}
	ps->line++;
	for (; c != EOF && c != '\n'; c = getc(ps->f)) {
		if (c == '\0') {
			set_err(ps, ps->line, "NUL byte at column %zu (a config file is text)", n + 1);
			return -1;
		}
		if (n == max) {
			set_err(ps, ps->line, "line too long (more than %zu characters)", max);
			return -1;
		}
		ps->linebuf[n++] = (char)c;
	}
	if (c == EOF && ferror(ps->f)) {
		set_err(ps, ps->line, "read error: %s", strerror(errno));
		return -1;
	}
	if (c == '\n')
		ps->linebuf[n++] = '\n';
	ps->linebuf[n] = '\0';
	return 1;
}

/* ini_reader: one line at a time, counted, with its section headers seen here first. */
static char *reader(char *str, int num, void *stream)
{
	struct parse_state *ps = stream;
	/* Room for the newline and the NUL in both buffers. */
	size_t max = (size_t)(num < READ_BUF ? num : READ_BUF) - 2;
	char *p;

	if (ps->err_line)
		return NULL;	/* stop at our first error */
	if (read_raw_line(ps, max) <= 0)
		return NULL;
	memcpy(str, ps->linebuf, strlen(ps->linebuf) + 1);
	p = ps->linebuf;
	if (ps->line == 1 && !strncmp(p, "\xEF\xBB\xBF", 3))
		p += 3;		/* a UTF-8 byte order mark, which libinih skips too */
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '[') {
		see_header(ps, p);
		if (ps->err_line)
			return NULL;
	}
	return str;
}

/* Duplicate keys, among the current section's keys. 0 or -1 (error set). */
static int note_key(struct parse_state *ps, const char *key, const char *where)
{
	struct seen_key *k;

	for (size_t i = 0; i < ps->nseen; i++) {
		config_check_steps++;
		if (!strcmp(ps->seen[i].key, key)) {
			set_err(ps, ps->line, "duplicate key '%s' in [%s] (first at line %d)",
				key, where, ps->seen[i].line);
			return -1;
		}
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
	k->line = ps->line;
	snprintf(k->key, sizeof(k->key), "%s", key);
	return 0;
}

/* One key = value of the current section. 0 or -1 (error set). */
static int section_key(struct parse_state *ps, const struct cfg_key *keys, size_t nkeys, void *obj,
		       const char *title, const char *key, const char *value)
{
	const struct cfg_key *k = cfg_key_find(keys, nkeys, key);
	char msg[CFG_ERR_LEN] = "";

	if (!k) {
		set_err(ps, ps->line, "unknown key '%s' in [%s]", key, title);
		return -1;
	}
	if (cfg_key_parse(k, obj, value, ps->line, msg, sizeof(msg))) {
		set_err(ps, ps->line, "%s", msg);
		return -1;
	}
	return 0;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
	struct parse_state *ps = user;
	struct section *s;

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
		return section_key(ps, config_run_keys, config_run_nkeys, &ps->cfg->run, "run",
				   name, value) ? 0 : 1;
	}
	s = &ps->cfg->sec[ps->cur];
	if (note_key(ps, name, s->title))
		return 0;
	return section_key(ps, s->kind->keys, s->kind->nkeys, s->priv, s->title, name, value) ? 0 : 1;
}

void config_free(struct config *cfg)
{
	for (size_t i = 0; i < cfg->nsec; i++)
		if (cfg->sec[i].priv)
			section_free(cfg->sec[i].kind, cfg->sec[i].priv);
	free(cfg->sec);
	cfg->sec = NULL;
	cfg->nsec = 0;
}

/*
 * Every section's finish() in file order, each seeing the sections before it
 * as the config holds them then; the first error stops.
 */
static void finish_sections(struct parse_state *ps)
{
	struct config *cfg = ps->cfg;
	void *index[EXP_MAX_KINDS] = { NULL };
	size_t nsec = cfg->nsec;

	for (int k = 0; experiment_kinds[k]; k++)
		if (experiment_kinds[k]->finish_index_new) {
			index[k] = experiment_kinds[k]->finish_index_new(cfg);
			if (!index[k])
				set_err(ps, ps->line, "out of memory");
		}
	for (size_t i = 0; !ps->err_line && i < nsec; i++) {
		struct section *s = &cfg->sec[i];
		int line = s->line;
		char msg[CFG_ERR_LEN] = "";

		cfg->nsec = i;
		if (s->kind->finish(cfg, s, index[s->kind_idx], msg, sizeof(msg), &line))
			set_err(ps, line, "%s", msg);
	}
	cfg->nsec = nsec;
	for (int k = 0; experiment_kinds[k]; k++)
		if (index[k])
			experiment_kinds[k]->finish_index_free(index[k]);
}

int config_load(const char *path, struct config *cfg, char *err, size_t errlen)
{
	struct parse_state ps;
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	memset(&ps, 0, sizeof(ps));
	snprintf(cfg->path, sizeof(cfg->path), "%s", path);
	ps.cfg = cfg;
	run_defaults(&ps, path);
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
	free(ps.table.slot);

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
	if (!ps.err_line)
		finish_sections(&ps);
	if (ps.err_line) {
		snprintf(err, errlen, "%s:%d: %s", path, ps.err_line, ps.err);
		config_free(cfg);
		return -1;
	}
	return 0;
}

int config_get(const struct config *cfg, const char *key, char *buf, size_t len)
{
	const struct cfg_key *k = cfg_key_find(config_run_keys, config_run_nkeys, key);

	return k ? cfg_key_format(k, &cfg->run, buf, len) : -1;
}

int config_over_mem_cap(const struct run_config *rc, uint64_t bytes, uint64_t count)
{
	uint64_t avail = mem_available_bytes();

	if (!avail)
		return 0;
	if (count && bytes > UINT64_MAX / count)
		return 1;
	return (double)(bytes * count) > (double)avail * rc->mem_cap_percent / 100.0;
}
