/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The TPM owner secret, as the seed product keeps it: the file
 * /opt/xensource/tpm/config holds "password=<40 hex digits>", the SHA-1 of
 * the owner password; without the file the documented default is
 * SHA-1("xenroot"), no newline. The 20 bytes are the owner, endorsement and
 * lockout authorization.
 *
 * The secret is never taken from argv or the environment, never logged,
 * and cached for the session in the kernel keyring so it is read from disk
 * once. Callers wipe their copy with owner_secret_wipe().
 */
#ifndef XENMB_OWNER_SECRET_H
#define XENMB_OWNER_SECRET_H

#include <stddef.h>
#include <stdint.h>

#define OWNER_CONFIG_PATH "/opt/xensource/tpm/config"
#define OWNER_SECRET_LEN 20
#define OWNER_DEFAULT_PASSWORD "xenroot"

/*
 * Parses the config file's @len bytes at @text: lines of key=value, blank
 * lines and lines starting with '#' ignored, white space around both
 * ignored; exactly one "password" key whose value is 40 hex digits.
 * Unknown keys are ignored (the seed product's file may grow). Returns 0,
 * or -EINVAL with a reason in @why (never quoting the value).
 */
int owner_config_parse(const char *text, size_t len,
		       uint8_t secret[OWNER_SECRET_LEN], const char **why);

/*
 * The owner secret: from the keyring cache when it is still valid for
 * @path, else from @path (OWNER_CONFIG_PATH when NULL), else the default
 * when @path does not exist. Returns 0 or -errno; *@why explains a failure
 * in one line. *@from_default tells whether the default was used.
 */
int owner_secret_get(const char *path, uint8_t secret[OWNER_SECRET_LEN],
		     int *from_default, const char **why);

/* Drops the keyring cache for @path (after the owner secret changed). */
void owner_secret_forget(const char *path);

void owner_secret_wipe(uint8_t secret[OWNER_SECRET_LEN]);

#endif /* XENMB_OWNER_SECRET_H */
