/*
 * Office key pairs: generation, the secret key file (man/qr-keygen.1) and
 * the one-line public key of a trust store (man/izin-trust.5).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "izin_internal.h"

#define SEED_LEN crypto_sign_SEEDBYTES
#define SALT_LEN crypto_pwhash_SALTBYTES
#define NONCE_LEN crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define MAC_LEN crypto_aead_xchacha20poly1305_ietf_ABYTES
#define KEYFILE_MAX 4096
#define MAGIC "izin-secret-key 1\n"
/* Sanity bounds on a key file's own KDF limits: a file that asks for more
 * is refused rather than left to eat the machine. */
#define OPS_MAX 64ULL
#define MEM_MAX (1ULL << 31)

struct izin_seckey {
	izin_pubkey pub;
	uint8_t sk[crypto_sign_SECRETKEYBYTES];
};

int
izin_init(void)
{
	return sodium_init() < 0 ? IZIN_ECRYPTO : IZIN_OK;
}

void
izin_secure_free(void *p, size_t len)
{
	if (p == NULL)
		return;
	sodium_memzero(p, len);
	free(p);
}

void
izin_kid_format(const uint8_t kid[IZIN_KID_LEN], char buf[IZIN_KID_HEXLEN + 1])
{
	sodium_bin2hex(buf, IZIN_KID_HEXLEN + 1, kid, IZIN_KID_LEN);
}

static izin_seckey *
seckey_alloc(void)
{
	izin_seckey *sk = sodium_malloc(sizeof *sk);
	if (sk)
		memset(sk, 0, sizeof *sk);
	return sk;
}

void
izin_seckey_free(izin_seckey *sk)
{
	sodium_free(sk);     /* wipes; accepts NULL */
}

static int
check_window(const char *office, izin_date from, izin_date until)
{
	izin_permit p;

	if (izin_permit_set(&p, IZIN_F_OFFICE, office, strlen(office)))
		return IZIN_EINVAL;
	if (from == IZIN_NODATE || until == IZIN_NODATE || until < from)
		return IZIN_EORDER;
	return IZIN_OK;
}

static int
generate(const char *office, izin_date from, izin_date until, int role,
         izin_seckey **out)
{
	izin_seckey *sk;
	int err;

	*out = NULL;
	if ((err = check_window(office, from, until)) != IZIN_OK)
		return err;
	if ((sk = seckey_alloc()) == NULL)
		return IZIN_ENOMEM;
	crypto_sign_keypair(sk->pub.pk, sk->sk);
	/* Random, not derived: two keys may share an id and verification
	 * copes, while a short derived id would tell nothing more. */
	randombytes_buf(sk->pub.kid, IZIN_KID_LEN);
	strcpy(sk->pub.office, office);
	sk->pub.valid_from = from;
	sk->pub.valid_until = until;
	sk->pub.role = role;
	*out = sk;
	return IZIN_OK;
}

int
izin_seckey_generate(const char *office, izin_date from, izin_date until,
                     izin_seckey **out)
{
	return generate(office, from, until, IZIN_ROLE_OFFICE, out);
}

int
izin_seckey_generate_root(const char *office, izin_date from,
                          izin_date until, izin_seckey **out)
{
	return generate(office, from, until, IZIN_ROLE_ROOT, out);
}

int
izin_seckey_generate_device(izin_seckey **out)
{
	return generate("DEVICE", izin_date_from_ymd(IZIN_DATE_MIN_YEAR, 1, 1),
	                izin_date_from_ymd(IZIN_DATE_MAX_YEAR, 12, 31),
	                IZIN_ROLE_DEVICE, out);
}

void
izin_seckey_public(const izin_seckey *sk, izin_pubkey *pub)
{
	*pub = sk->pub;
}

int
izin_sign_detached(const izin_seckey *sk, const char *domain, size_t dlen,
                   const uint8_t *msg, size_t len, uint8_t sig[IZIN_SIG_LEN])
{
	uint8_t stack[512], *m = stack;

	if (dlen + len > sizeof stack && (m = malloc(dlen + len)) == NULL)
		return IZIN_ENOMEM;
	memcpy(m, domain, dlen);
	if (len > 0)
		memcpy(m + dlen, msg, len);
	crypto_sign_detached(sig, NULL, m, dlen + len, sk->sk);
	if (m != stack)
		free(m);
	return IZIN_OK;
}

static void
b64(char *dst, size_t dstlen, const uint8_t *src, size_t n)
{
	sodium_bin2base64(dst, dstlen, src, n, sodium_base64_VARIANT_ORIGINAL);
}

int
izin_pubkey_format(const izin_pubkey *pub, char *buf)
{
	char kid[IZIN_KID_HEXLEN + 1], from[IZIN_DATE_LEN + 1];
	char until[IZIN_DATE_LEN + 1];
	char pk[sodium_base64_ENCODED_LEN(IZIN_PK_LEN,
	                                  sodium_base64_VARIANT_ORIGINAL)];

	char gone[IZIN_DATE_LEN + 1];

	izin_kid_format(pub->kid, kid);
	izin_date_format(pub->valid_from, from);
	izin_date_format(pub->valid_until, until);
	if (pub->withdrawn)
		izin_date_format(pub->valid_until + 1, gone);
	b64(pk, sizeof pk, pub->pk, IZIN_PK_LEN);
	return snprintf(buf, IZIN_PUBLINE_MAX, "%s %s %s %s %s%s%s%s\n", kid,
	                pub->office, from, until, pk,
	                pub->role == IZIN_ROLE_ROOT ? " root" :
	                pub->role == IZIN_ROLE_DEVICE ? " device" : "",
	                pub->withdrawn ? " withdrawn " : "",
	                pub->withdrawn ? gone : "");
}

int
izin_pubkey_check_point(const izin_pubkey *pub)
{
	return crypto_core_ed25519_is_valid_point(pub->pk) ? IZIN_OK
	                                                   : IZIN_EKEYFILE;
}

int
izin_pubkey_withdraw(izin_pubkey *pub, izin_date from)
{
	if (from == IZIN_NODATE || from <= pub->valid_from ||
	    from > pub->valid_until + 1)
		return IZIN_EORDER;
	pub->valid_until = from - 1;
	pub->withdrawn = 1;
	return IZIN_OK;
}

/* "KID OFFICE FROM UNTIL PK" into pub: the shared part of both files. */
static int
parse_pub_words(const char **w, const size_t *wl, int point,
                izin_pubkey *pub)
{
	izin_permit p;

	if (izin_parse_kid(w[0], wl[0], pub->kid) ||
	    izin_permit_set(&p, IZIN_F_OFFICE, w[1], wl[1]) ||
	    izin_date_parse(w[2], wl[2], &pub->valid_from) ||
	    izin_date_parse(w[3], wl[3], &pub->valid_until) ||
	    pub->valid_until < pub->valid_from ||
	    izin_unb64(w[4], wl[4], pub->pk, IZIN_PK_LEN))
		return IZIN_EKEYFILE;
	/* A small-order or off-curve point would make any signature check
	 * meaningless: such a key is malformed, not merely unknown. */
	if (point && !crypto_core_ed25519_is_valid_point(pub->pk))
		return IZIN_EKEYFILE;
	memcpy(pub->office, p.office, sizeof pub->office);
	return IZIN_OK;
}

static int
word_is(const char *w, size_t wl, const char *s)
{
	return wl == strlen(s) && memcmp(w, s, wl) == 0;
}

int
izin_pubkey_parse_ext(const char *line, size_t len, int flags,
                      izin_pubkey *pub)
{
	const char *w[8];
	size_t wl[8], n;
	izin_date gone;
	int err;

	memset(pub, 0, sizeof *pub);
	/* The words that follow the five: "root", or (in a trust list)
	 * "withdrawn DATE"; one spelling each. */
	for (n = 5; n <= 7; n++)
		if (izin_split_words(line, len, w, wl, n) == IZIN_OK)
			break;
	if (n > 7)
		return IZIN_EKEYFILE;
	if ((err = parse_pub_words(w, wl, !(flags & IZIN_PARSE_NOPOINT),
	                           pub)) != IZIN_OK)
		return err;
	if (n == 6) {
		if (word_is(w[5], wl[5], "root"))
			pub->role = IZIN_ROLE_ROOT;
		else if (word_is(w[5], wl[5], "device"))
			pub->role = IZIN_ROLE_DEVICE;
		else
			return IZIN_EKEYFILE;
	} else if (n == 7) {
		if (!(flags & IZIN_PARSE_WITHDRAWN) ||
		    !word_is(w[5], wl[5], "withdrawn") ||
		    izin_date_parse(w[6], wl[6], &gone) ||
		    gone != pub->valid_until + 1)
			return IZIN_EKEYFILE;
		pub->withdrawn = 1;
	}
	return IZIN_OK;
}

int
izin_pubkey_parse(const char *line, size_t len, izin_pubkey *pub)
{
	return izin_pubkey_parse_ext(line, len, 0, pub);
}

/*
 * Secret key file, all lines ending in a newline:
 *   izin-secret-key 1
 *   public KID OFFICE FROM UNTIL PK
 *   kdf argon2id OPSLIMIT MEMLIMIT SALT      (or: kdf none)
 *   secret BASE64                            (nonce+sealed seed, or seed)
 * The lines before "secret" are the AEAD's additional data, so editing the
 * office or the window of an encrypted key breaks it.
 */
int
izin_seckey_export(const izin_seckey *sk, const char *pass, size_t passlen,
                   unsigned long long opslimit, size_t memlimit, char **out,
                   size_t *outlen)
{
	char publine[IZIN_PUBLINE_MAX], *buf;
	uint8_t salt[SALT_LEN], nonce[NONCE_LEN];
	uint8_t blob[NONCE_LEN + SEED_LEN + MAC_LEN];
	uint8_t *key = NULL;
	size_t n, bloblen;
	int err = IZIN_OK;

	*out = NULL;
	if ((buf = malloc(KEYFILE_MAX)) == NULL)
		return IZIN_ENOMEM;
	izin_pubkey_format(&sk->pub, publine);
	n = (size_t)snprintf(buf, KEYFILE_MAX, "%spublic %s", MAGIC, publine);
	if (pass) {
		char saltb[64];
		if (opslimit == 0)
			opslimit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
		if (memlimit == 0)
			memlimit = crypto_pwhash_MEMLIMIT_INTERACTIVE;
		if (opslimit > OPS_MAX || memlimit > MEM_MAX ||
		    opslimit < crypto_pwhash_OPSLIMIT_MIN ||
		    memlimit < crypto_pwhash_MEMLIMIT_MIN) {
			err = IZIN_EINVAL;
			goto done;
		}
		randombytes_buf(salt, sizeof salt);
		b64(saltb, sizeof saltb, salt, sizeof salt);
		n += (size_t)snprintf(buf + n, KEYFILE_MAX - n,
		                      "kdf argon2id %llu %zu %s\n", opslimit,
		                      memlimit, saltb);
		if ((key = sodium_malloc(crypto_aead_xchacha20poly1305_ietf_KEYBYTES)) == NULL) {
			err = IZIN_ENOMEM;
			goto done;
		}
		if (crypto_pwhash(key, crypto_aead_xchacha20poly1305_ietf_KEYBYTES,
		                  pass, passlen, salt, opslimit, memlimit,
		                  crypto_pwhash_ALG_ARGON2ID13) != 0) {
			err = IZIN_ENOMEM;
			goto done;
		}
		randombytes_buf(nonce, sizeof nonce);
		memcpy(blob, nonce, NONCE_LEN);
		crypto_aead_xchacha20poly1305_ietf_encrypt(blob + NONCE_LEN, NULL,
		    sk->sk, SEED_LEN, (const uint8_t *)buf, n, NULL, nonce, key);
		bloblen = sizeof blob;
	} else {
		n += (size_t)snprintf(buf + n, KEYFILE_MAX - n, "kdf none\n");
		memcpy(blob, sk->sk, SEED_LEN);
		bloblen = SEED_LEN;
	}
	memcpy(buf + n, "secret ", 7);
	n += 7;
	b64(buf + n, KEYFILE_MAX - n, blob, bloblen);
	n += strlen(buf + n);
	buf[n++] = '\n';
	buf[n] = '\0';
done:
	sodium_memzero(blob, sizeof blob);
	sodium_free(key);
	if (err) {
		izin_secure_free(buf, KEYFILE_MAX);
		return err;
	}
	*out = buf;
	*outlen = n;
	return IZIN_OK;
}

struct keytext {
	const char *pub;      /* "public ..." line without its keyword */
	size_t publen;
	int encrypted;
	unsigned long long ops;
	size_t mem;
	uint8_t salt[SALT_LEN];
	const char *secret;   /* Base64 of the secret line */
	size_t secretlen;
	size_t adlen;         /* bytes before the "secret" line */
};

/* Next line of text[*pos..len) without its newline; every line must end
 * in one. */
static int
next_line(const char *text, size_t len, size_t *pos, const char **line,
          size_t *linelen)
{
	const char *nl;

	if (*pos >= len)
		return IZIN_EKEYFILE;
	nl = memchr(text + *pos, '\n', len - *pos);
	if (nl == NULL)
		return IZIN_EKEYFILE;
	*line = text + *pos;
	*linelen = (size_t)(nl - *line);
	*pos += *linelen + 1;
	return IZIN_OK;
}

static int
starts(const char *line, size_t len, const char *word)
{
	size_t n = strlen(word);
	return len >= n && memcmp(line, word, n) == 0;
}

/* A decimal number without sign, leading zero or overflow. */
static int
parse_ull(const char *s, size_t len, unsigned long long max,
          unsigned long long *v)
{
	*v = 0;
	if (len == 0 || len > 20 || (s[0] == '0' && len > 1))
		return IZIN_EKEYFILE;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return IZIN_EKEYFILE;
		if (*v > (max - (unsigned)(s[i] - '0')) / 10)
			return IZIN_EKEYFILE;
		*v = *v * 10 + (unsigned)(s[i] - '0');
	}
	return IZIN_OK;
}

static int
parse_keytext(const char *text, size_t len, struct keytext *kt)
{
	const char *line;
	size_t linelen, pos = 0;

	memset(kt, 0, sizeof *kt);
	if (len > KEYFILE_MAX || len < strlen(MAGIC) ||
	    memcmp(text, MAGIC, strlen(MAGIC)) != 0)
		return IZIN_EKEYFILE;
	pos = strlen(MAGIC);
	if (next_line(text, len, &pos, &line, &linelen) ||
	    !starts(line, linelen, "public "))
		return IZIN_EKEYFILE;
	kt->pub = line + 7, kt->publen = linelen - 7;
	if (next_line(text, len, &pos, &line, &linelen))
		return IZIN_EKEYFILE;
	if (linelen == 8 && memcmp(line, "kdf none", 8) == 0) {
		kt->encrypted = 0;
	} else if (starts(line, linelen, "kdf argon2id ")) {
		const char *w[3];
		size_t wl[3];
		unsigned long long mem;
		if (izin_split_words(line + 13, linelen - 13, w, wl, 3) ||
		    parse_ull(w[0], wl[0], OPS_MAX, &kt->ops) ||
		    parse_ull(w[1], wl[1], MEM_MAX, &mem) ||
		    kt->ops < crypto_pwhash_OPSLIMIT_MIN ||
		    mem < crypto_pwhash_MEMLIMIT_MIN ||
		    izin_unb64(w[2], wl[2], kt->salt, SALT_LEN))
			return IZIN_EKEYFILE;
		kt->mem = (size_t)mem;
		kt->encrypted = 1;
	} else {
		return IZIN_EKEYFILE;
	}
	kt->adlen = pos;
	if (next_line(text, len, &pos, &line, &linelen) ||
	    !starts(line, linelen, "secret ") || pos != len)
		return IZIN_EKEYFILE;
	kt->secret = line + 7, kt->secretlen = linelen - 7;
	return IZIN_OK;
}

int
izin_seckey_encrypted(const char *text, size_t len)
{
	struct keytext kt;
	int err = parse_keytext(text, len, &kt);
	return err ? err : kt.encrypted;
}

int
izin_seckey_import(const char *text, size_t len, const char *pass,
                   size_t passlen, izin_seckey **out)
{
	struct keytext kt;
	izin_seckey *sk = NULL;
	uint8_t *key = NULL, blob[NONCE_LEN + SEED_LEN + MAC_LEN];
	uint8_t seed[SEED_LEN], pk[IZIN_PK_LEN];
	int err;

	*out = NULL;
	if ((err = parse_keytext(text, len, &kt)) != IZIN_OK)
		return err;
	if ((sk = seckey_alloc()) == NULL)
		return IZIN_ENOMEM;
	if (izin_pubkey_parse(kt.pub, kt.publen, &sk->pub)) {
		err = IZIN_EKEYFILE;
		goto done;
	}
	if (!kt.encrypted) {
		if (izin_unb64(kt.secret, kt.secretlen, seed, SEED_LEN)) {
			err = IZIN_EKEYFILE;
			goto done;
		}
	} else {
		if (pass == NULL) {
			err = IZIN_EPASSPHRASE;
			goto done;
		}
		if (izin_unb64(kt.secret, kt.secretlen, blob, sizeof blob)) {
			err = IZIN_EKEYFILE;
			goto done;
		}
		key = sodium_malloc(crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
		if (key == NULL ||
		    crypto_pwhash(key, crypto_aead_xchacha20poly1305_ietf_KEYBYTES,
		                  pass, passlen, kt.salt, kt.ops, kt.mem,
		                  crypto_pwhash_ALG_ARGON2ID13) != 0) {
			err = IZIN_ENOMEM;
			goto done;
		}
		if (crypto_aead_xchacha20poly1305_ietf_decrypt(seed, NULL, NULL,
		    blob + NONCE_LEN, sizeof blob - NONCE_LEN,
		    (const uint8_t *)text, kt.adlen, blob, key) != 0) {
			err = IZIN_EPASSPHRASE;
			goto done;
		}
	}
	crypto_sign_seed_keypair(pk, sk->sk, seed);
	/* The public line must belong to the secret: otherwise .pub files
	 * made from this key would not verify what it signs. */
	if (sodium_memcmp(pk, sk->pub.pk, IZIN_PK_LEN) != 0)
		err = kt.encrypted ? IZIN_EPASSPHRASE : IZIN_EKEYFILE;
done:
	sodium_memzero(seed, sizeof seed);
	sodium_memzero(blob, sizeof blob);
	sodium_free(key);
	if (err) {
		izin_seckey_free(sk);
		return err;
	}
	*out = sk;
	return IZIN_OK;
}

/* Read a secret key file into guarded memory (caller frees with
 * sodium_free), refusing links, non-files and loose permissions. */
static int
read_keyfile(const char *path, char **out, size_t *outlen)
{
	struct stat st;
	char *buf;
	int fd, err;

	*out = NULL;
	if ((fd = izin_open_regular(path, O_NOFOLLOW, &st)) < 0)
		return fd;
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		close(fd);
		return IZIN_EKEYPERM;
	}
	if ((buf = sodium_malloc(KEYFILE_MAX + 1)) == NULL) {
		close(fd);
		return IZIN_ENOMEM;
	}
	err = izin_read_all(fd, buf, KEYFILE_MAX, outlen);
	close(fd);
	if (err == IZIN_OK && *outlen > KEYFILE_MAX)
		err = IZIN_EKEYFILE;
	if (err) {
		sodium_free(buf);
		return err;
	}
	*out = buf;
	return IZIN_OK;
}

int
izin_seckey_load(const char *path, const char *pass, size_t passlen,
                 izin_seckey **out)
{
	char *buf;
	size_t len;
	int err;

	*out = NULL;
	if ((err = read_keyfile(path, &buf, &len)) != IZIN_OK)
		return err;
	err = izin_seckey_import(buf, len, pass, passlen, out);
	sodium_free(buf);
	return err;
}

int
izin_seckey_load_public(const char *path, izin_pubkey *pub)
{
	struct keytext kt;
	char *buf;
	size_t len;
	int err;

	if ((err = read_keyfile(path, &buf, &len)) != IZIN_OK)
		return err;
	if ((err = parse_keytext(buf, len, &kt)) == IZIN_OK &&
	    izin_pubkey_parse(kt.pub, kt.publen, pub))
		err = IZIN_EKEYFILE;
	sodium_free(buf);
	return err;
}
