/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tidy CSV files: written under a temporary name and renamed on commit, so an
 * interrupted run never leaves a file that looks whole; read back by column
 * name so that charts and reports can be rebuilt from the CSV alone.
 */
#ifndef ALLOCBENCH_CSV_H
#define ALLOCBENCH_CSV_H

#include <stddef.h>
#include <stdint.h>

struct csv_writer;

/* Opens "<path>.tmp" and writes the header row. NULL with errno on failure. */
struct csv_writer *csv_create(const char *path, const char *const *columns, size_t ncols);
/* Fields are written left to right; csv_end_row() checks that the row has ncols fields. */
int csv_str(struct csv_writer *w, const char *s);	/* quoted when it needs to be */
int csv_u64(struct csv_writer *w, uint64_t v);
int csv_i64(struct csv_writer *w, int64_t v);
int csv_double(struct csv_writer *w, double v);	/* "%.6g"-ish, dot decimal, never locale */
int csv_empty(struct csv_writer *w);			/* an empty cell: value not available */
int csv_end_row(struct csv_writer *w);
/* Flush, fsync and rename "<path>.tmp" to "<path>"; frees w. 0 or -1 with errno. */
int csv_commit(struct csv_writer *w);
/* Remove "<path>.tmp"; frees w. */
void csv_abort(struct csv_writer *w);
/*
 * Ends a file whose rows were written with result rc: rc != 0 aborts it,
 * else it is committed; a failure is said on stderr naming path. 0 or -1.
 */
int csv_commit_or_abort(struct csv_writer *w, const char *path, int rc);

struct csv_table {
	size_t ncols, nrows;
	char **header;		/* ncols names */
	char **cells;		/* nrows * ncols, row-major; empty cells are "" */
};

/* Reads a whole CSV file. On error returns -1 and writes "file:line: reason" to err. */
int csv_read(const char *path, struct csv_table *t, char *err, size_t errlen);
/* Column index by name, or -1. */
int csv_column(const struct csv_table *t, const char *name);
/* Cell by row and column name; NULL if the column does not exist. */
const char *csv_get(const struct csv_table *t, size_t row, const char *col);
/* The same, "" when the column or row does not exist. */
const char *csv_cell(const struct csv_table *t, size_t row, const char *col);
/* A cell as a decimal number; 0 when empty, missing or not a number. */
uint64_t csv_cell_u64(const struct csv_table *t, size_t row, const char *col);
/* In a key,value table: the value of key, or NULL; as a number, 0 when absent. */
const char *csv_kv(const struct csv_table *t, const char *key);
uint64_t csv_kv_u64(const struct csv_table *t, const char *key);
void csv_free(struct csv_table *t);

#endif
