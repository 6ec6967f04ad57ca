/*
 * qr-scan - find the QR codes in images, open each permit's seal against a
 * trust store and revocation lists, and print one record per code.  With
 * --register, a card whose seal holds must also be in the issued-permit
 * register: looked up on the main thread, one handle for the run.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "izin.h"
#include "tool.h"

#define STDIN_MAX (256 << 20)

enum {
	S_VALID, S_BAD_SIGNATURE, S_UNKNOWN_KEY, S_KEY_NOT_VALID, S_REVOKED,
	S_MALFORMED, S_FOREIGN, S_NO_CODE, S_UNREADABLE, S_UNREGISTERED
};
static const char *const status_names[] = {
	"VALID", "BAD_SIGNATURE", "UNKNOWN_KEY", "KEY_NOT_VALID", "REVOKED",
	"MALFORMED", "FOREIGN", "NO_CODE", "UNREADABLE", "UNREGISTERED"
};

enum {
	OPT_ROOT = 256, OPT_STATE, OPT_ALLOW_STALE, OPT_ON, OPT_JSON, OPT_CSV,
	OPT_RAW, OPT_REGISTER
};
/* --inspect and --text (kept apart from the list above). */
enum { OPT_INSPECT = 320, OPT_TEXT };

struct result {
	int status;
	int decoded;                      /* p and kid hold the payload's */
	izin_permit p;
	uint8_t kid[IZIN_KID_LEN];
	char *text;                       /* the code's bytes (owned) */
	size_t len;
	char *utf8;                       /* its text as UTF-8 (owned); NULL
	                                   * for --text, where it is text */
	size_t utf8_len;
	const char *charset;              /* how utf8 was decided */
	unsigned long line;               /* --text: its line number */
	char detail[160];
};

struct item {
	const char *path;
	struct result *r;
	size_t n;
};

struct ctx {
	const izin_trust *trust;
	const izin_revoked *revoked;
	const unsigned char *stdin_data;
	size_t stdin_len;
	int raw;
	izin_writer *w;                   /* the output, on the main thread */
	izin_record *rec;
	int flagged;
	char stale[160];                  /* each VALID verdict's warning */
	izin_log *lg;                     /* the register, or NULL */
	char show[IZIN_SHOW_MAX];         /* its location for messages */
	izin_progress *prog;              /* files done, on a terminal */
	uint64_t ndone;
	int inspect;                      /* --inspect: dissections */
	int textin;                       /* --text: files of payload texts */
};

static const char *const synopsis = N_(
	"usage: qr-scan -T trust [--root root.pub] [--trust-state dir]\n"
	"               [-R revoked] [--allow-stale] [--on date]\n"
	"               [--register location] [--json | --csv] [-j jobs]\n"
	"               [-q] [--text] file ...\n"
	"       qr-scan --raw [-j jobs] [-q] file ...\n"
	"       qr-scan --inspect -T trust [--root root.pub] [-R revoked]\n"
	"               [--on date] [--text] file ...\n");

static const char *const help_text = N_("\n"
	"Find the QR codes in images (PNG, JPEG, PNM; - is standard input),\n"
	"open each permit's seal and print one record per code.\n\n"
	"  -T, --trust path       trusted office keys: a signed trust list\n"
	"                         (with --root), or a .pub file or a folder\n"
	"      --root file        the national root's public key (.pub)\n"
	"      --trust-state dir  keep the newest trust list's number here and\n"
	"                         refuse an older list\n"
	"  -R, --revoked file     a signed revocation list (repeatable)\n"
	"      --allow-stale      a list past its next update: warn, exit 0\n"
	"      --on date          the day to judge lists' freshness (default\n"
	"                         today)\n"
	"      --register location  a valid card must be in this register\n"
	"                         of issued permits (a log file or a\n"
	"                         PostgreSQL connection string)\n"
	"      --json             records as JSON Lines\n"
	"      --csv              records as CSV for a spreadsheet\n"
	"      --raw              print each code's text alone as UTF-8,\n"
	"                         unverified\n"
	"      --inspect          take each code apart: every part with its\n"
	"                         offsets and bytes, each key tried, status\n"
	"      --text             the files hold payload texts, one a line,\n"
	"                         instead of images\n"
	"  -j, --jobs n           files decoded at once (default: all cores)\n"
	"  -q, --quiet            no progress line on a terminal\n"
	"  -h, --help             show this help\n"
	"  -V, --version          show the version\n\n"
	"Statuses: VALID, BAD_SIGNATURE, UNKNOWN_KEY, KEY_NOT_VALID, REVOKED,\n"
	"UNREGISTERED, MALFORMED, FOREIGN, NO_CODE, UNREADABLE.\n");

static struct result *
add_result(struct item *it)
{
	struct result *r = realloc(it->r, (it->n + 1) * sizeof *r);
	if (r == NULL)
		izin_errx(2, "out of memory");
	it->r = r;
	r = &it->r[it->n++];
	memset(r, 0, sizeof *r);
	return r;
}

static void
judge(const struct ctx *c, struct result *r)
{
	int field, err;

	err = izin_open(c->trust, r->text, r->len, &r->p, r->kid, &field);
	r->decoded = err == IZIN_OK || err == IZIN_EBADSIG ||
	             err == IZIN_EUNKNOWNKEY || err == IZIN_EKEYWINDOW ||
	             err == IZIN_EOFFICE || err == IZIN_EWITHDRAWN ||
	             err == IZIN_EROLE;
	switch (err) {
	case IZIN_OK: {
		const char *note = c->revoked ?
		    izin_revoked_find(c->revoked, r->p.permit) : NULL;
		r->status = note ? S_REVOKED : S_VALID;
		if (note)
			snprintf(r->detail, sizeof r->detail, "%s", note);
		else
			snprintf(r->detail, sizeof r->detail, "%s", c->stale);
		break;
	}
	case IZIN_EWITHDRAWN: {
		const izin_pubkey *k = izin_trust_find(c->trust, r->kid,
		                                       r->p.office);
		char d[IZIN_DATE_LEN + 1] = "";
		if (k)
			izin_date_format(k->valid_until + 1, d);
		r->status = S_KEY_NOT_VALID;
		snprintf(r->detail, sizeof r->detail,
		         _("key withdrawn from %s"), d);
		break;
	}
	case IZIN_EROLE:
		r->status = S_KEY_NOT_VALID;
		snprintf(r->detail, sizeof r->detail, "%s",
		         _("sealed with a root key, which may not seal a "
		           "permit"));
		break;
	case IZIN_EBADSIG: r->status = S_BAD_SIGNATURE; break;
	case IZIN_EUNKNOWNKEY: r->status = S_UNKNOWN_KEY; break;
	case IZIN_EKEYWINDOW:
	case IZIN_EOFFICE:
		r->status = S_KEY_NOT_VALID;
		snprintf(r->detail, sizeof r->detail, "%s",
		         _(izin_strerror(err)));
		break;
	case IZIN_EFOREIGN: r->status = S_FOREIGN; break;
	default:
		r->status = S_MALFORMED;
		if (field >= 0)
			snprintf(r->detail, sizeof r->detail, "%s: %s",
			         izin_field_name(field), _(izin_strerror(err)));
		else
			snprintf(r->detail, sizeof r->detail, "%s",
			         _(izin_strerror(err)));
	}
}

/* --text: each non-empty line of the file is a code's text. */
/* A file that could not be read (err; errno for IZIN_EIO): one result. */
static void
unreadable(struct item *it, int err)
{
	int e = errno;          /* before add_result() can change it */
	struct result *r = add_result(it);

	r->status = S_UNREADABLE;
	snprintf(r->detail, sizeof r->detail, "%s", err == IZIN_EIO ?
	         strerror(e) : _(izin_strerror(err)));
}

static void
process_text(const struct ctx *c, struct item *it)
{
	const char *buf = (const char *)c->stdin_data;
	char *own = NULL;
	size_t len = c->stdin_len, pos = 0;
	unsigned long line = 0;
	struct result *r;
	int err = IZIN_OK;

	if (strcmp(it->path, "-") != 0) {
		FILE *fp = fopen(it->path, "rb");
		if (fp == NULL)
			err = IZIN_EIO;
		else {
			err = izin_read_stream(fp, STDIN_MAX, &own, &len);
			fclose(fp);
		}
		buf = own;
	}
	if (err) {
		unreadable(it, err);
		return;
	}
	while (pos < len) {
		const char *s = buf + pos, *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos;

		line++;
		pos += n + (nl != NULL);
		if (n > 0 && s[n - 1] == '\r')
			n--;
		if (n == 0)
			continue;
		r = add_result(it);
		if ((r->text = malloc(n + 1)) == NULL)
			izin_errx(2, "out of memory");
		memcpy(r->text, s, n);
		r->text[n] = '\0';
		r->len = n;
		r->line = line;
		if (!c->raw)
			judge(c, r);
	}
	if (it->n == 0) {
		r = add_result(it);
		r->status = S_NO_CODE;
	}
	free(own);
}

static void
process(const struct ctx *c, struct item *it)
{
	izin_image *img;
	izin_codes *codes;
	struct result *r;
	int err;

	if (c->textin) {
		process_text(c, it);
		return;
	}
	if (strcmp(it->path, "-") == 0)
		err = izin_image_load(c->stdin_data, c->stdin_len, &img);
	else
		err = izin_image_read(it->path, &img);
	if (err == IZIN_OK && (err = izin_scan(img, &codes)) != IZIN_OK)
		izin_image_free(img);
	if (err) {
		unreadable(it, err);
		return;
	}
	izin_image_free(img);
	if (codes->n == 0) {
		r = add_result(it);
		r->status = S_NO_CODE;
	}
	for (size_t i = 0; i < codes->n; i++) {
		r = add_result(it);
		if ((r->text = malloc(codes->len[i] + 1)) == NULL)
			izin_errx(2, "out of memory");
		memcpy(r->text, codes->text[i], codes->len[i] + 1);
		r->len = codes->len[i];
		/* The bytes are verified as a permit; the text as UTF-8 is
		 * what a FOREIGN or MALFORMED record and --raw show. */
		if ((r->utf8 = malloc(codes->utf8_len[i] + 1)) == NULL)
			izin_errx(2, "out of memory");
		memcpy(r->utf8, codes->utf8[i], codes->utf8_len[i] + 1);
		r->utf8_len = codes->utf8_len[i];
		r->charset = codes->charset[i];
		if (!c->raw)
			judge(c, r);
	}
	izin_codes_free(codes);
}

static void
set(izin_record *rec, const char *key, const char *val, size_t len)
{
	int err = izin_record_set(rec, key, val, len);
	if (err)
		izin_errx(2, "%s", _(izin_strerror(err)));
}

/* Length of the UTF-8 character at s (left bytes), strict as JSON wants
 * it; 0 for a NUL or a byte that starts no character. */
static size_t
utf8_char(const unsigned char *s, size_t left)
{
	uint32_t cp;
	return s[0] == 0 ? 0 : izin_utf8_char(s, left, &cp);
}

/*
 * A code's text as a record value.  Any code may hold any bytes, but a
 * record holds no NUL and JSON only UTF-8: each NUL and each byte that is
 * not UTF-8 becomes U+FFFD, so that a prankster's code gets its record
 * like any other instead of stopping the run.  --raw prints the text
 * as UTF-8 as it is.
 */
static void
set_text(izin_record *rec, const char *text, size_t len)
{
	const unsigned char *s = (const unsigned char *)text;
	char *buf, *d;
	size_t n;

	if ((buf = malloc(3 * len + 1)) == NULL)
		izin_errx(2, "out of memory");
	for (d = buf; len > 0; s += n, len -= n) {
		if ((n = utf8_char(s, len)) == 0) {
			memcpy(d, "\xef\xbf\xbd", 3);
			d += 3;
			n = 1;
		} else {
			memcpy(d, s, n);
			d += n;
		}
	}
	set(rec, "text", buf, (size_t)(d - buf));
	free(buf);
}

/* Print one file's results; 1 when any is not VALID. */
static int
emit(const struct item *it, izin_writer *w, izin_record *rec, int raw)
{
	int flagged = 0, err;
	char kid[IZIN_KID_HEXLEN + 1];

	for (size_t i = 0; i < it->n; i++) {
		const struct result *r = &it->r[i];
		if (r->status == S_UNREADABLE)
			izin_warnx("%s: %s", it->path, r->detail);
		if (raw) {
			if (r->utf8) {
				fwrite(r->utf8, 1, r->utf8_len, stdout);
				putchar('\n');
			} else if (r->text) {
				fwrite(r->text, 1, r->len, stdout);
				putchar('\n');
			}
			flagged |= r->text == NULL;
			continue;
		}
		flagged |= r->status != S_VALID;
		izin_record_clear(rec);
		set(rec, "source", it->path, strlen(it->path));
		set(rec, "status", status_names[r->status],
		    strlen(status_names[r->status]));
		set(rec, "detail", r->detail, strlen(r->detail));
		if (r->decoded) {
			if ((err = izin_record_from_permit(rec, &r->p)))
				izin_errx(2, "%s", _(izin_strerror(err)));
			izin_kid_format(r->kid, kid);
			set(rec, "kid", kid, strlen(kid));
		}
		if (r->status == S_FOREIGN || r->status == S_MALFORMED) {
			if (r->utf8)
				set_text(rec, r->utf8, r->utf8_len);
			else
				set_text(rec, r->text, r->len);
		}
		if ((err = izin_writer_put(w, rec)) != IZIN_OK)
			izin_errx(2, "stdout: %s", _(izin_strerror(err)));
	}
	return flagged;
}

/* Bytes for a person: printable UTF-8 as it is, other bytes \xNN. */
static void
put_escaped(const char *s, size_t len)
{
	uint32_t cp;
	size_t k;

	for (size_t i = 0; i < len; i += k) {
		const unsigned char *u = (const unsigned char *)s + i;
		k = izin_utf8_char(u, len - i, &cp);
		if (k == 0 || cp < 0x20 || (cp >= 0x7f && cp < 0xa0) ||
		    *u == '\\') {
			printf("\\x%02x", *u);
			k = 1;
		} else {
			fwrite(u, 1, k, stdout);
		}
	}
}

static void
put_hex(const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		printf("%s%02x%s", i % 16 == 0 ? "                      " : " ",
		       b[i], i % 16 == 15 || i + 1 == n ? "\n" : "");
}

/* What a key said of the seal, for people. */
static const char *
verdict_text(int v)
{
	switch (v) {
	case IZIN_OK:
		return N_("signature good; the key may seal this permit");
	case IZIN_EBADSIG: return N_("signature bad");
	case IZIN_EROLE:
		return N_("signature good, but a root key may not seal a "
		          "permit");
	case IZIN_EWITHDRAWN:
		return N_("signature good, but the key was withdrawn on or "
		          "before the issue date");
	case IZIN_EKEYWINDOW:
		return N_("signature good, but the key is not valid on the "
		          "issue date");
	}
	return N_("signature good, but the permit's office is not the "
	          "key's");
}

static void
inspect_seal(const struct ctx *c, const izin_dissection *d)
{
	izin_keytry tries[16];
	char kid[IZIN_KID_HEXLEN + 1], a[IZIN_DATE_LEN + 1];
	char b[IZIN_DATE_LEN + 1];
	int n;

	if (!d->has_kid || d->err != IZIN_OK) {
		printf("  %s\n", _("seal not checked: the payload does not "
		                   "decode"));
		return;
	}
	izin_kid_format(d->kid, kid);
	izin_date_format(d->p.issued, a);
	n = izin_payload_try_keys(c->trust, d, tries, 16);
	printf(_("  seal: key id %s, issued %s, office %s\n"), kid, a,
	       d->p.office);
	if (n == 0)
		printf("    %s\n", _("no key with that id in the trust store"));
	for (int i = 0; i < n && i < 16; i++) {
		const izin_pubkey *k = tries[i].key;
		izin_date_format(k->valid_from, a);
		izin_date_format(k->valid_until, b);
		printf("    %s %s %s..%s%s: %s\n", kid, k->office, a, b,
		       k->withdrawn ? _(" (withdrawn)") : "",
		       _(verdict_text(tries[i].verdict)));
	}
	if (c->revoked && izin_revoked_count(c->revoked) > 0) {
		const char *note = izin_revoked_find(c->revoked, d->p.permit);
		if (note)
			printf(_("  revocation lists: %s listed: %s\n"),
			       d->p.permit, note);
		else
			printf(_("  revocation lists: %s not listed\n"),
			       d->p.permit);
	}
}

/* One code taken apart: its text, its parts, the seal, the status. */
static void
inspect_one(const struct ctx *c, const struct item *it, size_t i,
            const struct result *r)
{
	izin_dissection *d = malloc(sizeof *d);

	if (d == NULL)
		izin_errx(2, "out of memory");
	if (c->textin)
		printf(_("%s:%lu: %zu characters\n"), it->path, r->line,
		       r->len);
	else
		printf(_("%s: code %zu: %zu characters\n"), it->path, i + 1,
		       r->len);
	for (size_t k = 0; k < r->len; k += 64) {
		printf("  %6zu  ", k);
		put_escaped(r->text + k, r->len - k < 64 ? r->len - k : 64);
		putchar('\n');
	}
	/* Not a plain ASCII code: the charset its text was read in, and
	 * that text. */
	if (r->utf8 != NULL && r->charset != NULL &&
	    strcmp(r->charset, "ASCII") != 0) {
		printf("  %s %s\n", _("charset:"), r->charset);
		printf("  %s ", _("as UTF-8:"));
		put_escaped(r->utf8, r->utf8_len);
		putchar('\n');
	}
	izin_payload_dissect(r->text, r->len, d);
	if (d->n > 0)
		printf("  %s\n", _("offset length text    part        value"));
	for (size_t k = 0; k < d->n; k++) {
		const izin_part *pt = &d->part[k];
		char off[24], txt[48];
		if (pt->off < 0)
			snprintf(off, sizeof off, "-");
		else
			snprintf(off, sizeof off, "%ld", pt->off);
		snprintf(txt, sizeof txt, "%zu-%zu", pt->toff,
		         pt->toff + pt->tlen - (pt->tlen > 0));
		printf("  %6s %6zu %-7s %-11s %s\n", off, pt->len, txt,
		       pt->name, pt->value);
		if (pt->off >= 0)
			put_hex(d->bytes + pt->off, pt->len);
	}
	if (d->err != IZIN_OK) {
		const char *f = izin_field_name(d->field);
		if (d->off >= 0)
			printf(_("  fault at byte %ld (text offset %zu): "),
			       d->off, d->toff);
		else if (d->err == IZIN_EFOREIGN || d->err == IZIN_EBASE45 ||
		         d->err == IZIN_ETRAILING)
			printf(_("  fault at text offset %zu: "), d->toff);
		else
			printf("  %s ", _("fault:"));
		printf("%s%s%s%s\n", f ? f : "", f ? ": " : "",
		       _(izin_strerror(d->err)),
		       d->stopped ? _(" (read no further)") : "");
	}
	if (d->err != IZIN_EFOREIGN)
		inspect_seal(c, d);
	printf("  %s %s\n", _("status:"), status_names[r->status]);
	if (r->detail[0])
		printf("  %s %s\n", _("detail:"), r->detail);
	putchar('\n');
	free(d);
}

/* --inspect: each of a file's codes taken apart; 1 when any is not
 * VALID, as the records would say. */
static int
inspect_emit(const struct ctx *c, const struct item *it)
{
	int flagged = 0;

	for (size_t i = 0; i < it->n; i++) {
		const struct result *r = &it->r[i];
		flagged |= r->status != S_VALID;
		if (r->status == S_UNREADABLE) {
			izin_warnx("%s: %s", it->path, r->detail);
			continue;
		}
		if (r->text == NULL) {
			printf("%s: %s\n\n", it->path, status_names[r->status]);
			continue;
		}
		inspect_one(c, it, i, r);
	}
	return flagged;
}

static void
work(void *job, void *arg)
{
	process(arg, job);
}

/* A card whose seal holds but which the register does not: sealed by
 * no office that records its cards (a stolen key, a back-dated issue). */
static void
check_register(struct ctx *c, struct result *r)
{
	unsigned char digest[IZIN_DIGEST_LEN];
	int found, err;

	izin_reg_digest(r->text, r->len, digest);
	if ((err = izin_reg_find(c->lg, r->p.permit, digest, &found)) < 0)
		izin_errx(2, "register %s: %s", c->show,
		          izin_log_reason(c->lg, err));
	if (found == IZIN_REG_MATCH)
		return;
	r->status = S_UNREGISTERED;
	snprintf(r->detail, sizeof r->detail, "%s", found == IZIN_REG_OTHER ?
	         _("the register holds other cards of this permit") :
	         _("not in the register"));
}

/* Print a file's records in argument order, then let them go. */
static int
done(void *job, int worked, void *arg)
{
	struct item *it = job;
	struct ctx *c = arg;

	(void)worked;
	for (size_t k = 0; c->lg != NULL && k < it->n; k++)
		if (it->r[k].status == S_VALID)
			check_register(c, &it->r[k]);
	if (c->inspect)
		c->flagged |= inspect_emit(c, it);
	else
		c->flagged |= emit(it, c->w, c->rec, c->raw);
	for (size_t k = 0; k < it->n; k++) {
		free(it->r[k].text);
		free(it->r[k].utf8);
	}
	free(it->r);
	izin_progress_tick(c->prog, ++c->ndone);
	return 0;
}

/* Add a stale list's warning to what VALID verdicts say. */
static void
note_stale(struct ctx *c, const char *path, const char *what, izin_date due)
{
	char d[IZIN_DATE_LEN + 1];
	size_t n = strlen(c->stale);

	izin_date_format(due, d);
	izin_warnx("%s: %s stale since %s (a newer list was due)", path,
	           _(what), d);
	snprintf(c->stale + n, sizeof c->stale - n, _("%s%s stale since %s"),
	         n ? "; " : "", _(what), d);
}

/* A signed trust list: verified with the root whole, or refused. */
static void
load_trustlist(struct ctx *c, izin_trust *t, const char *path,
               const char *rootpath, const char *statedir, izin_date today)
{
	izin_trust *roots = izin_trust_new();
	izin_trustlist_info info;
	unsigned long line, held;
	size_t len;
	char *text;
	int err;

	if (roots == NULL)
		izin_errx(2, "out of memory");
	izin_load_trust(roots, rootpath);
	text = izin_slurp(path, IZIN_TRUSTLIST_MAX, &len);
	err = izin_trustlist_load(t, roots, text, len, &info, &line);
	izin_trust_free(roots);
	if (err && line)
		izin_errx(2, "%s:%lu: trust list refused: %s", path, line,
		          _(izin_strerror(err)));
	if (err)
		izin_errx(2, "%s: trust list refused: %s", path,
		          _(izin_strerror(err)));
	if (statedir) {
		err = izin_trust_state_check(statedir, &info, text, len, &held);
		if (err == IZIN_EROLLBACK)
			izin_errx(2, "%s: trust list %lu is older than list %lu "
			          "already accepted: rollback refused", path,
			          info.seq, held);
		if (err == IZIN_ESEQ)
			izin_errx(2, "%s: trust list %lu differs from the list "
			          "%lu already accepted: refused", path, info.seq,
			          held);
		if (err)
			izin_errx(2, "%s: trust state: %s", statedir,
			          err == IZIN_EIO ? strerror(errno) :
			          _("malformed state file"));
		if (info.seq > held &&
		    izin_trust_state_save(statedir, &info, text, len) != IZIN_OK)
			izin_errx(2, "%s: cannot record the trust list: %s",
			          statedir, strerror(errno));
	}
	free(text);
	if (izin_list_stale(info.next_update, today))
		note_stale(c, path, N_("trust list"), info.next_update);
}

/* 1 when the file's first line says it is a signed trust list. */
static int
is_trustlist(const char *path)
{
	FILE *fp = fopen(path, "rb");
	char head[16] = "";

	if (fp == NULL)
		return 0;
	if (fgets(head, sizeof head, fp) == NULL)
		head[0] = '\0';
	fclose(fp);
	return strncmp(head, "trust-list ", 11) == 0;
}

static void
load_revoked(struct ctx *c, izin_revoked *rv, const izin_trust *t,
             const char *path, izin_date today)
{
	char *buf;
	size_t len;
	unsigned long line;
	izin_date due;
	int err;

	buf = izin_slurp(path, STDIN_MAX, &len);
	err = izin_revoked_load_dated(rv, t, buf, len, &line, &due);
	free(buf);
	if (err && line)
		izin_errx(2, "%s:%lu: not a permit number and note", path, line);
	if (err)
		izin_errx(2, "%s: revocation list refused: %s", path,
		          _(izin_strerror(err)));
	if (izin_list_stale(due, today))
		note_stale(c, path, N_("revocation list"), due);
}

static unsigned char *
read_stdin(size_t *len)
{
	char *buf;
	int err = izin_read_stream(stdin, STDIN_MAX, &buf, len);

	if (err == IZIN_ELENGTH)
		izin_errx(2, "stdin: image too large");
	if (err == IZIN_ENOMEM)
		izin_errx(2, "out of memory");
	if (err)
		izin_errx(2, "stdin: %s", strerror(errno));
	return (unsigned char *)buf;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "trust", required_argument, NULL, 'T' },
		{ "root", required_argument, NULL, OPT_ROOT },
		{ "trust-state", required_argument, NULL, OPT_STATE },
		{ "revoked", required_argument, NULL, 'R' },
		{ "allow-stale", no_argument, NULL, OPT_ALLOW_STALE },
		{ "on", required_argument, NULL, OPT_ON },
		{ "register", required_argument, NULL, OPT_REGISTER },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "csv", no_argument, NULL, OPT_CSV },
		{ "raw", no_argument, NULL, OPT_RAW },
		{ "inspect", no_argument, NULL, OPT_INSPECT },
		{ "text", no_argument, NULL, OPT_TEXT },
		{ "jobs", required_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct ctx c = { 0 };
	const char *trustpath = NULL, *revpaths[16], *rootpath = NULL;
	const char *statedir = NULL, *on = NULL, *reg = NULL;
	izin_date today = IZIN_NODATE;
	int allow_stale = 0, quiet = 0;
	int nrev = 0, json = 0, csv = 0, jobs = 0, nstdin = 0, ch;
	struct item *items;
	size_t nitems;
	izin_pool *pool;
	izin_trust *trust = NULL;
	izin_revoked *revoked = NULL;
	izin_writer *w = NULL;
	izin_record *rec = NULL;

	izin_setprogname(argv[0]);
	while ((ch = getopt_long(argc, argv, "T:R:j:qhV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'T':
			if (trustpath)
				izin_errx(2, "-T given twice");
			trustpath = optarg;
			break;
		case OPT_ROOT:
			if (rootpath)
				izin_errx(2, "--root given twice");
			rootpath = optarg;
			break;
		case OPT_STATE: statedir = optarg; break;
		case 'R':
			if (nrev == 16)
				izin_errx(2, "at most 16 revocation lists");
			revpaths[nrev++] = optarg;
			break;
		case OPT_ALLOW_STALE: allow_stale = 1; break;
		case OPT_ON: on = optarg; break;
		case OPT_REGISTER:
			if (reg)
				izin_errx(2, "--register given twice");
			reg = optarg;
			break;
		case OPT_JSON: json = 1; break;
		case OPT_CSV: csv = 1; break;
		case OPT_RAW: c.raw = 1; break;
		case OPT_INSPECT: c.inspect = 1; break;
		case OPT_TEXT: c.textin = 1; break;
		case 'j':
			jobs = (int)izin_num_arg("-j", optarg, 1, 64);
			break;
		case 'q': quiet = 1; break;
		case 'h': izin_help(synopsis, help_text);
		case 'V': izin_version();
		default: izin_usage(synopsis);
		}
	}
	if (json && csv)
		izin_errx(2, "--json and --csv contradict");
	if (optind == argc)
		izin_usage(synopsis);
	if (on)
		today = izin_date_arg("--on", on);
	if (c.raw && (trustpath || nrev || json || csv || rootpath ||
	              statedir || allow_stale || today != IZIN_NODATE ||
	              reg))
		izin_errx(2, "--raw prints codes unverified: no -T, -R, "
		          "--register, --json or --csv");
	if (c.inspect && (c.raw || json || csv))
		izin_errx(2, "--inspect prints its own form: no --raw, --json "
		          "or --csv");
	if (statedir && rootpath == NULL)
		izin_errx(2, "--trust-state keeps signed trust lists: give "
		          "--root");
	if (!c.raw && trustpath == NULL)
		izin_errx(2, "missing -T trust (or --raw for unverified text)");
	if (jobs == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		jobs = n < 1 ? 1 : n > 64 ? 64 : (int)n;
	}
	if (izin_init() != IZIN_OK)
		izin_errx(2, "%s", _(izin_strerror(IZIN_ECRYPTO)));
	if (!c.raw) {
		if ((trust = izin_trust_new()) == NULL ||
		    (revoked = izin_revoked_new()) == NULL)
			izin_errx(2, "out of memory");
		if (today == IZIN_NODATE)
			today = izin_today();
		if (rootpath)
			load_trustlist(&c, trust, trustpath, rootpath, statedir,
			               today);
		else if (is_trustlist(trustpath))
			izin_errx(2, "%s: a signed trust list: give --root "
			          "root.pub to check its signature", trustpath);
		else
			izin_load_trust(trust, trustpath);
		for (int i = 0; i < nrev; i++)
			load_revoked(&c, revoked, trust, revpaths[i], today);
		if (reg) {
			izin_log_show(reg, c.show, sizeof c.show);
			c.lg = izin_open_location(N_("register"), reg,
			                          IZIN_LOG_READ);
		}
		const char *cols[3 + IZIN_F_COUNT + 2] = { "source", "status",
		                                           "detail" };
		size_t ncols = 3;
		for (int f = 0; f < IZIN_F_COUNT; f++)
			cols[ncols++] = izin_field_name(f);
		cols[ncols++] = "kid";
		cols[ncols++] = "text";
		rec = izin_record_new();
		w = izin_writer_new(stdout, json ? IZIN_FMT_JSON :
		                    csv ? IZIN_FMT_CSV : IZIN_FMT_TSV);
		if (rec == NULL || w == NULL)
			izin_errx(2, "out of memory");
		/* Fixed columns: a first file with no code must not decide
		 * the header for the permits that follow. */
		if (!json && !c.inspect &&
		    izin_writer_columns(w, cols, ncols) != IZIN_OK)
			izin_errx(2, "stdout: cannot write");
	}
	c.trust = trust;
	c.revoked = revoked;
	c.w = w;
	c.rec = rec;
	nitems = (size_t)(argc - optind);
	if ((items = calloc(nitems, sizeof *items)) == NULL)
		izin_errx(2, "out of memory");
	for (size_t i = 0; i < nitems; i++) {
		items[i].path = argv[optind + (int)i];
		nstdin += strcmp(items[i].path, "-") == 0;
	}
	if (nstdin > 1)
		izin_errx(2, "- (standard input) given more than once");
	if (nstdin)
		c.stdin_data = read_stdin(&c.stdin_len);

	if ((size_t)jobs > nitems)
		jobs = (int)nitems;
	/* Records come out in argument order; a few files per thread in
	 * flight keep every thread busy without holding all results. */
	if ((pool = izin_pool_new(jobs, 4 * (size_t)jobs, work, done, &c)) ==
	    NULL)
		izin_errx(2, "out of memory");
	/* Records stream to stdout: on the terminal too, they are the
	 * progress. */
	c.prog = izin_progress_start(N_("images"), nitems,
	                             quiet || isatty(STDOUT_FILENO));
	for (size_t i = 0; i < nitems; i++)
		izin_pool_push(pool, &items[i]);
	izin_pool_free(pool);
	izin_progress_end(c.prog);
	free(items);
	free((void *)c.stdin_data);
	izin_writer_free(w);
	izin_record_free(rec);
	izin_trust_free(trust);
	izin_revoked_free(revoked);
	izin_log_close(c.lg);
	if (izin_close_stdout() != IZIN_OK) {
		izin_warn("stdout");
		return 2;
	}
	return c.flagged || (c.stale[0] && !allow_stale) ? 1 : 0;
}
