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

static int read_all(const char *path, char **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 65536, n = 0, r;
	char *b;

	if (!f)
		return -1;
	b = malloc(cap + 1);
	if (!b) {
		fclose(f);
		return -1;
	}
	while ((r = fread(b + n, 1, cap - n, f)) > 0) {
		n += r;
		if (n == cap) {
			char *nb = realloc(b, cap * 2 + 1);

			if (!nb) {
				free(b);
				fclose(f);
				errno = ENOMEM;
				return -1;
			}
			b = nb;
			cap *= 2;
		}
	}
	if (ferror(f)) {
		int e = errno;

		free(b);
		fclose(f);
		errno = e ? e : EIO;
		return -1;
	}
	fclose(f);
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}

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

int csv_read(const char *path, struct csv_table *t, char *err, size_t errlen)
{
	struct strvec cells = { 0 };
	char *buf = NULL, *field = NULL;
	size_t len = 0, pos = 0, line = 1, row_start_line = 1;
	size_t ncols = 0, rowfields = 0, flen = 0, fcap = 0;
	int have_header = 0;

	memset(t, 0, sizeof(*t));
	if (err && errlen)
		err[0] = '\0';
	if (read_all(path, &buf, &len) < 0) {
		set_err(err, errlen, path, 0, "%s", strerror(errno));
		/* "file:0:" is odd: drop the line number for open errors */
		if (err && errlen)
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (len >= 3 && (unsigned char)buf[0] == 0xEF && (unsigned char)buf[1] == 0xBB &&
	    (unsigned char)buf[2] == 0xBF)
		pos = 3;	/* UTF-8 BOM, as spreadsheets write it */

	while (pos < len) {
		/* one record */
		int blank = 1;

		row_start_line = line;
		rowfields = 0;
		for (;;) {
			/* one field */
			flen = 0;
			if (pos < len && buf[pos] == '"') {
				size_t qline = line;

				blank = 0;
				pos++;
				for (;;) {
					char c;

					if (pos >= len) {
						set_err(err, errlen, path, qline, "unterminated quoted field");
						goto fail;
					}
					c = buf[pos++];
					if (c == '"') {
						if (pos < len && buf[pos] == '"')
							pos++;
						else
							break;
					} else if (c == '\0') {
						set_err(err, errlen, path, line, "NUL byte in file");
						goto fail;
					}
					if (c == '\n')
						line++;
					if (flen + 2 > fcap) {
						size_t nc = fcap ? fcap * 2 : 64;
						char *nf = realloc(field, nc);

						if (!nf)
							goto oom;
						field = nf;
						fcap = nc;
					}
					field[flen++] = c;
				}
				if (pos < len && buf[pos] != ',' && buf[pos] != '\n' &&
				    !(buf[pos] == '\r' && (pos + 1 >= len || buf[pos + 1] == '\n'))) {
					set_err(err, errlen, path, line,
						"unexpected character '%c' after closing quote", buf[pos]);
					goto fail;
				}
			} else {
				while (pos < len && buf[pos] != ',' && buf[pos] != '\n' &&
				       !(buf[pos] == '\r' && (pos + 1 >= len || buf[pos + 1] == '\n'))) {
					char c = buf[pos++];

					if (c == '"') {
						set_err(err, errlen, path, line,
							"quote inside an unquoted field");
						goto fail;
					}
					if (c == '\0') {
						set_err(err, errlen, path, line, "NUL byte in file");
						goto fail;
					}
					blank = 0;
					if (flen + 2 > fcap) {
						size_t nc = fcap ? fcap * 2 : 64;
						char *nf = realloc(field, nc);

						if (!nf)
							goto oom;
						field = nf;
						fcap = nc;
					}
					field[flen++] = c;
				}
			}
			{
				char *s = malloc(flen + 1);

				if (!s)
					goto oom;
				if (flen)
					memcpy(s, field, flen);
				s[flen] = '\0';
				if (sv_push(&cells, s) < 0) {
					free(s);
					goto oom;
				}
				rowfields++;
			}
			if (pos < len && buf[pos] == ',') {
				blank = 0;
				pos++;
				continue;
			}
			/* end of record: \n, \r\n, lone \r at EOF, or EOF */
			if (pos < len && buf[pos] == '\r')
				pos++;
			if (pos < len && buf[pos] == '\n')
				pos++;
			line++;
			break;
		}
		if (blank && rowfields == 1) {
			/* an empty line: skip it */
			free(cells.v[--cells.n]);
			continue;
		}
		if (!have_header) {
			ncols = rowfields;
			have_header = 1;
		} else if (rowfields != ncols) {
			set_err(err, errlen, path, row_start_line, "%zu fields, the header has %zu",
				rowfields, ncols);
			goto fail;
		}
	}
	if (!have_header) {
		set_err(err, errlen, path, 1, "empty file: no header row");
		goto fail;
	}
	free(buf);
	free(field);
	t->ncols = ncols;
	t->nrows = cells.n / ncols - 1;
	t->header = cells.v;
	t->cells = cells.v + ncols;
	{
		size_t i, j;

		for (i = 0; i < ncols; i++) {
			if (t->header[i][0] == '\0') {
				set_err(err, errlen, path, 1, "column %zu has an empty name", i + 1);
				goto fail_table;
			}
			for (j = 0; j < i; j++) {
				if (strcmp(t->header[i], t->header[j]) == 0) {
					set_err(err, errlen, path, 1, "duplicate column '%s'", t->header[i]);
					goto fail_table;
				}
			}
		}
	}
	return 0;
fail_table:
	csv_free(t);
	return -1;
oom:
	set_err(err, errlen, path, line, "out of memory");
fail:
	sv_free(&cells);
	free(buf);
	free(field);
	memset(t, 0, sizeof(*t));
	return -1;
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
