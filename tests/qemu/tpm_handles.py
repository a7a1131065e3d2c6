# SPDX-License-Identifier: GPL-2.0
"""Which handles the TPM holds, asked over /dev/xenmb with 'xenmb tpm send':
the one GetCapability builder and reader of each family, for every suite
that checks nothing was left loaded (test_quote, test_cleanup,
test_concurrency, test_challenge, test_faults). Built and read here, by
hand, independently of the helper under test.
"""
import struct

TPM2_CC_GET_CAPABILITY = 0x17A
TPM_CAP_HANDLES = 1
HR_TRANSIENT, HR_LOADED_SESSION, HR_PERSISTENT = 0x80000000, 0x02000000, 0x81000000
HR_SAVED_SESSION = 0x03000000

TPM12_ORD_GET_CAPABILITY = 0x65
TPM12_CAP_HANDLE = 0x14
TPM12_RT_KEY, TPM12_RT_AUTH = 1, 2


def get_handles(first):
    """TPM2_GetCapability(TPM_CAP_HANDLES, @first, 64)."""
    body = struct.pack(">III", TPM_CAP_HANDLES, first, 64)
    return struct.pack(">HII", 0x8001, 10 + len(body), TPM2_CC_GET_CAPABILITY) + body


def handles_of(g, step):
    """The handles a get_handles() response of @step lists, or None."""
    res = g.json(step) or {}
    rsp = bytes.fromhex(res.get("response", ""))
    if res.get("tpm_rc") != 0 or len(rsp) < 19:
        return None
    count = struct.unpack(">I", rsp[15:19])[0]
    return [struct.unpack(">I", rsp[19 + 4 * i:23 + 4 * i])[0] for i in range(count)]


def tpm12_get_handles(rt):
    """TPM_GetCapability(TPM_CAP_HANDLE, @rt): the handles of resource type @rt."""
    return struct.pack(">HIIIII", 0x00C1, 22, TPM12_ORD_GET_CAPABILITY,
                       TPM12_CAP_HANDLE, 4, rt)


def tpm12_handles(g, step):
    """The handles a tpm12_get_handles() response of @step lists, or None."""
    res = g.json(step) or {}
    rsp = bytes.fromhex(res.get("response", ""))
    if res.get("tpm_rc") != 0 or len(rsp) < 16:
        return None
    n = struct.unpack(">H", rsp[14:16])[0]
    return [struct.unpack(">I", rsp[16 + 4 * i:20 + 4 * i])[0] for i in range(n)]
