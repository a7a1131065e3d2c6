/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xenmb:xenmb_tpm_cmd carries each TPM_CMD record as audit.c formats it.
 * __dynamic_array() rather than __string(): __string()'s helpers changed
 * their arguments in 6.10, while a dynamic array sized by the caller and
 * filled with memcpy() reads the same on every kernel, and holds exactly
 * the record's bytes, so no older ring-buffer content shows through.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM xenmb

#if !defined(XENMB_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define XENMB_TRACE_H

#include <linux/string.h>
#include <linux/tracepoint.h>

TRACE_EVENT(xenmb_tpm_cmd,
	    TP_PROTO(const char *record),
	    TP_ARGS(record),
	    TP_STRUCT__entry(__dynamic_array(char, record, strlen(record) + 1)),
	    TP_fast_assign(memcpy(__get_dynamic_array(record), record,
				  strlen(record) + 1);),
	    TP_printk("%s", __get_str(record))
);

#endif /* XENMB_TRACE_H */

/* An out-of-tree module: define_trace.h finds this file through -I$(src). */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE xenmb_trace
#include <trace/define_trace.h>
