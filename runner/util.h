/* SPDX-License-Identifier: GPL-2.0 */
/* Small helpers shared by the runner's commands. */
#ifndef ALLOCBENCH_UTIL_H
#define ALLOCBENCH_UTIL_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#ifndef ALLOCBENCH_VERSION
#define ALLOCBENCH_VERSION "unknown"
#endif

#define AB_PRINTF(a, b) __attribute__((format(printf, a, b)))

/* Number of elements of an array (not a pointer). */
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Set by the SIGINT/SIGTERM handler of `run`: stop after the current request. */
extern volatile sig_atomic_t ab_stop;

/* "allocbench: <message>\n" on stderr. */
void ab_err(const char *fmt, ...) AB_PRINTF(1, 2);

/*
 * Reads the first line of a small file into buf, without the newline and
 * trailing blanks. 0, or -errno (buf then holds "").
 */
int read_line(const char *path, char *buf, size_t len);
/* Reads a whole file (NUL-terminated, malloc'd; a read error fails, it is no short file). NULL with errno. */
char *read_all(const char *path, size_t *lenp);

/* MemAvailable from /proc/meminfo in bytes, or 0 when it cannot be read. */
uint64_t mem_available_bytes(void);

/* Monotonic seconds. */
double now_seconds(void);

/* Parses a whole unsigned decimal number within [lo, hi]. 0 or -1. */
int parse_u64(const char *s, uint64_t lo, uint64_t hi, uint64_t *out);
/* yes/no/true/false/on/off/1/0 -> 1/0; -1 otherwise. */
int parse_bool(const char *s);
/* qsort() comparators, ascending: uint64_t, double (no NaN expected). */
int cmp_u64(const void *a, const void *b);
int cmp_double(const void *a, const void *b);

/*
 * Pins the calling thread to one CPU; setting names what the user should
 * change ("[run] cpu", "--cpu") in the message printed on failure. 0 or -1.
 */
int pin_to_cpu(unsigned cpu, const char *setting);

/* Creates a directory and its parents (mkdir -p). 0 or -1 with errno. */
int mkdir_p(const char *path, unsigned mode);
/* Copies src to dst via dst.tmp + rename. 0 or -1 with errno. */
int copy_file_atomic(const char *src, const char *dst);

#endif
