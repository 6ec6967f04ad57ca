#include "izin.h"

const char *
izin_strerror(int err)
{
	switch (err) {
	case IZIN_OK: return "success";
	case IZIN_ENOMEM: return "out of memory";
	case IZIN_EINVAL: return "invalid argument";
	case IZIN_EIO: return "input/output error";
	case IZIN_EFOREIGN: return "not an izin payload";
	case IZIN_EBASE45: return "invalid Base45";
	case IZIN_EVERSION: return "unknown version";
	case IZIN_ETRUNC: return "truncated";
	case IZIN_ETRAILING: return "trailing bytes";
	case IZIN_EEMPTY: return "missing or empty";
	case IZIN_ELENGTH: return "too long";
	case IZIN_ECHARSET: return "character not allowed";
	case IZIN_EUTF8: return "invalid UTF-8";
	case IZIN_ECTRL: return "control character";
	case IZIN_EDATE: return "invalid date";
	case IZIN_EORDER: return "dates out of order";
	case IZIN_EKIND: return "kind is not ITK, ITAS or ITAP";
	case IZIN_ESEX: return "sex is not M, F or X";
	case IZIN_ENONCANON: return "non-canonical encoding";
	case IZIN_EBADSIG: return "bad signature";
	case IZIN_EUNKNOWNKEY: return "unknown key";
	case IZIN_EKEYWINDOW: return "outside the key's validity window";
	case IZIN_EOFFICE: return "not the signing key's office";
	case IZIN_EKEYFILE: return "malformed key";
	case IZIN_EPASSPHRASE: return "wrong passphrase or damaged key";
	case IZIN_EKEYPERM: return "secret key readable by group or others";
	case IZIN_EEXIST: return "file exists";
	case IZIN_ELIST: return "malformed signed list";
	case IZIN_ELISTKIND: return "signed list of another kind";
	case IZIN_ERECORD: return "malformed record";
	case IZIN_EESCAPE: return "bad escape sequence";
	case IZIN_ECOLUMNS: return "wrong columns";
	case IZIN_EJSON: return "malformed JSON";
	case IZIN_ELONGLINE: return "line too long";
	case IZIN_ECRYPTO: return "cannot initialise libsodium";
	case IZIN_ENOKEY: return "no key in trust store";
	case IZIN_EUNSIGNED: return "no signature line";
	case IZIN_ECSV: return "malformed CSV";
	case IZIN_EQR: return "does not fit a QR code";
	case IZIN_ENOTFILE: return "not a regular file";
	case IZIN_EFORMAT: return "unsupported image format";
	case IZIN_EIMAGE: return "corrupt or truncated image";
	case IZIN_ETOOBIG: return "image too large";
	case IZIN_EROLE: return "key of the wrong role (root, office or device)";
	case IZIN_EWITHDRAWN: return "signing key withdrawn";
	case IZIN_EDUPKEY: return "key id and office listed twice";
	case IZIN_EROLLBACK: return "older than the trust list already accepted";
	case IZIN_ESEQ: return "sequence number already accepted with other content";
	case IZIN_EKEYCHANGE: return "another key than the one held for this device";
	case IZIN_ECUT: return "chain cut or rewritten after its signed checkpoint";
	}
	return "unknown error";
}
