// SPDX-License-Identifier: GPL-2.0
/*
 * Read-only access to Intel TXT: the public configuration registers, the
 * TXT heap and the DRTM event log(s) the heap points to.
 *
 * Everything physical comes from registers and firmware-written memory, so
 * every range is bounded here and then checked by physmem.c against what
 * this kernel, bare or as a Xen dom0, may really read: reading ordinary RAM
 * because a pointer said so would leak kernel memory, and touching what Xen
 * hides from dom0 would fault. No lock is held across those reads: they
 * share nothing, and a read that faults must not wedge the next caller.
 */
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/pci_ids.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "../uapi/linux/xenmb.h"
#include "tcg_log.h"
#include "txt_heap.h"
#include "xenmb.h"

/*
 * Pointing the module at other memory is /dev/mem by another name: as a
 * hardware parameter, a locked-down kernel refuses to load it with one.
 */
static unsigned long long txt_base = TXT_PUB_BASE;
module_param_hw(txt_base, ullong, iomem, 0400);
MODULE_PARM_DESC(txt_base,
		 "physical base of the TXT public space (tests only; refused when the kernel is locked down)");

/*
 * The first page of the public space, checked and mapped (every register
 * read here lies in it); unmap with iounmap().
 */
static void __iomem *map_public(int *err)
{
	void __iomem *pub;

	BUILD_BUG_ON(TXT_REG_HEAP_SIZE + sizeof(u64) > PAGE_SIZE);
	*err = xenmb_phys_range_check(txt_base, PAGE_SIZE);
	if (*err)
		return NULL;
	pub = ioremap(txt_base, PAGE_SIZE);
	if (!pub)
		*err = -ENOMEM;
	return pub;
}

/*
 * TXT is Intel's: its chipset answers with Intel's vendor ID in the low 16
 * bits. Nothing there reads all zeros or all ones; another device that
 * decodes the address must not pass for TXT either.
 */
static bool txt_didvid_valid(u64 didvid)
{
	return didvid != ~0ULL && (didvid & 0xFFFF) == PCI_VENDOR_ID_INTEL;
}

static int read_registers(struct xenmb_txt_info *info)
{
	void __iomem *pub;
	int ret;

	pub = map_public(&ret);
	if (!pub)
		return ret;
	info->base = txt_base;
	ret = xenmb_phys_read64(pub, TXT_REG_DIDVID, &info->didvid);
	info->present = !ret && txt_didvid_valid(info->didvid);
	if (info->present)
		ret = xenmb_phys_read64(pub, TXT_REG_STS, &info->sts) ?:
		      xenmb_phys_read64(pub, TXT_REG_ESTS, &info->ests) ?:
		      xenmb_phys_read64(pub, TXT_REG_ERRORCODE,
					&info->errorcode) ?:
		      xenmb_phys_read64(pub, TXT_REG_VER_FSBIF,
					&info->ver_fsbif) ?:
		      xenmb_phys_read64(pub, TXT_REG_HEAP_BASE,
					&info->heap_base) ?:
		      xenmb_phys_read64(pub, TXT_REG_HEAP_SIZE,
					&info->heap_size);
	iounmap(pub);
	return ret;
}

static int heap_range_ok(const struct xenmb_txt_info *info)
{
	int ret = -EBADMSG;

	if (info->heap_size >= 4 * (8 + 4) &&
	    info->heap_size <= TXT_HEAP_MAX_SIZE)
		ret = xenmb_phys_memory_check(info->heap_base, info->heap_size);
	/* Hidden by Xen is how a tboot host is, not a fault to log. */
	if (ret == -EBADMSG)
		pr_warn_ratelimited("xenmb: TXT heap %#llx+%#llx is not a reserved range of sane size\n",
				    info->heap_base, info->heap_size);
	return ret;
}

/* A log's range must be readable; says so in the kernel log if not. */
static int log_range_ok(u64 phys, u64 len)
{
	int ret = xenmb_phys_memory_check(phys, len);

	if (ret == -EBADMSG)
		pr_warn_ratelimited("xenmb: DRTM log %#llx+%#llx is not reserved memory, or a driver claims it\n",
				    phys, len);
	return ret;
}

/* Walks a private copy of the heap and finds the log(s). */
static int locate_logs(struct xenmb_txt_info *info,
		       struct txt_heap_summary *sum)
{
	u8 container[TXT_EVENT_CONTAINER_HDR_LEN];
	u8 *heap;
	u32 i;
	int ret;

	ret = heap_range_ok(info);
	if (ret)
		return ret;
	heap = kvmalloc(info->heap_size, GFP_KERNEL);
	if (!heap)
		return -ENOMEM;
	ret = xenmb_phys_copy(info->heap_base, info->heap_size, heap);
	if (!ret)
		ret = xenmb_txt_heap_walk(heap, info->heap_size, sum);
	kvfree(heap);
	if (ret == -ENOENT || ret == -EACCES)
		return ret;
	if (ret) {
		pr_warn_ratelimited("xenmb: TXT heap at %#llx is malformed (%d)\n",
				    info->heap_base, ret);
		return ret == -ENOMEM ? ret : -EBADMSG;
	}

	if (sum->log_format == TXT_LOG_FORMAT_TPM12) {
		ret = log_range_ok(sum->logs[0].phys, sizeof(container));
		if (ret)
			return ret;
		ret = xenmb_phys_copy(sum->logs[0].phys, sizeof(container),
				      container);
		if (ret == -EACCES)
			return ret;
		if (!ret)
			ret = xenmb_txt_event_container_parse(container,
							      sizeof(container),
							      &sum->logs[0]);
		if (ret) {
			pr_warn_ratelimited("xenmb: TXT event container at %#llx is malformed\n",
					    sum->logs[0].phys);
			return -EBADMSG;
		}
	}
	for (i = 0; i < sum->log_count; i++) {
		ret = log_range_ok(sum->logs[i].phys, sum->logs[i].allocated);
		if (ret)
			return ret;
	}
	return 0;
}

static void fill_summary(struct xenmb_txt_info *info,
			 const struct txt_heap_summary *sum)
{
	const struct txt_heap_region *regions[] = {
		&sum->bios_data, &sum->os_mle_data, &sum->os_sinit_data,
		&sum->sinit_mle_data,
	};
	u32 i;

	for (i = 0; i < ARRAY_SIZE(regions); i++) {
		info->region_size[i] = regions[i]->size;
		info->region_version[i] = regions[i]->version;
	}
	info->log_format = sum->log_format;
	info->log_count = sum->log_count;
	for (i = 0; i < sum->log_count && i < XENMB_TXT_MAX_LOGS; i++) {
		info->logs[i].alg = sum->logs[i].alg;
		info->logs[i].allocated = sum->logs[i].allocated;
		info->logs[i].phys = sum->logs[i].phys;
		info->logs[i].first = sum->logs[i].first;
		info->logs[i].next = sum->logs[i].next;
	}
}

static u32 log_parse_format(u32 log_format)
{
	switch (log_format) {
	case TXT_LOG_FORMAT_TPM12:
		return TCG_LOG_SHA1;
	case TXT_LOG_FORMAT_TPM20_BANKS:
		return TCG_LOG_BANK;
	default:
		return TCG_LOG_AGILE;
	}
}

/*
 * Parses the used part of each log with the same parser the helper uses,
 * so TXT_INFO can say whether the log the launch left is well formed.
 */
static void check_logs(struct xenmb_txt_info *info,
		       const struct txt_heap_summary *sum)
{
	struct tcg_log_iter *it;
	struct tcg_event *ev;
	u32 i, len;
	u8 *buf;
	int ret;

	it = kzalloc(sizeof(*it), GFP_KERNEL);
	ev = kzalloc(sizeof(*ev), GFP_KERNEL);
	for (i = 0; it && ev && i < sum->log_count; i++) {
		const struct txt_log_ref *log = &sum->logs[i];

		len = log->next - log->first;
		if (!len)
			continue;
		buf = kvmalloc(len, GFP_KERNEL);
		if (!buf)
			break;
		ret = xenmb_phys_copy(log->phys + log->first, len, buf);
		if (ret) {
			info->log_status = -ret;
			kvfree(buf);
			continue;
		}
		ret = xenmb_tcg_log_open(it, buf, len,
					 log_parse_format(sum->log_format), log->alg);
		while (!ret && (ret = xenmb_tcg_log_next(it, ev)) == 1) {
			info->log_events++;
			ret = 0;
		}
		if (ret < 0) {
			pr_warn_ratelimited("xenmb: DRTM log %u at %#llx: record at offset %u: %s\n",
					    i, log->phys + log->first,
					    it->error_offset,
					    xenmb_tcg_log_reason_text(it->reason));
			info->log_status = EBADMSG;
		}
		kvfree(buf);
	}
	kfree(ev);
	kfree(it);
}

/*
 * Localities 1-3 as far as TXT lets software use them (see
 * xenmb_txt_sts_open_localities()); all three where no TXT public space can be
 * read, leaving it to each one's ACCESS register.
 */
u32 xenmb_txt_open_localities(void)
{
	/* Called before the chip's ops are taken: it maps and reads MMIO. */
	u32 open = BIT(1) | BIT(2) | BIT(3);
	void __iomem *pub;
	u64 didvid, sts;
	int err;

	pub = map_public(&err);
	if (!pub)
		return open;
	if (!xenmb_phys_read64(pub, TXT_REG_DIDVID, &didvid) &&
	    txt_didvid_valid(didvid) &&
	    !xenmb_phys_read64(pub, TXT_REG_STS, &sts))
		open = xenmb_txt_sts_open_localities(sts);
	iounmap(pub);
	return open;
}

/* Registers, heap summary and log location; 0 unless the read failed. */
static int txt_describe(struct xenmb_txt_info *info,
			struct txt_heap_summary *sum, int *heap_err)
{
	int ret;

	memset(sum, 0, sizeof(*sum));
	ret = read_registers(info);
	if (ret || !info->present) {
		*heap_err = -ENODEV;
		return ret;
	}
	*heap_err = locate_logs(info, sum);
	fill_summary(info, sum);
	info->heap_status = -*heap_err;
	return 0;
}

int xenmb_txt_info(struct xenmb_txt_info *info)
{
	struct txt_heap_summary *sum;
	int heap_err, ret;

	sum = kzalloc(sizeof(*sum), GFP_KERNEL);
	if (!sum)
		return -ENOMEM;
	ret = txt_describe(info, sum, &heap_err);
	if (!ret && !heap_err)
		check_logs(info, sum);
	kfree(sum);
	return ret;
}

/* Copies [@offset, @offset + @len) of a region of @size at @phys, clipped. */
static int read_clipped(u64 phys, u64 size, struct xenmb_txt_read *arg)
{
	u64 len;
	int ret;

	arg->read_len = 0;
	if (arg->offset >= size)
		return 0;
	len = min_t(u64, arg->buf_len, size - arg->offset);
	if (!len)
		return 0;
	ret = xenmb_phys_copy_to_user(phys + arg->offset, len,
				      u64_to_user_ptr(arg->buf_ptr));
	if (!ret)
		arg->read_len = len;
	return ret;
}

int xenmb_txt_read(struct xenmb_txt_read *arg)
{
	struct xenmb_txt_info *info;
	struct txt_heap_summary *sum;
	int ret;

	info = kzalloc(sizeof(*info), GFP_KERNEL);
	sum = kzalloc(sizeof(*sum), GFP_KERNEL);
	if (!info || !sum) {
		ret = -ENOMEM;
		goto out_free;
	}

	ret = read_registers(info);
	if (!ret && !info->present)
		ret = -ENODEV;
	if (ret)
		goto out_free;

	/* main.c checked the region and the heap's index. */
	if (arg->region == XENMB_TXT_REGION_HEAP) {
		/* The raw heap, malformed or not: no walk needed. */
		ret = heap_range_ok(info);
		if (!ret)
			ret = read_clipped(info->heap_base, info->heap_size,
					   arg);
	} else {
		ret = locate_logs(info, sum);
		if (!ret && arg->index >= sum->log_count)
			ret = -EINVAL;
		if (!ret)
			ret = read_clipped(sum->logs[arg->index].phys,
					   sum->logs[arg->index].allocated, arg);
	}

out_free:
	kfree(sum);
	kfree(info);
	return ret;
}
