/*
 * Trust lists: the office keys the national root vouches for, signed by
 * the root, numbered and dated (man/izin-trust.5).
 */
#include <stdlib.h>
#include <string.h>

#include "izin_internal.h"

#define META "trust-list "
#define META_LEN (sizeof META - 1)

/* A decimal number in 1 .. IZIN_TRUST_SEQ_MAX, no sign, no leading 0. */
static int
parse_seq(const char *s, size_t len, unsigned long *out)
{
	unsigned long v = 0;

	if (len == 0 || len > 10 || s[0] == '0')
		return IZIN_EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return IZIN_EINVAL;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v > IZIN_TRUST_SEQ_MAX)
		return IZIN_EINVAL;
	*out = v;
	return IZIN_OK;
}

/* "trust-list SEQ ISSUED NEXT-UPDATE" */
static int
parse_meta(const char *s, size_t len, izin_trustlist_info *info)
{
	const char *w[3];
	size_t wl[3];

	if (len < META_LEN || memcmp(s, META, META_LEN) != 0 ||
	    izin_split_words(s + META_LEN, len - META_LEN, w, wl, 3) ||
	    parse_seq(w[0], wl[0], &info->seq) ||
	    izin_date_parse(w[1], wl[1], &info->issued) ||
	    izin_date_parse(w[2], wl[2], &info->next_update))
		return IZIN_ELIST;
	if (info->next_update < info->issued)
		return IZIN_EORDER;
	return IZIN_OK;
}

/* Why a line is not a key: a window that ends before it starts is worth
 * its own word, since it is what a hand-edited withdrawal gets wrong. */
static int
key_line_error(const char *s, size_t len)
{
	const char *w[7];
	size_t wl[7];
	izin_date from, until;

	for (size_t n = 5; n <= 7; n++)
		if (izin_split_words(s, len, w, wl, n) == IZIN_OK &&
		    izin_date_parse(w[2], wl[2], &from) == IZIN_OK &&
		    izin_date_parse(w[3], wl[3], &until) == IZIN_OK &&
		    until < from)
			return IZIN_EORDER;
	return IZIN_EKEYFILE;
}

/* The lines of a body whose signature line is line number sigline. */
static int
parse_body(izin_trust *tmp, const char *text, size_t body, izin_date signed_on,
           izin_trustlist_info *info, unsigned long *line)
{
	size_t pos = 0;
	unsigned long n = 0;
	int err;

	while (pos < body) {
		const char *s = text + pos, *nl = memchr(s, '\n', body - pos);
		size_t k = (size_t)(nl - s);
		izin_pubkey pub;

		*line = ++n;
		pos += k + 1;
		if (n == 1) {
			if ((err = parse_meta(s, k, info)) != IZIN_OK)
				return err;
			if (info->issued != signed_on)
				return IZIN_ELIST;
			continue;
		}
		/* The root checked each key's point when it signed: a
		 * national list starts hundreds of times a day. */
		if (izin_pubkey_parse_ext(s, k, IZIN_PARSE_WITHDRAWN |
		                          IZIN_PARSE_NOPOINT, &pub) != IZIN_OK)
			return key_line_error(s, k);
		if (pub.role != IZIN_ROLE_OFFICE)
			return IZIN_EROLE;
		if (izin_trust_find(tmp, pub.kid, pub.office) != NULL)
			return IZIN_EDUPKEY;
		if ((err = izin_trust_add(tmp, &pub)) != IZIN_OK)
			return err;
	}
	if (n == 0) {
		*line = 1;
		return IZIN_ELIST;
	}
	info->keys = n - 1;
	if (info->keys == 0) {
		*line = n;
		return IZIN_ENOKEY;
	}
	*line = 0;
	return IZIN_OK;
}

/* Number of the last line: the signature line, or where it is missing. */
static unsigned long
last_line(const char *text, size_t len)
{
	unsigned long n = 0;

	for (size_t i = 0; i < len; i++)
		n += text[i] == '\n';
	return len > 0 && text[len - 1] != '\n' ? n + 1 : n;
}

static int
load(izin_trust *t, const izin_trust *roots, const char *text, size_t len,
     izin_trustlist_info *out, unsigned long *line)
{
	izin_trustlist_info info;
	izin_trust *tmp;
	uint8_t sig[IZIN_SIG_LEN];
	unsigned long at = 0;
	size_t body;
	izin_date day;
	int err;

	memset(&info, 0, sizeof info);
	if (line)
		*line = 0;
	if (len > IZIN_TRUSTLIST_MAX)
		return IZIN_ELENGTH;
	err = roots ? izin_list_verify(roots, IZIN_TRUST_KIND, text, len, &body,
	                               &day, info.root_kid)
	            : izin_list_split(IZIN_TRUST_KIND, text, len, &body, &day,
	                              info.root_kid, sig);
	if (err) {
		if (line)
			*line = last_line(text, len);
		return err;
	}
	/* Parse into a fresh store first: a list is taken whole or not at
	 * all. */
	if ((tmp = izin_trust_new()) == NULL)
		return IZIN_ENOMEM;
	err = parse_body(tmp, text, body, day, &info, &at);
	for (size_t i = 0; err == IZIN_OK && i < izin_trust_count(tmp); i++)
		err = izin_trust_add(t, izin_trust_key(tmp, i));
	izin_trust_free(tmp);
	if (line)
		*line = at;
	if (err == IZIN_OK && out)
		*out = info;
	return err;
}

int
izin_trustlist_load(izin_trust *t, const izin_trust *roots, const char *text,
                    size_t len, izin_trustlist_info *info, unsigned long *line)
{
	return load(t, roots, text, len, info, line);
}

int
izin_trustlist_read(izin_trust *t, const char *text, size_t len,
                    izin_trustlist_info *info, unsigned long *line)
{
	return load(t, NULL, text, len, info, line);
}

int
izin_list_stale(izin_date next_update, izin_date today)
{
	return next_update != IZIN_NODATE && today > next_update;
}

int
izin_trustlist_sign(const izin_seckey *root, const izin_trust *keys,
                    unsigned long seq, izin_date issued, izin_date next_update,
                    char **out, size_t *outlen)
{
	char *body, d1[IZIN_DATE_LEN + 1], d2[IZIN_DATE_LEN + 1];
	size_t n = izin_trust_count(keys), len, cap;
	izin_pubkey pub;
	int err;

	*out = NULL;
	izin_seckey_public(root, &pub);
	if (pub.role != IZIN_ROLE_ROOT)
		return IZIN_EROLE;
	if (seq == 0 || seq > IZIN_TRUST_SEQ_MAX || issued == IZIN_NODATE ||
	    next_update == IZIN_NODATE)
		return IZIN_EINVAL;
	if (next_update < issued)
		return IZIN_EORDER;
	if (n == 0)
		return IZIN_ENOKEY;
	cap = 64 + n * IZIN_PUBLINE_MAX;
	if ((body = malloc(cap)) == NULL)
		return IZIN_ENOMEM;
	izin_date_format(issued, d1);
	izin_date_format(next_update, d2);
	len = (size_t)snprintf(body, cap, "%s%lu %s %s\n", META, seq, d1, d2);
	for (size_t i = 0; i < n; i++) {
		const izin_pubkey *k = izin_trust_key(keys, i);
		if (k->role != IZIN_ROLE_OFFICE) {
			free(body);
			return IZIN_EROLE;
		}
		if (izin_pubkey_check_point(k) != IZIN_OK ||
		    k->valid_until < k->valid_from) {
			free(body);
			return IZIN_EKEYFILE;
		}
		if (izin_trust_find(keys, k->kid, k->office) != k) {
			free(body);
			return IZIN_EDUPKEY;
		}
		len += (size_t)izin_pubkey_format(k, body + len);
	}
	err = izin_list_sign(root, IZIN_TRUST_KIND, issued, body, len, out,
	                     outlen);
	free(body);
	return err;
}
