// SPDX-License-Identifier: GPL-2.0
/* libFuzzer: the TXT heap walker and the TPM 1.2 event container header. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "driver/txt_heap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct txt_heap_summary sum;
	struct txt_log_ref ref = {.phys = 0x1000};
	/* An exact-size copy: ASan sees any read past the heap. */
	uint8_t *heap = malloc(size ? size : 1);

	if (!heap)
		return 0;
	memcpy(heap, data, size);
	xenmb_txt_heap_walk(heap, size, &sum);
	if (size >= TXT_EVENT_CONTAINER_HDR_LEN)
		xenmb_txt_event_container_parse(heap, (u32)size, &ref);
	free(heap);
	return 0;
}
