/*
 * log_register.c - the issued-permit register: every card an office
 * sealed, kept in the permits table of a log location, so that a card
 * whose seal verifies but which no office registered can be told apart.
 * Engine-neutral: the rows are written and found by the store (reg_put,
 * reg_find in log_internal.h).
 */
#include <string.h>

#include <sodium.h>

#include "log_internal.h"

void
izin_reg_digest(const char *payload, size_t len,
                unsigned char out[IZIN_DIGEST_LEN])
{
	crypto_generichash(out, IZIN_DIGEST_LEN,
	                   (const unsigned char *)payload, len, NULL, 0);
}

/* A row a store can take: every column present, a permit number. */
static int
reg_ok(const izin_reg *r)
{
	const char *const s[] = {
		r->permit, r->kind, r->name, r->nationality, r->passport,
		r->issued, r->valid_from, r->valid_until, r->office, r->kid
	};

	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		if (s[i] == NULL)
			return 0;
	return r->permit[0] != '\0';
}

int
izin_reg_put(izin_log *lg, const izin_reg *v, size_t n)
{
	int rc;

	if (lg == NULL || !lg->writable || (v == NULL && n > 0))
		return IZIN_EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!reg_ok(&v[i]))
			return IZIN_EINVAL;
	if (n == 0)
		return 0;
	if ((rc = lg->ops->begin(lg, 1)) < 0)
		return rc;
	if ((rc = lg->ops->reg_put(lg, v, n)) < 0 ||
	    (rc = lg->ops->end(lg)) < 0)
		return izin_log_rollback(lg, rc);
	return 0;
}

int
izin_reg_find(izin_log *lg, const char *permit,
              const unsigned char digest[IZIN_DIGEST_LEN], int *found)
{
	if (found != NULL)
		*found = IZIN_REG_NONE;
	if (lg == NULL || permit == NULL || digest == NULL || found == NULL)
		return IZIN_EINVAL;
	return lg->ops->reg_find(lg, permit, digest, found);
}
