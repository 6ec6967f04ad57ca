/*
 * Revocation lists: signed lists of permit numbers an office cancelled.
 */
#include <stdlib.h>
#include <string.h>

#include "izin_internal.h"

struct entry {
	char permit[IZIN_PERMIT_MAX + 1];
	char *note;
};

struct izin_revoked {
	struct entry *e;     /* open addressing; cap a power of two */
	size_t n, cap;
};

izin_revoked *
izin_revoked_new(void)
{
	return calloc(1, sizeof(izin_revoked));
}

void
izin_revoked_free(izin_revoked *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->cap; i++)
		free(r->e[i].note);
	free(r->e);
	free(r);
}

size_t
izin_revoked_count(const izin_revoked *r)
{
	return r->n;
}

static size_t
slot(const struct entry *e, size_t cap, const char *permit)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (const char *c = permit; *c; c++)
		h = (h ^ (unsigned char)*c) * 16777619u;
	for (i = h & (cap - 1); e[i].permit[0]; i = (i + 1) & (cap - 1))
		if (strcmp(e[i].permit, permit) == 0)
			break;
	return i;
}

static int
grow(izin_revoked *r)
{
	size_t cap = r->cap ? r->cap * 2 : 64;
	struct entry *e = calloc(cap, sizeof *e);

	if (e == NULL)
		return IZIN_ENOMEM;
	for (size_t i = 0; i < r->cap; i++)
		if (r->e[i].permit[0])
			e[slot(e, cap, r->e[i].permit)] = r->e[i];
	free(r->e);
	r->e = e, r->cap = cap;
	return IZIN_OK;
}

/* Add or replace (a later line's note wins). */
static int
add(izin_revoked *r, const char *permit, size_t plen, const char *note,
    size_t nlen)
{
	struct entry *e;
	char key[IZIN_PERMIT_MAX + 1];
	char *copy;

	if (2 * (r->n + 1) > r->cap && grow(r) != IZIN_OK)
		return IZIN_ENOMEM;
	memcpy(key, permit, plen);
	key[plen] = '\0';
	if ((copy = malloc(nlen + 1)) == NULL)
		return IZIN_ENOMEM;
	memcpy(copy, note, nlen);
	copy[nlen] = '\0';
	e = &r->e[slot(r->e, r->cap, key)];
	if (e->permit[0] == '\0') {
		memcpy(e->permit, key, plen + 1);
		r->n++;
	}
	free(e->note);
	e->note = copy;
	return IZIN_OK;
}

int
izin_revoked_check_line(const char *line, size_t len, int *innote)
{
	const char *sp = memchr(line, ' ', len);
	size_t plen = sp ? (size_t)(sp - line) : len;
	izin_permit p;
	int err;

	*innote = 0;
	if ((err = izin_permit_set(&p, IZIN_F_PERMIT, line, plen)) != IZIN_OK)
		return err;
	if (sp == NULL)
		return IZIN_OK;
	*innote = 1;
	if (len - plen - 1 == 0)
		return IZIN_EEMPTY;
	if (len - plen - 1 > IZIN_NOTE_MAX)
		return IZIN_ELENGTH;
	return izin_utf8_check(sp + 1, len - plen - 1);
}

int
izin_revoked_next_update(const char *line, size_t len, izin_date *out)
{
	static const char word[] = "next-update ";
	size_t n = sizeof word - 1;

	if (len < n || memcmp(line, word, n) != 0 ||
	    izin_date_parse(line + n, len - n, out) != IZIN_OK)
		return IZIN_EINVAL;
	return IZIN_OK;
}

int
izin_revoked_load(izin_revoked *r, const izin_trust *t, const char *text,
                  size_t len, unsigned long *line)
{
	return izin_revoked_load_dated(r, t, text, len, line, NULL);
}

int
izin_revoked_load_dated(izin_revoked *r, const izin_trust *t,
                        const char *text, size_t len, unsigned long *line,
                        izin_date *next_update)
{
	izin_revoked *tmp;
	size_t body, pos = 0;
	unsigned long n = 0;
	izin_date signed_on, due = IZIN_NODATE;
	int err, innote;

	if (line)
		*line = 0;
	if (next_update)
		*next_update = IZIN_NODATE;
	if ((err = izin_list_verify(t, IZIN_REVOKED_KIND, text, len, &body,
	                            &signed_on, NULL)) != IZIN_OK)
		return err;
	/* Parse into a fresh set first: a list is taken whole or not at all. */
	if ((tmp = izin_revoked_new()) == NULL)
		return IZIN_ENOMEM;
	while (pos < body) {
		const char *s = text + pos, *nl = memchr(s, '\n', body - pos);
		size_t k = (size_t)(nl - s);
		const char *sp;

		n++;
		pos += k + 1;
		if (k > 0 && s[0] == '#')
			continue;
		/* The date a new list is due: the first line only, and not
		 * before the list was signed. */
		if (n == 1 && izin_revoked_next_update(s, k, &due) == IZIN_OK) {
			if (due >= signed_on)
				continue;
			if (line)
				*line = n;
			izin_revoked_free(tmp);
			return IZIN_ELIST;
		}
		if (izin_revoked_check_line(s, k, &innote) != IZIN_OK) {
			if (line)
				*line = n;
			izin_revoked_free(tmp);
			return IZIN_ELIST;
		}
		sp = memchr(s, ' ', k);
		if ((err = add(tmp, s, sp ? (size_t)(sp - s) : k,
		               sp ? sp + 1 : "", sp ? k - (size_t)(sp - s) - 1
		                                   : 0)) != IZIN_OK) {
			izin_revoked_free(tmp);
			return err;
		}
	}
	for (size_t i = 0; i < tmp->cap && err == IZIN_OK; i++)
		if (tmp->e[i].permit[0])
			err = add(r, tmp->e[i].permit, strlen(tmp->e[i].permit),
			          tmp->e[i].note, strlen(tmp->e[i].note));
	izin_revoked_free(tmp);
	if (err == IZIN_OK && next_update)
		*next_update = due;
	return err;
}

const char *
izin_revoked_find(const izin_revoked *r, const char *permit)
{
	const struct entry *e;

	if (r->cap == 0)
		return NULL;
	e = &r->e[slot(r->e, r->cap, permit)];
	return e->permit[0] ? e->note : NULL;
}
