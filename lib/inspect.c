/*
 * Taking a sealed payload apart for people (qr-scan --inspect): every
 * part with its place in the text and in the decoded bytes, as far as the
 * text reads, and where and why it stops.  The layout is the one
 * payload.c writes (man/izin-permit.5); the verdict on a whole body is
 * still izin_permit_decode()'s, so the two never disagree.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "izin_internal.h"

#define NCODES 5
#define CODES_MAX (IZIN_PERMIT_MAX + IZIN_INDEX_MAX + IZIN_NATIONALITY_LEN + \
                   IZIN_PASSPORT_MAX + IZIN_OFFICE_MAX + NCODES - 1)
#define DOMAIN_LEN (sizeof IZIN_DOMAIN_PERMIT - 1)

static const int code_fields[NCODES] = {
	IZIN_F_PERMIT, IZIN_F_INDEX, IZIN_F_NATIONALITY, IZIN_F_PASSPORT,
	IZIN_F_OFFICE
};

static const char b45[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
static const char sym_chars[] = "|ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-/<";

struct reader {
	izin_dissection *d;
	size_t pos, end;       /* in d->bytes */
	izin_permit p;         /* scratch: each field as it is read */
};

/* Keep the first fault only; later ones follow from it. */
static void
fault(izin_dissection *d, int err, int field, long off, size_t toff)
{
	if (d->err != IZIN_OK)
		return;
	d->err = err;
	d->field = field;
	d->off = off;
	d->toff = toff;
}

/* Text offset of the first character carrying byte off (two bytes to
 * three characters). */
static size_t
text_of(size_t off)
{
	return IZIN_PREFIX_LEN + off / 2 * 3;
}

static void
byte_fault(struct reader *r, int err, int field, size_t off)
{
	fault(r->d, err, field, (long)off, text_of(off));
}

/* Printable form of bytes: UTF-8 characters that are not control or
 * bidirectional ones as they are, any other byte as \xNN; cut with
 * "..." where the buffer ends. */
static void
printable(char *out, const uint8_t *s, size_t len)
{
	size_t o = 0, k;
	uint32_t cp;

	for (size_t i = 0; i < len; i += k) {
		k = izin_utf8_char(s + i, len - i, &cp);
		if (k > 0 && izin_utf8_check((const char *)s + i, k) != IZIN_OK)
			k = 0;
		if (k == 0 || s[i] == '\\')
			k = 0;
		if (o + (k ? k : 4) + 3 > IZIN_PART_VALUE_MAX) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		if (k == 0) {
			snprintf(out + o, 5, "\\x%02x", s[i]);
			o += 4;
			k = 1;
		} else {
			memcpy(out + o, s + i, k);
			o += k;
		}
	}
	out[o] = '\0';
}

static izin_part *
add(izin_dissection *d, const char *name, long off, size_t len)
{
	izin_part *pt;

	if (d->n == IZIN_PARTS_MAX)
		return NULL;
	pt = &d->part[d->n++];
	pt->name = name;
	pt->off = off;
	pt->len = len;
	pt->value[0] = '\0';
	if (off < 0) {
		pt->toff = 0;
		pt->tlen = IZIN_PREFIX_LEN;
	} else {
		size_t end = len ? text_of((size_t)off + len - 1) + 3 :
		                   text_of((size_t)off);
		size_t textend = IZIN_PREFIX_LEN + izin_base45_enclen(d->nbytes);
		pt->toff = text_of((size_t)off);
		pt->tlen = (end < textend ? end : textend) - pt->toff;
	}
	return pt;
}

/* A part of n bytes at the reader's place, or a truncation fault. */
static izin_part *
take(struct reader *r, const char *name, int field, size_t n)
{
	izin_part *pt;

	if (r->end - r->pos < n) {
		byte_fault(r, IZIN_ETRUNC, field, r->end);
		r->d->stopped = 1;
		return NULL;
	}
	if ((pt = add(r->d, name, (long)r->pos, n)) == NULL) {
		r->d->stopped = 1;
		return NULL;
	}
	r->pos += n;
	return pt;
}

static void
set_field(struct reader *r, int field, const char *s, size_t len, size_t off)
{
	int err = izin_permit_set(&r->p, field, s, len);
	if (err)
		byte_fault(r, err, field, off);
}

static int
read_head(struct reader *r)
{
	izin_dissection *d = r->d;
	izin_part *pt;
	unsigned ks;

	if ((pt = take(r, "version", IZIN_F_NONE, 1)) == NULL)
		return -1;
	snprintf(pt->value, sizeof pt->value, "%u", d->bytes[0]);
	if (d->bytes[0] != IZIN_PAYLOAD_VERSION) {
		/* Another version's layout is unknown: nothing past it. */
		byte_fault(r, IZIN_EVERSION, IZIN_F_NONE, 0);
		d->stopped = 1;
		return -1;
	}
	if ((pt = take(r, "kid", IZIN_F_NONE, IZIN_KID_LEN)) == NULL)
		return -1;
	memcpy(d->kid, d->bytes + 1, IZIN_KID_LEN);
	d->has_kid = 1;
	izin_kid_format(d->kid, pt->value);
	if ((pt = take(r, "kind", IZIN_F_KIND, 1)) == NULL)
		return -1;
	ks = d->bytes[pt->off];
	snprintf(pt->value, sizeof pt->value, "%s",
	         izin_kind_name((int)(ks & 3)) ? izin_kind_name((int)(ks & 3)) :
	         "?");
	if ((pt = add(d, "sex", pt->off, 1)) != NULL)
		snprintf(pt->value, sizeof pt->value, "%c", "?MFX"[ks >> 2 & 3]);
	if (ks >> 4)
		byte_fault(r, IZIN_ENONCANON, IZIN_F_KIND, r->pos - 1);
	else if ((ks & 3) == 0)
		byte_fault(r, IZIN_EKIND, IZIN_F_KIND, r->pos - 1);
	else if ((ks >> 2) == 0)
		byte_fault(r, IZIN_ESEX, IZIN_F_SEX, r->pos - 1);
	else {
		r->p.kind = (int)(ks & 3);
		r->p.sex = "?MFX"[ks >> 2];
	}
	return 0;
}

static int
read_dates(struct reader *r)
{
	static const int fields[4] = {
		IZIN_F_BIRTH, IZIN_F_ISSUED, IZIN_F_VALID_FROM,
		IZIN_F_VALID_UNTIL
	};
	izin_part *pt;

	for (int i = 0; i < 4; i++) {
		int f = fields[i];
		izin_date e = f == IZIN_F_BIRTH ? izin_date_from_ymd(1900, 1, 1)
		                                : izin_date_from_ymd(2000, 1, 1);
		const uint8_t *b;
		char s[IZIN_DATE_LEN + 1];

		if ((pt = take(r, izin_field_name(f), f, 2)) == NULL)
			return -1;
		b = r->d->bytes + pt->off;
		izin_date_format(e + (b[0] << 8 | b[1]), s);
		snprintf(pt->value, sizeof pt->value, "%s", s);
		set_field(r, f, s, IZIN_DATE_LEN, (size_t)pt->off);
	}
	return 0;
}

static int
read_codes(struct reader *r)
{
	izin_dissection *d = r->d;
	char sym[255 + 3] = "";  /* [0, n) is written below before it is read */
	size_t n, bytes, start, base, k;
	izin_part *pt;
	int i;

	if ((pt = take(r, "count", IZIN_F_PERMIT, 1)) == NULL)
		return -1;
	n = d->bytes[pt->off];
	snprintf(pt->value, sizeof pt->value, "%zu", n);
	if (n > CODES_MAX)
		byte_fault(r, IZIN_ELENGTH, IZIN_F_OFFICE, (size_t)pt->off);
	bytes = (n + 2) / 3 * 2;
	if (r->end - r->pos < bytes) {
		byte_fault(r, IZIN_ETRUNC, IZIN_F_PERMIT, r->end);
		d->stopped = 1;
		return -1;
	}
	base = r->pos;
	for (k = 0; k < bytes; k += 2) {
		unsigned v = (unsigned)(d->bytes[base + k] << 8 |
		                        d->bytes[base + k + 1]);
		if (v >= 64000) {
			byte_fault(r, IZIN_ENONCANON, IZIN_F_NONE, base + k);
			sym[k / 2 * 3] = sym[k / 2 * 3 + 1] =
			    sym[k / 2 * 3 + 2] = '?';
			continue;
		}
		sym[k / 2 * 3] = sym_chars[v / 1600];
		sym[k / 2 * 3 + 1] = sym_chars[v / 40 % 40];
		sym[k / 2 * 3 + 2] = sym_chars[v % 40];
	}
	r->pos += bytes;
	for (k = n; k < bytes / 2 * 3; k++)
		if (sym[k] != '|')
			byte_fault(r, IZIN_ENONCANON, IZIN_F_OFFICE,
			           base + k / 3 * 2);
	/* Each code field: the groups that hold its symbols. */
	for (i = 0, start = 0, k = 0; k <= n; k++) {
		size_t g0, g1;

		if (k < n && sym[k] != '|')
			continue;
		if (i == NCODES) {
			byte_fault(r, IZIN_ENONCANON, IZIN_F_OFFICE,
			           base + k / 3 * 2);
			break;
		}
		g0 = start / 3 * 2;
		g1 = k > start ? (k - 1) / 3 * 2 + 2 : g0;
		pt = add(d, izin_field_name(code_fields[i]), (long)(base + g0),
		         g1 - g0);
		if (pt) {
			memcpy(pt->value, sym + start, k - start);
			pt->value[k - start] = '\0';
		}
		set_field(r, code_fields[i], sym + start, k - start, base + g0);
		i++;
		start = k + 1;
	}
	if (i < NCODES)
		byte_fault(r, IZIN_EEMPTY, code_fields[i], r->pos);
	return 0;
}

static int
read_text(struct reader *r, int field, size_t max)
{
	izin_dissection *d = r->d;
	size_t at = r->pos, n;
	izin_part *pt;

	if (r->pos >= r->end) {
		byte_fault(r, IZIN_ETRUNC, field, r->end);
		d->stopped = 1;
		return -1;
	}
	n = d->bytes[r->pos];
	if (n > max)
		byte_fault(r, IZIN_ELENGTH, field, at);
	if (r->end - r->pos - 1 < n) {
		byte_fault(r, IZIN_ETRUNC, field, r->end);
		d->stopped = 1;
		return -1;
	}
	if ((pt = take(r, izin_field_name(field), field, 1 + n)) == NULL)
		return -1;
	printable(pt->value, d->bytes + at + 1, n);
	if (n <= max)
		set_field(r, field, (const char *)d->bytes + at + 1, n, at);
	return 0;
}

/* The body's fields in order, from the start of the bytes to end. */
static void
read_body(izin_dissection *d, size_t end)
{
	struct reader r;
	izin_part *pt;
	int err, f;

	memset(&r, 0, sizeof r);
	r.d = d;
	r.end = end;

	if (read_head(&r) || read_dates(&r) || read_codes(&r) ||
	    read_text(&r, IZIN_F_NAME, IZIN_NAME_MAX) ||
	    read_text(&r, IZIN_F_SPONSOR, IZIN_SPONSOR_MAX) ||
	    read_text(&r, IZIN_F_ADDRESS, IZIN_ADDRESS_MAX))
		return;
	if (r.pos < end && d->err == IZIN_EBASE45) {
		/* Bytes read before a Base45 fault: the signature's start. */
		if ((pt = add(d, "signature", (long)r.pos, end - r.pos)) != NULL)
			snprintf(pt->value, sizeof pt->value, "%zu of %d bytes",
			         end - r.pos, IZIN_SIG_LEN);
		return;
	}
	if (r.pos < end) {
		if ((pt = add(d, "trailing", (long)r.pos, end - r.pos)) != NULL)
			snprintf(pt->value, sizeof pt->value, "%zu bytes",
			         end - r.pos);
		byte_fault(&r, IZIN_ETRAILING, IZIN_F_NONE, r.pos);
	}
	if (d->err != IZIN_OK)
		return;
	if ((err = izin_permit_check(&r.p, &f)) != IZIN_OK) {
		fault(d, err, f, -1, 0);
		return;
	}
	/* What is left is canonical form: the decoder is the judge. */
	if ((f = izin_permit_decode(d->bytes, end, &d->p, NULL, &d->field)) !=
	    IZIN_OK) {
		d->err = f;
		d->off = -1;
		d->toff = 0;
	}
}

/* Offset of the first character of a bad Base45 text: outside the
 * alphabet, a group above its range, or a lone last character. */
static size_t
base45_fault(const char *s, size_t len)
{
	uint8_t out[2];
	size_t n;

	for (size_t i = 0; i < len; i += 3) {
		size_t g = len - i < 3 ? len - i : 3;
		for (size_t k = 0; k < g; k++)
			if (s[i + k] == '\0' || strchr(b45, s[i + k]) == NULL)
				return i + k;
		if (g == 1 || izin_base45_decode(s + i, g, out, &n) != IZIN_OK)
			return i;
	}
	return len;
}

void
izin_payload_dissect(const char *text, size_t len, izin_dissection *d)
{
	size_t blen, bad;
	izin_part *pt;

	memset(d, 0, sizeof *d);
	d->field = IZIN_F_NONE;
	d->off = -1;
	for (size_t i = 0; i < IZIN_PREFIX_LEN; i++)
		if (i >= len || text[i] != IZIN_PREFIX[i]) {
			fault(d, IZIN_EFOREIGN, IZIN_F_NONE, -1, i);
			d->stopped = 1;
			return;
		}
	if ((pt = add(d, "prefix", -1, IZIN_PREFIX_LEN)) != NULL)
		memcpy(pt->value, IZIN_PREFIX, IZIN_PREFIX_LEN + 1);
	text += IZIN_PREFIX_LEN;
	blen = len - IZIN_PREFIX_LEN;
	if (blen > izin_base45_enclen(IZIN_SEALED_MAX)) {
		/* Longer than any permit: what izin_open() refuses unread. */
		fault(d, IZIN_ETRAILING, IZIN_F_NONE, -1,
		      IZIN_PREFIX_LEN + izin_base45_enclen(IZIN_SEALED_MAX));
		d->stopped = 1;
		return;
	}
	if ((bad = base45_fault(text, blen)) < blen) {
		/* Read the whole groups before the fault, body only: where
		 * the signature would start is not known. */
		fault(d, IZIN_EBASE45, IZIN_F_NONE, -1, IZIN_PREFIX_LEN + bad);
		if (izin_base45_decode(text, bad / 3 * 3, d->bytes,
		                       &d->nbytes) == IZIN_OK)
			read_body(d, d->nbytes);
		d->stopped = 1;
		return;
	}
	if (izin_base45_decode(text, blen, d->bytes, &d->nbytes) != IZIN_OK) {
		fault(d, IZIN_EBASE45, IZIN_F_NONE, -1, IZIN_PREFIX_LEN);
		d->stopped = 1;
		return;
	}
	if (d->nbytes <= IZIN_SIG_LEN) {
		/* No room for a signature: what there is, read as a body. */
		if (d->nbytes > 0 && d->bytes[0] != IZIN_PAYLOAD_VERSION)
			fault(d, IZIN_EVERSION, IZIN_F_NONE, 0, IZIN_PREFIX_LEN);
		else
			fault(d, IZIN_ETRUNC, IZIN_F_NONE, (long)d->nbytes,
			      IZIN_PREFIX_LEN + blen);
		read_body(d, d->nbytes);
		d->stopped = 1;
		return;
	}
	d->bodylen = d->nbytes - IZIN_SIG_LEN;
	read_body(d, d->bodylen);
	if ((pt = add(d, "signature", (long)d->bodylen, IZIN_SIG_LEN)) != NULL)
		snprintf(pt->value, sizeof pt->value, "Ed25519");
	if (d->err != IZIN_OK)
		memset(&d->p, 0, sizeof d->p);
}

int
izin_payload_try_keys(const izin_trust *t, const izin_dissection *d,
                      izin_keytry *tries, size_t max)
{
	uint8_t m[DOMAIN_LEN + IZIN_BODY_MAX];
	const uint8_t *sig;
	size_t n = 0;

	if (d->err != IZIN_OK || d->bodylen == 0 || d->bodylen > IZIN_BODY_MAX)
		return IZIN_EINVAL;
	memcpy(m, IZIN_DOMAIN_PERMIT, DOMAIN_LEN);
	memcpy(m + DOMAIN_LEN, d->bytes, d->bodylen);
	sig = d->bytes + d->bodylen;
	/* The same walk as izin_trust_verify(), each key's answer kept. */
	for (size_t i = 0; i < izin_trust_count(t); i++) {
		const izin_pubkey *k = izin_trust_key(t, i);
		int v;

		if (memcmp(k->kid, d->kid, IZIN_KID_LEN) != 0)
			continue;
		if (crypto_sign_verify_detached(sig, m, DOMAIN_LEN + d->bodylen,
		                                k->pk) != 0)
			v = IZIN_EBADSIG;
		else if (k->role != IZIN_ROLE_OFFICE)
			v = IZIN_EROLE;
		else if (k->withdrawn && d->p.issued > k->valid_until)
			v = IZIN_EWITHDRAWN;
		else if (d->p.issued < k->valid_from ||
		         d->p.issued > k->valid_until)
			v = IZIN_EKEYWINDOW;
		else if (strcmp(d->p.office, k->office) != 0)
			v = IZIN_EOFFICE;
		else
			v = IZIN_OK;
		if (n < max) {
			tries[n].key = k;
			tries[n].verdict = v;
		}
		n++;
	}
	return (int)n;
}
