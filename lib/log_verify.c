/*
 * log_verify.c - checking a log's hash chains (izin_log_verify()) and
 * merging a verified log into another (izin_log_merge()), which needs the
 * same chain heads and the same walk over every sighting.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "log_internal.h"

/* A signed checkpoint the chain must reach with this hash. */
struct mark {
	int64_t dseq;
	unsigned char hash[IZIN_LOG_HASH_LEN];
};

struct chain {
	char *device;
	int64_t head_dseq, head_seq;
	unsigned char head_hash[IZIN_LOG_HASH_LEN];
	int64_t dseq, seq;
	unsigned char hash[IZIN_LOG_HASH_LEN];
	izin_log_fault fault;   /* the first thing wrong with the chain */
	struct mark *marks;     /* by dseq; the next one to reach is mi */
	size_t nmarks, mi;
};

struct chains {
	struct chain *v;
	size_t n, cap;
};

static int
chain_cmp(const void *a, const void *b)
{
	return strcmp(((const struct chain *)a)->device,
	              ((const struct chain *)b)->device);
}

static void
chains_free(struct chains *cs)
{
	for (size_t i = 0; i < cs->n; i++) {
		free(cs->v[i].device);
		free(cs->v[i].marks);
	}
	free(cs->v);
	cs->v = NULL;
	cs->n = cs->cap = 0;
}

/* A new chain at the end of the table (unsorted), all zero but its
 * device; NULL when out of memory. */
static struct chain *
chain_new(struct chains *cs, const char *device)
{
	struct chain *c;

	if (cs->n == cs->cap) {
		size_t cap = cs->cap ? 2 * cs->cap : 8;
		if ((c = realloc(cs->v, cap * sizeof(*c))) == NULL)
			return NULL;
		cs->v = c;
		cs->cap = cap;
	}
	c = &cs->v[cs->n];
	memset(c, 0, sizeof(*c));
	if ((c->device = strdup(device)) == NULL)
		return NULL;
	cs->n++;
	return c;
}

/* One head row into the table. */
static int
chain_add(void *arg, const struct head *h)
{
	struct chain *c = chain_new(arg, h->device ? h->device : "");

	if (c == NULL)
		return IZIN_ENOMEM;
	c->head_dseq = h->dseq;
	c->head_seq = h->seq;
	memcpy(c->head_hash, h->hash, IZIN_LOG_HASH_LEN);
	/* The log never writes a head below 1: a head of 0 would pass for
	 * a device with no sightings, and hide every one it had. */
	if (!h->hashok || h->damaged || h->dseq < 1 || h->seq < 1)
		c->fault = (izin_log_fault){ 1, h->seqok, h->seq,
		                             N_("chain head damaged"), "", 0 };
	return 0;
}

/* The head table, sorted by device. */
static int
chains_load(izin_log *lg, struct chains *cs)
{
	int rc;

	cs->v = NULL;
	cs->n = cs->cap = 0;
	if ((rc = lg->ops->heads(lg, chain_add, cs)) < 0) {
		chains_free(cs);
		return rc;
	}
	if (cs->n > 1)
		qsort(cs->v, cs->n, sizeof(*cs->v), chain_cmp);
	return 0;
}

static struct chain *
chains_find(struct chains *cs, const char *device)
{
	struct chain key = { 0 };

	key.device = (char *)device;
	if (cs->n == 0)
		return NULL;
	return bsearch(&key, cs->v, cs->n, sizeof(*cs->v), chain_cmp);
}

/* 1 when a text column of r is missing. */
static int
row_missing(const struct srow *r)
{
	return r->w.time == NULL || r->w.reporter == NULL ||
	       r->w.kind == NULL || r->w.place == NULL || r->w.lat == NULL ||
	       r->w.lon == NULL || r->permit == NULL || r->record == NULL;
}

/* What can be wrong with one row, given its chain so far; NULL if
 * nothing. */
static const char *
check_row(const struct srow *r, const struct chain *c,
          const struct layouts *ls, struct izin_buf *b, struct izin_buf *hb,
          struct cols *cols, int *err)
{
	unsigned char hash[IZIN_LOG_HASH_LEN];
	const struct layout *l;
	struct row w;
	int64_t epoch, dseq = r->w.dseq;
	size_t plen;

	*err = 0;
	if (r->seq < 1)
		return N_("damaged: seq out of range");
	if (r->damaged)
		return N_("damaged: a column is missing or of the wrong type");
	if (dseq < 1)
		return N_("damaged: dseq out of range");
	if (dseq <= c->dseq)
		return N_("repeats or reorders its device's chain");
	if (dseq > c->dseq + 1)
		return N_("follows a gap: sightings before it were deleted");
	if (r->prevlen != IZIN_LOG_HASH_LEN ||
	    memcmp(r->prev, c->hash, IZIN_LOG_HASH_LEN))
		return N_("does not link to the sighting before it");
	if (r->hashlen != IZIN_LOG_HASH_LEN)
		return N_("hash damaged");
	if (row_missing(r))
		return N_("a column is missing");
	w = r->w;
	w.device = c->device;
	if (izin_time_parse(w.time, strlen(w.time), &epoch) != IZIN_OK ||
	    epoch != r->epoch)
		return N_("time altered: it does not match the instant stored");
	l = izin_log_layouts_find(ls, r->layout);
	if (l == NULL)
		return N_("record altered: its column names are missing");
	if ((*err = izin_log_row_fields(hb, c->hash, &w)) < 0)
		return NULL;
	izin_log_chain_hash(hb, l->raw, l->rawlen, r->record, r->rlen, hash);
	if (memcmp(hash, r->hash, IZIN_LOG_HASH_LEN))
		return N_("altered: its content does not match its hash");
	*err = l->n == 0 ? IZIN_ERECORD :
	       izin_log_split_line(b, r->record, r->rlen, cols, l->n);
	if (*err == IZIN_ERECORD) {
		*err = 0;
		return N_("record damaged: it does not fit its layout");
	}
	if (*err < 0)
		return NULL;
	plen = l->permit >= 0 ? cols->c[l->permit].len : 0;
	if (plen != r->plen ||
	    (plen > 0 && memcmp(r->permit, cols->c[l->permit].v, plen) != 0))
		return N_("permit altered: it does not match the record");
	if (dseq > c->head_dseq)
		return N_("inserted: it lies beyond its device's chain head");
	return NULL;
}

/* A fault of a device as a whole, or of its chain at a checkpoint. */
static izin_log_fault
dev_fault(const char *device, int64_t dseq, int has_seq, int64_t seq,
          const char *why)
{
	izin_log_fault f = { 1, has_seq, seq, why, "", dseq };
	size_t n = strnlen(device, IZIN_DEVICE_LEN);

	memcpy(f.device, device, n);
	f.device[n] = '\0';
	return f;
}

/* Keep the fault with the lowest seq: the first in the log's order.
 * One without a seq is kept only when there is no other. */
static void
note_fault(izin_log_fault *f, const izin_log_fault *g)
{
	if (f->found && (!g->has_seq || (f->has_seq && f->seq <= g->seq)))
		return;
	*f = *g;
}

/* The same for a fault of one sighting. */
static void
note(izin_log_fault *f, int has_seq, int64_t seq, const char *why)
{
	izin_log_fault g = { 1, has_seq, seq, why, "", 0 };

	note_fault(f, &g);
}

static const char *const why_cut =
	N_("cut tail: the chain ends before this signed checkpoint");
static const char *const why_rewritten =
	N_("rewritten: the sighting differs from this signed checkpoint");
static const char *const why_sig =
	N_("signature: the checkpoint does not verify with the device's key");
static const char *const why_nokey =
	N_("unknown device: the log holds no key to check its checkpoint");

/* A list of checkpoints. */
struct cplist {
	izin_checkpoint *v;
	size_t n, cap;
};

static int
cplist_add(void *arg, const izin_checkpoint *cp)
{
	struct cplist *l = arg;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 8;
		izin_checkpoint *v = realloc(l->v, cap * sizeof(*v));
		if (v == NULL)
			return IZIN_ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *cp;
	return 0;
}

static int
mark_cmp(const void *a, const void *b)
{
	int64_t x = ((const struct mark *)a)->dseq;
	int64_t y = ((const struct mark *)b)->dseq;

	return (x > y) - (x < y);
}

/* A chain in cs for the device of each of the n checkpoints: an empty one
 * for a device with none, since a chain gone whole is cut too.  cs is
 * sorted again after (until then only its first part is). */
static int
chains_ensure(struct chains *cs, const izin_checkpoint *cps, size_t n)
{
	size_t sorted = cs->n;

	for (size_t i = 0; i < n; i++) {
		struct chain key = { 0 }, *c = NULL;
		key.device = (char *)cps[i].device;
		if (sorted > 0)
			c = bsearch(&key, cs->v, sorted, sizeof(*cs->v),
			            chain_cmp);
		for (size_t j = sorted; c == NULL && j < cs->n; j++)
			if (strcmp(cs->v[j].device, cps[i].device) == 0)
				c = &cs->v[j];
		if (c == NULL && chain_new(cs, cps[i].device) == NULL)
			return IZIN_ENOMEM;
	}
	if (cs->n > sorted)
		qsort(cs->v, cs->n, sizeof(*cs->v), chain_cmp);
	return 0;
}

/* Hold the chains of cs to the n checkpoints (each already verified).
 * Before the walk. */
static int
marks_add(struct chains *cs, const izin_checkpoint *cps, size_t n)
{
	int rc;

	if ((rc = chains_ensure(cs, cps, n)) < 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		struct chain *c = chains_find(cs, cps[i].device);
		struct mark *m;
		if ((m = realloc(c->marks, (c->nmarks + 1) * sizeof(*m))) == NULL)
			return IZIN_ENOMEM;
		c->marks = m;
		m[c->nmarks].dseq = cps[i].dseq;
		memcpy(m[c->nmarks].hash, cps[i].hash, IZIN_LOG_HASH_LEN);
		c->nmarks++;
	}
	for (size_t i = 0; i < cs->n; i++)
		if (cs->v[i].nmarks > 1)
			qsort(cs->v[i].marks, cs->v[i].nmarks,
			      sizeof(*cs->v[i].marks), mark_cmp);
	return 0;
}

/* Keep of l only the checkpoints that verify with the key lg holds for
 * their device; a fault in f for each other one. */
static int
cps_check(izin_log *lg, struct cplist *l, izin_log_fault *f)
{
	uint8_t pk[IZIN_PK_LEN];
	size_t k = 0;
	int rc, found;

	for (size_t i = 0; i < l->n; i++) {
		const izin_checkpoint *cp = &l->v[i];
		izin_log_fault g;
		if ((rc = lg->ops->key_get(lg, cp->device, pk, &found)) < 0)
			return rc;
		if (found && izin_checkpoint_check(cp, pk) == IZIN_OK) {
			l->v[k++] = *cp;
			continue;
		}
		g = dev_fault(cp->device, cp->dseq, 0, 0,
		              found ? why_sig : why_nokey);
		note_fault(f, &g);
	}
	l->n = k;
	return 0;
}

/* What a walk over every row of a log needs to check its chains: the
 * heads, the layouts and scratch space. */
struct walk {
	struct chains cs;
	struct layouts ls;
	struct izin_buf b, hb;
	struct cols cols;
	struct chain *c;        /* the chain of the row before */
	int64_t count;
};

static void
walk_free(struct walk *w)
{
	chains_free(&w->cs);
	izin_log_layouts_free(&w->ls);
	free(w->b.p);
	free(w->hb.p);
	izin_log_cols_free(&w->cols);
}

static int
walk_init(izin_log *lg, struct walk *w)
{
	int rc;

	memset(w, 0, sizeof(*w));
	if ((rc = chains_load(lg, &w->cs)) < 0 ||
	    (rc = izin_log_layouts_load(lg, &w->ls)) < 0)
		walk_free(w);
	return rc;
}

/* Check one row, in seq order, against its chain so far, noting a fault
 * in f.  Returns 1 when the row holds (and moves its chain on), 0 when
 * it does not, or an error. */
static int
walk_row(struct walk *w, const struct srow *r, izin_log_fault *f)
{
	const char *dev = r->w.device ? r->w.device : "";
	const char *reason;
	struct chain *c = w->c;
	int err;

	w->count++;
	if (c == NULL || strcmp(c->device, dev) != 0)
		c = w->c = chains_find(&w->cs, dev);
	if (c == NULL) {
		note(f, 1, r->seq,
		     N_("inserted: its device has no chain head"));
		return 0;
	}
	if (c->fault.found)
		return 0;
	reason = check_row(r, c, &w->ls, &w->b, &w->hb, &w->cols, &err);
	if (err < 0)
		return err;
	if (reason != NULL) {
		/* Kept with the chain and noted at the end, where a fault
		 * of another chain's head may name a lower seq. */
		c->fault = (izin_log_fault){ 1, 1, r->seq, reason, "", 0 };
		return 0;
	}
	c->dseq = r->w.dseq;
	c->seq = r->seq;
	memcpy(c->hash, r->hash, IZIN_LOG_HASH_LEN);
	for (; c->mi < c->nmarks && c->marks[c->mi].dseq <= c->dseq; c->mi++)
		if (c->marks[c->mi].dseq == c->dseq &&
		    memcmp(c->marks[c->mi].hash, r->hash, IZIN_LOG_HASH_LEN)) {
			c->fault = dev_fault(c->device, c->dseq, 1, r->seq,
			                     why_rewritten);
			return 0;
		}
	return 1;
}

/* After the last row: each chain must end at its head.  f then holds the
 * first fault in the log's order. */
static void
walk_end(struct walk *w, izin_log_fault *f)
{
	for (size_t i = 0; i < w->cs.n; i++) {
		struct chain *c = &w->cs.v[i];
		if (!c->fault.found && c->dseq != c->head_dseq)
			c->fault = (izin_log_fault){ 1, 1, c->head_seq,
			    N_("deleted: the chain ends before its head"), "",
			    0 };
		else if (!c->fault.found && (c->seq != c->head_seq ||
		         memcmp(c->hash, c->head_hash, IZIN_LOG_HASH_LEN)))
			c->fault = (izin_log_fault){ 1, 1, c->head_seq,
			    N_("the chain head does not match its last "
			       "sighting"), "", 0 };
		else if (!c->fault.found && c->mi < c->nmarks)
			c->fault = dev_fault(c->device, c->marks[c->mi].dseq,
			                     0, 0, why_cut);
		if (c->fault.found)
			note_fault(f, &c->fault);
	}
}

/* Verify inside an open (read) transaction: the chains, held to the
 * checkpoints the log holds and the n given. */
static int
verify_txn(izin_log *lg, const izin_checkpoint *cps, size_t n,
           int64_t *count, izin_log_fault *f)
{
	struct rowsel all = { ROWS_ALL, NULL, NULL, 0, 0, 0, 0, 0, 1 };
	struct cplist l = { NULL, 0, 0 };
	struct rows *cur = NULL;
	struct walk w;
	struct srow r;
	int rc;

	*count = 0;
	memset(f, 0, sizeof(*f));
	if ((rc = walk_init(lg, &w)) < 0)
		return rc;
	if ((rc = lg->ops->cps(lg, cplist_add, &l)) < 0)
		goto out;
	for (size_t i = 0; i < n; i++)
		if ((rc = cplist_add(&l, &cps[i])) < 0)
			goto out;
	if ((rc = cps_check(lg, &l, f)) < 0 ||
	    (rc = marks_add(&w.cs, l.v, l.n)) < 0 ||
	    (rc = lg->ops->rows_open(lg, &all, &cur)) < 0)
		goto out;
	while ((rc = lg->ops->rows_next(cur, &r)) == 1)
		if ((rc = walk_row(&w, &r, f)) < 0)
			break;
	if (rc < 0)
		goto out;
	walk_end(&w, f);
	*count = w.count;
out:
	if (cur != NULL)
		lg->ops->rows_close(cur);
	free(l.v);
	walk_free(&w);
	return rc;
}

int
izin_log_verify_with(izin_log *lg, const izin_checkpoint *cps, size_t n,
                     int64_t *count, izin_log_fault *f)
{
	int rc;

	if ((rc = lg->ops->begin(lg, 0)) < 0)
		return rc;
	rc = verify_txn(lg, cps, n, count, f);
	(void)lg->ops->end(lg);
	return rc;
}

int
izin_log_verify(izin_log *lg, int64_t *count, izin_log_fault *f)
{
	return izin_log_verify_with(lg, NULL, 0, count, f);
}

/* Needed by a merge only when the other log holds a shorter copy of a
 * chain we have. */
int
izin_log_row_hash(izin_log *lg, const char *device, int64_t dseq,
                  unsigned char out[IZIN_LOG_HASH_LEN])
{
	struct rowsel sel = { ROWS_DEVICE, device, NULL, dseq, dseq, 0, 0, 0,
	                      0 };
	struct rows *cur;
	struct srow r;
	int rc;

	if ((rc = lg->ops->rows_open(lg, &sel, &cur)) < 0)
		return rc;
	rc = lg->ops->rows_next(cur, &r);
	if (rc == 1 && r.hashlen == IZIN_LOG_HASH_LEN)
		memcpy(out, r.hash, IZIN_LOG_HASH_LEN);
	lg->ops->rows_close(cur);
	if (rc == 1)
		return 0;
	return rc == 0 ? 1 : rc;
}

/* Every device of other that we hold too must have the same chain as
 * far as the shorter of the two goes.  Where ours is the longer one the
 * check is made here; where theirs is, on the row itself while copying;
 * where both end at the same sighting, on the heads. */
static int
merge_check_heads(izin_log *lg, struct chains *ours, const struct chains *theirs,
                  izin_log_fault *f)
{
	unsigned char h[IZIN_LOG_HASH_LEN];
	int rc;

	for (size_t i = 0; i < theirs->n; i++) {
		const struct chain *t = &theirs->v[i];
		struct chain *o = chains_find(ours, t->device);
		if (o == NULL || o->head_dseq < t->head_dseq || t->head_dseq == 0)
			continue;
		if (o->head_dseq == t->head_dseq)
			memcpy(h, o->head_hash, IZIN_LOG_HASH_LEN), rc = 0;
		else if ((rc = izin_log_row_hash(lg, t->device, t->head_dseq,
		                                   h)) < 0)
			return rc;
		if (rc == 1 || memcmp(h, t->head_hash, IZIN_LOG_HASH_LEN)) {
			note(f, 1, t->head_seq, N_("its device's chain differs"
			         " from the one already in the log"));
			return 0;
		}
	}
	return 0;
}

/*
 * One walk over the other log both verifies it (w, faults to vf) and
 * copies what we lack, so that the store takes rows while the next ones
 * are hashed.  The first fault of either kind stops the copying (mf: a
 * chain that differs from ours); the walk goes on to find the first
 * fault of the log, and the caller then rolls the transaction back:
 * nothing of a log that fails is ever committed.
 */
static int
merge_rows(izin_log *lg, izin_log *other, struct chains *ours,
           struct walk *w, int64_t *added, izin_log_fault *mf,
           izin_log_fault *vf)
{
	struct rowsel all = { ROWS_ALL, NULL, NULL, 0, 0, 0, 0, 0, 1 };
	const struct layouts *ls = &w->ls;
	struct rows *cur;
	struct chain *c = NULL;
	struct srow r;
	int64_t *ids, total = 0;
	int rc, copying = !mf->found;

	/* Their layout ids to ours, found or made once each. */
	if ((ids = calloc(ls->n ? ls->n : 1, sizeof(*ids))) == NULL)
		return IZIN_ENOMEM;
	if ((rc = other->ops->rows_open(other, &all, &cur)) < 0) {
		free(ids);
		return rc;
	}
	/* Each device's sightings are numbered 1 to its head's dseq. */
	for (size_t i = 0; i < w->cs.n && total >= 0; i++)
		total = w->cs.v[i].head_dseq > 0 && total <= INT64_MAX -
		        w->cs.v[i].head_dseq ? total + w->cs.v[i].head_dseq : -1;
	while ((rc = other->ops->rows_next(cur, &r)) == 1) {
		const struct layout *l;
		size_t li;

		if ((rc = walk_row(w, &r, vf)) < 0)
			break;
		if (lg->progress != NULL && w->count % 4096 == 0)
			lg->progress(lg->progress_arg, w->count, total);
		if (rc == 0)
			copying = 0;
		if (!copying)
			continue;
		/* The row holds, so every column is there, its layout too,
		 * and its device has a head (and so a chain of ours). */
		if (c == NULL || strcmp(c->device, r.w.device) != 0)
			c = chains_find(ours, r.w.device);
		if (c == NULL) {
			rc = IZIN_EIO;
			break;
		}
		if (r.w.dseq < c->dseq)
			continue;
		if (r.w.dseq == c->dseq) {
			if (memcmp(r.hash, c->hash, IZIN_LOG_HASH_LEN)) {
				note(mf, 1, r.seq, N_("its device's chain"
				         " differs from the one already in the"
				         " log"));
				copying = 0;
			}
			continue;
		}
		l = izin_log_layouts_find(ls, r.layout);
		li = (size_t)(l - ls->v);
		if (ids[li] == 0 &&
		    (rc = lg->ops->layout_id(lg, l->raw, l->rawlen,
		                             &ids[li])) < 0)
			break;
		r.layout = ids[li];
		if ((rc = lg->ops->insert(lg, &r, 1)) < 0)
			break;
		c->dseq = r.w.dseq;
		c->seq = r.seq;
		memcpy(c->hash, r.hash, IZIN_LOG_HASH_LEN);
		(*added)++;
	}
	other->ops->rows_close(cur);
	free(ids);
	if (rc >= 0 && lg->progress != NULL)
		lg->progress(lg->progress_arg, w->count, total);
	if (rc >= 0)
		walk_end(w, vf);
	return rc;
}

void
izin_log_set_progress(izin_log *lg,
                      void (*fn)(void *arg, int64_t done, int64_t total),
                      void *arg)
{
	if (lg == NULL)
		return;
	lg->progress = fn;
	lg->progress_arg = arg;
}

/* Our chain heads, with an empty chain for each device only they have,
 * each chain's position set to its head. */
static int
merge_chains(izin_log *lg, struct chains *ours, const struct chains *theirs)
{
	size_t n;
	int rc;

	if ((rc = chains_load(lg, ours)) < 0)
		return rc;
	n = ours->n;
	for (size_t i = 0; i < theirs->n; i++) {
		struct chain *c;
		if (n > 0 && bsearch(&theirs->v[i], ours->v, n,
		                     sizeof(*ours->v), chain_cmp) != NULL)
			continue;
		if ((c = realloc(ours->v, (ours->n + 1) * sizeof(*c))) == NULL)
			return IZIN_ENOMEM;
		ours->v = c;
		ours->cap = ours->n + 1;
		c = &ours->v[ours->n];
		memset(c, 0, sizeof(*c));
		if ((c->device = strdup(theirs->v[i].device)) == NULL)
			return IZIN_ENOMEM;
		ours->n++;
	}
	if (ours->n > 1)
		qsort(ours->v, ours->n, sizeof(*ours->v), chain_cmp);
	for (size_t i = 0; i < ours->n; i++) {
		struct chain *c = &ours->v[i];
		c->dseq = c->head_dseq;
		c->seq = c->head_seq;
		memcpy(c->hash, c->head_hash, IZIN_LOG_HASH_LEN);
	}
	return 0;
}

static const char *const why_unknown =
	N_("unknown device: enrol its key first (--enrol, or --enrol-new)");
static const char *const why_keychange =
	N_("key differs from the one enrolled for the device");

/* The key of each device of other (its chains in cs, its checkpoints in
 * theirs), enrolling in lg those it does not know when flags say so, and
 * the checkpoints to hold other's chains to: those of theirs that verify
 * (kept in theirs for the end) and ours of every device other holds.
 * Every device fault goes to f. */
static int
merge_devices(izin_log *lg, izin_log *other, int flags, struct chains *cs,
              struct cplist *theirs, izin_log_fault *f)
{
	struct cplist marks = { NULL, 0, 0 };
	uint8_t ours_pk[IZIN_PK_LEN], their_pk[IZIN_PK_LEN];
	izin_checkpoint cp;
	int rc, have_ours, have_theirs, found;

	/* Their checkpoints' devices are chains too. */
	if ((rc = chains_ensure(cs, theirs->v, theirs->n)) < 0)
		return rc;
	for (size_t i = 0; i < cs->n; i++) {
		const char *dev = cs->v[i].device;
		izin_log_fault g;
		if ((rc = lg->ops->key_get(lg, dev, ours_pk, &have_ours)) < 0 ||
		    (rc = other->ops->key_get(other, dev, their_pk,
		                              &have_theirs)) < 0)
			goto out;
		if (have_ours && have_theirs &&
		    sodium_memcmp(ours_pk, their_pk, IZIN_PK_LEN) != 0) {
			g = dev_fault(dev, 0, 0, 0, why_keychange);
			note_fault(f, &g);
			continue;
		}
		if (!have_ours && !(flags & IZIN_MERGE_ENROL)) {
			g = dev_fault(dev, 0, 0, 0, why_unknown);
			note_fault(f, &g);
			continue;
		}
		if (!have_ours && have_theirs &&
		    (rc = lg->ops->key_put(lg, dev, their_pk)) < 0)
			goto out;
		/* Ours already verified when it was stored. */
		if ((rc = lg->ops->cp_get(lg, dev, &cp, &found)) < 0)
			goto out;
		if (found && cs->v[i].head_dseq > 0 &&
		    (rc = cplist_add(&marks, &cp)) < 0)
			goto out;
	}
	/* Theirs must verify with the key now held for the device. */
	if ((rc = cps_check(lg, theirs, f)) < 0)
		goto out;
	for (size_t i = 0; i < theirs->n; i++)
		if ((rc = cplist_add(&marks, &theirs->v[i])) < 0)
			goto out;
	rc = marks_add(cs, marks.v, marks.n);
out:
	free(marks.v);
	return rc;
}

/* After a merge that holds: the newer of each device's two checkpoints
 * stays (a replayed older one never replaces a newer one). */
static int
merge_keep(izin_log *lg, const struct cplist *theirs)
{
	izin_checkpoint cp;
	int rc, found;

	for (size_t i = 0; i < theirs->n; i++) {
		const izin_checkpoint *t = &theirs->v[i];
		if ((rc = lg->ops->cp_get(lg, t->device, &cp, &found)) < 0)
			return rc;
		if ((!found || t->dseq > cp.dseq) &&
		    (rc = lg->ops->cp_put(lg, t)) < 0)
			return rc;
	}
	return 0;
}

int
izin_log_merge(izin_log *lg, izin_log *other, int flags, int64_t *added,
               izin_log_fault *f)
{
	struct chains ours = { NULL, 0, 0 };
	struct cplist theirs = { NULL, 0, 0 };
	izin_log_fault mf = { 0 };
	struct walk w;
	int rc;

	*added = 0;
	memset(f, 0, sizeof(*f));
	if (lg == NULL || other == NULL || !lg->writable)
		return IZIN_EINVAL;
	/* One snapshot of the other log for the check and the copy. */
	if ((rc = other->ops->begin(other, 0)) < 0)
		return rc;
	if ((rc = walk_init(other, &w)) < 0) {
		(void)other->ops->end(other);
		return rc;
	}
	if ((rc = lg->ops->begin(lg, 1)) < 0 ||
	    (rc = merge_chains(lg, &ours, &w.cs)) < 0 ||
	    (rc = merge_check_heads(lg, &ours, &w.cs, &mf)) < 0 ||
	    (rc = other->ops->cps(other, cplist_add, &theirs)) < 0 ||
	    (rc = merge_devices(lg, other, flags, &w.cs, &theirs, &mf)) < 0 ||
	    (rc = merge_rows(lg, other, &ours, &w, added, &mf, f)) < 0)
		goto undo;
	/* A log that does not verify is named for that first. */
	if (!f->found && mf.found)
		*f = mf;
	if (f->found)
		goto undo;
	for (size_t i = 0; i < ours.n; i++) {
		const struct chain *c = &ours.v[i];
		struct head h = { c->device, c->dseq, c->seq, { 0 }, 1, 0, 1 };
		if (c->dseq == c->head_dseq)
			continue;
		memcpy(h.hash, c->hash, IZIN_LOG_HASH_LEN);
		if ((rc = lg->ops->head_put(lg, &h)) < 0)
			goto undo;
	}
	if ((rc = merge_keep(lg, &theirs)) < 0 ||
	    (rc = lg->ops->end(lg)) < 0)
		goto undo;
	goto out;
undo:
	izin_log_rollback(lg, rc);
	*added = 0;
out:
	(void)other->ops->end(other);
	chains_free(&ours);
	free(theirs.v);
	walk_free(&w);
	return rc;
}
