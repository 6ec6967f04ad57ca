/*
 * qr-revoke - sign a revocation list: the permit numbers an office has
 * cancelled, one per line, closed by the office key's signature.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "izin.h"
#include "tool.h"

#define LIST_MAX (64 << 20)

enum { OPT_PASSFILE = 256, OPT_DATE, OPT_NEXT };

static const char *const synopsis = N_(
	"usage: qr-revoke -k key [--passphrase-file file] [--date date]\n"
	"                 [--next-update date] [-o file] [-f] [file]\n");

static const char *const help_text = N_("\n"
	"Sign a revocation list: read permit numbers (one per line, each\n"
	"optionally followed by a space and a note; '#' lines are comments)\n"
	"from file or standard input, and write the signed list.\n\n"
	"  -k, --key file             the office's secret key (qr-keygen)\n"
	"      --passphrase-file file read the key's passphrase from a file\n"
	"      --date date            signing date (default today)\n"
	"      --next-update date     when the next list is due (readers\n"
	"                             warn after it)\n"
	"  -o, --output file          write the list here (default stdout)\n"
	"  -f, --force                overwrite an existing output file\n"
	"  -h, --help                 show this help\n"
	"  -V, --version              show the version\n");

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "passphrase-file", required_argument, NULL, OPT_PASSFILE },
		{ "date", required_argument, NULL, OPT_DATE },
		{ "next-update", required_argument, NULL, OPT_NEXT },
		{ "output", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const char *keyfile = NULL, *passfile = NULL, *output = NULL;
	const char *input = "-";
	izin_date date = IZIN_NODATE, next = IZIN_NODATE;
	int force = 0, c, err, bad = 0;
	char *text, *out;
	size_t len, outlen, pos;
	unsigned long line = 0;
	izin_seckey *sk;

	izin_setprogname(argv[0]);
	while ((c = getopt_long(argc, argv, "k:o:fhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'k': keyfile = optarg; break;
		case OPT_PASSFILE: passfile = optarg; break;
		case OPT_DATE: date = izin_date_arg("--date", optarg); break;
		case OPT_NEXT:
			next = izin_date_arg("--next-update", optarg);
			break;
		case 'o': output = optarg; break;
		case 'f': force = 1; break;
		case 'h': izin_help(synopsis, help_text);
		case 'V': izin_version();
		default: izin_usage(synopsis);
		}
	}
	if (argc - optind > 1)
		izin_usage(synopsis);
	if (optind < argc)
		input = argv[optind];
	if (keyfile == NULL)
		izin_errx(2, "missing -k key");
	if (date == IZIN_NODATE)
		date = izin_today();
	if (next != IZIN_NODATE && next < date)
		izin_errx(2, "--next-update is before the signing date");

	text = izin_slurp(input, LIST_MAX, &len);
	if (len > 0 && text[len - 1] != '\n')
		izin_errx(2, "%s: last line has no newline", input);
	/* Check every line before asking for the passphrase. */
	for (pos = 0; pos < len;) {
		char *s = text + pos, *nl = memchr(s, '\n', len - pos);
		size_t k = (size_t)(nl - s);
		int innote;
		line++;
		pos += k + 1;
		if (k > 0 && s[0] == '#')
			continue;
		if ((err = izin_revoked_check_line(s, k, &innote)) != IZIN_OK) {
			izin_warnx("%s:%lu: %s: %s", strcmp(input, "-") ? input :
			           "stdin", line, innote ? "note" : "permit",
			           _(izin_strerror(err)));
			bad = 1;
		}
	}
	if (bad) {
		free(text);
		return 1;
	}
	if (next != IZIN_NODATE) {
		/* The due date leads the list, where readers look for it. */
		char head[sizeof "next-update YYYY-MM-DD\n"], *nt;
		size_t hl;
		izin_date_format(next, head + sizeof "next-update " - 1);
		memcpy(head, "next-update ", sizeof "next-update " - 1);
		hl = sizeof head - 1;
		head[hl - 1] = '\n';
		if ((nt = malloc(hl + len + 1)) == NULL)
			izin_errx(2, "out of memory");
		memcpy(nt, head, hl);
		memcpy(nt + hl, text, len);
		free(text);
		text = nt;
		len += hl;
	}

	if (izin_init() != IZIN_OK)
		izin_errx(2, "%s", _(izin_strerror(IZIN_ECRYPTO)));
	sk = izin_load_seckey(keyfile, passfile);
	err = izin_list_sign(sk, IZIN_REVOKED_KIND, date, text, len, &out,
	                     &outlen);
	izin_seckey_free(sk);
	free(text);
	if (err == IZIN_EKEYWINDOW)
		izin_errx(2, "--date is outside the key's validity window");
	if (err)
		izin_errx(2, "cannot sign: %s", _(izin_strerror(err)));
	izin_write_output(output, out, outlen, force);
	free(out);
	if (izin_close_stdout() != IZIN_OK) {
		izin_warn("stdout");
		return 2;
	}
	return 0;
}
