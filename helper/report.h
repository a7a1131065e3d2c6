/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where the flows (tpm2_flows.c, tpm2_esys.c, tpm12_flows.c,
 * tpm12_attest.c) say why they failed: one sink, stderr unless a front end
 * sets its own handler (xentpm sends the lines to syslog). And where they
 * say, on a terminal, that a slow TPM operation is starting.
 */
#ifndef XENMB_REPORT_H
#define XENMB_REPORT_H

/*
 * A handler gets each message whole, as formatted (its "\n" included);
 * @arg is what was given to xenmb_error_handler().
 */
typedef void (*xenmb_error_fn)(const char *text, void *arg);

/* Sets the handler; NULL restores the default, stderr. */
void xenmb_error_handler(xenmb_error_fn fn, void *arg);

/* Formats one message and hands it to the handler. */
__attribute__((format(printf, 1, 2))) void xenmb_error(const char *fmt, ...);

/*
 * Lets xenmb_progress() print: the xenmb command line calls it, xentpm
 * does not (its callers read its output byte for byte, and its messages
 * go to syslog).
 */
void xenmb_progress_enable(void);

/*
 * Before a TPM operation that can take seconds on a hardware TPM (key
 * generation): "xenmb: WHAT (can take seconds on a hardware TPM)..." on
 * stderr, once enabled and only when stderr is a terminal, so that no
 * script or log ever reads it. Never through the error handler.
 */
__attribute__((format(printf, 1, 2))) void xenmb_progress(const char *fmt, ...);

#endif /* XENMB_REPORT_H */
