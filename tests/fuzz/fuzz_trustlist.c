/*
 * fuzz_trustlist - the trust-list parser.  The first input byte picks a
 * mode: 0 takes the rest as a trust list as it came (the signature line's
 * parser and izin_trustlist_read(); nothing forged verifies); 1 signs the
 * rest as a body with a fixed root key first, so the first line and the
 * key lines behind a good signature are reached.  Invariants: on success
 * the keys are office keys with sane windows, each key id and office once,
 * the numbers in range, and the verified and unverified readers agree; on
 * failure nothing is added and the line named lies inside the input.
 */
#include <stdint.h>
#include <string.h>

#include "fuzzutil.h"

static izin_seckey *root;
static izin_trust *roots;
static izin_date signed_on;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	izin_pubkey pub;

	(void)argc;
	(void)argv;
	FUZZ_ASSERT(izin_init() == IZIN_OK);
	FUZZ_ASSERT(izin_seckey_generate_root("DITJENIM",
	    izin_date_from_ymd(2020, 1, 1), izin_date_from_ymd(2099, 12, 31),
	    &root) == IZIN_OK);
	izin_seckey_public(root, &pub);
	FUZZ_ASSERT((roots = izin_trust_new()) != NULL);
	FUZZ_ASSERT(izin_trust_add(roots, &pub) == IZIN_OK);
	signed_on = izin_date_from_ymd(2026, 6, 1);
	return 0;
}

static unsigned long
count_lines(const char *s, size_t len)
{
	unsigned long n = 0;

	for (size_t i = 0; i < len; i++)
		n += s[i] == '\n';
	return len > 0 && s[len - 1] != '\n' ? n + 1 : n;
}

static void
check_keys(const izin_trust *t, const izin_trustlist_info *info)
{
	FUZZ_ASSERT(izin_trust_count(t) == info->keys && info->keys > 0);
	FUZZ_ASSERT(info->seq >= 1 && info->seq <= IZIN_TRUST_SEQ_MAX);
	FUZZ_ASSERT(info->next_update >= info->issued);
	for (size_t i = 0; i < izin_trust_count(t); i++) {
		const izin_pubkey *k = izin_trust_key(t, i);
		char line[IZIN_PUBLINE_MAX];
		izin_pubkey back;
		int n;
		FUZZ_ASSERT(k->role == IZIN_ROLE_OFFICE);
		FUZZ_ASSERT(k->valid_from <= k->valid_until);
		FUZZ_ASSERT(izin_trust_find(t, k->kid, k->office) == k);
		n = izin_pubkey_format(k, line);
		FUZZ_ASSERT(n > 0 && n < IZIN_PUBLINE_MAX);
		/* A withdrawn key's line is no .pub line. */
		if (k->withdrawn)
			FUZZ_ASSERT(izin_pubkey_parse(line, (size_t)n - 1,
			    &back) != IZIN_OK);
	}
}

static void
parse(const char *text, size_t len, int verify)
{
	izin_trust *t;
	izin_trustlist_info info;
	unsigned long line = 0;
	int err;

	FUZZ_ASSERT((t = izin_trust_new()) != NULL);
	err = verify ? izin_trustlist_load(t, roots, text, len, &info, &line)
	             : izin_trustlist_read(t, text, len, &info, &line);
	FUZZ_ASSERT(line <= count_lines(text, len));
	if (err == IZIN_OK) {
		FUZZ_ASSERT(line == 0);
		check_keys(t, &info);
	} else {
		FUZZ_ASSERT(izin_trust_count(t) == 0);
	}
	izin_trust_free(t);
	if (!verify)
		return;
	/* What verifies also reads, to the same keys. */
	FUZZ_ASSERT((t = izin_trust_new()) != NULL);
	if (err == IZIN_OK) {
		FUZZ_ASSERT(izin_trustlist_read(t, text, len, NULL, NULL) ==
		    IZIN_OK);
		FUZZ_ASSERT(izin_trust_count(t) == info.keys);
	}
	izin_trust_free(t);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data + 1;
	char *list;
	size_t len;

	if (size == 0 || size > IZIN_TRUSTLIST_MAX)
		return 0;
	if (data[0] % 2 == 0) {
		parse(s, size - 1, 0);
		parse(s, size - 1, 1);
		return 0;
	}
	if (izin_list_sign(root, IZIN_TRUST_KIND, signed_on, s, size - 1,
	    &list, &len) != IZIN_OK)
		return 0;
	parse(list, len, 1);
	free(list);
	return 0;
}
