// SPDX-License-Identifier: GPL-2.0
/*
 * Which physical ranges this kernel may really read, bare or as a Xen
 * dom0, and reads of them that cannot oops.
 *
 * The TXT registers and the heap hand us physical addresses. A range is
 * read only if nothing says it is memory someone else owns:
 *
 *  - In a Xen PV dom0, the machine memory map is the authority. Xen marks
 *    tboot's heap, SINIT and private space E820_UNUSABLE, and a PV dom0
 *    cannot map those: ioremap() still returns a pointer, the first access
 *    faults. Dom0's own E820 cannot tell (Linux turns the machine map's
 *    unusable entries into RAM, then drops them past dom0's allocation),
 *    so we ask Xen for the machine map once, at load. (A PVH dom0's E820
 *    is Xen's host map, unusable entries kept: the next check covers it.)
 *  - The kernel's E820 (memmap= applied) must not call any part of it
 *    unusable (-EACCES), or RAM, ACPI or NVS memory (-EBADMSG).
 *  - No busy resource may overlap it: System RAM, a driver's claim.
 *  - Memory the launch left (the heap, the DRTM logs) must be reserved, every
 *    byte of it, in the E820 this kernel booted with (the "Reserved" lines
 *    of /proc/iomem): firmware reserves the TXT heap, and a hole in the map
 *    is MMIO space, where a forged pointer could make us read a device's
 *    registers. In a PV dom0 that E820 is Xen's machine map, less dom0's
 *    RAM, plus any memmap= of dom0's own; what the machine map says of the
 *    range was checked above. (The public space, at txt_base, is chipset
 *    MMIO that no E820 need list: it gets the checks above only.)
 *
 * Even then every read goes through copy_from_kernel_nofault(), so a range
 * that faults anyway answers -EACCES instead of an oops, and no caller ever
 * holds a lock across such a read.
 */
#include <linux/ioport.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/e820/api.h>
#include <xen/xen.h>
#ifdef CONFIG_XEN
#include <xen/interface/memory.h>
#include <asm/xen/hypercall.h>
#endif

#include "xenmb.h"

/* As many entries as Linux's own E820 table can hold. */
#define XEN_MACHINE_MAP_MAX	E820_MAX_ENTRIES

static struct e820_entry *xen_map;
static unsigned int xen_map_entries;

int xenmb_physmem_init(void)
{
#ifdef CONFIG_XEN
	struct xen_memory_map memmap = { .nr_entries = XEN_MACHINE_MAP_MAX };
	int rc;

	/*
	 * A PV dom0 only: Xen refuses this call to HVM/PVH domains, whose E820
	 * is Xen's host map with its unusable entries kept (checked below).
	 */
	if (!xen_initial_domain() || !xen_pv_domain())
		return 0;
	xen_map = kcalloc(XEN_MACHINE_MAP_MAX, sizeof(*xen_map), GFP_KERNEL);
	if (!xen_map)
		return -ENOMEM;
	set_xen_guest_handle(memmap.buffer, xen_map);
	rc = HYPERVISOR_memory_op(XENMEM_machine_memory_map, &memmap);
	if (rc) {
		/* Without Xen's map we cannot tell what dom0 may touch. */
		pr_warn("xenmb: no machine memory map from Xen (%d); TXT memory will not be read\n",
			rc);
		xen_map_entries = 0;
		return 0;
	}
	xen_map_entries = min_t(unsigned int, memmap.nr_entries,
				XEN_MACHINE_MAP_MAX);
#endif
	return 0;
}

void xenmb_physmem_exit(void)
{
	kfree(xen_map);
	xen_map = NULL;
	xen_map_entries = 0;
}

/*
 * Under Xen: 0 if no part of [start, end) is anything but reserved (or a
 * hole, where MMIO lives) in the machine map, else -EACCES.
 */
static int xen_machine_range_ok(u64 start, u64 end)
{
	unsigned int i;

	if (!xen_initial_domain() || !xen_pv_domain())
		return 0;
	if (!xen_map_entries)
		return -EACCES;
	for (i = 0; i < xen_map_entries; i++) {
		const struct e820_entry *e = &xen_map[i];

		if (e->addr >= end || e->addr + e->size <= start)
			continue;
		if (e->type != E820_TYPE_RESERVED)
			return -EACCES;
	}
	return 0;
}

struct busy_walk {
	u64 end;
	bool busy;
};

static int found_busy(struct resource *res, void *arg)
{
	struct busy_walk *walk = arg;

	/* The walk went one byte past the range (below): not ours. */
	if (res->start >= walk->end)
		return 0;
	walk->busy = true;
	return 1;
}

/*
 * The walk's end is inclusive, and it never looks at a last byte on its
 * own (a one-byte range would be skipped): it is given @end, one past the
 * range, and found_busy() ignores what starts there.
 */
static bool range_is_busy(u64 start, u64 end)
{
	struct busy_walk walk = { .end = end };

	/* Walks nested resources too: a driver's claim sits below a bus. */
	walk_iomem_res_desc(IORES_DESC_NONE, IORESOURCE_MEM | IORESOURCE_BUSY,
			    start, end, &walk, found_busy);
	return walk.busy;
}

/* Moves *@covered_to past @res, or stops the walk at a gap before it. */
static int extend_reserved(struct resource *res, void *arg)
{
	u64 *covered_to = arg;

	if (res->start > *covered_to)
		return 1;
	*covered_to = max_t(u64, *covered_to, (u64)res->end + 1);
	return 0;
}

/*
 * Whether the resource tree's "Reserved" entries cover all of [start, end).
 * Those are the E820's reserved entries at and above 1 MiB (below, they are
 * busy and refused already), inserted when PCI is set up: without PCI
 * there are none and every range is refused, which fails safe. (An entry
 * that partly overlapped a resource already in the tree was widened over
 * it: we take what the tree calls reserved.) The walk meets matching
 * resources in address order (the tree is nested, visited depth-first), so
 * a gap is seen as soon as it is passed. As in range_is_busy(), the walk is
 * given @end, one past the range; what lies there only extends the cover.
 */
static bool range_is_reserved(u64 start, u64 end)
{
	u64 covered_to = start;

	walk_iomem_res_desc(IORES_DESC_RESERVED, IORESOURCE_MEM, start, end,
			    &covered_to, extend_reserved);
	return covered_to >= end;
}

int xenmb_phys_range_check(u64 phys, u64 len)
{
	u64 end = phys + len;
	int ret;

	if (!len || end < phys)
		return -EBADMSG;
	ret = xen_machine_range_ok(phys, end);
	if (ret)
		return ret;
	if (e820__mapped_any(phys, end, E820_TYPE_UNUSABLE))
		return -EACCES;
	if (e820__mapped_any(phys, end, E820_TYPE_RAM) ||
	    e820__mapped_any(phys, end, E820_TYPE_ACPI) ||
	    e820__mapped_any(phys, end, E820_TYPE_NVS) ||
	    region_intersects(phys, len, IORESOURCE_SYSTEM_RAM,
			      IORES_DESC_NONE) != REGION_DISJOINT ||
	    range_is_busy(phys, end))
		return -EBADMSG;
	return 0;
}

int xenmb_phys_memory_check(u64 phys, u64 len)
{
	int ret = xenmb_phys_range_check(phys, len);

	if (!ret && !range_is_reserved(phys, phys + len))
		ret = -EBADMSG;
	return ret;
}

/* A copy of a range already checked. */
static int copy_checked(u64 phys, size_t len, void *dst)
{
	void *map;
	int ret;

	map = memremap(phys, len, MEMREMAP_WB);
	if (!map)
		return -ENOMEM;
	ret = copy_from_kernel_nofault(dst, map, len) ? -EACCES : 0;
	memunmap(map);
	return ret;
}

int xenmb_phys_copy(u64 phys, size_t len, void *dst)
{
	return xenmb_phys_memory_check(phys, len) ?:
	       copy_checked(phys, len, dst);
}

int xenmb_phys_copy_to_user(u64 phys, size_t len, void __user *dst)
{
	size_t done, chunk;
	void *bounce;
	int ret = 0;

	ret = xenmb_phys_memory_check(phys, len);
	if (ret)
		return ret;
	bounce = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!bounce)
		return -ENOMEM;
	/* A bounce page: copy_to_user() must never fault on its source. */
	for (done = 0; !ret && done < len; done += chunk) {
		chunk = min_t(size_t, len - done, PAGE_SIZE);
		ret = copy_checked(phys + done, chunk, bounce);
		if (!ret && copy_to_user(dst + done, bounce, chunk))
			ret = -EFAULT;
	}
	kfree(bounce);
	return ret;
}

int xenmb_phys_read64(const void __iomem *base, unsigned long offset,
		      u64 *val)
{
	/* A plain 64-bit load, as readq() does, with an exception entry. */
	return get_kernel_nofault(*val, (const u64 __force *)(base + offset)) ?
	       -EACCES : 0;
}
