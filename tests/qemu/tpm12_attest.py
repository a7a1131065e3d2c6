# SPDX-License-Identifier: GPL-2.0
"""TEST ONLY: the attestation server's side of the TPM 1.2 flows, written
here from the TPM 1.2 Main spec (part 2 structures, part 3 TPM_Quote and
TPM_ActivateIdentity) with the Python standard library and the openssl
CLI. It judges what xentpm / xenmb print; it shares no code with them.

  parse_quote()      the xentpm --tpm_quote blob: u16 BE size of the PCR
                     mask, the mask (LSB of byte 0 = PCR 0), u32 BE size of
                     the PCR values, the 20-byte values, the RSA signature
  verify_quote()     rebuilds TPM_PCR_COMPOSITE and TPM_QUOTE_INFO
                     (1.1.0.0, "QUOT", SHA1(composite), SHA1(nonce)) and
                     lets `openssl dgst -sha1 -verify` judge the signature
  make_challenge()   what the original servers send to tpm_challenge:
                     u32 BE size, the EK-encrypted TPM_ASYM_CA_CONTENTS (or
                     TPM_EK_BLOB), u32 BE size, TPM_SYM_CA_ATTESTATION whose
                     credential is IV || AES-128-CBC(secret)
  HostTpm12          a swtpm TPM 1.2 on a state directory, driven from the
                     host between boots (physical presence commands)
"""
import hashlib
import os
import socket
import struct
import subprocess
import tempfile
import time

TPM_ALG_RSA = 0x00000001
TPM_ALG_AES128 = 0x00000006
TPM_ES_SYM_CBC_PKCS5PAD = 0x00FF
TPM_SS_NONE = 0x0001
TPM_TAG_EK_BLOB = 0x000C
TPM_EK_TYPE_ACTIVATE = 0x0001
TPM_TAG_EK_BLOB_ACTIVATE = 0x002B
OAEP_LABEL_HEX = b"TCPA".hex()

# TPM 1.2 return codes the tests name.
TPM_AUTHFAIL = 0x01
TPM_DEACTIVATED = 0x06
TPM_DISABLED = 0x07


def sha1(data):
    return hashlib.sha1(data).digest()


def openssl(*args, data=None):
    """Runs `openssl ARGS`; (exit code, stdout bytes, stderr text)."""
    p = subprocess.run(["openssl", *args], input=data, capture_output=True)
    return p.returncode, p.stdout, p.stderr.decode(errors="replace")


# --- the quote ------------------------------------------------------------

class QuoteError(ValueError):
    pass


def parse_quote(blob):
    """{'mask', 'pcrs' {index: 20 bytes}, 'composite', 'signature'} of a
    quote blob, or QuoteError saying what is wrong with its layout."""
    if len(blob) < 2:
        raise QuoteError("shorter than the mask size")
    (mask_size,) = struct.unpack(">H", blob[:2])
    if mask_size == 0 or len(blob) < 2 + mask_size + 4:
        raise QuoteError(f"mask size {mask_size} does not fit the blob")
    mask = blob[2:2 + mask_size]
    (values_size,) = struct.unpack(">I", blob[2 + mask_size:6 + mask_size])
    selected = [i for i in range(mask_size * 8) if mask[i // 8] >> (i % 8) & 1]
    if values_size != 20 * len(selected):
        raise QuoteError(f"{values_size} bytes of PCR values for {len(selected)} PCRs")
    end = 6 + mask_size + values_size
    if len(blob) <= end:
        raise QuoteError("no signature after the PCR values")
    values = blob[6 + mask_size:end]
    pcrs = {p: values[20 * k:20 * k + 20] for k, p in enumerate(selected)}
    return {"mask": mask, "pcrs": pcrs, "composite": blob[:end], "signature": blob[end:]}


def composite(pcrs, mask_size=3):
    """TPM_PCR_COMPOSITE of {index: value}, built from the spec (part 2
    8.1/8.2): TPM_PCR_SELECTION (u16 sizeOfSelect, the bit map), u32
    valueSize, the values in ascending PCR order."""
    mask = bytearray(mask_size)
    for p in pcrs:
        mask[p // 8] |= 1 << (p % 8)
    values = b"".join(pcrs[p] for p in sorted(pcrs))
    return struct.pack(">H", mask_size) + bytes(mask) + struct.pack(">I", len(values)) + values


def quote_info(composite_bytes, nonce):
    """TPM_QUOTE_INFO (part 2 11.3): version 1.1.0.0, "QUOT", the
    composite's SHA-1, externalData = SHA-1 of the caller's nonce (what
    xentpm hands the TPM)."""
    return bytes([1, 1, 0, 0]) + b"QUOT" + sha1(composite_bytes) + sha1(nonce)


def verify_signature(aik_pem_path, message, signature):
    """(accepted, openssl's words): RSASSA-PKCS1-v1_5 with SHA-1, the AIK's
    TPM_SS_RSASSAPKCS1v15_SHA1, judged by `openssl dgst -sha1 -verify`."""
    with tempfile.TemporaryDirectory() as d:
        sig = os.path.join(d, "sig")
        with open(sig, "wb") as f:
            f.write(signature)
        rc, out, err = openssl("dgst", "-sha1", "-verify", aik_pem_path, "-signature", sig,
                               data=message)
    return rc == 0 and b"Verified OK" in out, (out.decode(errors="replace") + err).strip()


def verify_quote(blob, nonce, aik_pem_path):
    """(accepted, {index: value}, why). The composite is rebuilt from the
    returned values (not taken as sent), so a value changed in transit
    changes the signed digest."""
    try:
        q = parse_quote(blob)
    except QuoteError as e:
        return False, {}, f"layout: {e}"
    rebuilt = composite(q["pcrs"], len(q["mask"]))
    if rebuilt != q["composite"]:
        return False, q["pcrs"], "the blob's head is not a TPM_PCR_COMPOSITE"
    ok, words = verify_signature(aik_pem_path, quote_info(rebuilt, nonce), q["signature"])
    return ok, q["pcrs"], words


# --- keys -----------------------------------------------------------------

def pem_modulus(pem_path):
    """The RSA modulus of a PEM public key, as bytes (openssl says it)."""
    rc, out, err = openssl("rsa", "-pubin", "-in", pem_path, "-noout", "-modulus")
    if rc != 0 or not out.startswith(b"Modulus="):
        raise ValueError(f"not an RSA public key: {err}")
    return bytes.fromhex(out.strip()[len(b"Modulus="):].decode())


def parse_tpm_pubkey(blob):
    """(modulus, exponent, key_parms) of a TPM_PUBKEY (part 2 10.5):
    TPM_KEY_PARMS (u32 algorithmID, u16 encScheme, u16 sigScheme, u32
    parmSize, TPM_RSA_KEY_PARMS) then TPM_STORE_PUBKEY (u32 size, key)."""
    alg, enc, sig, psize = struct.unpack(">IHHI", blob[:12])
    if alg != TPM_ALG_RSA or psize < 12 or len(blob) < 12 + psize + 4:
        raise ValueError("not an RSA TPM_PUBKEY")
    parms = blob[12:12 + psize]
    bits, primes, esize = struct.unpack(">III", parms[:12])
    exponent = int.from_bytes(parms[12:12 + esize], "big") if esize else 65537
    (klen,) = struct.unpack(">I", blob[12 + psize:16 + psize])
    modulus = blob[16 + psize:16 + psize + klen]
    if len(modulus) != klen or 16 + psize + klen != len(blob) or klen * 8 != bits:
        raise ValueError("TPM_STORE_PUBKEY size does not match")
    return modulus, exponent, {"enc": enc, "sig": sig, "bits": bits, "primes": primes}


# --- the challenge (privacy CA side) --------------------------------------

def symmetric_key(key):
    """TPM_SYMMETRIC_KEY (part 2 11.4): AES-128, CBC with PKCS#5 padding."""
    return struct.pack(">IHH", TPM_ALG_AES128, TPM_ES_SYM_CBC_PKCS5PAD, len(key)) + key


def asym_ca_contents(key, aik_tcpa):
    """TPM_ASYM_CA_CONTENTS (part 2 15.3): the session key and idDigest,
    the SHA-1 of the AIK's TPM_PUBKEY (the --get_aik_tcpa bytes)."""
    return symmetric_key(key) + sha1(aik_tcpa)


def ek_blob_activate(key, aik_tcpa):
    """TPM_EK_BLOB (part 2 14.4) of type ACTIVATE holding
    TPM_EK_BLOB_ACTIVATE: session key, idDigest, and a TPM_PCR_INFO_SHORT
    selecting no PCR, any locality (0x1F)."""
    pcr_info = struct.pack(">H", 3) + bytes(3) + bytes([0x1F]) + bytes(20)
    activate = struct.pack(">H", TPM_TAG_EK_BLOB_ACTIVATE) + symmetric_key(key) + \
        sha1(aik_tcpa) + pcr_info
    return struct.pack(">HHI", TPM_TAG_EK_BLOB, TPM_EK_TYPE_ACTIVATE, len(activate)) + activate


def oaep_tcpa_encrypt(pem_path, data):
    """RSAES-OAEP, SHA-1, MGF1-SHA-1, label "TCPA" (part 1 31.1.1), to the
    public key in @pem_path, by `openssl pkeyutl`."""
    rc, out, err = openssl("pkeyutl", "-encrypt", "-pubin", "-inkey", pem_path,
                           "-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:sha1",
                           "-pkeyopt", "rsa_mgf1_md:sha1",
                           "-pkeyopt", f"rsa_oaep_label:{OAEP_LABEL_HEX}", data=data)
    if rc != 0:
        raise RuntimeError(f"openssl pkeyutl: {err}")
    return out


def aes128_cbc(key, iv, data, pad=True):
    nopad = () if pad else ("-nopad",)
    rc, out, err = openssl("enc", "-aes-128-cbc", "-K", key.hex(), "-iv", iv.hex(), *nopad,
                           data=data)
    if rc != 0:
        raise RuntimeError(f"openssl enc: {err}")
    return out


def sym_ca_attestation(key, secret, iv=None, pad=True):
    """TPM_SYM_CA_ATTESTATION (part 2 15.2): u32 credSize, TPM_KEY_PARMS
    (AES-128, CBC-PKCS5PAD, SS_NONE, TPM_SYMMETRIC_KEY_PARMS 128 bits,
    block 16, ivSize 0) and the credential IV || AES-128-CBC(secret), the
    IV in front as the servers (and trousers' decryption) have it."""
    iv = iv or os.urandom(16)
    cred = iv + aes128_cbc(key, iv, secret, pad)
    parms = struct.pack(">III", 128, 16, 0)
    return struct.pack(">IIHHI", len(cred), TPM_ALG_AES128, TPM_ES_SYM_CBC_PKCS5PAD,
                       TPM_SS_NONE, len(parms)) + parms + cred


def make_challenge(ek_pem_path, aik_tcpa, secret, form="asym"):
    """The challenge bytes (base64 them for tpm_challenge): u32 BE size ||
    RSA-OAEP(EK, TPM_ASYM_CA_CONTENTS or TPM_EK_BLOB) || u32 BE size ||
    TPM_SYM_CA_ATTESTATION. @form "asym" or "ekblob"; "badpad": a
    credential whose PKCS#7 padding is wrong (@secret: whole blocks, the
    last byte 0), so it cannot decrypt."""
    key = os.urandom(16)
    plain = ek_blob_activate(key, aik_tcpa) if form == "ekblob" else asym_ca_contents(key, aik_tcpa)
    asym = oaep_tcpa_encrypt(ek_pem_path, plain)
    sym = sym_ca_attestation(key, secret, pad=form != "badpad")
    return struct.pack(">I", len(asym)) + asym + struct.pack(">I", len(sym)) + sym


# --- TPM 1.2 commands (no authorization) ----------------------------------

def cmd(ordinal, body=b"", tag=0x00C1):
    return struct.pack(">HII", tag, 10 + len(body), ordinal) + body


def pcr_read(pcr):
    return cmd(0x15, struct.pack(">I", pcr))


def startup_clear():
    return cmd(0x99, struct.pack(">H", 0x0001))


def physical_presence(bits):
    """TSC_PhysicalPresence (part 3 27.6): 0x0020 CMD_ENABLE, 0x0008
    PRESENT, 0x0010 NOTPRESENT."""
    return cmd(0x4000000A, struct.pack(">H", bits))


def physical_enable():
    return cmd(0x6F)


def physical_disable():
    return cmd(0x70)


def physical_set_deactivated(state):
    return cmd(0x72, bytes([1 if state else 0]))


def rc_of(response):
    return struct.unpack(">I", response[6:10])[0] if len(response) >= 10 else None


class HostTpm12:
    """swtpm (TPM 1.2) on @state run from the host, to set what the guest
    cannot (physical presence: SeaBIOS locks it before the OS runs)."""

    def __init__(self, state):
        self.state = state

    def run(self, commands):
        """Sends @commands after TPM_Startup(ST_CLEAR); their responses."""
        with tempfile.TemporaryDirectory(prefix="xenmb-t12-", dir="/tmp") as d:
            data, ctrl = os.path.join(d, "data"), os.path.join(d, "ctrl")
            proc = subprocess.Popen(
                ["swtpm", "socket", "--tpmstate", f"dir={self.state}",
                 "--server", f"type=unixio,path={data}", "--ctrl", f"type=unixio,path={ctrl}",
                 "--flags", "not-need-init"],
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            try:
                out = []
                with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                    self._connect(s, data, proc)
                    s.settimeout(30)
                    for c in [startup_clear()] + list(commands):
                        s.sendall(c)
                        out.append(self._response(s))
                subprocess.run(["swtpm_ioctl", "--unix", ctrl, "-s"], capture_output=True,
                               timeout=30)
                proc.wait(timeout=30)
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
        return out[1:]

    @staticmethod
    def _connect(s, path, proc):
        """Connects @s to swtpm's socket @path. Slow under load: up to 30 s.
        The path exists from bind(), before listen(): until then connect()
        is refused (a CI run failed so), so a refusal is retried too."""
        deadline = time.monotonic() + 30
        while True:
            try:
                s.connect(path)
                return
            except (FileNotFoundError, ConnectionRefusedError):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    @staticmethod
    def _response(s):
        buf = b""
        while len(buf) < 10 or len(buf) < struct.unpack(">I", buf[2:6])[0]:
            chunk = s.recv(4096)
            if not chunk:
                raise RuntimeError("swtpm closed the data channel")
            buf += chunk
        return buf

    def enable(self):
        """What the firmware setup does after a clear: physical presence,
        TPM_PhysicalEnable, TPM_PhysicalSetDeactivated(FALSE)."""
        return self.run([physical_presence(0x0020), physical_presence(0x0008),
                         physical_enable(), physical_set_deactivated(False)])

    def deactivate(self):
        """Physical presence asserted, TPM_PhysicalSetDeactivated(TRUE):
        from the next TPM_Startup the TPM is deactivated."""
        return self.run([physical_presence(0x0020), physical_presence(0x0008),
                         physical_set_deactivated(True)])

    def disable(self):
        """Activated again, and TPM_PhysicalDisable."""
        return self.run([physical_presence(0x0020), physical_presence(0x0008),
                         physical_set_deactivated(False), physical_disable()])
