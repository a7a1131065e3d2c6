// SPDX-License-Identifier: GPL-2.0
/*
 * Linked into make helper-static only. The static libcrypto reads
 * openssl.cnf at its first use, and a config that names an engine or a
 * provider module makes it dlopen() one: in a static binary that would load
 * the dom0's shared libraries into a process built against another glibc.
 * The helper needs neither (only the built-in default provider), so the
 * config is never read.
 */
#include <openssl/crypto.h>

__attribute__((constructor)) static void xenmb_static_no_openssl_conf(void)
{
	OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
}
