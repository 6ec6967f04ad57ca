/*
 * qr-issue - seal permits into QR images: one from the command line, or a
 * CSV batch, and print the register (one record per permit issued).
 *
 * With --register, every card sealed is recorded in the issued-permit
 * register (a log location) before its image is written: a card is
 * sealed and rendered, its round's rows go to the register in one
 * transaction, and only then are the images written.  So no image of a
 * card the register lacks is ever on disk, even after a crash; a card
 * whose image then fails is registered but reported as not issued,
 * which is harmless (the register holds every card sealed).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "izin.h"
#include "tool.h"

/* Rows read, sealed and printed per round: bounds memory for any batch
 * size while keeping every core busy. */
#define CHUNK 2048
#define PATH_LEN 4096

enum { T_PNG, T_SVG, T_UTF8, T_TEXT };
static const char *const type_names[] = { "png", "svg", "utf8", "text" };
static const char *const type_ext[] = { ".png", ".svg", ".txt", ".txt" };

enum {
	OPT_PASSFILE = 256, OPT_BATCH, OPT_LABEL, OPT_JSON, OPT_CSV,
	OPT_DRYRUN, OPT_REGISTER,
	OPT_FIELD   /* + field number */
};

struct opts {
	const char *key, *passfile, *batch, *dir, *output, *reg;
	int type, level, label, force, json, csv, dry, jobs, quiet;
	izin_render_opts render;
};

struct job {
	izin_permit p;
	unsigned long line;
	char path[PATH_LEN];
	char text[IZIN_TEXT_MAX + 1];
	int err, field;       /* sealing or rendering failure */
	int werr, werrno;     /* writing failure */
	int written;          /* 0: sealed and rendered only (register) */
	void *buf;            /* the image, until written */
	size_t len;
	char dates[3][IZIN_DATE_LEN + 1];   /* for its register row */
};

/* What the pool's work() and done() share. */
struct ctx {
	const izin_seckey *sk;
	const izin_pubkey *pub;
	const struct opts *o;
	struct out *out;
	char kid[IZIN_KID_HEXLEN + 1];
};

static const char *const synopsis = N_(
	"usage: qr-issue -k key [--passphrase-file file] [-t png|svg|utf8|text]\n"
	"                [-l L|M|Q|H] [-s scale] [-m margin] [--label] [-f]\n"
	"                [--json | --csv] [-j jobs] [-n] [--register location]\n"
	"                [-q] --batch file [-d dir]\n"
	"       qr-issue -k key [options] --permit number --kind kind ...\n"
	"                [-o file | -d dir]\n");

static const char *const help_text = N_("\n"
	"Seal permits with an office key into QR codes, one from options\n"
	"or a CSV batch, and print one register record per permit.\n\n"
	"  -k, --key file             the office's secret key (qr-keygen)\n"
	"      --passphrase-file file read the key's passphrase from a file\n"
	"      --batch file           CSV with a header naming the fields\n"
	"                             (- for standard input)\n"
	"  -d, --dir dir              folder for the images (default .)\n"
	"  -o, --output file          one permit's image (- for stdout)\n"
	"  -t, --type type            png (default), svg, utf8 or text\n"
	"  -l, --level L|M|Q|H        error correction (default M)\n"
	"  -s, --scale n              pixels per module (default 4)\n"
	"  -m, --margin n             quiet zone in modules (default 4)\n"
	"      --label                print number, name, kind and\n"
	"                             valid-until under the code\n"
	"  -f, --force                overwrite existing images\n"
	"      --json                 register as JSON Lines\n"
	"      --csv                  register as CSV for a spreadsheet\n"
	"  -j, --jobs n               threads (default: all cores)\n"
	"  -n, --dry-run              check everything, sign and write nothing\n"
	"      --register location    record each card sealed in this\n"
	"                             register (a log file or a PostgreSQL\n"
	"                             connection string) before its image\n"
	"                             is written\n"
	"  -q, --quiet                no progress line on a terminal\n"
	"  -h, --help                 show this help\n"
	"  -V, --version              show the version\n\n"
	"One permit: --permit --kind --index --name --nationality\n"
	"--passport --birth --sex --issued (default today) --valid-from\n"
	"(default issued) --valid-until --office (default the key's)\n"
	"--sponsor --address.\n");

/* A permit number as a file name: only A-Z 0-9 - stay, so no number can
 * name a path outside the folder ('/' is allowed in permit numbers). */
static void
safe_name(const char *permit, char *out, size_t size)
{
	size_t n = 0;
	for (; *permit && n + 1 < size; permit++) {
		char c = *permit;
		out[n++] = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		           c == '-' ? c : '_';
	}
	out[n] = '\0';
}

static int
render(const struct opts *o, struct job *j, void **buf, size_t *len)
{
	izin_qr *qr;
	izin_render_opts ro = o->render;
	char l1[64], l3[40], until[IZIN_DATE_LEN + 1];
	const char *label[3];
	int err;

	*buf = NULL;
	if (o->type == T_TEXT) {
		size_t n = strlen(j->text);
		char *t = malloc(n + 2);
		if (t == NULL)
			return IZIN_ENOMEM;
		memcpy(t, j->text, n);
		t[n] = '\n';
		*buf = t, *len = n + 1;
		return IZIN_OK;
	}
	if ((err = izin_qr_encode(j->text, strlen(j->text), o->level, &qr)))
		return err;
	if (o->label) {
		izin_date_format(j->p.valid_until, until);
		snprintf(l1, sizeof l1, "%s  %s", j->p.permit,
		         izin_kind_name(j->p.kind));
		snprintf(l3, sizeof l3, "valid until %s", until);
		label[0] = l1, label[1] = j->p.name, label[2] = l3;
		ro.label = label, ro.nlabel = 3;
	}
	switch (o->type) {
	case T_PNG:
		err = izin_render_png(qr, &ro, (unsigned char **)buf, len);
		break;
	case T_SVG:
		err = izin_render_svg(qr, &ro, (char **)buf, len);
		break;
	default:
		err = izin_render_utf8(qr, &ro, (char **)buf, len);
		break;
	}
	izin_qr_free(qr);
	return err;
}

static void
write_image(const struct opts *o, struct job *j)
{
	if (strcmp(j->path, "-") == 0) {
		if (fwrite(j->buf, 1, j->len, stdout) != j->len)
			j->werr = IZIN_EIO, j->werrno = errno;
	} else {
		j->werr = izin_write_atomic(j->path, j->buf, j->len, 0644,
		                            o->force);
		j->werrno = errno;
	}
	free(j->buf);
	j->buf = NULL;
	j->written = 1;
}

/* Seal, render and write one permit: on a pool thread.  With a register,
 * the first call seals and renders, and a second, once the card is
 * registered, writes. */
static void
work(void *job, void *arg)
{
	const struct ctx *pl = arg;
	struct job *j = job;

	if (pl->o->dry) {
		j->err = izin_seal_check(pl->pub, &j->p, &j->field);
		return;
	}
	if (j->buf != NULL) {
		write_image(pl->o, j);
		return;
	}
	j->err = izin_seal(pl->sk, &j->p, j->text, &j->field);
	if (j->err < 0)
		return;
	j->err = IZIN_OK;
	if ((j->err = render(pl->o, j, &j->buf, &j->len)) != IZIN_OK)
		return;
	if (pl->o->reg == NULL)
		write_image(pl->o, j);
}

struct out {
	izin_writer *w;
	izin_record *r;
	const char *src;   /* batch file name for messages */
	int bad;
	int io;            /* a card not issued for want of its register row */
	izin_log *lg;      /* the register, or NULL */
	izin_reg *regs;    /* a round's register rows */
	char show[IZIN_SHOW_MAX];   /* its location for messages */
};

static void
row_error(struct out *out, unsigned long line, int field, const char *what)
{
	if (field >= 0)
		izin_warnx("%s:%lu: %s: %s", out->src, line,
		           izin_field_name(field), what);
	else
		izin_warnx("%s:%lu: %s", out->src, line, what);
	out->bad = 1;
}

/* Report one job's failure or print its register row: on the main
 * thread, in input order. */
static int
done(void *job, int worked, void *arg)
{
	const struct ctx *pl = arg;
	struct job *j = job;
	struct out *out = pl->out;
	int err;

	(void)worked;
	if (j->err) {
		row_error(out, j->line, j->field, _(izin_strerror(j->err)));
		return 0;
	}
	if (!pl->o->dry && !j->written)   /* to be registered first */
		return 0;
	if (j->werr) {
		char msg[PATH_LEN + 64];
		snprintf(msg, sizeof msg, "%s: %s", j->path,
		         j->werr == IZIN_EEXIST ?
		         _("file exists (-f overwrites)") :
		         strerror(j->werrno));
		row_error(out, j->line, IZIN_F_NONE, msg);
		return 0;
	}
	if (pl->o->dry || strcmp(j->path, "-") == 0)
		return 0;
	izin_record_clear(out->r);
	if ((err = izin_record_from_permit(out->r, &j->p)) ||
	    (err = izin_record_set(out->r, "kid", pl->kid, strlen(pl->kid))) ||
	    (err = izin_record_set(out->r, "file", j->path,
	                           strlen(j->path))) ||
	    (err = izin_record_set(out->r, "payload", j->text,
	                           strlen(j->text))) ||
	    (err = izin_writer_put(out->w, out->r)))
		izin_errx(2, "cannot write the register: %s",
		          _(izin_strerror(err)));
	return 0;
}

/* Register the cards of a round that were sealed, in one transaction.
 * When it fails none of them is issued: each is named, its image never
 * written.  0, or the error. */
static int
register_round(const struct ctx *pl, struct job *jobs, size_t n)
{
	struct out *out = pl->out;
	char why[256];
	size_t k = 0;
	int err;

	for (size_t i = 0; i < n; i++) {
		struct job *j = &jobs[i];
		izin_reg *r = &out->regs[k];
		if (j->buf == NULL)
			continue;
		izin_date_format(j->p.issued, j->dates[0]);
		izin_date_format(j->p.valid_from, j->dates[1]);
		izin_date_format(j->p.valid_until, j->dates[2]);
		r->permit = j->p.permit;
		r->kind = izin_kind_name(j->p.kind);
		r->name = j->p.name;
		r->nationality = j->p.nationality;
		r->passport = j->p.passport;
		r->issued = j->dates[0];
		r->valid_from = j->dates[1];
		r->valid_until = j->dates[2];
		r->office = j->p.office;
		r->kid = pl->kid;
		izin_reg_digest(j->text, strlen(j->text), r->digest);
		k++;
	}
	if (k == 0 || (err = izin_reg_put(out->lg, out->regs, k)) == IZIN_OK)
		return 0;
	snprintf(why, sizeof why, "%s", izin_log_reason(out->lg, err));
	for (size_t i = 0; i < n; i++) {
		struct job *j = &jobs[i];
		if (j->buf == NULL)
			continue;
		if (j->line > 0)
			izin_warnx("%s:%lu: %s not issued: register %s: %s",
			           out->src, j->line, j->p.permit, out->show,
			           why);
		else
			izin_warnx("%s not issued: register %s: %s",
			           j->p.permit, out->show, why);
		free(j->buf);
		j->buf = NULL;
	}
	out->bad = out->io = 1;
	return err;
}

/* The end of a round: every job worked and reported; with a register,
 * the sealed cards registered and only then their images written. */
static void
round_end(izin_pool *pool, const struct ctx *pl, struct job *jobs,
          size_t n)
{
	izin_pool_drain(pool);
	if (pl->out->lg == NULL)
		return;
	register_round(pl, jobs, n);
	for (size_t i = 0; i < n; i++)
		if (jobs[i].buf != NULL)
			izin_pool_push(pool, &jobs[i]);
	izin_pool_drain(pool);
}

/* Defaults a clerk need not type: today, from = issued, the key's office. */
static void
fill_defaults(izin_permit *p, const int *given, const izin_pubkey *pub)
{
	if (!given[IZIN_F_ISSUED])
		p->issued = izin_today();
	if (!given[IZIN_F_VALID_FROM])
		p->valid_from = p->issued;
	if (!given[IZIN_F_OFFICE])
		strcpy(p->office, pub->office);
}

static int
job_path(const struct opts *o, struct job *j)
{
	char name[IZIN_PERMIT_MAX + 1];
	size_t n;

	if (o->output) {
		n = (size_t)snprintf(j->path, sizeof j->path, "%s", o->output);
	} else {
		safe_name(j->p.permit, name, sizeof name);
		n = (size_t)snprintf(j->path, sizeof j->path, "%s/%s%s", o->dir,
		                     name, type_ext[o->type]);
	}
	return n < sizeof j->path ? IZIN_OK : IZIN_ELENGTH;
}

/* A set of permit numbers seen in this batch, for duplicates. */
struct seen {
	char (*keys)[IZIN_PERMIT_MAX + 1];
	size_t n, cap;   /* cap is a power of two; open addressing */
};

static int
seen_add(struct seen *s, const char *key)
{
	uint32_t h = 2166136261u;
	size_t i;

	if (2 * (s->n + 1) > s->cap) {
		struct seen t = { NULL, 0, s->cap ? s->cap * 2 : 1024 };
		if ((t.keys = calloc(t.cap, sizeof *t.keys)) == NULL)
			izin_errx(2, "out of memory");
		for (i = 0; i < s->cap; i++)
			if (s->keys[i][0])
				seen_add(&t, s->keys[i]);
		free(s->keys);
		*s = t;
	}
	for (const char *c = key; *c; c++)
		h = (h ^ (unsigned char)*c) * 16777619u;
	for (i = h & (s->cap - 1); s->keys[i][0]; i = (i + 1) & (s->cap - 1))
		if (strcmp(s->keys[i], key) == 0)
			return 0;
	strcpy(s->keys[i], key);
	s->n++;
	return 1;
}

/* Map CSV header cells to fields; exit 2 when the header cannot work. */
static void
map_header(const char *src, const char *const *cells, const size_t *lens,
           size_t n, int *col, int *given)
{
	for (size_t i = 0; i < n; i++) {
		char name[32];
		const char *c = cells[i];
		size_t len = lens[i];
		int f;
		while (len > 0 && *c == ' ')
			c++, len--;
		while (len > 0 && c[len - 1] == ' ')
			len--;
		col[i] = IZIN_F_NONE;
		if (len == 0 || len >= sizeof name) {
			izin_warnx("%s:1: column %zu ignored: not a permit field",
			           src, i + 1);
			continue;
		}
		for (size_t k = 0; k < len; k++)
			name[k] = (char)(c[k] >= 'A' && c[k] <= 'Z' ? c[k] + 32 : c[k]);
		name[len] = '\0';
		if ((f = izin_field_lookup(name)) == IZIN_F_NONE) {
			izin_warnx("%s:1: column '%s' ignored: not a permit field",
			           src, name);
			continue;
		}
		if (given[f])
			izin_errx(2, "%s:1: column '%s' appears twice", src, name);
		given[f] = 1;
		col[i] = f;
	}
	for (int f = 0; f < IZIN_F_COUNT; f++) {
		if (given[f] || f == IZIN_F_ISSUED || f == IZIN_F_VALID_FROM ||
		    f == IZIN_F_OFFICE || f == IZIN_F_SPONSOR ||
		    f == IZIN_F_ADDRESS)
			continue;
		izin_errx(2, "%s:1: no '%s' column", src, izin_field_name(f));
	}
}

/* A line break typed inside a spreadsheet cell (Alt+Enter) reads as one
 * space: permit text holds no control characters.  Returns the folded
 * text in buf (at most sizeof buf - 1 bytes kept, so an over-long value
 * still fails its length check). */
static const char *
fold_breaks(const char *s, size_t *len, char buf[IZIN_ADDRESS_MAX + 2])
{
	size_t n = 0;

	for (size_t i = 0; i < *len && n < IZIN_ADDRESS_MAX + 1; i++) {
		if (s[i] == '\r' || s[i] == '\n') {
			while (n > 0 && buf[n - 1] == ' ')
				n--;
			while (i + 1 < *len && (s[i + 1] == '\r' ||
			       s[i + 1] == '\n' || s[i + 1] == ' '))
				i++;
			buf[n++] = ' ';
			continue;
		}
		buf[n++] = s[i];
	}
	*len = n;
	return buf;
}

/* One CSV row into a job; 0 when it is good. */
static int
row_to_job(struct out *out, unsigned long line, const char *const *cells,
           const size_t *lens, size_t n, const int *col, size_t ncol,
           const int *given, const izin_pubkey *pub, struct job *j)
{
	char fold[IZIN_ADDRESS_MAX + 2];
	int err;

	memset(&j->p, 0, sizeof j->p);
	j->line = line;
	j->err = j->werr = j->written = 0;
	j->buf = NULL;
	if (n != ncol) {
		char msg[80];
		snprintf(msg, sizeof msg, _("%zu cells, the header has %zu"), n,
		         ncol);
		row_error(out, line, IZIN_F_NONE, msg);
		return -1;
	}
	fill_defaults(&j->p, given, pub);
	for (size_t i = 0; i < n; i++) {
		const char *c = cells[i];
		size_t len = lens[i];
		if (col[i] == IZIN_F_NONE)
			continue;
		/* Spreadsheet cells often carry stray spaces around values. */
		while (len > 0 && *c == ' ')
			c++, len--;
		while (len > 0 && c[len - 1] == ' ')
			len--;
		if (len == 0 && (col[i] == IZIN_F_ISSUED ||
		                 col[i] == IZIN_F_VALID_FROM ||
		                 col[i] == IZIN_F_OFFICE))
			continue;
		if ((col[i] == IZIN_F_NAME || col[i] == IZIN_F_SPONSOR ||
		     col[i] == IZIN_F_ADDRESS) && (memchr(c, '\n', len) ||
		                                   memchr(c, '\r', len)))
			c = fold_breaks(c, &len, fold);
		if ((err = izin_permit_set(&j->p, col[i], c, len)) != IZIN_OK) {
			row_error(out, line, col[i], _(izin_strerror(err)));
			return -1;
		}
	}
	if (given[IZIN_F_ISSUED] && !given[IZIN_F_VALID_FROM])
		j->p.valid_from = j->p.issued;
	return 0;
}

static uint64_t
batch_at(void *arg)
{
	off_t at = ftello(arg);

	return at > 0 ? (uint64_t)at : 0;
}

/* Rows read on a terminal, by bytes of a batch file.  The register
 * streams to stdout: when it is the terminal too, it is the progress. */
static izin_progress *
batch_progress(const struct opts *o, FILE *fp)
{
	izin_progress *prog = izin_progress_start(N_("cards"), 0,
	    o->quiet || isatty(STDOUT_FILENO));
	struct stat sb;

	if (fstat(fileno(fp), &sb) == 0 && S_ISREG(sb.st_mode))
		izin_progress_bytes(prog, (uint64_t)sb.st_size, batch_at, fp);
	return prog;
}

static int
batch(const struct opts *o, const izin_seckey *sk, const izin_pubkey *pub,
      struct out *out)
{
	izin_progress *prog;
	uint64_t nrows = 0;
	FILE *fp = stdin;
	izin_csv *csv;
	const char *const *cells;
	const size_t *lens;
	size_t n, ncol = 0;
	int col[256], given[IZIN_F_COUNT] = { 0 }, rc, header = 0;
	struct seen seen = { NULL, 0, 0 };
	struct ctx pl = { sk, pub, o, out, "" };
	struct job *jobs;
	size_t njobs = 0;
	izin_pool *pool;

	out->src = strcmp(o->batch, "-") == 0 ? "stdin" : o->batch;
	if (strcmp(o->batch, "-") != 0 && (fp = fopen(o->batch, "rb")) == NULL)
		izin_errx(2, "%s: %s", o->batch, strerror(errno));
	izin_kid_format(pub->kid, pl.kid);
	if ((csv = izin_csv_new(fp)) == NULL ||
	    (jobs = malloc(CHUNK * sizeof *jobs)) == NULL ||
	    (pool = izin_pool_new(o->jobs, CHUNK, work, done, &pl)) == NULL)
		izin_errx(2, "out of memory");
	prog = batch_progress(o, fp);
	for (;;) {
		rc = izin_csv_next(csv, &cells, &lens, &n);
		if (header && rc != 0)
			izin_progress_tick(prog, ++nrows);
		if (rc == 0 || (rc == 1 && !header)) {
			if (rc == 0 && !header)
				izin_errx(2, "%s: empty, no header row", out->src);
			if (rc == 0)
				break;
			if (n > sizeof col / sizeof col[0])
				izin_errx(2, "%s:1: too many columns", out->src);
			map_header(out->src, cells, lens, n, col, given);
			ncol = n, header = 1;
			continue;
		}
		if (rc < 0) {
			if (!header)
				izin_errx(2, "%s:1: header: %s", out->src,
				          _(izin_strerror(rc)));
			row_error(out, izin_csv_line(csv), IZIN_F_NONE,
			          _(izin_strerror(rc)));
			continue;
		}
		if (n == 1 && lens[0] == 0)   /* blank line */
			continue;
		if (row_to_job(out, izin_csv_line(csv), cells, lens, n, col,
		               ncol, given, pub, &jobs[njobs]) != 0)
			continue;
		if (!seen_add(&seen, jobs[njobs].p.permit)) {
			row_error(out, izin_csv_line(csv), IZIN_F_PERMIT,
			          _("duplicate permit number in this batch"));
			continue;
		}
		if (job_path(o, &jobs[njobs]) != IZIN_OK) {
			row_error(out, izin_csv_line(csv), IZIN_F_NONE,
			          _("output path too long"));
			continue;
		}
		izin_pool_push(pool, &jobs[njobs]);
		/* A round's messages come out together, after its rows' own;
		 * then its job slots are free again. */
		if (++njobs == CHUNK) {
			round_end(pool, &pl, jobs, njobs);
			njobs = 0;
		}
	}
	round_end(pool, &pl, jobs, njobs);
	izin_pool_free(pool);
	izin_progress_end(prog);
	if (ferror(fp))
		izin_errx(2, "%s: read error", out->src);
	if (fp != stdin)
		fclose(fp);
	izin_csv_free(csv);
	free(seen.keys);
	free(jobs);
	return 0;
}

static void
single(const struct opts *o, const izin_seckey *sk, const izin_pubkey *pub,
       char *const *vals, const int *given, struct out *out)
{
	struct ctx pl = { sk, pub, o, out, "" };
	/* On the stack, not the heap: the izin_errx() exits below would
	 * leave a heap copy unfreed (valgrind: definitely lost). */
	struct job job, *j = &job;
	int err;

	memset(&job, 0, sizeof job);
	out->src = _("command line");
	fill_defaults(&j->p, given, pub);
	for (int f = 0; f < IZIN_F_COUNT; f++) {
		if (!given[f])
			continue;
		if ((err = izin_permit_set(&j->p, f, vals[f], strlen(vals[f]))))
			izin_errx(1, "--%s: %s: '%s'", izin_field_name(f),
			          _(izin_strerror(err)), vals[f]);
		if (f == IZIN_F_ISSUED && !given[IZIN_F_VALID_FROM])
			j->p.valid_from = j->p.issued;
	}
	for (int f = 0; f < IZIN_F_COUNT; f++)
		if (!given[f] && izin_permit_check(&j->p, &err) != IZIN_OK &&
		    err == f)
			izin_errx(2, "missing --%s", izin_field_name(f));
	if (job_path(o, j) != IZIN_OK)
		izin_errx(2, "output path too long");
	izin_kid_format(pub->kid, pl.kid);
	work(j, &pl);
	if (j->err && j->field >= 0)
		izin_errx(1, "--%s: %s", izin_field_name(j->field),
		          _(izin_strerror(j->err)));
	if (j->err)
		izin_errx(1, "%s", _(izin_strerror(j->err)));
	if (out->lg != NULL) {
		if (register_round(&pl, j, 1) != IZIN_OK)
			return;
		work(j, &pl);
	}
	if (j->werr)
		izin_errx(1, "%s: %s", j->path, j->werr == IZIN_EEXIST ?
		          "file exists (-f overwrites)" : strerror(j->werrno));
	done(j, 1, &pl);
}

/* The long name of the option whose getopt_long() value is val. */
static const char *
opt_name(const struct option *opts, int val)
{
	while (opts->name != NULL && opts->val != val)
		opts++;
	return opts->name;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "passphrase-file", required_argument, NULL, OPT_PASSFILE },
		{ "batch", required_argument, NULL, OPT_BATCH },
		{ "dir", required_argument, NULL, 'd' },
		{ "output", required_argument, NULL, 'o' },
		{ "type", required_argument, NULL, 't' },
		{ "level", required_argument, NULL, 'l' },
		{ "scale", required_argument, NULL, 's' },
		{ "margin", required_argument, NULL, 'm' },
		{ "label", no_argument, NULL, OPT_LABEL },
		{ "force", no_argument, NULL, 'f' },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "csv", no_argument, NULL, OPT_CSV },
		{ "jobs", required_argument, NULL, 'j' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "register", required_argument, NULL, OPT_REGISTER },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		/* One per permit field: the column name, '-' for '_'. */
		{ "permit", required_argument, NULL,
		  OPT_FIELD + IZIN_F_PERMIT },
		{ "kind", required_argument, NULL,
		  OPT_FIELD + IZIN_F_KIND },
		{ "index", required_argument, NULL,
		  OPT_FIELD + IZIN_F_INDEX },
		{ "name", required_argument, NULL,
		  OPT_FIELD + IZIN_F_NAME },
		{ "nationality", required_argument, NULL,
		  OPT_FIELD + IZIN_F_NATIONALITY },
		{ "passport", required_argument, NULL,
		  OPT_FIELD + IZIN_F_PASSPORT },
		{ "birth", required_argument, NULL,
		  OPT_FIELD + IZIN_F_BIRTH },
		{ "sex", required_argument, NULL,
		  OPT_FIELD + IZIN_F_SEX },
		{ "issued", required_argument, NULL,
		  OPT_FIELD + IZIN_F_ISSUED },
		{ "valid-from", required_argument, NULL,
		  OPT_FIELD + IZIN_F_VALID_FROM },
		{ "valid-until", required_argument, NULL,
		  OPT_FIELD + IZIN_F_VALID_UNTIL },
		{ "office", required_argument, NULL,
		  OPT_FIELD + IZIN_F_OFFICE },
		{ "sponsor", required_argument, NULL,
		  OPT_FIELD + IZIN_F_SPONSOR },
		{ "address", required_argument, NULL,
		  OPT_FIELD + IZIN_F_ADDRESS },
		{ NULL, 0, NULL, 0 }
	};
	struct opts o = { .dir = ".", .level = IZIN_ECC_M, .jobs = 0,
	                  .render = { 4, 4, NULL, 0 } };
	char *vals[IZIN_F_COUNT] = { 0 };
	int given[IZIN_F_COUNT] = { 0 }, nfields = 0, c;
	struct out out = { 0 };
	izin_seckey *sk;
	izin_pubkey pub;

	izin_setprogname(argv[0]);
	while ((c = getopt_long(argc, argv, "k:d:o:t:l:s:m:fj:nqhV", longopts,
	                        NULL)) != -1) {
		switch (c) {
		case 'k': o.key = optarg; break;
		case OPT_PASSFILE: o.passfile = optarg; break;
		case OPT_BATCH: o.batch = optarg; break;
		case 'd': o.dir = optarg; break;
		case 'o': o.output = optarg; break;
		case 't':
			for (o.type = 0; o.type < 4; o.type++)
				if (strcmp(optarg, type_names[o.type]) == 0)
					break;
			if (o.type == 4)
				izin_errx(2, "-t: unknown type '%s' (png, svg, "
				          "utf8, text)", optarg);
			break;
		case 'l':
			if (strlen(optarg) != 1 || !strchr("LMQH", optarg[0]))
				izin_errx(2, "-l: level is L, M, Q or H");
			o.level = (int)(strchr("LMQH", optarg[0]) - "LMQH");
			break;
		case 's': o.render.scale = (int)izin_num_arg("-s", optarg, 1, 64); break;
		case 'm': o.render.margin = (int)izin_num_arg("-m", optarg, 0, 64); break;
		case OPT_LABEL: o.label = 1; break;
		case 'f': o.force = 1; break;
		case OPT_JSON: o.json = 1; break;
		case OPT_CSV: o.csv = 1; break;
		case 'j': o.jobs = (int)izin_num_arg("-j", optarg, 1, 64); break;
		case 'n': o.dry = 1; break;
		case OPT_REGISTER: o.reg = optarg; break;
		case 'q': o.quiet = 1; break;
		case 'h': izin_help(synopsis, help_text);
		case 'V': izin_version();
		default:
			if (c < OPT_FIELD || c >= OPT_FIELD + IZIN_F_COUNT)
				izin_usage(synopsis);
			if (given[c - OPT_FIELD])
				izin_errx(2, "--%s given twice", opt_name(longopts,
				          c));
			vals[c - OPT_FIELD] = optarg;
			given[c - OPT_FIELD] = 1;
			nfields++;
		}
	}
	if (optind != argc)
		izin_usage(synopsis);
	if (o.json && o.csv)
		izin_errx(2, "--json and --csv contradict");
	if (o.key == NULL)
		izin_errx(2, "missing -k key");
	if (o.batch && nfields)
		izin_errx(2, "--batch and permit field options contradict");
	if (!o.batch && !nfields)
		izin_errx(2, "give --batch file, or the permit's fields");
	if (o.batch && o.output)
		izin_errx(2, "-o names one permit's image; a batch uses -d");
	if (o.jobs == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		o.jobs = n < 1 ? 1 : n > 64 ? 64 : (int)n;
	}

	if (!o.dry && !o.output) {
		/* Like unzip -d: make the folder, then it must be one. */
		struct stat st;
		if (mkdir(o.dir, 0777) != 0 && errno != EEXIST)
			izin_errx(2, "%s: %s", o.dir, strerror(errno));
		if (stat(o.dir, &st) != 0 || !S_ISDIR(st.st_mode))
			izin_errx(2, "%s: not a folder", o.dir);
	}
	if (izin_init() != IZIN_OK)
		izin_errx(2, "%s", _(izin_strerror(IZIN_ECRYPTO)));
	if (o.dry) {
		/* Check office and window without the passphrase: a dry run
		 * signs nothing, so it needs only the key's public line. */
		int err = izin_seckey_load_public(o.key, &pub);
		if (err)
			izin_errx(2, "%s: %s", o.key, err == IZIN_EIO ?
			          strerror(errno) : _(izin_strerror(err)));
		sk = NULL;
	} else {
		sk = izin_load_seckey(o.key, o.passfile);
		izin_seckey_public(sk, &pub);
	}
	if (!o.dry && !(o.output && strcmp(o.output, "-") == 0)) {
		out.r = izin_record_new();
		out.w = izin_writer_new(stdout, o.json ? IZIN_FMT_JSON :
		                        o.csv ? IZIN_FMT_CSV : IZIN_FMT_TSV);
		if (out.r == NULL || out.w == NULL)
			izin_errx(2, "out of memory");
	}
	/* Opened before anything is sealed: a register that cannot be
	 * reached stops the run with no card issued.  A dry run registers
	 * nothing, so it leaves the register alone. */
	if (o.reg != NULL && !o.dry) {
		izin_log_show(o.reg, out.show, sizeof out.show);
		out.lg = izin_open_location(N_("register"), o.reg,
		                            IZIN_LOG_CREATE);
		if ((out.regs = calloc(CHUNK, sizeof *out.regs)) == NULL)
			izin_errx(2, "out of memory");
	}
	if (o.batch)
		batch(&o, sk, &pub, &out);
	else
		single(&o, sk, &pub, vals, given, &out);
	izin_log_close(out.lg);
	free(out.regs);
	izin_seckey_free(sk);
	izin_writer_free(out.w);
	izin_record_free(out.r);
	if (izin_close_stdout() != IZIN_OK) {
		izin_warn("stdout");
		return 2;
	}
	return out.io ? 2 : out.bad ? 1 : 0;
}
