/*
 * Trust stores: the public keys of the offices whose seals are accepted
 * (man/izin-trust.5).
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>

#include "izin_internal.h"

#define TRUSTFILE_MAX (1 << 20)

struct izin_trust {
	izin_pubkey *keys;
	size_t n, cap;
};

izin_trust *
izin_trust_new(void)
{
	return calloc(1, sizeof(izin_trust));
}

void
izin_trust_free(izin_trust *t)
{
	if (t == NULL)
		return;
	free(t->keys);
	free(t);
}

size_t
izin_trust_count(const izin_trust *t)
{
	return t->n;
}

/* Index of the first key whose id is not below kid: the keys are kept
 * sorted by id so that a scan finds its key in a few steps among the
 * hundreds of a national list. */
static size_t
lower_bound(const izin_trust *t, const uint8_t kid[IZIN_KID_LEN])
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (memcmp(t->keys[mid].kid, kid, IZIN_KID_LEN) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int
izin_trust_add(izin_trust *t, const izin_pubkey *pub)
{
	size_t i;

	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 8;
		izin_pubkey *k = realloc(t->keys, cap * sizeof *k);
		if (k == NULL)
			return IZIN_ENOMEM;
		t->keys = k, t->cap = cap;
	}
	/* After the keys of the same id: those keep the order they came
	 * in, which verification walks. */
	i = lower_bound(t, pub->kid);
	while (i < t->n && memcmp(t->keys[i].kid, pub->kid, IZIN_KID_LEN) == 0)
		i++;
	memmove(&t->keys[i + 1], &t->keys[i], (t->n - i) * sizeof *t->keys);
	t->keys[i] = *pub;
	t->n++;
	return IZIN_OK;
}

const izin_pubkey *
izin_trust_key(const izin_trust *t, size_t i)
{
	return i < t->n ? &t->keys[i] : NULL;
}

const izin_pubkey *
izin_trust_find(const izin_trust *t, const uint8_t kid[IZIN_KID_LEN],
                const char *office)
{
	for (size_t i = lower_bound(t, kid); i < t->n &&
	     memcmp(t->keys[i].kid, kid, IZIN_KID_LEN) == 0; i++)
		if (office == NULL || strcmp(t->keys[i].office, office) == 0)
			return &t->keys[i];
	return NULL;
}

/* One .pub file: key lines, blank lines and '#' comments. */
static int
load_file(izin_trust *t, const char *path, unsigned long *lineno,
          size_t *added)
{
	char *text;
	size_t len, pos = 0;
	unsigned long line = 0;
	int err;

	if ((err = izin_read_file(path, TRUSTFILE_MAX, &text, &len)) != 0)
		return err == IZIN_ELENGTH ? IZIN_EKEYFILE : err;
	while (pos < len) {
		const char *s = text + pos, *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos;
		izin_pubkey pub;

		line++;
		pos += n + (nl != NULL);
		if (n > 0 && s[n - 1] == '\r')
			n--;
		if (n == 0 || s[0] == '#')
			continue;
		if ((err = izin_pubkey_parse(s, n, &pub)) != IZIN_OK ||
		    (err = izin_trust_add(t, &pub)) != IZIN_OK) {
			if (lineno)
				*lineno = line;
			free(text);
			return err;
		}
		(*added)++;
	}
	free(text);
	return IZIN_OK;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n > m && strcmp(s + n - m, suffix) == 0;
}

static int
load_dir(izin_trust *t, const char *path, unsigned long *lineno,
         char *errpath, size_t errpathlen, size_t *added)
{
	DIR *d;
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int err = IZIN_OK;

	if ((d = opendir(path)) == NULL)
		return IZIN_EIO;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || !ends_with(e->d_name, ".pub"))
			continue;
		if (n == cap) {
			char **nn = realloc(names, (cap = cap ? cap * 2 : 16) *
			                    sizeof *names);
			if (nn == NULL) {
				err = IZIN_ENOMEM;
				break;
			}
			names = nn;
		}
		if ((names[n] = strdup(e->d_name)) == NULL) {
			err = IZIN_ENOMEM;
			break;
		}
		n++;
	}
	closedir(d);
	if (err == IZIN_OK && n > 1)
		qsort(names, n, sizeof *names, cmp_names);
	for (size_t i = 0; i < n && err == IZIN_OK; i++) {
		char file[4096];
		if ((size_t)snprintf(file, sizeof file, "%s/%s", path,
		                     names[i]) >= sizeof file)
			err = IZIN_ELENGTH;
		else
			err = load_file(t, file, lineno, added);
		if (err && errpath && errpathlen)
			snprintf(errpath, errpathlen, "%s", file);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return err;
}

int
izin_trust_load(izin_trust *t, const char *path, unsigned long *line,
                char *errpath, size_t errpathlen)
{
	struct stat st;
	size_t added = 0;
	int err;

	if (line)
		*line = 0;
	if (errpath && errpathlen)
		snprintf(errpath, errpathlen, "%s", path);
	if (stat(path, &st) != 0)
		return IZIN_EIO;
	if (S_ISDIR(st.st_mode))
		err = load_dir(t, path, line, errpath, errpathlen, &added);
	else
		err = load_file(t, path, line, &added);
	if (err == IZIN_OK && added == 0)
		err = IZIN_ENOKEY;
	return err;
}

int
izin_trust_verify(const izin_trust *t, const uint8_t kid[IZIN_KID_LEN],
                  const char *domain, size_t dlen, const uint8_t *msg,
                  size_t len, const uint8_t sig[IZIN_SIG_LEN], int role,
                  izin_date date, const char *office,
                  const izin_pubkey **key)
{
	uint8_t stack[512], *m = stack;
	int err = IZIN_EUNKNOWNKEY;

	if (dlen + len > sizeof stack && (m = malloc(dlen + len)) == NULL)
		return IZIN_ENOMEM;
	memcpy(m, domain, dlen);
	if (len > 0)
		memcpy(m + dlen, msg, len);
	/* The same key may stand twice (a renewed window, say): go on past
	 * a key that verifies but may not vouch, to one that may. */
	for (size_t i = lower_bound(t, kid); i < t->n && err != IZIN_OK &&
	     memcmp(t->keys[i].kid, kid, IZIN_KID_LEN) == 0; i++) {
		const izin_pubkey *k = &t->keys[i];
		if (crypto_sign_verify_detached(sig, m, dlen + len, k->pk) != 0) {
			if (err == IZIN_EUNKNOWNKEY)
				err = IZIN_EBADSIG;
			continue;
		}
		if (k->role != role) {
			if (err == IZIN_EUNKNOWNKEY || err == IZIN_EBADSIG)
				err = IZIN_EROLE;
		} else if (k->withdrawn && date > k->valid_until) {
			err = IZIN_EWITHDRAWN;
		} else if (date < k->valid_from || date > k->valid_until) {
			if (err != IZIN_EWITHDRAWN)
				err = IZIN_EKEYWINDOW;
		} else if (office && strcmp(office, k->office) != 0) {
			if (err != IZIN_EKEYWINDOW && err != IZIN_EWITHDRAWN)
				err = IZIN_EOFFICE;
		} else {
			*key = k;
			err = IZIN_OK;
		}
	}
	if (m != stack)
		free(m);
	return err;
}
