#include "izin_internal.h"

const char *
izin_strerror(int err)
{
	switch (err) {
	case IZIN_OK: return N_("success");
	case IZIN_ENOMEM: return N_("out of memory");
	case IZIN_EINVAL: return N_("invalid argument");
	case IZIN_EIO: return N_("input/output error");
	case IZIN_EFOREIGN: return N_("not an izin payload");
	case IZIN_EBASE45: return N_("invalid Base45");
	case IZIN_EVERSION: return N_("unknown version");
	case IZIN_ETRUNC: return N_("truncated");
	case IZIN_ETRAILING: return N_("trailing bytes");
	case IZIN_EEMPTY: return N_("missing or empty");
	case IZIN_ELENGTH: return N_("too long");
	case IZIN_ECHARSET: return N_("character not allowed");
	case IZIN_EUTF8: return N_("invalid UTF-8");
	case IZIN_ECTRL: return N_("control character");
	case IZIN_EDATE: return N_("invalid date");
	case IZIN_EORDER: return N_("dates out of order");
	case IZIN_EKIND: return N_("kind is not ITK, ITAS or ITAP");
	case IZIN_ESEX: return N_("sex is not M, F or X");
	case IZIN_ENONCANON: return N_("non-canonical encoding");
	case IZIN_EBADSIG: return N_("bad signature");
	case IZIN_EUNKNOWNKEY: return N_("unknown key");
	case IZIN_EKEYWINDOW: return N_("outside the key's validity window");
	case IZIN_EOFFICE: return N_("not the signing key's office");
	case IZIN_EKEYFILE: return N_("malformed key");
	case IZIN_EPASSPHRASE: return N_("wrong passphrase or damaged key");
	case IZIN_EKEYPERM: return N_("secret key readable by group or others");
	case IZIN_EEXIST: return N_("file exists");
	case IZIN_ELIST: return N_("malformed signed list");
	case IZIN_ELISTKIND: return N_("signed list of another kind");
	case IZIN_ERECORD: return N_("malformed record");
	case IZIN_EESCAPE: return N_("bad escape sequence");
	case IZIN_ECOLUMNS: return N_("wrong columns");
	case IZIN_EJSON: return N_("malformed JSON");
	case IZIN_ELONGLINE: return N_("line too long");
	case IZIN_ECRYPTO: return N_("cannot initialise libsodium");
	case IZIN_ENOKEY: return N_("no key in trust store");
	case IZIN_EUNSIGNED: return N_("no signature line");
	case IZIN_ECSV: return N_("malformed CSV");
	case IZIN_EQR: return N_("does not fit a QR code");
	case IZIN_ENOTFILE: return N_("not a regular file");
	case IZIN_EFORMAT: return N_("unsupported image format");
	case IZIN_EIMAGE: return N_("corrupt or truncated image");
	case IZIN_ETOOBIG: return N_("image too large");
	case IZIN_EROLE:
		return N_("key of the wrong role (root, office or device)");
	case IZIN_EWITHDRAWN: return N_("signing key withdrawn");
	case IZIN_EDUPKEY: return N_("key id and office listed twice");
	case IZIN_EROLLBACK:
		return N_("older than the trust list already accepted");
	case IZIN_ESEQ:
		return N_("sequence number already accepted with other "
		          "content");
	case IZIN_EKEYCHANGE:
		return N_("another key than the one held for this device");
	case IZIN_ECUT:
		return N_("chain cut or rewritten after its signed checkpoint");
	}
	return N_("unknown error");
}
