// SPDX-License-Identifier: GPL-2.0
/*
 * Seeded, reproducible fuzzer of the runner's input parsers.
 *
 *   fuzz config RUNNER SEED N KEEP FILE.conf...   mutated configs -> RUNNER check -c FILE
 *   fuzz report RUNNER SEED N KEEP RUNDIR...      damaged result folders -> RUNNER report DIR
 *
 * Input i is made from seed file i % count with a generator seeded from
 * (SEED, i) alone, so `fuzz config RUNNER SEED 1 KEEP --only I FILES` (or
 * any N above I) makes the same input again. Every input must be accepted
 * (exit 0) or rejected with the runner's exit code and a message that names
 * the file and line ("FILE:LINE: ...", or "FILE: ..." when the file cannot be
 * read); anything else (a signal, a sanitizer report, another exit code, a
 * message without its place, a hang) is a failure: the input is kept in KEEP
 * and the command to reproduce it is printed.
 *
 * The last line is "fuzz TARGET: N inputs, A accepted, R rejected, F failed".
 * FUZZ_VERBOSE=1 in the environment prints how every input ended.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define EXIT_CONFIG_ERROR	2	/* the runner's EXIT_USAGE: bad config */
#define EXIT_REPORT_ERROR	1	/* the runner's EXIT_FAILURE_RUN: report failed */
#define RUN_TIMEOUT_S		60	/* one input; ASan's slowest legit input is far below */
#define MAX_SEEDS		64

/* ---- deterministic generator (splitmix64): same seed, same inputs, on any libc ---- */

struct rng {
	uint64_t s;
};

static uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* Uniform enough in [0, n) for a fuzzer; n > 0. */
static size_t below(struct rng *r, size_t n)
{
	return (size_t)(rng_next(r) % n);
}

#define PICK(r, arr) ((arr)[below((r), sizeof(arr) / sizeof((arr)[0]))])

/* ---- a growable byte buffer (NUL bytes are data) ---- */

struct buf {
	char *p;
	size_t n, cap;
};

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("fuzz: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

static void buf_reserve(struct buf *b, size_t extra)
{
	if (b->n + extra + 1 <= b->cap)
		return;
	b->cap = (b->n + extra + 1) * 2;
	b->p = realloc(b->p, b->cap);
	if (!b->p)
		die("out of memory");
}

static void buf_insert(struct buf *b, size_t at, const char *s, size_t len)
{
	buf_reserve(b, len);
	memmove(b->p + at + len, b->p + at, b->n - at);
	memcpy(b->p + at, s, len);
	b->n += len;
}

static void buf_erase(struct buf *b, size_t at, size_t len)
{
	memmove(b->p + at, b->p + at + len, b->n - at - len);
	b->n -= len;
}

static void buf_insert_str(struct buf *b, size_t at, const char *s)
{
	buf_insert(b, at, s, strlen(s));
}

static int read_file(const char *path, struct buf *b)
{
	FILE *f = fopen(path, "rb");
	char chunk[65536];
	size_t got;

	memset(b, 0, sizeof(*b));
	if (!f)
		return -1;
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_insert(b, b->n, chunk, got);
	fclose(f);
	buf_reserve(b, 0);
	return 0;
}

static void write_file(const char *path, const struct buf *b)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(b->p, 1, b->n, f) != b->n || fclose(f))
		die("cannot write %s: %s", path, strerror(errno));
}

/* ---- positions in the text ---- */

static size_t count_lines(const struct buf *b)
{
	size_t n = 0;

	for (size_t i = 0; i < b->n; i++)
		n += b->p[i] == '\n';
	return n + (b->n && b->p[b->n - 1] != '\n');
}

/* Start of a random line (0 .. n), so that inserted lines stay lines. */
static size_t line_start(struct rng *r, const struct buf *b)
{
	size_t at = below(r, b->n + 1);

	while (at > 0 && b->p[at - 1] != '\n')
		at--;
	return at;
}

static size_t line_end(const struct buf *b, size_t at)
{
	while (at < b->n && b->p[at] != '\n')
		at++;
	return at < b->n ? at + 1 : at;
}

/* A random run of digits: its start in *at and length, or 0 if there is none. */
static size_t find_number(struct rng *r, const struct buf *b, size_t *at)
{
	size_t start = below(r, b->n + 1);

	for (size_t k = 0; k < b->n; k++) {
		size_t i = (start + k) % b->n, j = i;

		if (!isdigit((unsigned char)b->p[i]) || (i && isdigit((unsigned char)b->p[i - 1])))
			continue;
		while (j < b->n && isdigit((unsigned char)b->p[j]))
			j++;
		*at = i;
		return j - i;
	}
	return 0;
}

/* ---- config mutations ---- */

static const char *const kinds[] = {
	"run", "latency", "access", "mapping", "probe", "frag", "overhead", "uaccess",
	"latnecy", "", " ", "run run", "latency a b", "latency ]", "[latency", "latency\t x",
};

static const char *const keys[] = {
	"name", "cpu", "seed", "repeat", "warmup", "iterations", "min_samples", "time_budget_ms",
	"batch", "batch_below_ns", "cmdline", "memory", "mem_cap_percent", "allocators", "ops",
	"gfp", "sizes", "burst", "touch", "layouts", "passes", "min_steps", "pmu", "percent",
	"keep_order", "attempts", "count", "granularity", "backing", "nonsense", "", "=",
};

static const char *const values[] = {
	"0", "1", "-1", "18446744073709551615", "18446744073709551616", "99999999999999999999999",
	"4294967296", "2147483648", "1e9", "0x10", "", " ", "all", "none", "kmalloc", "kmalloc,",
	",", "8..4M x2", "8..4M x1", "4M..8", "1..1G +1", "1..18446744073709551615 x2", "0",
	"64M", "16E", "1T", "4Q", "yes", "maybe", "alloc, free, pair, burst", "kernel, atomic",
	"page, line", "4k, thp, hugetlb", "\"quoted\"", "a = b", "; comment", "x2", "+4K",
};

static const char *const numbers[] = {
	"18446744073709551615", "18446744073709551616", "99999999999999999999999999", "-1", "0",
	"4294967295", "4294967296", "2147483648", "1e9", "0x10", " 12 34", "", "00000000000000000001",
	"9223372036854775808", "1.5", "+5",
};

static const char *const units[] = {
	"Q", "KB", "k", "Mi", "G G", "T", "E", "P", "K K", "..", "x", "x0", "+0", "..1", "x1",
	"M..", "..8 x2", "kK", "\xc2\xb5", "B",
};

static void m_flip_bits(struct rng *r, struct buf *b)
{
	for (size_t k = 1 + below(r, 8); k && b->n; k--)
		b->p[below(r, b->n)] ^= (char)(1U << below(r, 8));
}

static void m_insert_nul(struct rng *r, struct buf *b)
{
	buf_insert(b, below(r, b->n + 1), "", 1);
}

static void m_long_line(struct rng *r, struct buf *b)
{
	static const size_t lens[] = { 197, 198, 199, 200, 201, 4093, 4094, 4095, 4096, 5000, 9000 };
	static const char *const starts[] = { "; ", "sizes = 8", "name = ", "[latency ", "", "x" };
	size_t len = below(r, 4) ? PICK(r, lens) : 1 + below(r, 12000);
	const char *start = PICK(r, starts);
	char *line = malloc(len + 2);
	size_t n = strlen(start) < len ? strlen(start) : len;

	if (!line)
		die("out of memory");
	memcpy(line, start, n);
	memset(line + n, below(r, 2) ? 'x' : ' ', len - n);
	if (below(r, 4) == 0)
		line[below(r, len)] = '\0';	/* a NUL that fgets would have hidden */
	line[len] = '\n';
	buf_insert(b, line_start(r, b), line, len + (below(r, 8) ? 1 : 0));
	free(line);
}

/* Copies one section (header to the next header) somewhere else: a duplicate. */
static void m_dup_section(struct rng *r, struct buf *b)
{
	size_t hdr[256], nh = 0, from, to;
	char *copy;

	for (size_t i = 0; i < b->n && nh < 256; i = line_end(b, i))
		if (b->p[i] == '[')
			hdr[nh++] = i;
	if (!nh)
		return;
	from = hdr[below(r, nh)];
	for (to = line_end(b, from); to < b->n && b->p[to] != '['; to = line_end(b, to))
		;
	copy = malloc(to - from + 1);
	if (!copy)
		die("out of memory");
	memcpy(copy, b->p + from, to - from);
	buf_insert(b, below(r, 2) ? b->n : line_start(r, b), copy, to - from);
	free(copy);
}

static void m_garbage_section(struct rng *r, struct buf *b)
{
	static const char *const tails[] = { "", "", "]", "]]", " sizes = 64M", " garbage", " ; ok",
					     " #ok", "\t", "[x]", " =" };
	char line[256];

	snprintf(line, sizeof(line), "[%s%s%s]%s\n", PICK(r, kinds), below(r, 2) ? " " : "",
		 below(r, 2) ? "lbl" : "", PICK(r, tails));
	buf_insert_str(b, line_start(r, b), line);
}

static void m_truncate(struct rng *r, struct buf *b)
{
	b->n = below(r, b->n + 1);
}

static void m_huge_number(struct rng *r, struct buf *b)
{
	size_t at, len = find_number(r, b, &at);

	if (!len)
		return;
	buf_erase(b, at, len);
	buf_insert_str(b, at, PICK(r, numbers));
}

static void m_bad_unit(struct rng *r, struct buf *b)
{
	size_t at, len = find_number(r, b, &at), end;

	if (!len)
		return;
	end = at + len;
	if (end < b->n && isalpha((unsigned char)b->p[end]) && below(r, 2))
		buf_erase(b, end, 1);	/* replace the suffix rather than add one */
	buf_insert_str(b, end, PICK(r, units));
}

static void m_delete_line(struct rng *r, struct buf *b)
{
	size_t at = line_start(r, b);

	buf_erase(b, at, line_end(b, at) - at);
}

static void m_dup_line(struct rng *r, struct buf *b)
{
	size_t at = line_start(r, b), len = line_end(b, at) - at;
	char *copy = malloc(len + 1);

	if (!copy)
		die("out of memory");
	memcpy(copy, b->p + at, len);
	buf_insert(b, line_start(r, b), copy, len);
	free(copy);
}

static void m_random_bytes(struct rng *r, struct buf *b)
{
	char bytes[16];
	size_t n = 1 + below(r, sizeof(bytes));

	for (size_t i = 0; i < n; i++)
		bytes[i] = (char)rng_next(r);
	buf_insert(b, below(r, b->n + 1), bytes, n);
}

static void m_insert_key(struct rng *r, struct buf *b)
{
	char line[512];

	snprintf(line, sizeof(line), "%s%s%s%s\n", below(r, 8) ? "" : "  ", PICK(r, keys),
		 below(r, 6) ? " = " : (below(r, 2) ? " : " : " "), PICK(r, values));
	buf_insert_str(b, line_start(r, b), line);
}

/* Many [latency] sections of their own sizes: load cost must stay linear. */
static void m_many_sections(struct rng *r, struct buf *b)
{
	size_t n = 50 + below(r, 1500);
	char line[128];

	for (size_t i = 0; i < n; i++) {
		snprintf(line, sizeof(line), "[latency f%zu]\nallocators = kmalloc\nsizes = %zu\n", i,
			 1000000 + 8 * i);
		buf_insert_str(b, b->n, line);
	}
}

static void m_punctuation(struct rng *r, struct buf *b)
{
	static const char *const marks[] = { "[", "]", "=", ";", "#", ",", "..", "\\", "\"", "\r",
					     "\t", " ", "\n", "\r\n", "\xEF\xBB\xBF", "\xff" };

	buf_insert_str(b, below(r, b->n + 1), PICK(r, marks));
}

/* A leading blank turns a line into libinih's continuation of the previous value. */
static void m_indent(struct rng *r, struct buf *b)
{
	buf_insert_str(b, line_start(r, b), below(r, 2) ? "  " : "\t");
}

typedef void (*mutation_fn)(struct rng *, struct buf *);

static const mutation_fn config_mutations[] = {
	m_flip_bits, m_insert_nul, m_long_line, m_dup_section, m_garbage_section, m_truncate,
	m_huge_number, m_bad_unit, m_delete_line, m_dup_line, m_random_bytes, m_insert_key,
	m_punctuation, m_indent, m_huge_number, m_bad_unit, m_insert_key, m_garbage_section,
};

static void mutate_config(struct rng *r, struct buf *b)
{
	size_t n = 1 + below(r, 4);

	if (below(r, 50) == 0)
		m_many_sections(r, b);
	for (size_t k = 0; k < n; k++)
		PICK(r, config_mutations)(r, b);
}

/* ---- CSV mutations ---- */

/* Field bounds of line [ls, le): the k-th comma-separated field (quotes ignored: it is a fuzzer). */
static int field_bounds(const struct buf *b, size_t ls, size_t le, size_t k, size_t *fs, size_t *fe)
{
	size_t i = ls;

	for (size_t f = 0; f < k; f++) {
		while (i < le && b->p[i] != ',')
			i++;
		if (i >= le)
			return -1;
		i++;
	}
	*fs = i;
	while (i < le && b->p[i] != ',' && b->p[i] != '\n' && b->p[i] != '\r')
		i++;
	*fe = i;
	return 0;
}

static void c_bad_number(struct rng *r, struct buf *b)
{
	static const char *const bad[] = { "abc", "1e999", "-5", "nan", "inf", "-inf", "", " ",
					   "18446744073709551616", "0x1p3", "1,2", "\"", "1.2.3",
					   "99999999999999999999999999999", "-0", "1e-400" };
	size_t ls = line_start(r, b), le = line_end(b, ls), fs, fe;

	if (ls == le || field_bounds(b, ls, le, below(r, 30), &fs, &fe))
		return;
	buf_erase(b, fs, fe - fs);
	buf_insert_str(b, fs, PICK(r, bad));
}

/* Removes field k from every line: a missing column, and the rows still agree with the header. */
static void c_drop_column(struct rng *r, struct buf *b)
{
	size_t k = below(r, 30), ls = 0;

	while (ls < b->n) {
		size_t le = line_end(b, ls), fs, fe;

		if (field_bounds(b, ls, le, k, &fs, &fe) == 0) {
			if (fe < le && b->p[fe] == ',')
				fe++;
			else if (fs > ls)
				fs--;
			buf_erase(b, fs, fe - fs);
			le -= fe - fs;
		}
		ls = le;
	}
}

static void c_rename_header(struct rng *r, struct buf *b)
{
	size_t fs, fe;

	if (field_bounds(b, 0, line_end(b, 0), below(r, 30), &fs, &fe))
		return;
	buf_erase(b, fs, fe - fs);
	buf_insert_str(b, fs, below(r, 2) ? "renamed" : "");
}

static void c_drop_header(struct rng *r, struct buf *b)
{
	(void)r;
	buf_erase(b, 0, line_end(b, 0));
}

static void c_extra_field(struct rng *r, struct buf *b)
{
	size_t ls = line_start(r, b), le = line_end(b, ls);

	if (le > ls && b->p[le - 1] == '\n')
		le--;
	buf_insert_str(b, le, below(r, 2) ? ",extra" : ",");
}

static void c_drop_field(struct rng *r, struct buf *b)
{
	size_t ls = line_start(r, b), le = line_end(b, ls), fs, fe;

	if (field_bounds(b, ls, le, below(r, 30), &fs, &fe))
		return;
	if (fe < le && b->p[fe] == ',')
		fe++;
	buf_erase(b, fs, fe - fs);
}

static void c_many_rows(struct rng *r, struct buf *b)
{
	size_t ls = line_end(b, 0), le = line_end(b, ls), len = le - ls;
	size_t n = 100 + below(r, 3000);
	char *row;

	if (!len)
		return;
	row = malloc(len);
	if (!row)
		die("out of memory");
	memcpy(row, b->p + ls, len);
	for (size_t i = 0; i < n; i++)
		buf_insert(b, ls, row, len);
	free(row);
}

static void c_empty(struct rng *r, struct buf *b)
{
	(void)r;
	b->n = 0;
}

static const mutation_fn csv_mutations[] = {
	m_truncate, m_truncate, c_bad_number, c_bad_number, c_bad_number, c_drop_column,
	c_drop_column, c_rename_header, c_drop_header, c_extra_field, c_drop_field, c_many_rows,
	c_empty, m_flip_bits, m_insert_nul, m_random_bytes, m_dup_line, m_delete_line,
	m_punctuation, m_long_line,
};

/* ---- what a config must not get through with ---- */

/*
 * Longest line the runner takes: libinih's line buffer (200 bytes, Debian's
 * build) less the newline and the NUL (runner/config.c).
 */
#define CONFIG_LONGEST_LINE	198

/* After '[' ... ']' only blanks or a comment (libinih would ignore the rest). */
static int header_with_text(const char *p, const char *end)
{
	const char *close = memchr(p, ']', (size_t)(end - p));

	if (!close)
		return 0;
	for (p = close + 1; p < end && isspace((unsigned char)*p); p++)
		;
	return p < end && *p != ';' && *p != '#';
}

/*
 * Text the runner must refuse whatever else the file holds: a NUL byte, an
 * over-long line, a section header with text after it. NULL or the reason.
 */
static const char *must_reject(const struct buf *b)
{
	for (size_t ls = 0; ls < b->n;) {
		size_t le = line_end(b, ls), len = le - ls - (b->p[le - 1] == '\n');
		const char *p = b->p + ls, *end = p + len;

		if (memchr(p, '\0', len))
			return "a NUL byte";
		if (len > CONFIG_LONGEST_LINE)
			return "a line over 198 characters";
		if (ls == 0 && len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
			p += 3;
		while (p < end && isspace((unsigned char)*p))
			p++;
		if (p < end && *p == '[' && header_with_text(p, end))
			return "text after a section header";
		ls = le;
	}
	return NULL;
}

/* ---- running the runner ---- */

struct outcome {
	int exited, code, sig;
	char err[4096];		/* start of stderr */
};

static void child_exec(char *const argv[], const char *errpath)
{
	int null = open("/dev/null", O_RDWR), err = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	if (null < 0 || err < 0)
		_exit(126);
	dup2(null, STDIN_FILENO);
	dup2(null, STDOUT_FILENO);
	dup2(err, STDERR_FILENO);
	alarm(RUN_TIMEOUT_S);	/* survives exec: a hang ends in SIGALRM */
	execv(argv[0], argv);
	_exit(127);
}

static void run(char *const argv[], const char *errpath, struct outcome *o)
{
	pid_t pid = fork();
	int st;
	FILE *f;
	size_t n = 0;

	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0)
		child_exec(argv, errpath);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			die("waitpid: %s", strerror(errno));
	memset(o, 0, sizeof(*o));
	o->exited = WIFEXITED(st);
	o->code = o->exited ? WEXITSTATUS(st) : -1;
	o->sig = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
	f = fopen(errpath, "rb");
	if (f) {
		n = fread(o->err, 1, sizeof(o->err) - 1, f);
		fclose(f);
	}
	o->err[n] = '\0';
}

static int sanitizer_said_something(const char *err)
{
	return strstr(err, "AddressSanitizer") || strstr(err, "LeakSanitizer") ||
	       strstr(err, "runtime error:") || strstr(err, "UndefinedBehaviorSanitizer");
}

/*
 * msg starts with "PATH:LINE: " (1 <= LINE <= lines + 1) or, when allow_no_line,
 * "PATH: ". Why not in why.
 */
static int names_place(const char *msg, const char *path, size_t lines, int allow_no_line,
		       char *why, size_t whylen)
{
	size_t pl = strlen(path);
	char *end;
	unsigned long line;

	if (strncmp(msg, path, pl) || msg[pl] != ':') {
		snprintf(why, whylen, "message does not start with the file name");
		return 0;
	}
	if (allow_no_line && msg[pl + 1] == ' ')
		return 1;
	line = strtoul(msg + pl + 1, &end, 10);
	if (end == msg + pl + 1 || strncmp(end, ": ", 2)) {
		snprintf(why, whylen, "message has no FILE:LINE: prefix");
		return 0;
	}
	if (line < 1 || line > lines + 1) {
		snprintf(why, whylen, "line %lu outside the file (%zu lines)", line, lines);
		return 0;
	}
	return 1;
}

/* ---- the two targets ---- */

struct target {
	const char *name;
	const char *runner;
	uint64_t seed;
	const char *keep;
	const char *work;
	char *const *seeds;
	int nseeds;
	size_t accepted, rejected, failed;
};

static void seed_rng(struct rng *r, uint64_t seed, size_t i)
{
	r->s = seed ^ (0xA0761D6478BD642FULL * (i + 1));
	rng_next(r);
}

static void keep_input(struct target *t, size_t i, const char *path, const char *why,
		       const struct outcome *o)
{
	char cmd[8192];

	t->failed++;
	printf("FAIL: %s input %zu (from %s): %s\n", t->name, i, t->seeds[i % (size_t)t->nseeds], why);
	if (o->err[0])
		printf("  stderr: %.600s\n", o->err);
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s' && cp -r '%s' '%s/%s-%llu-%zu'", t->keep, path,
		 t->keep, t->name, (unsigned long long)t->seed, i);
	if (system(cmd) == 0)
		printf("  kept as %s/%s-%llu-%zu; again: make -C tests/fuzz %s SEED=%llu ONLY=%zu\n",
		       t->keep, t->name, (unsigned long long)t->seed, i, t->name,
		       (unsigned long long)t->seed, i);
}

/*
 * How the runner ended: NULL when it accepted (exit 0) or rejected with
 * reject_code (*rejected set), else why that is a failure.
 */
static const char *judge_exit(const struct outcome *o, int reject_code, int *rejected,
			      char *why, size_t whylen)
{
	*rejected = 0;
	if (sanitizer_said_something(o->err))
		return "sanitizer report";
	if (!o->exited) {
		snprintf(why, whylen, "killed by signal %d%s", o->sig,
			 o->sig == SIGALRM ? " (timeout)" : "");
		return why;
	}
	if (o->code == 0)
		return NULL;
	if (o->code != reject_code) {
		snprintf(why, whylen, "exit code %d", o->code);
		return why;
	}
	*rejected = 1;
	return NULL;
}

static void count(struct target *t, size_t i, const char *input, const char *bad, int rejected,
		  const struct outcome *o)
{
	if (getenv("FUZZ_VERBOSE"))	/* what each input got: to see which checks the inputs reach */
		printf("%zu: exit %d: %.*s\n", i, o->code, (int)strcspn(o->err, "\n"), o->err);
	if (bad)
		keep_input(t, i, input, bad, o);
	else if (rejected)
		t->rejected++;
	else
		t->accepted++;
}

static void config_one(struct target *t, size_t i)
{
	char path[4096], errpath[4096], why[256];
	char *argv[] = { (char *)t->runner, "check", "-c", path, NULL };
	struct rng r;
	struct buf b;
	struct outcome o;
	const char *bad;
	int rejected;

	seed_rng(&r, t->seed, i);
	if (read_file(t->seeds[i % (size_t)t->nseeds], &b))
		die("cannot read %s", t->seeds[i % (size_t)t->nseeds]);
	mutate_config(&r, &b);
	snprintf(path, sizeof(path), "%s/input-%zu.conf", t->work, i);
	snprintf(errpath, sizeof(errpath), "%s/stderr", t->work);
	write_file(path, &b);
	run(argv, errpath, &o);
	bad = judge_exit(&o, EXIT_CONFIG_ERROR, &rejected, why, sizeof(why));
	if (!bad && rejected && !names_place(o.err, path, count_lines(&b), 0, why, sizeof(why)))
		bad = why;
	if (!bad && !rejected && must_reject(&b)) {
		snprintf(why, sizeof(why), "accepted despite %s", must_reject(&b));
		bad = why;
	}
	count(t, i, path, bad, rejected, &o);
	unlink(path);
	free(b.p);
}

/* Copies the regular files of src into dst (charts/ and other folders are not read back). */
static void copy_run(const char *src, const char *dst)
{
	DIR *d = opendir(src);
	struct dirent *e;

	if (!d)
		die("cannot open %s: %s", src, strerror(errno));
	if (mkdir(dst, 0700) && errno != EEXIST)
		die("cannot create %s: %s", dst, strerror(errno));
	while ((e = readdir(d)) != NULL) {
		char from[4400], to[4400];
		struct stat st;
		struct buf b;

		snprintf(from, sizeof(from), "%s/%s", src, e->d_name);
		snprintf(to, sizeof(to), "%s/%s", dst, e->d_name);
		if (stat(from, &st) || !S_ISREG(st.st_mode) || read_file(from, &b))
			continue;
		write_file(to, &b);
		free(b.p);
	}
	closedir(d);
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* A CSV of dir, chosen with r; 0 or -1 when it has none. */
static int pick_csv(struct rng *r, const char *dir, char *name, size_t len)
{
	char names[64][256];
	size_t n = 0;
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return -1;
	while ((e = readdir(d)) != NULL && n < 64) {
		size_t l = strlen(e->d_name);

		if (l > 4 && l < 256 && !strcmp(e->d_name + l - 4, ".csv"))
			snprintf(names[n++], sizeof(names[0]), "%s", e->d_name);
	}
	closedir(d);
	if (!n)
		return -1;
	/* readdir order is the file system's: sort for reproducibility */
	qsort(names, n, sizeof(names[0]), cmp_name);
	snprintf(name, len, "%s", names[below(r, n)]);
	return 0;
}

static void damage_run(struct rng *r, const char *dir, char *damaged, size_t len)
{
	char name[256];
	struct buf b;

	if (pick_csv(r, dir, name, sizeof(name)))
		die("%s holds no CSV", dir);
	snprintf(damaged, len, "%s/%s", dir, name);
	if (below(r, 25) == 0) {
		unlink(damaged);
		return;
	}
	if (read_file(damaged, &b))
		die("cannot read %s", damaged);
	for (size_t k = 1 + below(r, 3); k; k--)
		PICK(r, csv_mutations)(r, &b);
	write_file(damaged, &b);
	free(b.p);
}

/* Lines of the file, or 0 if it cannot be read (it was deleted). */
static size_t file_lines(const char *path)
{
	struct buf b;
	size_t n;

	if (read_file(path, &b))
		return 0;
	n = count_lines(&b);
	free(b.p);
	return n;
}

/*
 * "allocbench report: DIR/FILE:LINE: ..." (or "DIR/FILE: ..." when FILE cannot
 * be read): any file of the run, since damage in one file may be found
 * through another. 1, or 0 with why.
 */
static int report_names_place(const char *err, const char *dir, char *why, size_t whylen)
{
	static const char prefix[] = "allocbench report: ";
	const char *place = err, *colon;
	char file[4400];
	size_t dl = strlen(dir);

	if (!strncmp(place, prefix, sizeof(prefix) - 1))
		place += sizeof(prefix) - 1;
	if (strncmp(place, dir, dl) || place[dl] != '/') {
		snprintf(why, whylen, "message does not name a file of the run");
		return 0;
	}
	colon = strchr(place + dl, ':');
	if (!colon) {
		snprintf(why, whylen, "message has no FILE:LINE: prefix");
		return 0;
	}
	snprintf(file, sizeof(file), "%.*s", (int)(colon - place), place);
	return names_place(place, file, file_lines(file), 1, why, whylen);
}

static void report_one(struct target *t, size_t i)
{
	char dir[4096], errpath[4096], damaged[4400], why[256], cmd[8300];
	char *argv[] = { (char *)t->runner, "report", "--no-charts", "--quiet", dir, NULL };
	struct rng r;
	struct outcome o;
	const char *bad;
	int rejected;

	seed_rng(&r, t->seed, i);
	snprintf(dir, sizeof(dir), "%s/run-%zu", t->work, i);
	snprintf(errpath, sizeof(errpath), "%s/stderr", t->work);
	copy_run(t->seeds[i % (size_t)t->nseeds], dir);
	damage_run(&r, dir, damaged, sizeof(damaged));
	run(argv, errpath, &o);
	bad = judge_exit(&o, EXIT_REPORT_ERROR, &rejected, why, sizeof(why));
	if (!bad && rejected && !report_names_place(o.err, dir, why, sizeof(why)))
		bad = why;
	count(t, i, dir, bad, rejected, &o);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		die("cannot remove %s", dir);
}

static void usage(void)
{
	fprintf(stderr, "usage: fuzz config|report RUNNER SEED N KEEPDIR [--only I] INPUT...\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct target t = { 0 };
	char work[] = "/tmp/allocbench-fuzz.XXXXXX", errpath[64];
	size_t n, first = 0;
	int report, argi = 6;
	double t0 = (double)time(NULL);

	if (argc < 7)
		usage();
	report = !strcmp(argv[1], "report");
	if (!report && strcmp(argv[1], "config"))
		usage();
	t.name = argv[1];
	t.runner = argv[2];
	t.seed = strtoull(argv[3], NULL, 0);
	n = strtoull(argv[4], NULL, 0);
	t.keep = argv[5];
	if (!strcmp(argv[argi], "--only") && argi + 2 < argc) {
		first = strtoull(argv[argi + 1], NULL, 0);
		n = first + 1;
		argi += 2;
	}
	t.seeds = argv + argi;
	t.nseeds = argc - argi;
	if (t.nseeds < 1 || t.nseeds > MAX_SEEDS || access(t.runner, X_OK))
		usage();
	if (!mkdtemp(work))
		die("mkdtemp: %s", strerror(errno));
	t.work = work;
	setenv("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0:exitcode=86", 1);
	setenv("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1:exitcode=86", 1);
	for (size_t i = first; i < n; i++)
		(report ? report_one : config_one)(&t, i);
	snprintf(errpath, sizeof(errpath), "%s/stderr", work);
	unlink(errpath);
	rmdir(work);
	printf("fuzz %s: %zu inputs, %zu accepted, %zu rejected with their place, %zu failed (seed %llu, %.0f s)\n",
	       t.name, n - first, t.accepted, t.rejected, t.failed, (unsigned long long)t.seed,
	       (double)time(NULL) - t0);
	return t.failed ? 1 : 0;
}
