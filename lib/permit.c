#include <string.h>

#include "izin_internal.h"

static const char *const field_names[IZIN_F_COUNT] = {
	"permit", "kind", "index", "name", "nationality", "passport", "birth",
	"sex", "issued", "valid_from", "valid_until", "office", "sponsor",
	"address"
};

static const char *const kind_names[] = { NULL, "ITK", "ITAS", "ITAP" };

const char *
izin_field_name(int field)
{
	if (field < 0 || field >= IZIN_F_COUNT)
		return NULL;
	return field_names[field];
}

int
izin_field_lookup(const char *name)
{
	for (int i = 0; i < IZIN_F_COUNT; i++)
		if (strcmp(name, field_names[i]) == 0)
			return i;
	return IZIN_F_NONE;
}

const char *
izin_kind_name(int kind)
{
	if (kind < IZIN_KIND_ITK || kind > IZIN_KIND_ITAP)
		return NULL;
	return kind_names[kind];
}

int
izin_kind_parse(const char *s, size_t len)
{
	/* KITAS and KITAP are the names printed on the stay-permit cards. */
	static const struct { const char *name; int kind; } names[] = {
		{ "ITK", IZIN_KIND_ITK }, { "ITAS", IZIN_KIND_ITAS },
		{ "ITAP", IZIN_KIND_ITAP }, { "KITAS", IZIN_KIND_ITAS },
		{ "KITAP", IZIN_KIND_ITAP },
	};

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strlen(names[i].name) == len &&
		    memcmp(s, names[i].name, len) == 0)
			return names[i].kind;
	return IZIN_EKIND;
}

enum { C_ALPHA = 1, C_DIGIT = 2, C_DASH = 4, C_SLASH = 8 };

/* A field of upper-case letters, digits and the punctuation in allow. */
static int
check_code(const char *s, size_t len, size_t max, int allow)
{
	if (len == 0)
		return IZIN_EEMPTY;
	if (len > max)
		return IZIN_ELENGTH;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c >= 'A' && c <= 'Z' && (allow & C_ALPHA)) ||
		    (c >= '0' && c <= '9' && (allow & C_DIGIT)) ||
		    (c == '-' && (allow & C_DASH)) ||
		    (c == '/' && (allow & C_SLASH)))
			continue;
		return IZIN_ECHARSET;
	}
	return IZIN_OK;
}

/* Three letters, or fewer padded with '<' as passports print D<<. */
static int
check_nationality(const char *s, size_t len)
{
	if (len == 0)
		return IZIN_EEMPTY;
	if (len != IZIN_NATIONALITY_LEN)
		return len > IZIN_NATIONALITY_LEN ? IZIN_ELENGTH : IZIN_ECHARSET;
	if (s[0] < 'A' || s[0] > 'Z')
		return IZIN_ECHARSET;
	for (size_t i = 1; i < len; i++) {
		if (s[i] == '<')
			continue;
		if (s[i] < 'A' || s[i] > 'Z' || s[i - 1] == '<')
			return IZIN_ECHARSET;
	}
	return IZIN_OK;
}

static int
check_text(const char *s, size_t len, size_t max, int required)
{
	if (len == 0)
		return required ? IZIN_EEMPTY : IZIN_OK;
	if (len > max)
		return IZIN_ELENGTH;
	return izin_utf8_check(s, len);
}

/* The payload stores dates as 16-bit day counts from these epochs. */
static int
check_date_range(int field, izin_date d)
{
	izin_date lo = field == IZIN_F_BIRTH ? izin_date_from_ymd(1900, 1, 1)
	                                     : izin_date_from_ymd(2000, 1, 1);
	if (d == IZIN_NODATE)
		return IZIN_EEMPTY;
	return d >= lo && d <= lo + 0xffff ? IZIN_OK : IZIN_EDATE;
}

static int
check_field(int field, const char *s, size_t len)
{
	switch (field) {
	case IZIN_F_PERMIT:
		return check_code(s, len, IZIN_PERMIT_MAX,
		                  C_ALPHA | C_DIGIT | C_DASH | C_SLASH);
	case IZIN_F_INDEX:
		return check_code(s, len, IZIN_INDEX_MAX, C_ALPHA | C_DIGIT);
	case IZIN_F_NAME:
		return check_text(s, len, IZIN_NAME_MAX, 1);
	case IZIN_F_NATIONALITY:
		return check_nationality(s, len);
	case IZIN_F_PASSPORT:
		return check_code(s, len, IZIN_PASSPORT_MAX, C_ALPHA | C_DIGIT);
	case IZIN_F_OFFICE:
		return check_code(s, len, IZIN_OFFICE_MAX,
		                  C_ALPHA | C_DIGIT | C_DASH);
	case IZIN_F_SPONSOR:
		return check_text(s, len, IZIN_SPONSOR_MAX, 0);
	case IZIN_F_ADDRESS:
		return check_text(s, len, IZIN_ADDRESS_MAX, 0);
	}
	return IZIN_EINVAL;
}

/* Where each string field lives in the struct, or NULL for the others. */
static char *
field_buf(izin_permit *p, int field, size_t *size)
{
	switch (field) {
	case IZIN_F_PERMIT: *size = sizeof p->permit; return p->permit;
	case IZIN_F_INDEX: *size = sizeof p->index; return p->index;
	case IZIN_F_NAME: *size = sizeof p->name; return p->name;
	case IZIN_F_NATIONALITY:
		*size = sizeof p->nationality; return p->nationality;
	case IZIN_F_PASSPORT: *size = sizeof p->passport; return p->passport;
	case IZIN_F_OFFICE: *size = sizeof p->office; return p->office;
	case IZIN_F_SPONSOR: *size = sizeof p->sponsor; return p->sponsor;
	case IZIN_F_ADDRESS: *size = sizeof p->address; return p->address;
	}
	return NULL;
}

static izin_date *
field_date(izin_permit *p, int field)
{
	switch (field) {
	case IZIN_F_BIRTH: return &p->birth;
	case IZIN_F_ISSUED: return &p->issued;
	case IZIN_F_VALID_FROM: return &p->valid_from;
	case IZIN_F_VALID_UNTIL: return &p->valid_until;
	}
	return NULL;
}

static int
fail(int err, int *field, int f)
{
	if (field)
		*field = f;
	return err;
}

int
izin_permit_check(const izin_permit *p, int *field)
{
	izin_permit *q = (izin_permit *)p;   /* only read through field_* */
	int err;

	for (int f = 0; f < IZIN_F_COUNT; f++) {
		size_t size, len;
		const char *s;

		switch (f) {
		case IZIN_F_KIND:
			err = izin_kind_name(p->kind) ? IZIN_OK : IZIN_EKIND;
			break;
		case IZIN_F_SEX:
			err = p->sex == 'M' || p->sex == 'F' || p->sex == 'X'
			    ? IZIN_OK : IZIN_ESEX;
			break;
		case IZIN_F_BIRTH:
		case IZIN_F_ISSUED:
		case IZIN_F_VALID_FROM:
		case IZIN_F_VALID_UNTIL:
			err = check_date_range(f, *field_date(q, f));
			break;
		default:
			s = field_buf(q, f, &size);
			if ((len = strnlen(s, size)) == size)
				return fail(IZIN_ELENGTH, field, f);
			err = check_field(f, s, len);
		}
		if (err)
			return fail(err, field, f);
	}
	if (p->birth > p->issued)
		return fail(IZIN_EORDER, field, IZIN_F_BIRTH);
	if (p->valid_until < p->valid_from)
		return fail(IZIN_EORDER, field, IZIN_F_VALID_UNTIL);
	if (p->valid_until < p->issued)
		return fail(IZIN_EORDER, field, IZIN_F_ISSUED);
	return IZIN_OK;
}

int
izin_permit_set(izin_permit *p, int field, const char *val, size_t len)
{
	size_t size;
	char *buf = field_buf(p, field, &size);
	izin_date *d = field_date(p, field);
	int err;

	if (buf) {
		if ((err = check_field(field, val, len)) != IZIN_OK)
			return err;
		memcpy(buf, val, len);
		buf[len] = '\0';
		return IZIN_OK;
	}
	if (d) {
		izin_date v;
		if (len == 0)
			return IZIN_EEMPTY;
		if ((err = izin_date_parse(val, len, &v)) != IZIN_OK ||
		    (err = check_date_range(field, v)) != IZIN_OK)
			return err;
		*d = v;
		return IZIN_OK;
	}
	if (field == IZIN_F_KIND) {
		int k;
		if (len == 0)
			return IZIN_EEMPTY;
		if ((k = izin_kind_parse(val, len)) < 0)
			return k;
		p->kind = k;
		return IZIN_OK;
	}
	if (field == IZIN_F_SEX) {
		if (len == 0)
			return IZIN_EEMPTY;
		if (len != 1 || (val[0] != 'M' && val[0] != 'F' && val[0] != 'X'))
			return IZIN_ESEX;
		p->sex = val[0];
		return IZIN_OK;
	}
	return IZIN_EINVAL;
}

int
izin_permit_get(const izin_permit *p, int field, char *buf, size_t size)
{
	izin_permit *q = (izin_permit *)p;   /* only read through field_* */
	const char *s;
	size_t n, ssize;
	izin_date *d;
	char tmp[IZIN_DATE_LEN + 1];

	if ((s = field_buf(q, field, &ssize)) != NULL) {
		n = strnlen(s, ssize);
	} else if ((d = field_date(q, field)) != NULL) {
		if (*d == IZIN_NODATE)
			n = 0, s = "";
		else
			izin_date_format(*d, tmp), s = tmp, n = IZIN_DATE_LEN;
	} else if (field == IZIN_F_KIND) {
		s = izin_kind_name(p->kind);
		if (s == NULL)
			s = "";
		n = strlen(s);
	} else if (field == IZIN_F_SEX) {
		tmp[0] = p->sex, tmp[1] = '\0';
		s = tmp, n = strlen(tmp);
	} else {
		return IZIN_EINVAL;
	}
	if (n >= size)
		return IZIN_ELENGTH;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return (int)n;
}
