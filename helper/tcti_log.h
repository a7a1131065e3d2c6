/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The TCTI's log, in tpm2-tss's conventions, so that one TSS2_LOG and one
 * TSS2_LOGFILE govern it with the rest of the stack: lines of the form
 * "LEVEL:tcti:FILE:LINE:FUNCTION() message", level WARNING unless
 * TSS2_LOG says otherwise for "tcti" or "all" ("tcti+debug",
 * "all+none,tcti+error": read left to right, the last match wins), to
 * standard error unless TSS2_LOGFILE names "stdout", "-" or a file to
 * append to. tpm2-tss keeps its logger inside its own libraries (not
 * exported to TCTIs built outside its tree), so this is our own.
 *
 * The log never holds command or response bytes: they can carry
 * authorization values and unsealed data. At debug level a line names
 * each command and its return code, which is what the audit record holds.
 */
#ifndef XENMB_TCTI_LOG_H
#define XENMB_TCTI_LOG_H

/* tpm2-tss's levels, with its numbers. */
enum tcti_log_level {
	TCTI_LOG_NONE = 0,
	TCTI_LOG_ERROR = 2,
	TCTI_LOG_WARNING = 3,
	TCTI_LOG_INFO = 4,
	TCTI_LOG_DEBUG = 5,
	TCTI_LOG_TRACE = 6,
};

/*
 * The level TSS2_LOG's value @spec (NULL: unset) sets for @module:
 * @fallback unless an entry "all+LEVEL" or "@module+LEVEL" (names and
 * levels in any case) says otherwise; entries with an unknown level are
 * ignored, as tpm2-tss does. Pure: the unit tests call it.
 */
enum tcti_log_level tcti_log_level_of(const char *spec, const char *module,
				      enum tcti_log_level fallback);

/* "ERROR", "WARNING", "info", "debug", "trace": tpm2-tss's spelling. */
const char *tcti_log_label(enum tcti_log_level level);

/* One line at @level from @func at @file:@line, if the TCTI's level allows. */
__attribute__((format(printf, 5, 6))) void tcti_log(enum tcti_log_level level,
						    const char *file, int line,
						    const char *func,
						    const char *fmt, ...);

#define tcti_error(...)                                                        \
	tcti_log(TCTI_LOG_ERROR, __FILE__, __LINE__, __func__, __VA_ARGS__)
#define tcti_debug(...)                                                        \
	tcti_log(TCTI_LOG_DEBUG, __FILE__, __LINE__, __func__, __VA_ARGS__)

#endif /* XENMB_TCTI_LOG_H */
