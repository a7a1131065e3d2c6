/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Event log replay in user space: OpenSSL's hashes for the pure parser
 * (driver/tcg_log.h), and the names and messages the CLI prints.
 */
#ifndef XENMB_EVENTLOG_H
#define XENMB_EVENTLOG_H

#include <stddef.h>
#include <stdint.h>

#include "../driver/tcg_log.h"

/*
 * libcrypto's SHA1, SHA256, SHA384, SHA512 and, when this OpenSSL has it,
 * SM3, as xenmb_tcg_replay_log() wants them. @priv is unused.
 */
extern const struct tcg_hash_ops eventlog_openssl_hash;

/* True when eventlog_openssl_hash can hash bank @alg. */
bool eventlog_alg_supported(uint16_t alg);

/*
 * Replays the @len-byte log at @buf into @r, which the caller prepared with
 * xenmb_tcg_replay_init() (and may have fed other logs before: the per-bank
 * logs of TXT element 7 go into one replay). @format and @alg are those of
 * xenmb_tcg_log_open(). @it is left as the walk ended, for eventlog_strerror().
 * Returns 0 or a negative errno (-EFBIG for a buffer of 4 GiB or more).
 */
int eventlog_replay(const uint8_t *buf, size_t len, uint32_t format,
		    uint16_t alg, struct tcg_replay *r,
		    struct tcg_log_iter *it);

/*
 * One line saying what went wrong with a log: the parser's reason and the
 * record's offset when the walk stopped on a malformed record, else the
 * errno's text. Writes into @out and returns it.
 */
const char *eventlog_strerror(const struct tcg_log_iter *it, int err, char *out,
			      size_t size);

/* The event type's name, or "0x%08x" when unknown. Returns @out. */
const char *eventlog_type_name(uint32_t type, char *out, size_t size);

/* The bank's name ("sha256"), or "alg_0x%04x" when unknown. Returns @out. */
const char *eventlog_alg_name(uint16_t alg, char *out, size_t size);

/*
 * An event's data for people: printable data as text (trailing NULs
 * dropped), anything else as hex of at most @max_hex bytes and "...".
 */
void eventlog_data_text(const uint8_t *data, uint32_t len, char *out,
			size_t size, size_t max_hex);

#endif /* XENMB_EVENTLOG_H */
