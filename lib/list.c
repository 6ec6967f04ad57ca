/*
 * Signed lists: text lines closed by one signature line
 *     signature KIND DATE KID BASE64
 * The signature covers the kind, the date, the key id and every byte of the
 * lines before it, so a changed, removed, added or reordered line fails.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "izin_internal.h"

#define DOMAIN_LEN (sizeof IZIN_DOMAIN_LIST - 1)
#define KIND_MAX 32
#define SIGWORD "signature "
#define SIGWORD_LEN (sizeof SIGWORD - 1)
#define SIG_B64_LEN 88

static int
check_kind(const char *kind, size_t len)
{
	if (len == 0 || len > KIND_MAX)
		return IZIN_EINVAL;
	for (size_t i = 0; i < len; i++)
		if (!((kind[i] >= 'a' && kind[i] <= 'z') ||
		      (kind[i] >= '0' && kind[i] <= '9') || kind[i] == '-'))
			return IZIN_EINVAL;
	return IZIN_OK;
}

/* Lines of text: no NUL, no CR, none that could pass for a signature. */
static int
check_body(const char *body, size_t len)
{
	if (len > 0 && body[len - 1] != '\n')
		return IZIN_ELIST;
	for (size_t pos = 0; pos < len;) {
		const char *s = body + pos, *nl = memchr(s, '\n', len - pos);
		size_t n = (size_t)(nl - s);
		if (memchr(s, '\0', n) || memchr(s, '\r', n) ||
		    (n >= SIGWORD_LEN && memcmp(s, SIGWORD, SIGWORD_LEN) == 0))
			return IZIN_ELIST;
		pos += n + 1;
	}
	return IZIN_OK;
}

/* Only the root signs trust lists, and it signs nothing else. */
static int
role_for(const char *kind)
{
	return strcmp(kind, IZIN_TRUST_KIND) == 0 ? IZIN_ROLE_ROOT
	                                          : IZIN_ROLE_OFFICE;
}

/* kind '\n' date '\n' kid body: what the signature covers. */
static uint8_t *
message(const char *kind, const char *date, const uint8_t kid[IZIN_KID_LEN],
        const char *body, size_t len, size_t *mlen)
{
	size_t k = strlen(kind);
	uint8_t *m = malloc(k + 1 + IZIN_DATE_LEN + 1 + IZIN_KID_LEN + len + 1);
	uint8_t *o = m;

	if (m == NULL)
		return NULL;
	memcpy(o, kind, k), o += k, *o++ = '\n';
	memcpy(o, date, IZIN_DATE_LEN), o += IZIN_DATE_LEN, *o++ = '\n';
	memcpy(o, kid, IZIN_KID_LEN), o += IZIN_KID_LEN;
	if (len > 0)
		memcpy(o, body, len), o += len;
	*mlen = (size_t)(o - m);
	return m;
}

int
izin_list_sign(const izin_seckey *sk, const char *kind, izin_date date,
               const char *body, size_t len, char **out, size_t *outlen)
{
	izin_pubkey pub;
	char d[IZIN_DATE_LEN + 1], kid[IZIN_KID_HEXLEN + 1];
	char sigb[SIG_B64_LEN + 1];
	uint8_t sig[IZIN_SIG_LEN], *m;
	size_t mlen, n;
	char *buf;
	int err;

	*out = NULL;
	if (check_kind(kind, strlen(kind)) || date == IZIN_NODATE)
		return IZIN_EINVAL;
	if ((err = check_body(body, len)) != IZIN_OK)
		return err;
	izin_seckey_public(sk, &pub);
	if (pub.role != role_for(kind))
		return IZIN_EROLE;
	if (date < pub.valid_from || date > pub.valid_until)
		return IZIN_EKEYWINDOW;
	izin_date_format(date, d);
	if ((m = message(kind, d, pub.kid, body, len, &mlen)) == NULL)
		return IZIN_ENOMEM;
	err = izin_sign_detached(sk, IZIN_DOMAIN_LIST, DOMAIN_LEN, m, mlen, sig);
	free(m);
	if (err)
		return err;
	izin_kid_format(pub.kid, kid);
	sodium_bin2base64(sigb, sizeof sigb, sig, sizeof sig,
	                  sodium_base64_VARIANT_ORIGINAL);
	n = len + SIGWORD_LEN + strlen(kind) + 1 + IZIN_DATE_LEN + 1 +
	    IZIN_KID_HEXLEN + 1 + SIG_B64_LEN + 2;
	if ((buf = malloc(n)) == NULL)
		return IZIN_ENOMEM;
	if (len > 0)
		memcpy(buf, body, len);
	*outlen = len + (size_t)snprintf(buf + len, n - len, "%s%s %s %s %s\n",
	                                 SIGWORD, kind, d, kid, sigb);
	*out = buf;
	return IZIN_OK;
}

int
izin_list_split(const char *kind, const char *text, size_t len,
                size_t *bodylen, izin_date *date, uint8_t kid[IZIN_KID_LEN],
                uint8_t sig[IZIN_SIG_LEN])
{
	const char *line, *w[4];
	size_t n, linelen, wl[4];
	int err;

	/* The signature line is the last one; its newline is optional. */
	n = len;
	if (n > 0 && text[n - 1] == '\n')
		n--;
	line = text + n;
	while (line > text && line[-1] != '\n')
		line--;
	linelen = (size_t)(text + n - line);
	if (linelen < SIGWORD_LEN || memcmp(line, SIGWORD, SIGWORD_LEN) != 0)
		return IZIN_EUNSIGNED;
	n = (size_t)(line - text);
	if ((err = check_body(text, n)) != IZIN_OK)
		return err;
	line += SIGWORD_LEN, linelen -= SIGWORD_LEN;
	if (izin_split_words(line, linelen, w, wl, 4))
		return IZIN_ELIST;
	if (check_kind(w[0], wl[0]) ||
	    izin_date_parse(w[1], wl[1], date) ||
	    izin_parse_kid(w[2], wl[2], kid) ||
	    izin_unb64(w[3], wl[3], sig, IZIN_SIG_LEN))
		return IZIN_ELIST;
	if (wl[0] != strlen(kind) || memcmp(w[0], kind, wl[0]) != 0)
		return IZIN_ELISTKIND;
	*bodylen = n;
	return IZIN_OK;
}

int
izin_list_verify(const izin_trust *t, const char *kind, const char *text,
                 size_t len, size_t *bodylen, izin_date *date,
                 uint8_t kid[IZIN_KID_LEN])
{
	char d[IZIN_DATE_LEN + 1];
	size_t n, mlen;
	uint8_t k[IZIN_KID_LEN], sig[IZIN_SIG_LEN], *m;
	const izin_pubkey *key;
	izin_date day;
	int err;

	if ((err = izin_list_split(kind, text, len, &n, &day, k, sig)) != 0)
		return err;
	izin_date_format(day, d);
	if ((m = message(kind, d, k, text, n, &mlen)) == NULL)
		return IZIN_ENOMEM;
	err = izin_trust_verify(t, k, IZIN_DOMAIN_LIST, DOMAIN_LEN, m, mlen, sig,
	                        role_for(kind), day, NULL, &key);
	free(m);
	if (err)
		return err;
	if (bodylen)
		*bodylen = n;
	if (date)
		*date = day;
	if (kid)
		memcpy(kid, k, IZIN_KID_LEN);
	return IZIN_OK;
}
