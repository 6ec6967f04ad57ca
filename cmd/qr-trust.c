/*
 * qr-trust - make, sign, show and check a national trust list: the office
 * keys the root key vouches for, numbered and dated.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "izin.h"
#include "tool.h"

#define WITHDRAW_MAX 64

enum {
	OPT_PASSFILE = 256, OPT_DATE, OPT_SEQ, OPT_NEXT, OPT_WITHDRAW,
	OPT_SHOW, OPT_CHECK, OPT_ROOT, OPT_ON
};

static const char *const synopsis = N_(
	"usage: qr-trust -k rootkey [--passphrase-file file] [--date date]\n"
	"                --seq n --next-update date [--withdraw kid=date]...\n"
	"                [-o file] [-f] file.pub ...\n"
	"       qr-trust --show [--root root.pub] list\n"
	"       qr-trust --check --root root.pub [--on date] list\n");

static const char *const help_text = N_("\n"
	"Sign a trust list of the office keys in the .pub files with the\n"
	"national root key, show a list, or check one against the root.\n\n"
	"  -k, --key file             the root's secret key (qr-keygen --root)\n"
	"      --passphrase-file file read the key's passphrase from a file\n"
	"      --date date            issue date (default today)\n"
	"      --seq n                the list's number, higher than the last\n"
	"      --next-update date     when the next list is due (stale after)\n"
	"      --withdraw kid=date    the key is not trusted from date on\n"
	"                             (repeatable)\n"
	"  -o, --output file          write the list here (default stdout)\n"
	"  -f, --force                overwrite an existing output file\n"
	"      --show                 print a list's numbers and keys\n"
	"      --check                verify a list: exit 0 good, 1 stale, 2 bad\n"
	"      --root file            the root's public key (.pub)\n"
	"      --on date              the day to judge staleness (default\n"
	"                             today)\n"
	"  -h, --help                 show this help\n"
	"  -V, --version              show the version\n");

struct withdrawal {
	uint8_t kid[IZIN_KID_LEN];
	izin_date from;
	const char *arg;
	int used;
};

/* "KID=DATE" */
static void
withdraw_arg(struct withdrawal *w, const char *s)
{
	const char *eq = strchr(s, '=');

	memset(w, 0, sizeof *w);
	w->arg = s;
	if (eq == NULL ||
	    izin_kid_parse(s, (size_t)(eq - s), w->kid) != IZIN_OK ||
	    izin_date_parse(eq + 1, strlen(eq + 1), &w->from) != IZIN_OK)
		izin_errx(2, "--withdraw: want KID=YYYY-MM-DD (KID 4 lowercase "
		          "hex digits), not '%s'", s);
}

/* The office keys of the .pub files, one store, each key once. */
static izin_trust *
gather(char **files, int n)
{
	izin_trust *all = izin_trust_new(), *one;
	char kid[IZIN_KID_HEXLEN + 1];

	if (all == NULL)
		izin_errx(2, "out of memory");
	for (int i = 0; i < n; i++) {
		if ((one = izin_trust_new()) == NULL)
			izin_errx(2, "out of memory");
		izin_load_trust(one, files[i]);
		for (size_t k = 0; k < izin_trust_count(one); k++) {
			const izin_pubkey *p = izin_trust_key(one, k);
			izin_kid_format(p->kid, kid);
			if (p->role != IZIN_ROLE_OFFICE)
				izin_errx(2, "%s: key %s is a root key: a trust "
				          "list holds office keys only", files[i],
				          kid);
			if (izin_trust_find(all, p->kid, p->office))
				izin_errx(2, "%s: key %s of %s given twice",
				          files[i], kid, p->office);
			if (izin_trust_add(all, p) != IZIN_OK)
				izin_errx(2, "out of memory");
		}
		izin_trust_free(one);
	}
	return all;
}

/* The store with the withdrawals applied. */
static izin_trust *
withdraw(const izin_trust *all, struct withdrawal *w, int nw)
{
	izin_trust *out = izin_trust_new();
	char d[IZIN_DATE_LEN + 1];

	if (out == NULL)
		izin_errx(2, "out of memory");
	for (size_t k = 0; k < izin_trust_count(all); k++) {
		izin_pubkey p = *izin_trust_key(all, k);
		for (int i = 0; i < nw; i++) {
			if (memcmp(w[i].kid, p.kid, IZIN_KID_LEN) != 0)
				continue;
			if (w[i].used++)
				izin_errx(2, "--withdraw %s: more than one key "
				          "has this id", w[i].arg);
			if (izin_pubkey_withdraw(&p, w[i].from) != IZIN_OK) {
				izin_date_format(p.valid_from, d);
				izin_errx(2, "--withdraw %s: the date must fall "
				          "after the key's first day %s and at "
				          "most a day after its last (a key never "
				          "valid is left out)", w[i].arg, d);
			}
		}
		if (izin_trust_add(out, &p) != IZIN_OK)
			izin_errx(2, "out of memory");
	}
	for (int i = 0; i < nw; i++)
		if (!w[i].used)
			izin_errx(2, "--withdraw %s: no such key", w[i].arg);
	return out;
}

static int
make(const char *keyfile, const char *passfile, izin_date date,
     unsigned long seq, izin_date next, struct withdrawal *w, int nw,
     const char *output, int force, char **files, int nfiles)
{
	izin_trust *all = gather(files, nfiles), *keys;
	izin_seckey *sk;
	izin_pubkey pub;
	char *out;
	size_t outlen;
	int err;

	keys = withdraw(all, w, nw);
	izin_trust_free(all);
	sk = izin_load_seckey(keyfile, passfile);
	izin_seckey_public(sk, &pub);
	if (pub.role != IZIN_ROLE_ROOT) {
		izin_seckey_free(sk);
		izin_errx(2, "%s: an office key may not sign a trust list (use "
		          "the root key, qr-keygen --root)", keyfile);
	}
	err = izin_trustlist_sign(sk, keys, seq, date, next, &out, &outlen);
	izin_seckey_free(sk);
	izin_trust_free(keys);
	if (err == IZIN_EKEYWINDOW)
		izin_errx(2, "--date is outside the root key's validity window");
	if (err == IZIN_EORDER)
		izin_errx(2, "--next-update is before the issue date");
	if (err)
		izin_errx(2, "cannot sign: %s", _(izin_strerror(err)));
	izin_write_output(output, out, outlen, force);
	free(out);
	return 0;
}

/* Load the list, verified with the root when one is given; exit 2 with
 * the line named when it is refused. */
static izin_trust *
read_list(const char *path, const char *rootpath, izin_trustlist_info *info)
{
	izin_trust *t = izin_trust_new(), *roots = NULL;
	unsigned long line;
	size_t len;
	char *text = izin_slurp(path, IZIN_TRUSTLIST_MAX, &len);
	int err;

	if (t == NULL)
		izin_errx(2, "out of memory");
	if (rootpath) {
		if ((roots = izin_trust_new()) == NULL)
			izin_errx(2, "out of memory");
		izin_load_trust(roots, rootpath);
		err = izin_trustlist_load(t, roots, text, len, info, &line);
	} else {
		err = izin_trustlist_read(t, text, len, info, &line);
	}
	free(text);
	izin_trust_free(roots);
	if (err)
		izin_trust_free(t);
	if (err && line)
		izin_errx(2, "%s:%lu: trust list refused: %s", path, line,
		          _(izin_strerror(err)));
	if (err)
		izin_errx(2, "%s: trust list refused: %s", path,
		          _(izin_strerror(err)));
	return t;
}

static int
show(const char *path, const char *rootpath)
{
	izin_trustlist_info info;
	izin_trust *t = read_list(path, rootpath, &info);
	char kid[IZIN_KID_HEXLEN + 1], d1[IZIN_DATE_LEN + 1];
	char d2[IZIN_DATE_LEN + 1];

	izin_kid_format(info.root_kid, kid);
	izin_date_format(info.issued, d1);
	izin_date_format(info.next_update, d2);
	printf("seq %lu\nissued %s\nnext-update %s\nroot %s\n"
	       "signature %s\nkeys %zu\n\n", info.seq, d1, d2, kid,
	       rootpath ? "good" : _("not checked (no --root)"), info.keys);
	printf("kid\toffice\tvalid_from\tvalid_until\twithdrawn\n");
	for (size_t i = 0; i < izin_trust_count(t); i++) {
		const izin_pubkey *p = izin_trust_key(t, i);
		izin_kid_format(p->kid, kid);
		izin_date_format(p->valid_from, d1);
		izin_date_format(p->valid_until, d2);
		printf("%s\t%s\t%s\t%s\t", kid, p->office, d1, d2);
		if (p->withdrawn) {
			izin_date_format(p->valid_until + 1, d1);
			printf("%s", d1);
		}
		putchar('\n');
	}
	izin_trust_free(t);
	return 0;
}

static int
check(const char *path, const char *rootpath, izin_date on)
{
	izin_trustlist_info info;
	izin_trust *t = read_list(path, rootpath, &info);
	char d[IZIN_DATE_LEN + 1];

	izin_trust_free(t);
	izin_date_format(info.next_update, d);
	if (izin_list_stale(info.next_update, on)) {
		/* TRANSLATORS: "stale:" is a status word: keep it. */
		printf(_("%s: stale: trust list %lu, next update was due %s\n"),
		       path, info.seq, d);
		return 1;
	}
	/* TRANSLATORS: "good:" is a status word: keep it. */
	printf(_("%s: good: trust list %lu, %zu keys, next update %s\n"),
	       path, info.seq, info.keys, d);
	return 0;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "passphrase-file", required_argument, NULL, OPT_PASSFILE },
		{ "date", required_argument, NULL, OPT_DATE },
		{ "seq", required_argument, NULL, OPT_SEQ },
		{ "next-update", required_argument, NULL, OPT_NEXT },
		{ "withdraw", required_argument, NULL, OPT_WITHDRAW },
		{ "output", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'f' },
		{ "show", no_argument, NULL, OPT_SHOW },
		{ "check", no_argument, NULL, OPT_CHECK },
		{ "root", required_argument, NULL, OPT_ROOT },
		{ "on", required_argument, NULL, OPT_ON },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct withdrawal w[WITHDRAW_MAX];
	const char *keyfile = NULL, *passfile = NULL, *output = NULL;
	const char *rootpath = NULL;
	izin_date date = IZIN_NODATE, next = IZIN_NODATE, on = IZIN_NODATE;
	unsigned long seq = 0;
	int nw = 0, force = 0, doshow = 0, docheck = 0, c, rc;
	long v;

	izin_setprogname(argv[0]);
	while ((c = getopt_long(argc, argv, "k:o:fhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'k': keyfile = optarg; break;
		case OPT_PASSFILE: passfile = optarg; break;
		case OPT_DATE: date = izin_date_arg("--date", optarg); break;
		case OPT_SEQ:
			if (izin_parse_long(optarg, 1, (long)IZIN_TRUST_SEQ_MAX,
			                    &v) != IZIN_OK)
				izin_errx(2, "--seq: want a number from 1 to %lu, "
				          "not '%s'", IZIN_TRUST_SEQ_MAX, optarg);
			seq = (unsigned long)v;
			break;
		case OPT_NEXT: next = izin_date_arg("--next-update", optarg); break;
		case OPT_WITHDRAW:
			if (nw == WITHDRAW_MAX)
				izin_errx(2, "at most %d --withdraw", WITHDRAW_MAX);
			withdraw_arg(&w[nw++], optarg);
			break;
		case 'o': output = optarg; break;
		case 'f': force = 1; break;
		case OPT_SHOW: doshow = 1; break;
		case OPT_CHECK: docheck = 1; break;
		case OPT_ROOT: rootpath = optarg; break;
		case OPT_ON: on = izin_date_arg("--on", optarg); break;
		case 'h': izin_help(synopsis, help_text);
		case 'V': izin_version();
		default: izin_usage(synopsis);
		}
	}
	if (doshow && docheck)
		izin_errx(2, "--show and --check contradict");
	if (izin_init() != IZIN_OK)
		izin_errx(2, "%s", _(izin_strerror(IZIN_ECRYPTO)));
	if (doshow || docheck) {
		if (keyfile || passfile || date != IZIN_NODATE || seq ||
		    next != IZIN_NODATE || nw || output || force)
			izin_errx(2, "--%s reads a list: no signing options",
			          doshow ? "show" : "check");
		if (argc - optind != 1)
			izin_usage(synopsis);
		if (docheck && rootpath == NULL)
			izin_errx(2, "--check needs --root root.pub");
		if (doshow && on != IZIN_NODATE)
			izin_errx(2, "--on goes with --check");
		if (on == IZIN_NODATE)
			on = izin_today();
		rc = doshow ? show(argv[optind], rootpath)
		            : check(argv[optind], rootpath, on);
	} else {
		if (rootpath || on != IZIN_NODATE)
			izin_errx(2, "--root and --on go with --show or --check");
		if (keyfile == NULL)
			izin_errx(2, "missing -k rootkey");
		if (seq == 0)
			izin_errx(2, "missing --seq n");
		if (next == IZIN_NODATE)
			izin_errx(2, "missing --next-update date");
		if (optind == argc)
			izin_errx(2, "no .pub file to list");
		if (date == IZIN_NODATE)
			date = izin_today();
		if (next < date)
			izin_errx(2, "--next-update is before the issue date");
		rc = make(keyfile, passfile, date, seq, next, w, nw, output,
		          force, argv + optind, argc - optind);
	}
	if (izin_close_stdout() != IZIN_OK) {
		izin_warn("stdout");
		return 2;
	}
	return rc;
}
