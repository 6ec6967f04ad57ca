/*
 * log_checkpoint.c - device keys and signed checkpoints in a log: the key
 * the log holds for each device (its own, and those a centre enrolled),
 * each device's newest checkpoint, and the writer's signer, which signs a
 * checkpoint of its own chain head inside the commit that moves it.
 * log_verify.c checks chains against checkpoints.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "log_internal.h"

int
izin_log_key(izin_log *lg, const char *device, uint8_t pk[IZIN_PK_LEN],
             int *found)
{
	int rc;

	*found = 0;
	if ((rc = lg->ops->begin(lg, 0)) < 0)
		return rc;
	rc = lg->ops->key_get(lg, device, pk, found);
	(void)lg->ops->end(lg);
	return rc;
}

int
izin_log_enrol(izin_log *lg, const char *device,
               const uint8_t pk[IZIN_PK_LEN])
{
	uint8_t held[IZIN_PK_LEN];
	int rc, found;

	if (!lg->writable || device == NULL ||
	    strlen(device) != IZIN_DEVICE_LEN)
		return IZIN_EINVAL;
	if ((rc = lg->ops->begin(lg, 1)) < 0 ||
	    (rc = lg->ops->key_get(lg, device, held, &found)) < 0)
		return izin_log_rollback(lg, rc);
	if (found) {
		lg->ops->rollback(lg);
		return sodium_memcmp(held, pk, IZIN_PK_LEN) == 0 ? IZIN_OK
		                                                : IZIN_EKEYCHANGE;
	}
	if ((rc = lg->ops->key_put(lg, device, pk)) < 0 ||
	    (rc = lg->ops->end(lg)) < 0)
		return izin_log_rollback(lg, rc);
	return IZIN_OK;
}

int
izin_log_checkpoints(izin_log *lg,
                     int (*fn)(void *arg, const izin_checkpoint *cp), void *arg)
{
	int rc;

	if ((rc = lg->ops->begin(lg, 0)) < 0)
		return rc;
	rc = lg->ops->cps(lg, fn, arg);
	(void)lg->ops->end(lg);
	return rc;
}

int
izin_log_set_signer(izin_log *lg, const izin_log_signer *s)
{
	izin_pubkey pub;
	uint8_t held[IZIN_PK_LEN];
	int rc, found;

	if (!lg->writable || s == NULL || s->key == NULL || s->now == NULL ||
	    s->every < 1 || s->gap < 0)
		return IZIN_EINVAL;
	izin_seckey_public(s->key, &pub);
	if (pub.role != IZIN_ROLE_DEVICE)
		return IZIN_EROLE;
	if ((rc = izin_log_key(lg, lg->device, held, &found)) < 0)
		return rc;
	if (!found || sodium_memcmp(held, pub.pk, IZIN_PK_LEN) != 0)
		return IZIN_EKEYCHANGE;
	lg->signer = *s;
	lg->signing = 1;
	lg->cp_loaded = 0;
	return IZIN_OK;
}

int
izin_log_cp_load(izin_log *lg, const struct head *h)
{
	unsigned char at[IZIN_LOG_HASH_LEN];
	izin_checkpoint cp;
	int rc, found;

	if (lg->cp_loaded)
		return 0;
	if ((rc = lg->ops->cp_get(lg, lg->device, &cp, &found)) < 0)
		return rc;
	/* Most runs begin where the last one's checkpoint left the head:
	 * one comparison.  Otherwise a look back along the chain. */
	if (!found)
		rc = 0;
	else if (cp.dseq > h->dseq)
		rc = 1;
	else if (cp.dseq == h->dseq)
		rc = memcmp(cp.hash, h->hash, IZIN_LOG_HASH_LEN) != 0 ? 2 : 0;
	else if ((rc = izin_log_row_hash(lg, lg->device, cp.dseq, at)) == 0)
		rc = memcmp(cp.hash, at, IZIN_LOG_HASH_LEN) != 0 ? 2 : 0;
	if (rc < 0)
		return rc;
	if (rc > 0) {
		snprintf(lg->errmsg, sizeof(lg->errmsg), "device %s: dseq %lld: "
		         "%s its signed checkpoint (--verify shows it)",
		         lg->device, (long long)cp.dseq, rc == 1 ?
		         "the chain was cut before" : "the chain was rewritten at");
		return IZIN_ECUT;
	}
	lg->cp_dseq = found ? cp.dseq : 0;
	lg->cp_time = found ? cp.time : 0;
	lg->cp_loaded = 1;
	return 0;
}

int
izin_log_cp_due(izin_log *lg, int64_t dseq,
                const unsigned char hash[IZIN_LOG_HASH_LEN], int force)
{
	izin_checkpoint cp;
	int64_t now;
	int rc;

	if (!lg->cp_loaded)
		return IZIN_EINVAL;     /* izin_log_cp_load() comes first */
	if (dseq <= lg->cp_dseq)
		return 0;
	now = lg->signer.now(lg->signer.arg);
	/* The device's first checkpoint is always due. */
	if (!force && lg->cp_dseq > 0 &&
	    (dseq - lg->cp_dseq < lg->signer.every ||
	     now - lg->cp_time < lg->signer.gap))
		return 0;
	memset(&cp, 0, sizeof(cp));
	memcpy(cp.device, lg->device, sizeof(cp.device));
	cp.dseq = dseq;
	memcpy(cp.hash, hash, IZIN_LOG_HASH_LEN);
	cp.time = now;
	if ((rc = izin_checkpoint_sign(lg->signer.key, &cp)) < 0 ||
	    (rc = lg->ops->cp_put(lg, &cp)) < 0)
		return rc;
	lg->cp_dseq = dseq;
	lg->cp_time = now;
	return 0;
}

int
izin_log_checkpoint(izin_log *lg)
{
	struct head h;
	int rc, found;

	if (!lg->signing)
		return IZIN_EINVAL;
	if ((rc = lg->ops->begin(lg, 1)) < 0 ||
	    (rc = lg->ops->head_get(lg, lg->device, &h, &found)) < 0)
		return izin_log_rollback(lg, rc);
	if (!found || !h.hashok || h.damaged || h.dseq < 1) {
		lg->ops->rollback(lg);
		return 0;
	}
	/* Read again: another writer may have signed since. */
	lg->cp_loaded = 0;
	if ((rc = izin_log_cp_load(lg, &h)) < 0 ||
	    (rc = izin_log_cp_due(lg, h.dseq, h.hash, 1)) < 0 ||
	    (rc = lg->ops->end(lg)) < 0)
		return izin_log_rollback(lg, rc);
	return 0;
}
