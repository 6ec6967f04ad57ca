/*
 * qr-keygen - make an issuing office's (or the national root's) Ed25519
 * key pair: NAME.key (secret, encrypted, mode 0600) and NAME.pub (a
 * trust-store line).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "izin.h"
#include "tool.h"

enum { OPT_OFFICE = 256, OPT_ROOT, OPT_FROM, OPT_UNTIL, OPT_PASSFILE, OPT_NOPASS };

static const char *const synopsis = N_(
	"usage: qr-keygen -o name --office code [--root] [--valid-from date]\n"
	"                 [--valid-until date] [--passphrase-file file |\n"
	"                 --no-passphrase] [-f]\n");

static const char *const help_text = N_("\n"
	"Write name.key (secret, encrypted, mode 0600) and name.pub (its\n"
	"trust-store line) for an issuing office, or for the national root.\n\n"
	"  -o, --output name          base name of the two files\n"
	"      --office code          issuing office code (A-Z 0-9 -)\n"
	"      --root                 a root key: signs trust lists only\n"
	"      --valid-from date      first issue date the key may sign\n"
	"                             (YYYY-MM-DD, default today)\n"
	"      --valid-until date     last issue date the key may sign\n"
	"                             (default five years on)\n"
	"      --passphrase-file file read the passphrase from a file\n"
	"      --no-passphrase        store the secret key unencrypted\n"
	"  -f, --force                overwrite existing files\n"
	"  -h, --help                 show this help\n"
	"  -V, --version              show the version\n");

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "office", required_argument, NULL, OPT_OFFICE },
		{ "root", no_argument, NULL, OPT_ROOT },
		{ "valid-from", required_argument, NULL, OPT_FROM },
		{ "valid-until", required_argument, NULL, OPT_UNTIL },
		{ "passphrase-file", required_argument, NULL, OPT_PASSFILE },
		{ "no-passphrase", no_argument, NULL, OPT_NOPASS },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const char *name = NULL, *office = NULL, *passfile = NULL;
	izin_date from = IZIN_NODATE, until = IZIN_NODATE;
	int nopass = 0, force = 0, root = 0, c, err;
	char keypath[4096], pubpath[4096], publine[IZIN_PUBLINE_MAX];
	char *pass = NULL;
	size_t passlen = 0;
	izin_seckey *sk;
	izin_pubkey pub;

	izin_setprogname(argv[0]);
	while ((c = getopt_long(argc, argv, "o:fhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': name = optarg; break;
		case OPT_OFFICE: office = optarg; break;
		case OPT_ROOT: root = 1; break;
		case OPT_FROM: from = izin_date_arg("--valid-from", optarg); break;
		case OPT_UNTIL: until = izin_date_arg("--valid-until", optarg); break;
		case OPT_PASSFILE: passfile = optarg; break;
		case OPT_NOPASS: nopass = 1; break;
		case 'f': force = 1; break;
		case 'h': izin_help(synopsis, help_text);
		case 'V': izin_version();
		default: izin_usage(synopsis);
		}
	}
	if (optind != argc)
		izin_usage(synopsis);
	if (name == NULL || *name == '\0')
		izin_errx(2, "missing -o name");
	if (office == NULL)
		izin_errx(2, "missing --office code");
	if (passfile && nopass)
		izin_errx(2, "--passphrase-file and --no-passphrase contradict");
	if (from == IZIN_NODATE)
		from = izin_today();
	if (until == IZIN_NODATE) {
		int y, m, d;
		izin_date_to_ymd(from, &y, &m, &d);
		until = izin_date_from_ymd(y + 5, m, d) - 1;
	}
	if (until < from)
		izin_errx(2, "--valid-until is before --valid-from");
	if ((size_t)snprintf(keypath, sizeof keypath, "%s.key", name) >=
	    sizeof keypath ||
	    (size_t)snprintf(pubpath, sizeof pubpath, "%s.pub", name) >=
	    sizeof pubpath)
		izin_errx(2, "%s: name too long", name);
	if (!force) {
		if (access(keypath, F_OK) == 0)
			izin_errx(2, "%s: file exists (-f overwrites)", keypath);
		if (access(pubpath, F_OK) == 0)
			izin_errx(2, "%s: file exists (-f overwrites)", pubpath);
	}
	if (izin_init() != IZIN_OK)
		izin_errx(2, "%s", _(izin_strerror(IZIN_ECRYPTO)));
	if ((root ? izin_seckey_generate_root(office, from, until, &sk)
	          : izin_seckey_generate(office, from, until, &sk)) != IZIN_OK)
		izin_errx(2, "--office: invalid office code '%s' (A-Z 0-9 -, "
		          "at most %d)", office, IZIN_OFFICE_MAX);

	if (passfile) {
		if ((err = izin_passphrase_file(passfile, &pass, &passlen)))
			izin_errx(2, "%s: %s", passfile, err == IZIN_EIO ?
			          strerror(errno) : _(izin_strerror(err)));
	} else if (!nopass) {
		err = izin_passphrase_tty(_("Passphrase: "), 1, &pass,
		                          &passlen);
		if (err == IZIN_EPASSPHRASE)
			izin_errx(2, "passphrases do not match");
		if (err)
			izin_errx(2, "cannot read a passphrase from the terminal "
			          "(use --passphrase-file or --no-passphrase)");
	}
	if (pass && passlen == 0)
		izin_errx(2, "empty passphrase (use --no-passphrase to store "
		          "the key unencrypted)");

	err = izin_save_seckey(keypath, sk, nopass ? NULL : pass, passlen,
	                       force);
	izin_passphrase_free(pass);
	izin_seckey_public(sk, &pub);
	izin_seckey_free(sk);
	if (err == IZIN_EEXIST)
		izin_errx(2, "%s: file exists (-f overwrites)", keypath);
	izin_pubkey_format(&pub, publine);
	if ((err = izin_write_atomic(pubpath, publine, strlen(publine), 0644,
	                             force)) != IZIN_OK) {
		int e = errno;
		unlink(keypath);
		izin_errx(2, "%s: %s", pubpath, err == IZIN_EEXIST ?
		          "file exists (-f overwrites)" : strerror(e));
	}
	return 0;
}
