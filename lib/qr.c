#include <errno.h>
#include <stdlib.h>

#include <qrencode.h>

#include "izin.h"

/* The most alphanumeric characters any QR symbol holds (version 40-L). */
#define AN_MAX 4296

static int
alphanumeric(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
	    c == ' ' || c == '$' || c == '%' || c == '*' || c == '+' ||
	    c == '-' || c == '.' || c == '/' || c == ':';
}

/* libqrencode reports through errno: ENOMEM, or EINVAL and ERANGE for
 * input that no symbol holds. */
static int
qr_error(void)
{
	return errno == ENOMEM ? IZIN_ENOMEM : IZIN_EQR;
}

int
izin_qr_encode(const char *text, size_t len, int level, izin_qr **out)
{
	static const QRecLevel levels[] = {
		[IZIN_ECC_L] = QR_ECLEVEL_L, [IZIN_ECC_M] = QR_ECLEVEL_M,
		[IZIN_ECC_Q] = QR_ECLEVEL_Q, [IZIN_ECC_H] = QR_ECLEVEL_H
	};
	QRinput *in;
	QRcode *code;
	izin_qr *qr;
	size_t i, n;
	int err;

	*out = NULL;
	if (level < IZIN_ECC_L || level > IZIN_ECC_H)
		return IZIN_EINVAL;
	if (len == 0 || len > AN_MAX)
		return IZIN_EQR;
	for (i = 0; i < len; i++)
		if (!alphanumeric((unsigned char)text[i]))
			return IZIN_EQR;

	/* Alphanumeric mode said outright: QRcode_encodeString() would
	 * split the text into modes by its own guesses. */
	if ((in = QRinput_new2(0, levels[level])) == NULL)
		return qr_error();
	if (QRinput_append(in, QR_MODE_AN, (int)len,
	    (const unsigned char *)text) < 0) {
		err = qr_error();
		QRinput_free(in);
		return err;
	}
	code = QRcode_encodeInput(in);
	err = code == NULL ? qr_error() : IZIN_OK;
	QRinput_free(in);
	if (code == NULL)
		return err;

	/* One allocation for the struct and its modules. */
	n = (size_t)code->width * (size_t)code->width;
	if ((qr = malloc(sizeof(*qr) + n)) == NULL) {
		QRcode_free(code);
		return IZIN_ENOMEM;
	}
	qr->version = code->version;
	qr->width = code->width;
	qr->modules = (unsigned char *)(qr + 1);
	for (i = 0; i < n; i++)
		qr->modules[i] = code->data[i] & 1;
	QRcode_free(code);
	*out = qr;
	return IZIN_OK;
}

void
izin_qr_free(izin_qr *qr)
{
	free(qr);
}
