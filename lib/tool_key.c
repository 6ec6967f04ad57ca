/*
 * Loading a secret key for a command, with its passphrase when it has one.
 */
#include <errno.h>
#include <string.h>

#include "tool.h"

izin_seckey *
izin_load_seckey(const char *keyfile, const char *passfile)
{
	izin_seckey *sk;
	char *pass = NULL;
	size_t passlen = 0;
	int err;

	/* Try without a passphrase first: an unencrypted key asks nothing. */
	err = izin_seckey_load(keyfile, NULL, 0, &sk);
	if (err == IZIN_EPASSPHRASE) {
		if (passfile)
			err = izin_passphrase_file(passfile, &pass, &passlen);
		else
			err = izin_passphrase_tty(_("Passphrase: "), 0, &pass,
			                          &passlen);
		if (err && passfile)
			izin_errx(2, "%s: cannot read the passphrase", passfile);
		if (err)
			izin_errx(2, "cannot read the passphrase from the "
			          "terminal (use --passphrase-file)");
		err = izin_seckey_load(keyfile, pass, passlen, &sk);
		izin_passphrase_free(pass);
	}
	if (err == IZIN_EKEYPERM)
		izin_errx(2, "%s: secret key readable by group or others "
		          "(chmod 600 it)", keyfile);
	if (err == IZIN_EIO)
		izin_errx(2, "%s: %s", keyfile, strerror(errno));
	if (err)
		izin_errx(2, "%s: %s", keyfile, _(izin_strerror(err)));
	return sk;
}

int
izin_save_seckey(const char *path, const izin_seckey *sk, const char *pass,
                 size_t passlen, int force)
{
	char *text;
	size_t len;
	int err;

	if ((err = izin_seckey_export(sk, pass, passlen, 0, 0, &text, &len)))
		izin_errx(2, "cannot seal the secret key: %s",
		          _(izin_strerror(err)));
	err = izin_write_atomic(path, text, len, 0600, force);
	izin_secure_free(text, len);
	if (err == IZIN_EEXIST)
		return err;
	if (err)
		izin_errx(2, "%s: %s", path, strerror(errno));
	return IZIN_OK;
}

void
izin_load_trust(izin_trust *t, const char *path)
{
	char where[4096];
	unsigned long line;
	int err = izin_trust_load(t, path, &line, where, sizeof where);

	if (err == IZIN_EIO)
		izin_errx(2, "%s: %s", where, strerror(errno));
	if (err && line)
		izin_errx(2, "%s:%lu: %s", where, line, _(izin_strerror(err)));
	if (err)
		izin_errx(2, "%s: %s", where, _(izin_strerror(err)));
}
