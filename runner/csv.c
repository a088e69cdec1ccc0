// SPDX-License-Identifier: GPL-2.0
/*
 * Tidy CSV: RFC 4180 fields (quoted when they hold a comma, a quote, CR, LF
 * or leading/trailing blanks; quotes doubled), LF line ends, dot decimals
 * whatever LC_NUMERIC says.
 *
 * Writer: "<path>.tmp" is written, flushed, fsync'ed and renamed to <path>
 * on commit (then the directory is fsync'ed too), so a reader sees either
 * the previous file or the complete new one. Any write error is sticky and
 * reported by csv_commit(), which then removes the temporary file.
 *
 * Reader: the whole file is parsed at once; CRLF and LF are both accepted,
 * quoted fields may span lines, blank lines are skipped, and every error
 * names the file and the (1-based, physical) line where it was found.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csv.h"
#include "util.h"

struct csv_writer {
	FILE *f;
	char *path, *tmp;
	size_t ncols, col;
	int err;		/* first errno seen, sticky */
};

static void w_fail(struct csv_writer *w, int e)
{
	if (!w->err)
		w->err = e ? e : EIO;
}

static void w_sep(struct csv_writer *w)
{
	if (w->col > 0 && fputc(',', w->f) == EOF)
		w_fail(w, errno);
}

static int needs_quotes(const char *s)
{
	size_t n = strlen(s);

	if (n == 0)
		return 0;
	if (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t')
		return 1;
	return strpbrk(s, ",\"\r\n") != NULL;
}

static int w_field(struct csv_writer *w, const char *s)
{
	if (!w)
		return errno = EINVAL, -1;
	if (w->col >= w->ncols) {
		w_fail(w, EINVAL);
		return errno = EINVAL, -1;
	}
	w_sep(w);
	if (!s)
		s = "";
	if (needs_quotes(s)) {
		const char *p;

		if (fputc('"', w->f) == EOF)
			w_fail(w, errno);
		for (p = s; *p; p++) {
			if (*p == '"' && fputc('"', w->f) == EOF)
				w_fail(w, errno);
			if (fputc(*p, w->f) == EOF)
				w_fail(w, errno);
		}
		if (fputc('"', w->f) == EOF)
			w_fail(w, errno);
	} else if (*s && fputs(s, w->f) == EOF) {
		w_fail(w, errno);
	}
	w->col++;
	if (w->err)
		return errno = w->err, -1;
	return 0;
}

static char *dup_cat(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *s = malloc(la + lb + 1);

	if (s) {
		memcpy(s, a, la);
		memcpy(s + la, b, lb + 1);
	}
	return s;
}

static void w_free(struct csv_writer *w)
{
	free(w->path);
	free(w->tmp);
	free(w);
}

struct csv_writer *csv_create(const char *path, const char *const *columns, size_t ncols)
{
	struct csv_writer *w;
	size_t i;
	int fd;

	if (!path || !columns || ncols == 0) {
		errno = EINVAL;
		return NULL;
	}
	w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	w->path = strdup(path);
	w->tmp = dup_cat(path, ".tmp");
	if (!w->path || !w->tmp)
		goto fail;
	fd = open(w->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		goto fail;
	w->f = fdopen(fd, "w");
	if (!w->f) {
		int e = errno;

		close(fd);
		unlink(w->tmp);
		errno = e;
		goto fail;
	}
	w->ncols = ncols;
	for (i = 0; i < ncols; i++)
		w_field(w, columns[i]);
	if (csv_end_row(w) < 0) {
		int e = errno;

		csv_abort(w);
		errno = e;
		return NULL;
	}
	return w;
fail:
	{
		int e = errno;

		w_free(w);
		errno = e;
	}
	return NULL;
}

int csv_str(struct csv_writer *w, const char *s)
{
	return w_field(w, s);
}

int csv_u64(struct csv_writer *w, uint64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	return w_field(w, buf);
}

int csv_i64(struct csv_writer *w, int64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRId64, v);
	return w_field(w, buf);
}

/*
 * Doubles: 10 significant digits (%.6g would print a 1234567.8 ns sample
 * as 1.23457e+06, losing the last digits), formatted under the "C" locale
 * through uselocale(), which is per-thread and leaves the program's locale
 * alone. NaN and infinities are written as an empty cell (not available).
 */
static locale_t c_locale(void)
{
	static locale_t loc;

	if (!loc)
		loc = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	return loc;
}

int csv_format_double(char *buf, size_t len, double v);

int csv_format_double(char *buf, size_t len, double v)
{
	locale_t c = c_locale(), old;
	int n;

	if (!isfinite(v)) {
		if (len)
			buf[0] = '\0';
		return 0;
	}
	if (v == 0)
		v = 0;	/* no "-0" */
	if (!c)
		return snprintf(buf, len, "%.10g", v);	/* cannot happen for "C" */
	old = uselocale(c);
	n = snprintf(buf, len, "%.10g", v);
	uselocale(old);
	return n;
}

int csv_double(struct csv_writer *w, double v)
{
	char buf[64];

	csv_format_double(buf, sizeof(buf), v);
	return w_field(w, buf);
}

int csv_empty(struct csv_writer *w)
{
	return w_field(w, "");
}

int csv_end_row(struct csv_writer *w)
{
	if (!w)
		return errno = EINVAL, -1;
	if (w->col != w->ncols) {
		w_fail(w, EINVAL);
		w->col = 0;
		return errno = EINVAL, -1;
	}
	if (fputc('\n', w->f) == EOF)
		w_fail(w, errno);
	w->col = 0;
	if (w->err)
		return errno = w->err, -1;
	return 0;
}

static void fsync_dir_of(const char *path)
{
	char *d = strdup(path), *slash;
	int fd;

	if (!d)
		return;
	slash = strrchr(d, '/');
	if (!slash)
		strcpy(d, ".");
	else if (slash == d)
		d[1] = '\0';
	else
		*slash = '\0';
	fd = open(d, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(d);
}

int csv_commit(struct csv_writer *w)
{
	int e;

	if (!w)
		return errno = EINVAL, -1;
	if (w->col != 0)
		w_fail(w, EINVAL);	/* a row was left open */
	if (fflush(w->f) == EOF)
		w_fail(w, errno);
	if (!w->err && fsync(fileno(w->f)) < 0)
		w_fail(w, errno);
	if (fclose(w->f) == EOF)
		w_fail(w, errno);
	w->f = NULL;
	if (!w->err && rename(w->tmp, w->path) < 0)
		w_fail(w, errno);
	e = w->err;
	if (e)
		unlink(w->tmp);
	else
		fsync_dir_of(w->path);
	w_free(w);
	if (e)
		return errno = e, -1;
	return 0;
}

void csv_abort(struct csv_writer *w)
{
	int e = errno;

	if (!w)
		return;
	if (w->f)
		fclose(w->f);
	unlink(w->tmp);
	w_free(w);
	errno = e;
}

int csv_commit_or_abort(struct csv_writer *w, const char *path, int rc)
{
	if (rc) {
		ab_err("writing %s failed", path);
		csv_abort(w);
		return -1;
	}
	if (csv_commit(w)) {
		ab_err("cannot commit %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* ---- reader ---- */

struct strvec {
	char **v;
	size_t n, cap;
};

static int sv_push(struct strvec *sv, char *s)
{
	if (sv->n == sv->cap) {
		size_t cap = sv->cap ? sv->cap * 2 : 64;
		char **v = realloc(sv->v, cap * sizeof(*v));

		if (!v)
			return -1;
		sv->v = v;
		sv->cap = cap;
	}
	sv->v[sv->n++] = s;
	return 0;
}

static void sv_free(struct strvec *sv)
{
	size_t i;

	for (i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = sv->cap = 0;
}

static void set_err(char *err, size_t errlen, const char *path, size_t line, const char *fmt, ...)
	AB_PRINTF(5, 6);
static void set_err(char *err, size_t errlen, const char *path, size_t line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!err || errlen == 0)
		return;
	n = snprintf(err, errlen, "%s:%zu: ", path, line);
	if (n < 0 || (size_t)n >= errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	va_end(ap);
}

/* The whole file in memory, where the reader is in it, and the fields read so far. */
struct csv_parser {
	const char *path;
	const char *buf;
	size_t len, pos;
	size_t line;		/* 1-based physical line at pos */
	char *field;		/* the field being read, flen bytes */
	size_t flen, fcap;
	struct strvec cells;	/* every field, row-major, the header first */
	char *err;
	size_t errlen;
};

/* Whether pos ends a field: end of file, ',', LF, or CR before LF or at the end. */
static int at_field_end(const struct csv_parser *p)
{
	const char *b = p->buf;
	size_t i = p->pos;

	return i >= p->len || b[i] == ',' || b[i] == '\n' ||
	       (b[i] == '\r' && (i + 1 >= p->len || b[i + 1] == '\n'));
}

static int field_putc(struct csv_parser *p, char c)
{
	if (p->flen + 2 > p->fcap) {
		size_t nc = p->fcap ? p->fcap * 2 : 64;
		char *nf = realloc(p->field, nc);

		if (!nf) {
			set_err(p->err, p->errlen, p->path, p->line, "out of memory");
			return -1;
		}
		p->field = nf;
		p->fcap = nc;
	}
	p->field[p->flen++] = c;
	return 0;
}

/* A quoted field, from its opening quote: "" is a quote, newlines are data. 0 or -1. */
static int read_quoted(struct csv_parser *p)
{
	size_t qline = p->line;

	p->pos++;
	for (;;) {
		char c;

		if (p->pos >= p->len) {
			set_err(p->err, p->errlen, p->path, qline, "unterminated quoted field");
			return -1;
		}
		c = p->buf[p->pos++];
		if (c == '"') {
			if (p->pos < p->len && p->buf[p->pos] == '"')
				p->pos++;
			else
				break;
		} else if (c == '\0') {
			set_err(p->err, p->errlen, p->path, p->line, "NUL byte in file");
			return -1;
		}
		if (c == '\n')
			p->line++;
		if (field_putc(p, c) < 0)
			return -1;
	}
	if (!at_field_end(p)) {
		set_err(p->err, p->errlen, p->path, p->line, "unexpected character '%c' after closing quote",
			p->buf[p->pos]);
		return -1;
	}
	return 0;
}

/* An unquoted field; *blank is cleared when it holds anything. 0 or -1. */
static int read_plain(struct csv_parser *p, int *blank)
{
	while (!at_field_end(p)) {
		char c = p->buf[p->pos++];

		if (c == '"') {
			set_err(p->err, p->errlen, p->path, p->line, "quote inside an unquoted field");
			return -1;
		}
		if (c == '\0') {
			set_err(p->err, p->errlen, p->path, p->line, "NUL byte in file");
			return -1;
		}
		*blank = 0;
		if (field_putc(p, c) < 0)
			return -1;
	}
	return 0;
}

/* Appends the field just read to the cells. 0 or -1. */
static int push_field(struct csv_parser *p)
{
	char *s = malloc(p->flen + 1);

	if (s) {
		if (p->flen)
			memcpy(s, p->field, p->flen);
		s[p->flen] = '\0';
		if (sv_push(&p->cells, s) == 0)
			return 0;
		free(s);
	}
	set_err(p->err, p->errlen, p->path, p->line, "out of memory");
	return -1;
}

/*
 * One record, up to and including its line end: its fields go to the
 * cells, *nfields says how many. *blank: the record is an empty line.
 * 0 or -1.
 */
static int read_record(struct csv_parser *p, size_t *nfields, int *blank)
{
	*blank = 1;
	*nfields = 0;
	for (;;) {
		p->flen = 0;
		if (p->pos < p->len && p->buf[p->pos] == '"') {
			*blank = 0;
			if (read_quoted(p) < 0)
				return -1;
		} else if (read_plain(p, blank) < 0) {
			return -1;
		}
		if (push_field(p) < 0)
			return -1;
		(*nfields)++;
		if (p->pos < p->len && p->buf[p->pos] == ',') {
			*blank = 0;
			p->pos++;
			continue;
		}
		/* end of record: \n, \r\n, lone \r at EOF, or EOF */
		if (p->pos < p->len && p->buf[p->pos] == '\r')
			p->pos++;
		if (p->pos < p->len && p->buf[p->pos] == '\n')
			p->pos++;
		p->line++;
		return 0;
	}
}

/* Every record: blank lines skipped, each row as wide as the header. *ncols: the header's width. 0 or -1. */
static int read_records(struct csv_parser *p, size_t *ncols)
{
	int have_header = 0;

	while (p->pos < p->len) {
		size_t start = p->line, nfields;
		int blank;

		if (read_record(p, &nfields, &blank) < 0)
			return -1;
		if (blank && nfields == 1) {
			free(p->cells.v[--p->cells.n]);	/* an empty line */
			continue;
		}
		if (!have_header) {
			*ncols = nfields;
			have_header = 1;
		} else if (nfields != *ncols) {
			set_err(p->err, p->errlen, p->path, start, "%zu fields, the header has %zu", nfields,
				*ncols);
			return -1;
		}
	}
	if (!have_header) {
		set_err(p->err, p->errlen, p->path, 1, "empty file: no header row");
		return -1;
	}
	return 0;
}

/* Column names must be present and distinct. 0 or -1. */
static int check_header(const struct csv_table *t, const char *path, char *err, size_t errlen)
{
	for (size_t i = 0; i < t->ncols; i++) {
		if (t->header[i][0] == '\0') {
			set_err(err, errlen, path, 1, "column %zu has an empty name", i + 1);
			return -1;
		}
		for (size_t j = 0; j < i; j++) {
			if (strcmp(t->header[i], t->header[j]) == 0) {
				set_err(err, errlen, path, 1, "duplicate column '%s'", t->header[i]);
				return -1;
			}
		}
	}
	return 0;
}

int csv_read(const char *path, struct csv_table *t, char *err, size_t errlen)
{
	struct csv_parser p = { .path = path, .line = 1, .err = err, .errlen = errlen };
	char *buf;
	size_t ncols = 0;
	int rc;

	memset(t, 0, sizeof(*t));
	if (err && errlen)
		err[0] = '\0';
	buf = read_all(path, &p.len);
	if (!buf) {
		/* no line number for open and read errors */
		if (err && errlen)
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	p.buf = buf;
	if (p.len >= 3 && (unsigned char)buf[0] == 0xEF && (unsigned char)buf[1] == 0xBB &&
	    (unsigned char)buf[2] == 0xBF)
		p.pos = 3;	/* UTF-8 BOM, as spreadsheets write it */
	rc = read_records(&p, &ncols);
	free(buf);
	free(p.field);
	if (rc < 0) {
		sv_free(&p.cells);
		return -1;
	}
	t->ncols = ncols;
	t->nrows = p.cells.n / ncols - 1;
	t->header = p.cells.v;
	t->cells = p.cells.v + ncols;
	if (check_header(t, path, err, errlen) < 0) {
		csv_free(t);
		return -1;
	}
	return 0;
}

int csv_column(const struct csv_table *t, const char *name)
{
	size_t i;

	if (!t || !name)
		return -1;
	for (i = 0; i < t->ncols; i++)
		if (strcmp(t->header[i], name) == 0)
			return (int)i;
	return -1;
}

const char *csv_get(const struct csv_table *t, size_t row, const char *col)
{
	int c = csv_column(t, col);

	if (c < 0 || row >= t->nrows)
		return NULL;
	return t->cells[row * t->ncols + (size_t)c];
}

const char *csv_cell(const struct csv_table *t, size_t row, const char *col)
{
	const char *v = csv_get(t, row, col);

	return v ? v : "";
}

uint64_t csv_cell_u64(const struct csv_table *t, size_t row, const char *col)
{
	return strtoull(csv_cell(t, row, col), NULL, 10);
}

const char *csv_kv(const struct csv_table *t, const char *key)
{
	for (size_t r = 0; r < t->nrows; r++)
		if (!strcmp(csv_cell(t, r, "key"), key))
			return csv_cell(t, r, "value");
	return NULL;
}

uint64_t csv_kv_u64(const struct csv_table *t, const char *key)
{
	const char *v = csv_kv(t, key);

	return v ? strtoull(v, NULL, 10) : 0;
}

void csv_free(struct csv_table *t)
{
	size_t i, n;

	if (!t || !t->header) {
		if (t)
			memset(t, 0, sizeof(*t));
		return;
	}
	n = t->ncols * (t->nrows + 1);
	for (i = 0; i < n; i++)
		free(t->header[i]);
	free(t->header);
	memset(t, 0, sizeof(*t));
}
