/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The unit tests' output: one "ok N - what" / "not ok N - what: why" line
 * per assertion, and a closing "N passed, N failed" that CI reads; a
 * program that skipped cases (skip_cases()) closes with
 * "N passed, N failed, N skipped" instead.
 */
#ifndef XENMB_TESTS_UNIT_TAP_H
#define XENMB_TESTS_UNIT_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static unsigned int passed, failed, skipped;

__attribute__((format(printf, 3, 4))) static inline bool
report(bool ok, const char *name, const char *fmt, ...)
{
	unsigned int n = passed + failed + 1;
	va_list ap;

	if (ok) {
		passed++;
		printf("ok %u - %s\n", n, name);
		return true;
	}
	failed++;
	printf("not ok %u - %s: ", n, name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	return false;
}

/*
 * A heap copy of exactly @len bytes, so that AddressSanitizer reports any
 * read past what the code under test was given.
 */
static inline void *dup_exact(const void *src, size_t len)
{
	void *p = malloc(len ? len : 1);

	if (!p) {
		perror("malloc");
		exit(2);
	}
	if (len)
		memcpy(p, src, len);
	return p;
}

/*
 * Counts @n cases as skipped, neither passed nor failed, and says why in
 * one line: "skip: N cases: why".
 */
__attribute__((format(printf, 2, 3))) static inline void
skip_cases(unsigned int n, const char *fmt, ...)
{
	va_list ap;

	skipped += n;
	printf("skip: %u cases: ", n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/*
 * The real-world data's directory ($XENMB_SHARED_DATA, README "Tests"),
 * or NULL when it has no eventlogs/ directory; @where names what was
 * looked for, for the skip line.
 */
static inline const char *shared_data_dir(char *where, size_t size)
{
	const char *dir = getenv("XENMB_SHARED_DATA");
	struct stat st;

	snprintf(where, size, "%s/eventlogs", dir ? dir : "$XENMB_SHARED_DATA");
	if (!dir || stat(where, &st) || !S_ISDIR(st.st_mode))
		return NULL;
	return dir;
}

/* The closing line; the exit status says whether all passed. */
static inline int tally(void)
{
	if (skipped)
		printf("%u passed, %u failed, %u skipped\n", passed, failed,
		       skipped);
	else
		printf("%u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}

#endif /* XENMB_TESTS_UNIT_TAP_H */
