// SPDX-License-Identifier: GPL-2.0
/*
 * explicit_bzero() for the shared TCTI (make tcti), which the RPM ships to a
 * glibc 2.17 dom0: glibc has it only from 2.25, so the Makefile compiles the
 * TCTI with -Dexplicit_bzero=xenmb_explicit_bzero and links this in. The
 * empty asm, which may read the memory, keeps the stores from being dropped.
 */
/* The real name here: string.h declares explicit_bzero, not ours. */
#undef explicit_bzero
#include <stddef.h>
#include <string.h>

void xenmb_explicit_bzero(void *p, size_t n);

__attribute__((visibility("hidden"))) void xenmb_explicit_bzero(void *p,
								size_t n)
{
	memset(p, 0, n);
	__asm__ __volatile__("" : : "r"(p) : "memory");
}
