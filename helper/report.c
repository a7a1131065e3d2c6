// SPDX-License-Identifier: GPL-2.0
#include "report.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static xenmb_error_fn handler;
static void *handler_arg;
static bool progress_enabled;

void xenmb_error_handler(xenmb_error_fn fn, void *arg)
{
	handler = fn;
	handler_arg = arg;
}

void xenmb_error(const char *fmt, ...)
{
	va_list ap, again;
	char *text;
	int len;

	va_start(ap, fmt);
	if (!handler) {
		/* va_start is right above; clang's analyzer loses it. */
		vfprintf(stderr, fmt, ap); /* NOLINT(clang-analyzer-valist.*) */
		va_end(ap);
		return;
	}
	va_copy(again, ap);
	len = vsnprintf(NULL, 0, fmt, ap); /* NOLINT(clang-analyzer-valist.*) */
	text = len < 0 ? NULL : malloc((size_t)len + 1);
	if (text) {
		vsnprintf(text, (size_t)len + 1, fmt, again);
		handler(text, handler_arg);
		free(text);
	}
	va_end(again);
	va_end(ap);
}

void xenmb_progress_enable(void)
{
	progress_enabled = true;
}

void xenmb_progress(const char *fmt, ...)
{
	va_list ap;

	if (!progress_enabled || !isatty(STDERR_FILENO))
		return;
	va_start(ap, fmt);
	fputs("xenmb: ", stderr);
	vfprintf(stderr, fmt, ap); /* NOLINT(clang-analyzer-valist.*) */
	fputs(" (can take seconds on a hardware TPM)...\n", stderr);
	va_end(ap);
}
