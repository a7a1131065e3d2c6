// SPDX-License-Identifier: GPL-2.0
/*
 * helper/tpm12.c against a real TPM 1.2: a `swtpm socket` (libtpms, TPM 1.2
 * mode) this program starts on free TCP ports from state prepared by
 * `swtpm_setup --createek`. What the TPM signs or decrypts is checked here
 * with OpenSSL and structures built in this file from the spec, not with
 * the module's own parsers. Then the parsers alone, on cut and padded
 * inputs. A missing swtpm fails the test.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>

#include "helper/tpm12.h"
#include "tests/tpm12_canned.h"
#include "tests/unit/tap.h"

/* ---- transports ---- */

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -EIO;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int read_all(int fd, uint8_t *p, size_t n)
{
	while (n) {
		ssize_t r = read(fd, p, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -EIO;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/* swtpm's TCP server: the command, then a response framed by its header. */
static int socket_transmit(void *ctx, const uint8_t *cmd, size_t cmd_len,
			   uint8_t *rsp, size_t rsp_size, size_t *rsp_len)
{
	int fd = *(int *)ctx;
	uint32_t len;

	if (write_all(fd, cmd, cmd_len) || read_all(fd, rsp, 10))
		return -EIO;
	len = (uint32_t)rsp[2] << 24 | (uint32_t)rsp[3] << 16 |
	      (uint32_t)rsp[4] << 8 | rsp[5];
	if (len < 10 || len > rsp_size)
		return -EMSGSIZE;
	if (read_all(fd, rsp + 10, len - 10))
		return -EIO;
	*rsp_len = len;
	return 0;
}

/* Passes through to @inner, flipping the last response byte when armed. */
struct tamper {
	const struct tpm12_transport *inner;
	bool armed;
};

static int tamper_transmit(void *ctx, const uint8_t *cmd, size_t cmd_len,
			   uint8_t *rsp, size_t rsp_size, size_t *rsp_len)
{
	struct tamper *tp = ctx;
	int ret = tp->inner->transmit(tp->inner->ctx, cmd, cmd_len, rsp,
				      rsp_size, rsp_len);

	/* Only authorized commands' responses (tags C5, C6) are changed. */
	if (!ret && tp->armed && *rsp_len > 10 && rsp[1] >= 0xC5)
		rsp[*rsp_len - 1] ^= 0x01;
	return ret;
}

/* ---- swtpm ---- */

struct swtpm {
	char dir[64];
	pid_t pid;
	int fd;
	int port;
};

/* A port P such that P and P + 1 are free now. */
static int free_port_pair(void)
{
	for (int tries = 0; tries < 50; tries++) {
		struct sockaddr_in a = {.sin_family = AF_INET};
		socklen_t alen = sizeof(a);
		int s1 = socket(AF_INET, SOCK_STREAM, 0), s2, port = -1;
		bool ok;

		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (s1 < 0)
			continue;
		if (bind(s1, (struct sockaddr *)&a, sizeof(a)) ||
		    getsockname(s1, (struct sockaddr *)&a, &alen)) {
			close(s1);
			continue;
		}
		port = ntohs(a.sin_port);
		s2 = socket(AF_INET, SOCK_STREAM, 0);
		a.sin_port = htons((uint16_t)(port + 1));
		ok = port < 65535 && s2 >= 0 &&
		     !bind(s2, (struct sockaddr *)&a, sizeof(a));
		close(s1);
		if (s2 >= 0)
			close(s2);
		if (ok)
			return port;
	}
	return -1;
}

static int run_wait(char *const argv[])
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		dup2(null, 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Runs swtpm on @port (ctrl on @port + 1); true once it accepts us. */
static bool swtpm_spawn(struct swtpm *sw, int port)
{
	char state[96], server[64], ctrl[64];

	sw->port = port;
	snprintf(state, sizeof(state), "dir=%s", sw->dir);
	snprintf(server, sizeof(server), "type=tcp,port=%d", port);
	snprintf(ctrl, sizeof(ctrl), "type=tcp,port=%d", port + 1);
	sw->pid = fork();
	if (sw->pid == 0) {
		char *argv[] = {"swtpm",	 "socket",   "--tpmstate",
				state,		 "--server", server,
				"--ctrl",	 ctrl,	     "--flags",
				"not-need-init", NULL};
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		dup2(null, 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	/* Up to 10 s: the machine may be busy. */
	for (int i = 0; i < 200 && sw->pid > 0; i++) {
		struct sockaddr_in a = {.sin_family = AF_INET,
					.sin_port = htons((uint16_t)port)};
		struct timespec ts = {0, 50L * 1000 * 1000};
		int status;

		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sw->fd = socket(AF_INET, SOCK_STREAM, 0);
		if (!connect(sw->fd, (struct sockaddr *)&a, sizeof(a)))
			return true;
		close(sw->fd);
		sw->fd = -1;
		if (waitpid(sw->pid, &status, WNOHANG) == sw->pid)
			sw->pid = -1;
		nanosleep(&ts, NULL);
	}
	return false;
}

static bool swtpm_start(struct swtpm *sw)
{
	char *setup[] = {"swtpm_setup", "--tpmstate", sw->dir, "--createek",
			 NULL};
	int rc, port = -1;

	strcpy(sw->dir, "/tmp/test_tpm12.XXXXXX");
	sw->pid = -1;
	sw->fd = -1;
	if (!mkdtemp(sw->dir)) {
		sw->dir[0] = '\0';
		return report(false, "swtpm state dir", "%s", strerror(errno));
	}
	rc = run_wait(setup);
	if (!report(rc == 0, "swtpm_setup --createek prepares TPM 1.2",
		    "exit %d (127: swtpm_setup not installed)", rc))
		return false;
	/* Another program may take the ports first: then try new ones. */
	for (int tries = 0; tries < 3; tries++) {
		port = free_port_pair();
		if (port > 0 && swtpm_spawn(sw, port))
			break;
		if (sw->pid > 0) {
			kill(sw->pid, SIGTERM);
			waitpid(sw->pid, NULL, 0);
			sw->pid = -1;
		}
	}
	return report(sw->fd >= 0,
		      "swtpm socket (TPM 1.2) accepts a connection",
		      "swtpm did not start or listen on port %d (127: swtpm "
		      "not installed)",
		      port);
}

static void swtpm_stop(struct swtpm *sw)
{
	char *rm[] = {"rm", "-rf", sw->dir, NULL};

	if (sw->fd >= 0)
		close(sw->fd);
	if (sw->pid > 0) {
		kill(sw->pid, SIGTERM);
		waitpid(sw->pid, NULL, 0);
	}
	if (sw->dir[0])
		run_wait(rm);
}

/* ---- independent crypto of the test ---- */

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void sha1(const void *p, size_t n, uint8_t out[20])
{
	EVP_Digest(p, n, out, NULL, EVP_sha1(), NULL);
}

/* RSA key from a modulus, exponent 65537 (what our templates ask for). */
static EVP_PKEY *rsa_from_modulus(const uint8_t *n, size_t len)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	BIGNUM *bn = BN_bin2bn(n, (int)len, NULL), *e = BN_new();
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	OSSL_PARAM *params = NULL;
	EVP_PKEY *pkey = NULL;

	if (bld && bn && e && ctx && BN_set_word(e, 65537) &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn) &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) &&
	    (params = OSSL_PARAM_BLD_to_param(bld)) &&
	    EVP_PKEY_fromdata_init(ctx) > 0)
		EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params);
	OSSL_PARAM_free(params);
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_BLD_free(bld);
	BN_free(bn);
	BN_free(e);
	return pkey;
}

/*
 * Offsets in the 2048-bit TPM_KEY our templates produce (no PCR info,
 * empty exponent): version 4, usage 2, flags 4, authUsage 1 = 11; key
 * parms 24 (35); PCRInfoSize 4 (39); keyLength (43); modulus.
 */
#define KEY_PARMS_OFF 11
#define KEY_PARMS_LEN 24
#define KEY_PUB_OFF 39
#define KEY_MODULUS_OFF 43
/* In a TPM_PUBKEY: parms 24, keyLength 4, modulus. */
#define PUBKEY_MODULUS_OFF 28

static bool key_blob_shape_ok(const struct tpm12_blob *b)
{
	return b->len > KEY_MODULUS_OFF + 256 + 4 &&
	       be32(b->data + KEY_PARMS_OFF + 8) == 12 &&
	       be32(b->data + KEY_PARMS_OFF + 20) == 0 &&
	       be32(b->data + 35) == 0 && be32(b->data + KEY_PUB_OFF) == 256;
}

/* SHA1 of the key's TPM_PUBKEY (parms || pubKey), cut from the blob. */
static void key_pubkey_digest(const struct tpm12_blob *b, uint8_t out[20])
{
	uint8_t pub[KEY_PARMS_LEN + 4 + 256];

	memcpy(pub, b->data + KEY_PARMS_OFF, KEY_PARMS_LEN);
	memcpy(pub + KEY_PARMS_LEN, b->data + KEY_PUB_OFF, 4 + 256);
	sha1(pub, sizeof(pub), out);
}

static bool rsa_sha1_verify(EVP_PKEY *key, const uint8_t *msg, size_t len,
			    const uint8_t *sig, size_t sig_len)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	bool ok = ctx &&
		  EVP_DigestVerifyInit(ctx, NULL, EVP_sha1(), NULL, key) > 0 &&
		  EVP_DigestVerify(ctx, sig, sig_len, msg, len) == 1;

	EVP_MD_CTX_free(ctx);
	return ok;
}

/* What a privacy CA does: RSA-OAEP, SHA-1, label "TCPA", to the EK. */
static size_t oaep_tcpa(EVP_PKEY *ek, const uint8_t *in, size_t len,
			uint8_t *out, size_t size)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(ek, NULL);
	unsigned char *label = OPENSSL_memdup("TCPA", 4);
	size_t out_len = size;

	if (!ctx || EVP_PKEY_encrypt_init(ctx) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_oaep_md(ctx, EVP_sha1()) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, EVP_sha1()) <= 0 ||
	    EVP_PKEY_CTX_set0_rsa_oaep_label(ctx, label, 4) <= 0 ||
	    EVP_PKEY_encrypt(ctx, out, &out_len, in, len) <= 0)
		out_len = 0;
	EVP_PKEY_CTX_free(ctx);
	return out_len;
}

/* ---- against swtpm ---- */

static uint8_t owner_auth[20], aik_auth[20], wrong_auth[20];
static struct tpm12_blob pubek, aik, quote_composite;
static uint32_t pcr_count;

static void test_startup_and_state(const struct tpm12_transport *t)
{
	struct tpm12_version v;
	struct tpm12_flags f;
	bool owned = true;
	int ret;

	ret = tpm12_startup(t, TPM12_ST_CLEAR);
	report(ret == 0, "TPM_Startup(ST_CLEAR)", "returned %d", ret);
	ret = tpm12_startup(t, TPM12_ST_CLEAR);
	report(ret == 0x26, "a second TPM_Startup is TPM_INVALID_POSTINIT",
	       "returned %d", ret);
	ret = tpm12_get_version(t, &v);
	report(ret == 0 && v.major == 1 && v.minor == 2 && v.vendor[0],
	       "TPM_CAP_VERSION_VAL: version 1.2 and a vendor ID",
	       "returned %d, %u.%u vendor '%s'", ret, v.major, v.minor,
	       v.vendor);
	ret = tpm12_get_pcr_count(t, &pcr_count);
	report(ret == 0 && pcr_count == 24, "TPM_CAP_PROP_PCR: 24 PCRs",
	       "returned %d, %u", ret, pcr_count);
	ret = tpm12_get_owner_present(t, &owned);
	report(ret == 0 && !owned, "TPM_CAP_PROP_OWNER: no owner yet",
	       "returned %d, owned %d", ret, owned);
	ret = tpm12_get_flags(t, &f);
	report(
	    ret == 0 && !f.disabled && !f.deactivated &&
		!f.volatile_deactivated && f.ownership_allowed && f.read_pubek,
	    "flags: enabled, activated, ownership allowed, ReadPubek allowed",
	    "returned %d, disabled %d deactivated %d/%d owner %d pubek %d", ret,
	    f.disabled, f.deactivated, f.volatile_deactivated,
	    f.ownership_allowed, f.read_pubek);
}

static EVP_PKEY *ek_key(void)
{
	/* TPM_PUBKEY: 24 bytes of RSA parms (empty exponent), 256-byte key */
	if (pubek.len != PUBKEY_MODULUS_OFF + 256 ||
	    be32(pubek.data + 8) != 12 || be32(pubek.data + 20) != 0 ||
	    be32(pubek.data + 24) != 256)
		return NULL;
	return rsa_from_modulus(pubek.data + PUBKEY_MODULUS_OFF, 256);
}

static void test_pubek(const struct tpm12_transport *t)
{
	struct tpm12_key_info k;
	EVP_PKEY *mine = NULL, *theirs = NULL, *ek;
	char *pem = NULL;
	BIO *bio;
	int ret;

	ret = tpm12_read_pubek(t, &pubek);
	report(ret == 0, "TPM_ReadPubek with its checksum verified",
	       "returned %d", ret);
	ek = ek_key();
	report(ek != NULL, "the EK is a 2048-bit RSA TPM_PUBKEY", "length %zu",
	       pubek.len);
	ret = tpm12_pubkey_parse(pubek.data, pubek.len, &k, NULL);
	report(ret == 0 && k.key_bits == 2048 && k.exponent == 65537 &&
		   k.modulus_len == 256 && k.enc_scheme == 3,
	       "tpm12_pubkey_parse: 2048 bits, e 65537, OAEP",
	       "returned %d, %u bits e %u", ret, k.key_bits, k.exponent);
	ret = tpm12_key_to_pem(&k, &pem);
	bio = pem ? BIO_new_mem_buf(pem, -1) : NULL;
	theirs = bio ? PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL) : NULL;
	report(ret == 0 && theirs && ek && EVP_PKEY_eq(theirs, ek) == 1 &&
		   !strncmp(pem, "-----BEGIN PUBLIC KEY-----\n", 27),
	       "tpm12_key_to_pem: a PUBLIC KEY PEM OpenSSL reads as the EK",
	       "returned %d", ret);
	ret = tpm12_key_to_evp(&k, &mine);
	report(ret == 0 && ek && EVP_PKEY_eq(mine, ek) == 1,
	       "tpm12_key_to_evp: the EK", "returned %d", ret);
	BIO_free(bio);
	free(pem);
	EVP_PKEY_free(mine);
	EVP_PKEY_free(theirs);
	EVP_PKEY_free(ek);
}

static void test_ownership(const struct tpm12_transport *t)
{
	struct tpm12_blob srk, pub2;
	struct tpm12_key_info k;
	struct tamper tp = {t, true};
	struct tpm12_transport tampered = {tamper_transmit, &tp};
	bool owned = false;
	int ret;

	ret = tpm12_take_ownership(t, owner_auth, &srk);
	report(ret == 0, "TPM_TakeOwnership (OAEP 'TCPA' to the EK)",
	       "returned %d", ret);
	ret = tpm12_key_parse(srk.data, srk.len, &k, NULL);
	report(ret == 0 && k.key_usage == TPM12_KEY_STORAGE &&
		   k.modulus_len == 256,
	       "the SRK TPM_KEY: a 2048-bit storage key", "returned %d", ret);
	ret = tpm12_get_owner_present(t, &owned);
	report(ret == 0 && owned, "TPM_CAP_PROP_OWNER: owned", "returned %d",
	       ret);
	ret = tpm12_take_ownership(t, owner_auth, NULL);
	report(ret == TPM12_RC_OWNER_SET,
	       "taking ownership again: TPM_OWNER_SET", "returned %d", ret);
	ret = tpm12_read_pubek(t, &pub2);
	report(ret == TPM12_RC_DISABLED_CMD,
	       "TPM_ReadPubek after ownership: TPM_DISABLED_CMD", "returned %d",
	       ret);
	ret = tpm12_owner_read_pubek(t, owner_auth, &pub2);
	report(ret == 0 && pub2.len == pubek.len &&
		   !memcmp(pub2.data, pubek.data, pubek.len),
	       "TPM_OwnerReadPubek: the same EK", "returned %d", ret);
	ret = tpm12_owner_read_pubek(t, wrong_auth, &pub2);
	report(ret == TPM12_RC_AUTHFAIL,
	       "TPM_OwnerReadPubek with a wrong owner auth: TPM_AUTHFAIL",
	       "returned %d", ret);
	ret = tpm12_owner_read_pubek(&tampered, owner_auth, &pub2);
	report(ret == -EBADMSG,
	       "a response whose HMAC does not verify: -EBADMSG", "returned %d",
	       ret);
}

static uint32_t load_aik(const struct tpm12_transport *t)
{
	uint32_t handle = 0;
	int ret = tpm12_load_key2(t, TPM12_KH_SRK, TPM12_WELL_KNOWN_AUTH,
				  aik.data, aik.len, &handle);

	report(ret == 0 && handle, "TPM_LoadKey2 of the AIK under the SRK",
	       "returned %d", ret);
	return handle;
}

static void test_identity(const struct tpm12_transport *t)
{
	static const uint8_t ver11[4] = {1, 1, 0, 0};
	uint8_t label_digest[20], contents[4 + 4 + 20 + KEY_PARMS_LEN + 260];
	struct tpm12_blob binding;
	struct tpm12_key_info k;
	EVP_PKEY *key = NULL;
	int ret;

	sha1("xenmb test CA", 13, label_digest);
	ret = tpm12_make_identity(t, owner_auth, TPM12_WELL_KNOWN_AUTH,
				  aik_auth, label_digest, &aik, &binding);
	report(ret == 0, "TPM_MakeIdentity (owner OSAP + ADIP, SRK OIAP)",
	       "returned %d", ret);
	ret = tpm12_key_parse(aik.data, aik.len, &k, NULL);
	report(ret == 0 && k.key_usage == TPM12_KEY_IDENTITY &&
		   k.sig_scheme == 2 && k.modulus_len == 256 &&
		   key_blob_shape_ok(&aik),
	       "the AIK blob: a 2048-bit identity key, PKCS#1 v1.5 SHA-1",
	       "returned %d, usage %#x", ret, k.key_usage);
	/* identityBinding signs TPM_IDENTITY_CONTENTS (part 2, 12.5). */
	if (key_blob_shape_ok(&aik))
		key = rsa_from_modulus(aik.data + KEY_MODULUS_OFF, 256);
	memcpy(contents, ver11, 4);
	put32(contents + 4, 0x79);
	memcpy(contents + 8, label_digest, 20);
	memcpy(contents + 28, aik.data + KEY_PARMS_OFF, KEY_PARMS_LEN);
	memcpy(contents + 28 + KEY_PARMS_LEN, aik.data + KEY_PUB_OFF, 260);
	report(key && rsa_sha1_verify(key, contents, sizeof(contents),
				      binding.data, binding.len),
	       "identityBinding verifies with the AIK over "
	       "TPM_IDENTITY_CONTENTS built here",
	       "binding of %zu bytes", binding.len);
	EVP_PKEY_free(key);
	ret = tpm12_make_identity(t, wrong_auth, TPM12_WELL_KNOWN_AUTH,
				  aik_auth, label_digest, &binding, NULL);
	report(ret == TPM12_RC_AUTH2FAIL,
	       "TPM_MakeIdentity with a wrong owner auth: TPM_AUTH2FAIL",
	       "returned %d", ret);
}

/* TPM_QUOTE_INFO (part 2, 11.3) built here, checked with OpenSSL. */
static bool quote_verifies(EVP_PKEY *key, const struct tpm12_blob *composite,
			   const uint8_t nonce[20],
			   const struct tpm12_blob *sig)
{
	uint8_t info[48] = {1, 1, 0, 0, 'Q', 'U', 'O', 'T'};

	sha1(composite->data, composite->len, info + 8);
	memcpy(info + 28, nonce, 20);
	return rsa_sha1_verify(key, info, sizeof(info), sig->data, sig->len);
}

static void test_extend_quote(const struct tpm12_transport *t)
{
	uint8_t before[20], expect[20], got[20], after[20], buf[40];
	uint8_t nonce[20], other[20];
	struct tpm12_blob composite, sig;
	struct tpm12_pcr_composite c;
	EVP_PKEY *key = NULL;
	uint32_t handle;
	int ret;

	ret = tpm12_pcr_read_via(t, 10, before);
	report(ret == 0, "TPM_PCRRead of PCR 10", "returned %d", ret);
	sha1("measurement", 11, buf + 20);
	memcpy(buf, before, 20);
	sha1(buf, 40, expect);
	ret = tpm12_extend(t, 10, buf + 20, got);
	report(ret == 0 && !memcmp(got, expect, 20),
	       "TPM_Extend returns SHA1(old || digest)", "returned %d", ret);
	ret = tpm12_pcr_read_via(t, 10, after);
	report(ret == 0 && !memcmp(after, expect, 20),
	       "TPM_PCRRead sees the extended value", "returned %d", ret);

	handle = load_aik(t);
	RAND_bytes(nonce, sizeof(nonce));
	ret = tpm12_quote(t, handle, aik_auth, nonce, pcr_count, &composite,
			  &sig);
	report(ret == 0, "TPM_Quote over all PCRs", "returned %d", ret);
	quote_composite = composite;
	/* TPM_PCR_COMPOSITE: select size 3, all set, 24 values of 20 bytes */
	report(composite.len == 2 + 3 + 4 + 24 * 20 &&
		   !memcmp(composite.data, "\0\3\xff\xff\xff\0\0\x01\xe0", 9) &&
		   !memcmp(composite.data + 9 + (size_t)10 * 20, expect, 20),
	       "the composite selects PCRs 0-23 and holds PCR 10's value",
	       "%zu bytes", composite.len);
	ret =
	    tpm12_pcr_composite_parse(composite.data, composite.len, &c, NULL);
	report(ret == 0 && c.count == 24 && c.pcr_index[10] == 10 &&
		   !memcmp(c.values[10], expect, 20),
	       "tpm12_pcr_composite_parse agrees", "returned %d", ret);
	if (key_blob_shape_ok(&aik))
		key = rsa_from_modulus(aik.data + KEY_MODULUS_OFF, 256);
	report(key && quote_verifies(key, &composite, nonce, &sig),
	       "the quote signature verifies over TPM_QUOTE_INFO built here",
	       "signature of %zu bytes", sig.len);
	memcpy(other, nonce, 20);
	other[0] ^= 1;
	report(key && !quote_verifies(key, &composite, other, &sig),
	       "... and not with another nonce", "it verified");
	composite.data[9] ^= 1;
	report(key && !quote_verifies(key, &composite, nonce, &sig),
	       "... nor with a changed PCR value", "it verified");
	EVP_PKEY_free(key);
	ret = tpm12_quote(t, handle, wrong_auth, nonce, pcr_count, &composite,
			  &sig);
	report(ret == TPM12_RC_AUTHFAIL,
	       "TPM_Quote with a wrong AIK auth: "
	       "TPM_AUTHFAIL",
	       "returned %d", ret);
	ret = tpm12_flush_specific(t, handle, TPM12_RT_KEY);
	report(ret == 0, "TPM_FlushSpecific of the AIK", "returned %d", ret);
	ret = tpm12_quote(t, handle, aik_auth, nonce, pcr_count, &composite,
			  &sig);
	report(ret > 0, "TPM_Quote with the flushed handle: a TPM error",
	       "returned %d", ret);
}

/* An index of the user range (part 2, 19.1) for the owner-read case. */
#define OWNER_RW_INDEX 0x00011101

static void test_nv(const struct tpm12_transport *t)
{
	uint8_t tag[20], back[20];
	uint32_t size = 0;
	size_t got = 0;
	int ret;

	RAND_bytes(tag, sizeof(tag));
	ret = tpm12_nv_define_space(t, owner_auth, TPM12_NV_INDEX_ASSET_TAG, 20,
				    TPM12_NV_PER_OWNERWRITE);
	report(ret == 0, "TPM_NV_DefineSpace 0x40000010, 20 bytes, owner write",
	       "returned %d", ret);
	ret = tpm12_nv_get_size(t, TPM12_NV_INDEX_ASSET_TAG, &size);
	report(ret == 0 && size == 20, "TPM_CAP_NV_INDEX: 20 bytes",
	       "returned %d, size %u", ret, size);
	ret = tpm12_nv_write_value(t, owner_auth, TPM12_NV_INDEX_ASSET_TAG, 0,
				   tag, sizeof(tag));
	report(ret == 0, "TPM_NV_WriteValue with owner auth", "returned %d",
	       ret);
	ret = tpm12_nv_read_value(t, NULL, TPM12_NV_INDEX_ASSET_TAG, 0, 20,
				  back, &got);
	report(ret == 0 && got == 20 && !memcmp(back, tag, 20),
	       "TPM_NV_ReadValue without auth reads it back", "returned %d",
	       ret);
	ret = tpm12_nv_read_value(t, owner_auth, TPM12_NV_INDEX_ASSET_TAG, 0,
				  20, back, &got);
	report(ret == TPM12_RC_AUTH_CONFLICT,
	       "an owner-authorized read of a space without OWNERREAD: "
	       "TPM_AUTH_CONFLICT",
	       "returned %d", ret);
	ret = tpm12_nv_read_value(t, NULL, TPM12_NV_INDEX_ASSET_TAG, 10, 20,
				  back, &got);
	report(ret > 0, "reading past the end of the space: a TPM error",
	       "returned %d", ret);
	ret = tpm12_nv_define_space(t, owner_auth, OWNER_RW_INDEX, 20,
				    TPM12_NV_PER_OWNERWRITE |
					TPM12_NV_PER_OWNERREAD);
	if (!ret)
		ret = tpm12_nv_write_value(t, owner_auth, OWNER_RW_INDEX, 0,
					   tag, sizeof(tag));
	memset(back, 0, sizeof(back));
	if (!ret)
		ret = tpm12_nv_read_value(t, owner_auth, OWNER_RW_INDEX, 0, 20,
					  back, &got);
	report(ret == 0 && got == 20 && !memcmp(back, tag, 20),
	       "an owner-read space: TPM_NV_ReadValue with owner auth",
	       "returned %d", ret);
	ret = tpm12_nv_define_space(t, owner_auth, OWNER_RW_INDEX, 0, 0);
	report(ret == 0, "... deleted again", "returned %d", ret);
	ret = tpm12_nv_define_space(t, owner_auth, TPM12_NV_INDEX_ASSET_TAG, 0,
				    TPM12_NV_PER_OWNERWRITE);
	report(ret == 0, "TPM_NV_DefineSpace size 0 deletes the space",
	       "returned %d", ret);
	ret = tpm12_nv_get_size(t, TPM12_NV_INDEX_ASSET_TAG, &size);
	report(ret == TPM12_RC_BADINDEX,
	       "... then TPM_CAP_NV_INDEX: TPM_BADINDEX", "returned %d", ret);
}

/* TPM_SYMMETRIC_KEY for AES-128 CBC, written from part 2, 11.2. */
static size_t put_session_key(uint8_t *p, const uint8_t key[16])
{
	put32(p, TPM12_ALG_AES128);
	p[4] = 0x00;
	p[5] = 0xFF; /* TPM_ES_SYM_CBC_PKCS5PAD */
	p[6] = 0;
	p[7] = 16;
	memcpy(p + 8, key, 16);
	return 24;
}

/* TPM_ASYM_CA_CONTENTS (part 2, 12.7): session key, then idDigest. */
static size_t asym_ca_contents(uint8_t *p, const uint8_t key[16],
			       const uint8_t id_digest[20])
{
	size_t n = put_session_key(p, key);

	memcpy(p + n, id_digest, 20);
	return n + 20;
}

/* TPM_EK_BLOB (12.9) around TPM_EK_BLOB_ACTIVATE (12.10), no PCRs. */
static size_t ek_blob_activate(uint8_t *p, const uint8_t key[16],
			       const uint8_t id_digest[20])
{
	uint8_t *inner = p + 8;
	size_t n = 0;

	inner[n++] = 0x00;
	inner[n++] = 0x2B; /* TPM_TAG_EK_BLOB_ACTIVATE */
	n += put_session_key(inner + n, key);
	memcpy(inner + n, id_digest, 20);
	n += 20;
	inner[n++] = 0;
	inner[n++] = 3; /* TPM_PCR_INFO_SHORT: select size 3, none */
	memset(inner + n, 0, 3);
	n += 3;
	inner[n++] = 0x1F; /* any locality */
	memset(inner + n, 0, 20);
	n += 20;
	p[0] = 0x00;
	p[1] = 0x0C; /* TPM_TAG_EK_BLOB */
	p[2] = 0x00;
	p[3] = 0x01; /* TPM_EK_TYPE_ACTIVATE */
	put32(p + 4, (uint32_t)n);
	return 8 + n;
}

static void test_activate(const struct tpm12_transport *t)
{
	uint8_t secret[16], id_digest[20], plain[256], enc[256];
	struct tpm12_symmetric_key key;
	EVP_PKEY *ek = ek_key();
	size_t plain_len, enc_len;
	uint32_t handle;
	int ret;

	RAND_bytes(secret, sizeof(secret));
	key_pubkey_digest(&aik, id_digest);
	handle = load_aik(t);

	plain_len = asym_ca_contents(plain, secret, id_digest);
	enc_len = ek ? oaep_tcpa(ek, plain, plain_len, enc, sizeof(enc)) : 0;
	memset(&key, 0, sizeof(key));
	ret = tpm12_activate_identity(t, handle, aik_auth, owner_auth, enc,
				      enc_len, &key);
	report(ret == 0 && key.alg_id == TPM12_ALG_AES128 &&
		   key.enc_scheme == TPM12_ES_SYM_CBC_PKCS5PAD &&
		   key.size == 16 && !memcmp(key.data, secret, 16),
	       "TPM_ActivateIdentity of a TPM_ASYM_CA_CONTENTS built here "
	       "returns its AES key",
	       "returned %d, size %u", ret, key.size);

	RAND_bytes(secret, sizeof(secret));
	plain_len = ek_blob_activate(plain, secret, id_digest);
	enc_len = ek ? oaep_tcpa(ek, plain, plain_len, enc, sizeof(enc)) : 0;
	memset(&key, 0, sizeof(key));
	ret = tpm12_activate_identity(t, handle, aik_auth, owner_auth, enc,
				      enc_len, &key);
	report(ret == 0 && key.size == 16 && !memcmp(key.data, secret, 16),
	       "TPM_ActivateIdentity of a TPM_EK_BLOB_ACTIVATE built here",
	       "returned %d, size %u", ret, key.size);

	id_digest[0] ^= 1;
	plain_len = asym_ca_contents(plain, secret, id_digest);
	enc_len = ek ? oaep_tcpa(ek, plain, plain_len, enc, sizeof(enc)) : 0;
	ret = tpm12_activate_identity(t, handle, aik_auth, owner_auth, enc,
				      enc_len, &key);
	report(ret > 0, "a challenge for another AIK: a TPM error",
	       "returned %d", ret);
	tpm12_flush_specific(t, handle, TPM12_RT_KEY);
	EVP_PKEY_free(ek);
}

static void test_owner_clear(const struct tpm12_transport *t)
{
	bool owned = true;
	int ret;

	ret = tpm12_owner_clear(t, wrong_auth);
	report(ret == TPM12_RC_AUTHFAIL,
	       "TPM_OwnerClear with a wrong owner auth: TPM_AUTHFAIL",
	       "returned %d", ret);
	ret = tpm12_owner_clear(t, owner_auth);
	report(ret == 0, "TPM_OwnerClear", "returned %d", ret);
	ret = tpm12_get_owner_present(t, &owned);
	report(ret == 0 && !owned, "... then no owner", "returned %d", ret);
}

static void test_sessions(const struct tpm12_transport *t)
{
	struct tpm12_session s;
	int ret;

	ret = tpm12_oiap(t, owner_auth, &s);
	report(ret == 0 && s.open, "TPM_OIAP opens a session", "returned %d",
	       ret);
	tpm12_session_close(t, &s);
	ret = tpm12_osap(t, TPM12_ET_OWNER, TPM12_KH_OWNER, owner_auth, &s);
	report(ret == 0 && s.open, "TPM_OSAP for the owner", "returned %d",
	       ret);
	tpm12_session_close(t, &s);
	ret = tpm12_flush_specific(t, 0x02000000, TPM12_RT_AUTH);
	report(ret > 0, "flushing a session that does not exist: a TPM error",
	       "returned %d", ret);
}

/* swtpm's control channel: CMD_INIT, a TPM reset (swtpm_ioctl -i). */
static bool swtpm_reset(const struct swtpm *sw)
{
	char where[32];
	char *argv[] = {"swtpm_ioctl", "--tcp", where, "-i", NULL};

	snprintf(where, sizeof(where), "127.0.0.1:%d", sw->port + 1);
	return run_wait(argv) == 0;
}

/* Physical presence asserted by command, as a BIOS would. */
static int assert_presence(const struct tpm12_transport *t)
{
	int ret =
	    tpm12_physical_presence(t, TPM12_PHYSICAL_PRESENCE_CMD_ENABLE);

	return ret ? ret
		   : tpm12_physical_presence(t,
					     TPM12_PHYSICAL_PRESENCE_PRESENT);
}

/*
 * TPM_OwnerClear leaves the TPM disabled and deactivated (part 3, 6.1);
 * what callers see then, and the way back with physical presence.
 */
static void test_disabled_deactivated(const struct tpm12_transport *t,
				      const struct swtpm *sw)
{
	struct tpm12_blob b;
	struct tpm12_flags f;
	int ret;

	ret = tpm12_get_flags(t, &f);
	report(ret == 0 && f.disabled && f.deactivated &&
		   !f.volatile_deactivated,
	       "after TPM_OwnerClear: disabled and deactivated (permanent)",
	       "returned %d, disabled %d deactivated %d/%d", ret, f.disabled,
	       f.deactivated, f.volatile_deactivated);
	ret = tpm12_read_pubek(t, &b);
	report(ret == TPM12_RC_DISABLED, "a disabled TPM answers TPM_DISABLED",
	       "returned %d", ret);
	ret = assert_presence(t);
	report(ret == 0, "TSC_PhysicalPresence: command enable, present",
	       "returned %d", ret);
	ret = tpm12_physical_enable(t, true);
	if (!ret)
		ret = tpm12_get_flags(t, &f);
	report(ret == 0 && !f.disabled && f.deactivated && f.physical_presence,
	       "TPM_PhysicalEnable: enabled, still deactivated",
	       "returned %d, disabled %d deactivated %d", ret, f.disabled,
	       f.deactivated);
	ret = swtpm_reset(sw) ? tpm12_startup(t, TPM12_ST_CLEAR) : -EIO;
	if (!ret)
		ret = tpm12_get_flags(t, &f);
	report(ret == 0 && f.volatile_deactivated,
	       "after a reset and TPM_Startup the TPM is deactivated",
	       "returned %d, deactivated %d/%d", ret, f.deactivated,
	       f.volatile_deactivated);
	ret = tpm12_read_pubek(t, &b);
	report(ret == TPM12_RC_DEACTIVATED,
	       "a deactivated TPM answers TPM_DEACTIVATED", "returned %d", ret);
	ret = assert_presence(t);
	if (!ret)
		ret = tpm12_physical_set_deactivated(t, false);
	if (!ret)
		ret = swtpm_reset(sw) ? tpm12_startup(t, TPM12_ST_CLEAR) : -EIO;
	if (!ret)
		ret = tpm12_get_flags(t, &f);
	report(ret == 0 && !f.disabled && !f.deactivated &&
		   !f.volatile_deactivated,
	       "TPM_PhysicalSetDeactivated(FALSE) + reset: usable again",
	       "returned %d", ret);
	ret = tpm12_read_pubek(t, &b);
	report(ret == 0, "... and TPM_ReadPubek works again", "returned %d",
	       ret);
	ret = assert_presence(t);
	if (!ret)
		ret = tpm12_physical_enable(t, false);
	if (!ret)
		ret = tpm12_get_flags(t, &f);
	report(ret == 0 && f.disabled, "TPM_PhysicalDisable: disabled",
	       "returned %d", ret);
	ret = tpm12_physical_enable(t, true);
	if (!ret)
		ret = tpm12_force_clear(t);
	if (!ret)
		ret = tpm12_get_flags(t, &f);
	report(ret == 0 && f.disabled && f.deactivated,
	       "TPM_ForceClear (physical presence): disabled and deactivated "
	       "as after OwnerClear",
	       "returned %d", ret);
}

/* ---- the parsers alone ---- */

typedef int (*parse_fn)(const uint8_t *buf, size_t len, size_t *used);

static int parse_key(const uint8_t *buf, size_t len, size_t *used)
{
	struct tpm12_key_info k;

	return tpm12_key_parse(buf, len, &k, used);
}

static int parse_pubkey(const uint8_t *buf, size_t len, size_t *used)
{
	struct tpm12_key_info k;

	return tpm12_pubkey_parse(buf, len, &k, used);
}

static int parse_composite(const uint8_t *buf, size_t len, size_t *used)
{
	struct tpm12_pcr_composite c;

	return tpm12_pcr_composite_parse(buf, len, &c, used);
}

static int parse_symkey(const uint8_t *buf, size_t len, size_t *used)
{
	struct tpm12_symmetric_key k;

	return tpm12_symmetric_key_parse(buf, len, &k, used);
}

/*
 * Every cut of @len bytes of @good must be -EBADMSG; with 9 bytes more the
 * parser must take exactly @len. Each input is an exact heap copy (ASan).
 */
static void cuts_and_padding(const char *name, parse_fn fn, const uint8_t *good,
			     size_t len)
{
	size_t cut, used = 0, bad_cut = 0;
	uint8_t *p;
	int ret, cut_ok = 1;

	if (!len) {
		report(false, name, "no such structure came from the TPM");
		return;
	}

	for (cut = 0; cut < len; cut++) {
		p = dup_exact(good, cut);
		ret = fn(p, cut, &used);
		free(p);
		if (ret != -EBADMSG && cut_ok) {
			cut_ok = 0;
			bad_cut = cut;
		}
	}
	report(cut_ok, name, "cut at %zu bytes of %zu accepted", bad_cut, len);
	p = calloc(1, len + 9);
	memcpy(p, good, len);
	ret = fn(p, len + 9, &used);
	free(p);
	report(ret == 0 && used == len,
	       "... and with trailing bytes it takes "
	       "exactly the structure",
	       "returned %d, used %zu of %zu", ret, used, len);
}

/* @good with the u32 at @off set to @v must give @expect. */
static void patched_u32(const char *name, parse_fn fn, const uint8_t *good,
			size_t len, size_t off, uint32_t v, int expect)
{
	uint8_t *p = dup_exact(good, len);
	size_t used;
	int ret;

	put32(p + off, v);
	ret = fn(p, len, &used);
	free(p);
	report(ret == expect, name, "returned %d, want %d", ret, expect);
}

static void test_parsers(void)
{
	uint8_t sym[24], key[16] = {1, 2, 3};

	cuts_and_padding("tpm12_key_parse: every cut of the AIK blob is "
			 "-EBADMSG",
			 parse_key, aik.data, aik.len);
	cuts_and_padding("tpm12_pubkey_parse: every cut of the EK is -EBADMSG",
			 parse_pubkey, pubek.data, pubek.len);
	cuts_and_padding("tpm12_pcr_composite_parse: every cut is -EBADMSG",
			 parse_composite, quote_composite.data,
			 quote_composite.len);
	put_session_key(sym, key);
	cuts_and_padding("tpm12_symmetric_key_parse: every cut is -EBADMSG",
			 parse_symkey, sym, sizeof(sym));
	if (!key_blob_shape_ok(&aik) || pubek.len < 28)
		return;
	patched_u32("a key whose PCRInfoSize runs past the end", parse_key,
		    aik.data, aik.len, 35, 0xFFFFFFFF, -EBADMSG);
	patched_u32("a key whose modulus length runs past the end", parse_key,
		    aik.data, aik.len, KEY_PUB_OFF, 0x7FFFFFFF, -EBADMSG);
	patched_u32("a key whose parmSize disagrees with its RSA parms",
		    parse_key, aik.data, aik.len, KEY_PARMS_OFF + 8, 13,
		    -EBADMSG);
	patched_u32("a key with a 5-byte exponent", parse_key, aik.data,
		    aik.len, KEY_PARMS_OFF + 20, 5, -EBADMSG);
	patched_u32("a key of another algorithm: -EOPNOTSUPP", parse_key,
		    aik.data, aik.len, KEY_PARMS_OFF, 2, -EOPNOTSUPP);
	patched_u32("a key with another structure version", parse_key, aik.data,
		    aik.len, 0, 0x01020000, -EBADMSG);
	patched_u32("a TPM_PUBKEY whose key length runs past the end",
		    parse_pubkey, pubek.data, pubek.len, 24, 257, -EBADMSG);
	patched_u32("a composite whose valueSize is one PCR short",
		    parse_composite, quote_composite.data, quote_composite.len,
		    5, 23 * 20, -EBADMSG);
	{
		uint8_t big[2 + 9 + 4] = {0, 9};

		report(parse_composite(big, sizeof(big), NULL) == -EBADMSG,
		       "a composite selecting more than 64 PCRs", "accepted");
	}
	sym[7] = 0xFF;
	sym[6] = 0x01;
	report(parse_symkey(sym, sizeof(sym), NULL) == -EBADMSG,
	       "a symmetric key longer than 256 bytes", "accepted");
}

/* Responses the TPM could send (or a broken transport could deliver). */
static void test_response_checks(void)
{
	static const uint8_t pcr_ok[30] = {0, 0xC4, 0, 0, 0, 30, 0, 0, 0, 0, 7};
	static const uint8_t pcr_long[31] = {0, 0xC4, 0, 0, 0, 31};
	static const uint8_t pcr_short_len[29] = {0, 0xC4, 0, 0, 0, 30};
	static const uint8_t pcr_tag[30] = {0, 0xC5, 0, 0, 0, 30};
	static const uint8_t locality[10] = {0,	 0xC4, 0, 0, 0,
					     10, 0,    0, 0, 0x3D};
	static const uint8_t cap_huge[18] = {
	    0, 0xC4, 0, 0, 0, 18, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xF0, 1};
	static const uint8_t oiap_ok[34] = {0, 0xC4, 0, 0,    0, 34, 0,
					    0, 0,    0, 0x02, 0, 0,  1};
	static const uint8_t clear_short[30] = {0, 0xC5, 0, 0, 0, 30};
	static const uint8_t clear_bad_hmac[51] = {0, 0xC5, 0, 0, 0, 51};
	struct tpm12_canned c = {0};
	struct tpm12_transport t = {tpm12_canned_transmit, &c};
	struct tpm12_blob b;
	uint8_t digest[20];
	int ret;

	/*
	 * cppcheck 2.10 does not see the transport read c through t.ctx,
	 * so it takes each new response for a store nobody reads.
	 */
#define CANNED1(r) (c = (struct tpm12_canned){{r}, {sizeof(r)}, 0, 1})
	CANNED1(pcr_ok);
	ret = tpm12_pcr_read_via(&t, 0, digest);
	report(ret == 0 && digest[0] == 7, "PCRRead: a well-formed response",
	       "returned %d", ret);
	// cppcheck-suppress redundantAssignment
	CANNED1(pcr_long);
	ret = tpm12_pcr_read_via(&t, 0, digest);
	report(ret == -EBADMSG, "PCRRead: one byte too many", "returned %d",
	       ret);
	// cppcheck-suppress redundantAssignment
	CANNED1(pcr_short_len);
	ret = tpm12_pcr_read_via(&t, 0, digest);
	report(ret == -EBADMSG, "a header length beyond what arrived",
	       "returned %d", ret);
	// cppcheck-suppress redundantAssignment
	c = (struct tpm12_canned){{pcr_ok}, {9}, 0, 1};
	ret = tpm12_pcr_read_via(&t, 0, digest);
	report(ret == -EBADMSG, "a response shorter than a header",
	       "returned %d", ret);
	// cppcheck-suppress redundantAssignment
	CANNED1(pcr_tag);
	ret = tpm12_pcr_read_via(&t, 0, digest);
	report(ret == -EBADMSG,
	       "an auth response tag to an unauthorized "
	       "command",
	       "returned %d", ret);
	// cppcheck-suppress redundantAssignment
	CANNED1(locality);
	ret = tpm12_extend(&t, 17, digest, NULL);
	report(ret == TPM12_RC_BAD_LOCALITY,
	       "a TPM error comes back as its code "
	       "(TPM_BAD_LOCALITY)",
	       "returned %d", ret);
	// cppcheck-suppress redundantAssignment
	CANNED1(cap_huge);
	ret = tpm12_get_capability(&t, 5, NULL, 0, &b);
	report(ret == -EBADMSG, "GetCapability: respSize beyond the response",
	       "returned %d", ret);
	// cppcheck-suppress redundantAssignment
	c = (struct tpm12_canned){{NULL}, {0}, 0, 0};
	ret = tpm12_pcr_read_via(&t, 0, digest);
	report(ret == -EIO, "a transport error comes back as -errno",
	       "returned %d", ret);
	// cppcheck-suppress redundantAssignment
	c = (struct tpm12_canned){{oiap_ok, clear_short}, {34, 30}, 0, 2};
	ret = tpm12_owner_clear(&t, owner_auth);
	report(ret == -EBADMSG, "an auth response too short for its trailer",
	       "returned %d", ret);
	// cppcheck-suppress [redundantAssignment, unreadVariable]
	c = (struct tpm12_canned){{oiap_ok, clear_bad_hmac}, {34, 51}, 0, 2};
	ret = tpm12_owner_clear(&t, owner_auth);
	report(ret == -EBADMSG, "an auth response with a wrong HMAC",
	       "returned %d", ret);
	if (pubek.len) {
		uint8_t rsp[10 + TPM12_BLOB_MAX + 20] = {0, 0xC4};
		size_t n = 10 + pubek.len + 20;

		put32(rsp + 2, (uint32_t)n);
		memcpy(rsp + 10, pubek.data, pubek.len);
		// cppcheck-suppress unreadVariable
		c = (struct tpm12_canned){{rsp}, {n}, 0, 1};
		ret = tpm12_read_pubek(&t, &b);
		report(ret == -EBADMSG,
		       "ReadPubek: a checksum not over our "
		       "nonce",
		       "returned %d", ret);
	}
#undef CANNED1
}

int main(void)
{
	struct swtpm sw;
	struct tpm12_transport t = {socket_transmit, &sw.fd};

	signal(SIGPIPE, SIG_IGN);
	sha1("owner password", 14, owner_auth);
	sha1("aik password", 12, aik_auth);
	sha1("not the password", 16, wrong_auth);
	if (swtpm_start(&sw)) {
		test_startup_and_state(&t);
		test_pubek(&t);
		test_ownership(&t);
		test_sessions(&t);
		test_identity(&t);
		test_extend_quote(&t);
		test_nv(&t);
		test_activate(&t);
		test_owner_clear(&t);
		test_disabled_deactivated(&t, &sw);
	}
	swtpm_stop(&sw);
	test_parsers();
	test_response_checks();
	return tally();
}
