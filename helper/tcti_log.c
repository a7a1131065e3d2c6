// SPDX-License-Identifier: GPL-2.0
/*
 * The TCTI's log in tpm2-tss's conventions (tcti_log.h says which).
 */
#include "tcti_log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The module name TSS2_LOG knows every TCTI by. */
#define TCTI_LOG_MODULE "tcti"

static const struct {
	enum tcti_log_level level;
	const char *name;  /* as TSS2_LOG spells it, any case */
	const char *label; /* as a log line spells it */
} tcti_log_levels[] = {
    {TCTI_LOG_NONE, "none", "none"},
    {TCTI_LOG_ERROR, "error", "ERROR"},
    {TCTI_LOG_WARNING, "warning", "WARNING"},
    {TCTI_LOG_INFO, "info", "info"},
    {TCTI_LOG_DEBUG, "debug", "debug"},
    {TCTI_LOG_TRACE, "trace", "trace"},
};

#define TCTI_LOG_LEVELS (sizeof(tcti_log_levels) / sizeof(tcti_log_levels[0]))

const char *tcti_log_label(enum tcti_log_level level)
{
	size_t i;

	for (i = 0; i < TCTI_LOG_LEVELS; i++)
		if (tcti_log_levels[i].level == level)
			return tcti_log_levels[i].label;
	return "?";
}

/* The level named by @name, @len bytes; -1 for none we know. */
static int level_named(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < TCTI_LOG_LEVELS; i++)
		if (strlen(tcti_log_levels[i].name) == len &&
		    !strncasecmp(tcti_log_levels[i].name, name, len))
			return (int)tcti_log_levels[i].level;
	return -1;
}

enum tcti_log_level tcti_log_level_of(const char *spec, const char *module,
				      enum tcti_log_level fallback)
{
	enum tcti_log_level level = fallback;
	const char *entry, *plus, *end;
	size_t name_len;
	int named;

	for (entry = spec; entry && *entry; entry = *end ? end + 1 : end) {
		end = entry + strcspn(entry, ",");
		plus = memchr(entry, '+', (size_t)(end - entry));
		if (!plus)
			continue;
		name_len = (size_t)(plus - entry);
		if (!(name_len == 3 && !strncasecmp(entry, "all", 3)) &&
		    !(name_len == strlen(module) &&
		      !strncasecmp(entry, module, name_len)))
			continue;
		named = level_named(plus + 1, (size_t)(end - plus - 1));
		if (named >= 0)
			level = (enum tcti_log_level)named;
	}
	return level;
}

/*
 * Where the lines go, chosen once per process as tpm2-tss does: an
 * unopenable TSS2_LOGFILE falls back to standard error, saying so.
 */
static FILE *tcti_log_file(void)
{
	static FILE *file;
	const char *path;

	if (file)
		return file;
	path = getenv("TSS2_LOGFILE");
	if (!path || !strcasecmp(path, "stderr")) {
		file = stderr;
	} else if (!strcmp(path, "-") || !strcasecmp(path, "stdout")) {
		file = stdout;
	} else {
		file = fopen(path, "ae");
		if (!file) {
			file = stderr;
			fprintf(file, "cannot open TSS2_LOGFILE %s: %s\n", path,
				strerror(errno));
		}
	}
	return file;
}

void tcti_log(enum tcti_log_level level, const char *file, int line,
	      const char *func, const char *fmt, ...)
{
	static int threshold = -1;
	FILE *out;
	va_list ap;

	if (threshold < 0)
		threshold = (int)tcti_log_level_of(
		    getenv("TSS2_LOG"), TCTI_LOG_MODULE, TCTI_LOG_WARNING);
	if ((int)level > threshold)
		return;
	out = tcti_log_file();
	fprintf(out, "%s:" TCTI_LOG_MODULE ":%s:%d:%s() ",
		tcti_log_label(level), file, line, func);
	va_start(ap, fmt);
	/* va_start is right above; clang 14's analyzer loses it. */
	vfprintf(out, fmt, ap); /* NOLINT(clang-analyzer-valist.*) */
	va_end(ap);
	fputc('\n', out);
	fflush(out);
}
