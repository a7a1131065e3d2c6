// SPDX-License-Identifier: GPL-2.0
/*
 * LD_PRELOAD shim for running Debian's real txt-stat on the emulated TXT
 * launch (tests/qemu/test_txt.py): QEMU has no TXT public space at
 * 0xFED30000, the launch generator puts its copy at txt_base. The one thing
 * this changes is that seek: an lseek() to 0xFED30000 goes to
 * $TXTSTAT_PUBLIC_AT instead. Every byte txt-stat prints is still read by
 * txt-stat itself from /dev/mem (the registers there, the heap at the
 * HEAP.BASE they hold).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

#define TXT_PUBLIC_SPACE 0xFED30000

static off_t redirect(off_t offset)
{
	const char *to = getenv("TXTSTAT_PUBLIC_AT");

	if (offset == TXT_PUBLIC_SPACE && to)
		return (off_t)strtoull(to, NULL, 0);
	return offset;
}

off_t lseek(int fd, off_t offset, int whence)
{
	off_t (*real)(int, off_t, int) =
	    (off_t(*)(int, off_t, int))dlsym(RTLD_NEXT, "lseek");

	return real(fd, whence == SEEK_SET ? redirect(offset) : offset, whence);
}

off_t lseek64(int fd, off_t offset, int whence)
{
	off_t (*real)(int, off_t, int) =
	    (off_t(*)(int, off_t, int))dlsym(RTLD_NEXT, "lseek64");

	return real(fd, whence == SEEK_SET ? redirect(offset) : offset, whence);
}
