/*
 * izin.h - the one public header of libizin, the library behind the izin
 * tools: sealed permit payloads, Base45, dates, keys, trust stores, signed
 * lists and the record format the tools speak to each other.
 *
 * Conventions: functions return 0 (or a count) on success and a negative
 * IZIN_E* code on failure, which izin_strerror() names.  The library never
 * prints, never exits and never reads the clock or the environment: the
 * caller passes "today" where a date matters.  Every _new has a _free, and
 * _free(NULL) does nothing.
 */
#ifndef IZIN_H
#define IZIN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define IZIN_VERSION_STRING "0.1.0"

/* Error codes.  Keep in step with izin_strerror() in lib/error.c. */
enum {
	IZIN_OK = 0,
	IZIN_ENOMEM = -1,      /* out of memory */
	IZIN_EINVAL = -2,      /* invalid argument */
	IZIN_EIO = -3,         /* read or write failed (errno is kept) */
	IZIN_EFOREIGN = -4,    /* text does not start with the izin prefix */
	IZIN_EBASE45 = -5,     /* not valid Base45 */
	IZIN_EVERSION = -6,    /* unknown payload or file version */
	IZIN_ETRUNC = -7,      /* payload ends before its last field */
	IZIN_ETRAILING = -8,   /* bytes after the end of the payload */
	IZIN_EEMPTY = -9,      /* a required field is empty */
	IZIN_ELENGTH = -10,    /* a field is longer than its limit */
	IZIN_ECHARSET = -11,   /* a character not allowed in this field */
	IZIN_EUTF8 = -12,      /* invalid UTF-8 */
	IZIN_ECTRL = -13,      /* control or bidirectional-override character */
	IZIN_EDATE = -14,      /* not a date, an impossible date or out of range */
	IZIN_EORDER = -15,     /* dates in an impossible order */
	IZIN_EKIND = -16,      /* permit kind not ITK, ITAS or ITAP */
	IZIN_ESEX = -17,       /* sex not M, F or X */
	IZIN_ENONCANON = -18,  /* encoding that the encoder would not produce */
	IZIN_EBADSIG = -19,    /* signature does not verify */
	IZIN_EUNKNOWNKEY = -20,/* no trusted key has this key id */
	IZIN_EKEYWINDOW = -21, /* date outside the signing key's validity window */
	IZIN_EOFFICE = -22,    /* permit's office is not the signing key's office */
	IZIN_EKEYFILE = -23,   /* malformed key file or trust-store line */
	IZIN_EPASSPHRASE = -24,/* wrong passphrase (or a damaged secret key) */
	IZIN_EKEYPERM = -25,   /* secret key file readable by group or others */
	IZIN_EEXIST = -26,     /* output file exists */
	IZIN_ELIST = -27,      /* malformed signed list */
	IZIN_ELISTKIND = -28,  /* signed list of another kind */
	IZIN_ERECORD = -29,    /* malformed record line */
	IZIN_EESCAPE = -30,    /* bad backslash escape in a record value */
	IZIN_ECOLUMNS = -31,   /* wrong number of columns, or unknown column */
	IZIN_EJSON = -32,      /* malformed JSON record */
	IZIN_ELONGLINE = -33,  /* input line longer than the limit */
	IZIN_ECRYPTO = -34,    /* libsodium failed to initialise */
	IZIN_ENOKEY = -35,     /* a trust store with no key in it */
	IZIN_EUNSIGNED = -36,  /* signed list without a signature line */
	IZIN_ECSV = -37,       /* malformed CSV (quotes) */
	IZIN_EQR = -38,        /* text does not fit a QR code */
	IZIN_ENOTFILE = -39,   /* not a regular file (a FIFO, a device...) */
	IZIN_EFORMAT = -40,    /* unsupported image format */
	IZIN_EIMAGE = -41,     /* corrupt or truncated image */
	IZIN_ETOOBIG = -42,    /* image over the pixel limit */
	IZIN_EROLE = -43,      /* a root key on a permit, an office key on a
	                        * trust list */
	IZIN_EWITHDRAWN = -44, /* signing key withdrawn by the trust list */
	IZIN_EDUPKEY = -45,    /* a key id and office listed twice */
	IZIN_EROLLBACK = -46,  /* trust list older than one already accepted */
	IZIN_ESEQ = -47,       /* trust list number accepted with other text */
	IZIN_EKEYCHANGE = -48, /* a device key other than the one held for the
	                        * device */
	IZIN_ECUT = -49        /* a chain cut or rewritten after its signed
	                        * checkpoint */
};

/* Name of an error code: a short lowercase phrase, never NULL. */
const char *izin_strerror(int err);

/* Initialise libsodium; call once before any key or seal function. */
int izin_init(void);

/* ---- Dates ------------------------------------------------------------ */

/* A civil date as days since 1970-01-01 (proleptic Gregorian). */
typedef int32_t izin_date;

#define IZIN_DATE_MIN_YEAR 1900
#define IZIN_DATE_MAX_YEAR 2199
#define IZIN_DATE_LEN 10        /* "YYYY-MM-DD" */
#define IZIN_NODATE INT32_MIN   /* "no date" in optional slots */

/* Days from a year, month (1-12) and day; no range check. */
izin_date izin_date_from_ymd(int y, int m, int d);
/* Year, month and day of a date. */
void izin_date_to_ymd(izin_date date, int *y, int *m, int *d);
/* Parse exactly "YYYY-MM-DD" (len bytes, no more, no less), years
 * 1900-2199, a real calendar day.  IZIN_EDATE otherwise. */
int izin_date_parse(const char *s, size_t len, izin_date *out);
/* Write "YYYY-MM-DD" and a NUL into buf (at least 11 bytes). */
void izin_date_format(izin_date date, char buf[IZIN_DATE_LEN + 1]);
/* 1 when year y is a Gregorian leap year. */
int izin_leap_year(int y);

/* ---- UTF-8 ------------------------------------------------------------ */

/* Length (1-4) of the strict UTF-8 character at s, which has left > 0
 * bytes, its code point to *cp; 0 when s holds no whole valid character
 * (overlong forms, surrogates and code points above U+10FFFF are not). */
size_t izin_utf8_char(const unsigned char *s, size_t left, uint32_t *cp);

/* ---- Base45 (RFC 9285) ------------------------------------------------ */

/* Characters needed for n bytes (without a NUL). */
size_t izin_base45_enclen(size_t n);
/* Encode n bytes into out (izin_base45_enclen(n) + 1 bytes, NUL-ended). */
void izin_base45_encode(const uint8_t *in, size_t n, char *out);
/* Decode len characters into out (room for len * 2 / 3 bytes); the byte
 * count goes to *outlen.  Strict: only the 45 alphabet characters, no
 * length of the form 3k+1, no group above its byte range: IZIN_EBASE45. */
int izin_base45_decode(const char *in, size_t len, uint8_t *out,
                       size_t *outlen);

/* ---- Permits ---------------------------------------------------------- */

enum { IZIN_KIND_ITK = 1, IZIN_KIND_ITAS = 2, IZIN_KIND_ITAP = 3 };

#define IZIN_PERMIT_MAX 24      /* A-Z 0-9 - / */
#define IZIN_INDEX_MAX 8        /* A-Z 0-9 */
#define IZIN_NAME_MAX 96        /* UTF-8 bytes */
#define IZIN_NATIONALITY_LEN 3  /* A-Z, '<' as trailing filler (D<<) */
#define IZIN_PASSPORT_MAX 16    /* A-Z 0-9 */
#define IZIN_OFFICE_MAX 16      /* A-Z 0-9 - */
#define IZIN_SPONSOR_MAX 96     /* UTF-8 bytes, optional */
#define IZIN_ADDRESS_MAX 128    /* UTF-8 bytes, optional */

/* Field numbers, in the record's column order.  izin_field_name() gives
 * the column name ("permit", "kind", ...). */
enum {
	IZIN_F_NONE = -1,
	IZIN_F_PERMIT, IZIN_F_KIND, IZIN_F_INDEX, IZIN_F_NAME,
	IZIN_F_NATIONALITY, IZIN_F_PASSPORT, IZIN_F_BIRTH, IZIN_F_SEX,
	IZIN_F_ISSUED, IZIN_F_VALID_FROM, IZIN_F_VALID_UNTIL, IZIN_F_OFFICE,
	IZIN_F_SPONSOR, IZIN_F_ADDRESS,
	IZIN_F_COUNT
};

/* Plain data: NUL-terminated strings in fixed arrays, no allocation.
 * sponsor and address are optional (empty string when absent). */
typedef struct izin_permit {
	char permit[IZIN_PERMIT_MAX + 1];
	int kind;                               /* IZIN_KIND_* */
	char index[IZIN_INDEX_MAX + 1];
	char name[IZIN_NAME_MAX + 1];
	char nationality[IZIN_NATIONALITY_LEN + 1];
	char passport[IZIN_PASSPORT_MAX + 1];
	izin_date birth;
	char sex;                               /* 'M', 'F' or 'X' */
	izin_date issued, valid_from, valid_until;
	char office[IZIN_OFFICE_MAX + 1];
	char sponsor[IZIN_SPONSOR_MAX + 1];
	char address[IZIN_ADDRESS_MAX + 1];
} izin_permit;

/* Column name of a field number; NULL when out of range. */
const char *izin_field_name(int field);
/* Field number of a column name; IZIN_F_NONE when it names none. */
int izin_field_lookup(const char *name);
/* "ITK", "ITAS", "ITAP"; NULL for anything else. */
const char *izin_kind_name(int kind);
/* Parse a kind: ITK, ITAS, ITAP, and KITAS / KITAP for the cards. */
int izin_kind_parse(const char *s, size_t len);

/* Check every field of p against the format's rules.  On failure the
 * offending field number goes to *field (which may be NULL). */
int izin_permit_check(const izin_permit *p, int *field);
/* Set one field from its text form (a date as YYYY-MM-DD, the kind by
 * name, ...), checked as izin_permit_check() checks it. */
int izin_permit_set(izin_permit *p, int field, const char *val, size_t len);
/* Text form of one field into buf (size bytes); returns the length or
 * IZIN_ELENGTH when buf is too small. */
int izin_permit_get(const izin_permit *p, int field, char *buf, size_t size);

/* ---- Sealed payload --------------------------------------------------- */

#define IZIN_PREFIX "IZ:"
#define IZIN_PREFIX_LEN 3
#define IZIN_KID_LEN 2
#define IZIN_SIG_LEN 64
#define IZIN_PAYLOAD_VERSION 1
/* Upper bounds over all valid permits: body bytes, sealed bytes, text. */
#define IZIN_BODY_MAX 384
#define IZIN_SEALED_MAX (IZIN_BODY_MAX + IZIN_SIG_LEN)
#define IZIN_TEXT_MAX (IZIN_PREFIX_LEN + (IZIN_SEALED_MAX + 1) / 2 * 3)

/* Encode the signed body (version, key id, fields) of a checked permit
 * into out (IZIN_BODY_MAX bytes); returns its length or an error. */
int izin_permit_encode(const izin_permit *p, const uint8_t kid[IZIN_KID_LEN],
                       uint8_t *out);
/* Decode a body of exactly len bytes.  Strict: unknown versions, short or
 * long input, impossible dates, over-long fields, bad UTF-8, control
 * characters and any non-canonical form are refused, the field named in
 * *field.  The key id goes to kid when it is not NULL. */
int izin_permit_decode(const uint8_t *in, size_t len, izin_permit *p,
                       uint8_t kid[IZIN_KID_LEN], int *field);

/* ---- Keys ------------------------------------------------------------- */

#define IZIN_PK_LEN 32
#define IZIN_KID_HEXLEN (IZIN_KID_LEN * 2)

/* What a key may sign: an office key seals permits and signs revocation
 * lists; the national root key signs trust lists and nothing else; a
 * device key (one per sightings log) signs that log's checkpoints. */
enum { IZIN_ROLE_OFFICE = 0, IZIN_ROLE_ROOT = 1, IZIN_ROLE_DEVICE = 2 };

/* A public key as a trust store holds it.  All zero but the key material
 * is an office key, not withdrawn. */
typedef struct izin_pubkey {
	uint8_t kid[IZIN_KID_LEN];
	char office[IZIN_OFFICE_MAX + 1];
	izin_date valid_from, valid_until;  /* the window for "issued" */
	uint8_t pk[IZIN_PK_LEN];
	int role;                           /* IZIN_ROLE_* */
	int withdrawn;      /* 1: a trust list cut the window short; the key
	                     * is withdrawn from valid_until + 1 on */
} izin_pubkey;

/* A secret key: opaque, kept in guarded memory, wiped when freed. */
typedef struct izin_seckey izin_seckey;

/* Make a new key pair for an office, usable for permits issued between
 * from and until inclusive.  Caller frees with izin_seckey_free(). */
int izin_seckey_generate(const char *office, izin_date from, izin_date until,
                         izin_seckey **out);
/* The same for the national root key (IZIN_ROLE_ROOT): it signs trust
 * lists only; office is the authority's code (DITJENIM, say). */
int izin_seckey_generate_root(const char *office, izin_date from,
                              izin_date until, izin_seckey **out);
/* A sightings log's device key (IZIN_ROLE_DEVICE, office "DEVICE", valid
 * over the whole date range): it signs checkpoints and nothing else. */
int izin_seckey_generate_device(izin_seckey **out);
void izin_seckey_free(izin_seckey *sk);
/* The public half (copied into *pub). */
void izin_seckey_public(const izin_seckey *sk, izin_pubkey *pub);

/* Write the secret key file text into a new buffer (*out, *outlen; the
 * caller wipes and frees it with izin_secure_free()).  With a passphrase
 * (pass, passlen) the key is sealed with Argon2id + XChaCha20-Poly1305;
 * with pass NULL it is stored in the clear.  opslimit and memlimit 0 take
 * libsodium's interactive limits. */
int izin_seckey_export(const izin_seckey *sk, const char *pass,
                       size_t passlen, unsigned long long opslimit,
                       size_t memlimit, char **out, size_t *outlen);
/* 1 when a secret key file's text needs a passphrase, 0 when not, or an
 * error for text that is not a secret key file. */
int izin_seckey_encrypted(const char *text, size_t len);
/* Read a secret key file's text.  IZIN_EPASSPHRASE for a wrong passphrase
 * or a damaged file, IZIN_EKEYFILE for a malformed one. */
int izin_seckey_import(const char *text, size_t len, const char *pass,
                       size_t passlen, izin_seckey **out);
/* Read a secret key file, refusing one that group or others may read
 * (IZIN_EKEYPERM), a link, or one that is not a regular file. */
int izin_seckey_load(const char *path, const char *pass, size_t passlen,
                     izin_seckey **out);
/* The public half of a secret key file, without its passphrase (the same
 * file checks as izin_seckey_load). */
int izin_seckey_load_public(const char *path, izin_pubkey *pub);
/* Free memory holding secrets, wiping it first. */
void izin_secure_free(void *p, size_t len);

/* One line (with its newline) of a .pub file into buf, NUL-ended;
 * returns its length.  buf needs IZIN_PUBLINE_MAX bytes.  A root key's
 * line ends in the word "root"; a withdrawn key's (in a trust list) in
 * "withdrawn DATE", DATE being valid_until + 1. */
#define IZIN_PUBLINE_MAX 128
int izin_pubkey_format(const izin_pubkey *pub, char *buf);
/* Parse one .pub line (without its newline): five words, or six for a
 * root key.  A "withdrawn" marker belongs to trust lists only and is
 * refused here. */
int izin_pubkey_parse(const char *line, size_t len, izin_pubkey *pub);
/* Withdraw a key from the date from on: its window ends the day before
 * and it is marked withdrawn.  IZIN_EORDER unless valid_from < from <=
 * valid_until + 1 (a key never valid is left out of a list instead). */
int izin_pubkey_withdraw(izin_pubkey *pub, izin_date from);
/* Parse a key id: exactly IZIN_KID_HEXLEN lowercase hex digits;
 * IZIN_EINVAL otherwise. */
int izin_kid_parse(const char *s, size_t len, uint8_t kid[IZIN_KID_LEN]);
/* Key id as IZIN_KID_HEXLEN (4) lowercase hex digits and a NUL. */
void izin_kid_format(const uint8_t kid[IZIN_KID_LEN],
                     char buf[IZIN_KID_HEXLEN + 1]);

/* ---- Sealing and opening ---------------------------------------------- */

/* Seal a permit: check it, refuse one the key may not sign (a root key:
 * IZIN_EROLE; office other than the key's: IZIN_EOFFICE; issued outside
 * the key's window: IZIN_EKEYWINDOW), encode, sign, and write the text form ("IZ:" and
 * Base45, NUL-ended) into text (IZIN_TEXT_MAX + 1 bytes).  Returns the
 * text length.  On a field error *field names it. */
int izin_seal(const izin_seckey *sk, const izin_permit *p, char *text,
              int *field);

/* What izin_seal() checks before it signs, for a key's public half: the
 * permit's fields, its office and its issue date in the key's window.
 * Signs nothing, so a dry run needs no passphrase. */
int izin_seal_check(const izin_pubkey *pub, const izin_permit *p,
                    int *field);

/* A trust store: a set of public keys. */
typedef struct izin_trust izin_trust;
izin_trust *izin_trust_new(void);
void izin_trust_free(izin_trust *t);
/* Add one key (copied). */
int izin_trust_add(izin_trust *t, const izin_pubkey *pub);
/* Load a .pub file, or every *.pub file in a directory (sorted by name).
 * On a malformed line *line gets its number (when not NULL), and a file
 * in a directory that failed goes to errpath (size errpathlen). */
int izin_trust_load(izin_trust *t, const char *path, unsigned long *line,
                    char *errpath, size_t errpathlen);
size_t izin_trust_count(const izin_trust *t);
/* The i-th key in key-id order (for listing), NULL past the end; valid
 * until the store next changes. */
const izin_pubkey *izin_trust_key(const izin_trust *t, size_t i);
/* The first key with this id and (when not NULL) office, or NULL: what a
 * verdict such as IZIN_EWITHDRAWN was about. */
const izin_pubkey *izin_trust_find(const izin_trust *t,
                                   const uint8_t kid[IZIN_KID_LEN],
                                   const char *office);

/* Open a sealed payload (text, len bytes, e.g. from a QR code).  Returns
 * IZIN_OK when the seal verifies under a trusted office key whose window
 * holds the permit's issue date and whose office is the permit's.
 * Otherwise: IZIN_EFOREIGN (not ours), a decoding error (*field set),
 * IZIN_EBADSIG, IZIN_EUNKNOWNKEY, IZIN_EKEYWINDOW, IZIN_EWITHDRAWN (the
 * issue date is on or after the key's withdrawal), IZIN_EOFFICE, or
 * IZIN_EROLE (the signing key is a root key).  The permit and key id
 * are filled in whenever the payload decodes, even when the seal fails,
 * so a caller can show what the forged card claims. */
int izin_open(const izin_trust *t, const char *text, size_t len,
              izin_permit *p, uint8_t kid[IZIN_KID_LEN], int *field);

/* ---- Inspecting a payload (inspect.c) --------------------------------- */

/* One part of a dissected payload.  off and len place its bytes in the
 * Base45-decoded sealed bytes (off is -1 for the prefix, which is text);
 * toff and tlen place the text characters that carry them.  Parts packed
 * into shared bytes (kind and sex, the code fields) overlap. */
#define IZIN_PART_VALUE_MAX 520     /* 4 per byte of the longest field */
typedef struct izin_part {
	const char *name;   /* "prefix", "version", "kid", a field name,
	                     * "count", "trailing", "signature" */
	long off;
	size_t len;
	size_t toff, tlen;
	char value[IZIN_PART_VALUE_MAX + 1];  /* printable: a byte that is not
	                     * printable UTF-8 is written \xNN */
} izin_part;

#define IZIN_PARTS_MAX 24
/* A payload taken apart as far as it reads.  err is IZIN_OK when the text
 * decodes as izin_open() would decode it (the seal not yet checked);
 * otherwise the first fault: its error, the field it is about (or
 * IZIN_F_NONE), where it is (toff in the text; off in the bytes, -1 for
 * a fault in the text), and stopped is 1 when nothing past it could be
 * read. */
typedef struct izin_dissection {
	izin_part part[IZIN_PARTS_MAX];
	size_t n;
	uint8_t bytes[IZIN_SEALED_MAX + 2];   /* the decoded sealed bytes */
	size_t nbytes, bodylen;               /* bodylen 0: no signature */
	int err, field, stopped;
	long off;
	size_t toff;
	int has_kid;
	uint8_t kid[IZIN_KID_LEN];
	izin_permit p;      /* the fields read, when err is IZIN_OK */
} izin_dissection;

/* Dissect the text a code gave (len bytes, any bytes).  Never fails: a
 * damaged text gives the parts read before the fault and the fault. */
void izin_payload_dissect(const char *text, size_t len, izin_dissection *d);

/* What one trusted key with the payload's key id says of the seal:
 * IZIN_OK, IZIN_EBADSIG, IZIN_EROLE, IZIN_EWITHDRAWN, IZIN_EKEYWINDOW
 * (the issue date is outside its window) or IZIN_EOFFICE. */
typedef struct izin_keytry {
	const izin_pubkey *key;   /* in the trust store */
	int verdict;
} izin_keytry;
/* Try each key of t with d's key id on a dissection whose err is IZIN_OK,
 * in the order izin_open() tries them; at most max into tries.  Returns
 * how many keys have the id (0: IZIN_EUNKNOWNKEY), or IZIN_EINVAL for a
 * dissection that did not decode. */
int izin_payload_try_keys(const izin_trust *t, const izin_dissection *d,
                          izin_keytry *tries, size_t max);

/* ---- Signed lists ----------------------------------------------------- */

/* A signed list is text lines followed by one line
 *     signature KIND DATE KID BASE64
 * over the kind, the date and every byte of the lines before it.  KIND is
 * a word naming what the list is ("revoked", "trust"), so one kind of list
 * is never taken for another.  The date must lie in the key's window. */

/* Sign body (len bytes of complete lines, each ending in a newline) as a
 * list of this kind on this date.  Writes body plus the signature line
 * into a new buffer (*out, *outlen; caller frees with free()). */
int izin_list_sign(const izin_seckey *sk, const char *kind, izin_date date,
                   const char *body, size_t len, char **out, size_t *outlen);
/* Verify a signed list of the expected kind.  On success the body's
 * length (the lines before the signature line) goes to *bodylen, the
 * signing date to *date and the key id to kid (each may be NULL). */
int izin_list_verify(const izin_trust *t, const char *kind, const char *text,
                     size_t len, size_t *bodylen, izin_date *date,
                     uint8_t kid[IZIN_KID_LEN]);

/* ---- Trust lists ------------------------------------------------------ */

/* A trust list (man/izin-trust.5) is a signed list of kind "trust",
 * signed by the national root key (IZIN_ROLE_ROOT), whose first line is
 *     trust-list SEQ ISSUED NEXT-UPDATE
 * and whose other lines are office key lines (izin_pubkey_format(), with
 * "withdrawn DATE" for a withdrawn key).  ISSUED is the signature's date;
 * SEQ grows from one list to the next; past NEXT-UPDATE the list is
 * stale. */
#define IZIN_TRUST_KIND "trust"
#define IZIN_TRUST_SEQ_MAX 4294967295UL
#define IZIN_TRUSTLIST_MAX (1 << 20)   /* bytes */

typedef struct izin_trustlist_info {
	unsigned long seq;           /* 1 .. IZIN_TRUST_SEQ_MAX */
	izin_date issued, next_update;
	uint8_t root_kid[IZIN_KID_LEN];
	size_t keys;                 /* key lines */
} izin_trustlist_info;

/* Sign a trust list of the keys of store keys (in key-id order) with the
 * root key.  IZIN_EROLE when root is not a root key or a key in the store
 * is one; IZIN_EKEYFILE for a key that is not a valid Ed25519 point (the
 * root vouches for that: readers of the list skip the costly check); IZIN_EDUPKEY for a key id and office twice; IZIN_ENOKEY for an
 * empty store; IZIN_EORDER when next_update is before issued;
 * IZIN_EINVAL for seq out of range; IZIN_EKEYWINDOW when issued is
 * outside the root's window.  Writes the list into a new buffer (*out,
 * *outlen; caller frees with free()). */
int izin_trustlist_sign(const izin_seckey *root, const izin_trust *keys,
                        unsigned long seq, izin_date issued,
                        izin_date next_update, char **out, size_t *outlen);
/* Verify a trust list (text, len bytes) with the root keys of roots, then
 * add its office keys to t: all of them or, on any error, none.  Errors
 * of izin_list_verify() for the signature (IZIN_EROLE for a list signed
 * by an office key), IZIN_ELIST for a malformed first line, IZIN_EKEYFILE
 * for a line that is not an office key line, IZIN_EORDER for a window
 * that ends before it starts or a next update before the issue date,
 * IZIN_EROLE for a root key in the list, IZIN_EDUPKEY for a key id and
 * office listed twice, IZIN_ENOKEY for a list of no key.  *line (when
 * not NULL) gets the line at fault, or 0.  *info (when not NULL) gets the
 * list's numbers. */
int izin_trustlist_load(izin_trust *t, const izin_trust *roots,
                        const char *text, size_t len,
                        izin_trustlist_info *info, unsigned long *line);
/* The same without verifying the signature (to show a list): the lines
 * are checked alike; a missing or malformed signature line is still an
 * error. */
int izin_trustlist_read(izin_trust *t, const char *text, size_t len,
                        izin_trustlist_info *info, unsigned long *line);
/* 1 when a list due for renewal on next_update is stale on day today
 * (today is after it), else 0.  IZIN_NODATE is never stale. */
int izin_list_stale(izin_date next_update, izin_date today);

/* ---- Revocation lists ------------------------------------------------- */

/* A revocation list (man/izin-revoked.5) is a signed list of kind
 * "revoked" whose first line may be "next-update DATE" and whose lines
 * are permit numbers, each optionally followed by
 * one space and a note (UTF-8, no control characters), or comments that
 * start with '#'. */
#define IZIN_REVOKED_KIND "revoked"
#define IZIN_NOTE_MAX 200

/* Check one line (len bytes, no newline): IZIN_ECHARSET, IZIN_EEMPTY,
 * IZIN_ELENGTH, IZIN_EUTF8 or IZIN_ECTRL as for the permit field, or for
 * the note when the error is past the number (*innote set to 1). */
int izin_revoked_check_line(const char *line, size_t len, int *innote);

typedef struct izin_revoked izin_revoked;
izin_revoked *izin_revoked_new(void);
void izin_revoked_free(izin_revoked *r);
/* Verify a revocation list's text against a trust store and add its
 * permit numbers.  Errors of izin_list_verify() for the signature (an
 * unsigned, wrongly signed or altered list is refused whole, nothing is
 * added); IZIN_ELIST with *line set for a line that is not a permit
 * number and note. */
int izin_revoked_load(izin_revoked *r, const izin_trust *t, const char *text,
                      size_t len, unsigned long *line);
/* The same, and the list's next-update date (its optional first line
 * "next-update DATE", on or after the signing date; IZIN_NODATE when the
 * list has none) to *next_update when not NULL. */
int izin_revoked_load_dated(izin_revoked *r, const izin_trust *t,
                            const char *text, size_t len,
                            unsigned long *line, izin_date *next_update);
/* Parse a revocation list's "next-update DATE" line (len bytes, no
 * newline): 0 with the date, IZIN_EINVAL when the line is not one. */
int izin_revoked_next_update(const char *line, size_t len, izin_date *out);
/* The note of a revoked permit number ("" when it has none), or NULL
 * when the number is not revoked. */
const char *izin_revoked_find(const izin_revoked *r, const char *permit);
size_t izin_revoked_count(const izin_revoked *r);

/* ---- Records ---------------------------------------------------------- */

/* A record: an ordered list of (column, value) pairs, values as bytes
 * that may hold anything but NUL.  Opaque; reused across lines. */
typedef struct izin_record izin_record;

izin_record *izin_record_new(void);
void izin_record_free(izin_record *r);
/* Drop every column. */
void izin_record_clear(izin_record *r);
/* Set a column's value (copied), appending the column when it is new. */
int izin_record_set(izin_record *r, const char *key, const char *val,
                    size_t len);
/* Value of a column, or NULL when the record has no such column; its
 * length to *len when not NULL.  Valid until the record next changes. */
const char *izin_record_get(const izin_record *r, const char *key,
                            size_t *len);
size_t izin_record_count(const izin_record *r);
const char *izin_record_key(const izin_record *r, size_t i);
const char *izin_record_value(const izin_record *r, size_t i, size_t *len);
/* Changes whenever the record's set or order of columns changes, so a
 * caller may cache column positions while it stays the same. */
unsigned long izin_record_schema(const izin_record *r);
/* Column position of key, or -1. */
long izin_record_find(const izin_record *r, const char *key);

/* Every permit field as a column (optional ones too, empty when absent). */
int izin_record_from_permit(izin_record *r, const izin_permit *p);
/* Fill a permit from a record's columns; a missing or bad column is
 * named in *field. */
int izin_record_to_permit(const izin_record *r, izin_permit *p, int *field);

/* IZIN_FMT_CSV is written only: RFC 4180 for spreadsheets, a header row
 * as for TSV, CRLF line ends, and a cell whose first character is = + - @
 * tab or CR led by a single quote, so a spreadsheet shows it as text and
 * runs no formula.  izin_reader_new() refuses it (NULL). */
enum { IZIN_FMT_AUTO = 0, IZIN_FMT_TSV = 1, IZIN_FMT_JSON = 2,
       IZIN_FMT_CSV = 3 };

#define IZIN_LINE_MAX (1 << 20)  /* longest input line accepted */

typedef struct izin_reader izin_reader;
/* Read records from fp (not closed by the reader).  IZIN_FMT_AUTO takes
 * JSON Lines when the first non-empty line starts with '{', else TSV with
 * a header line.  A bad header is reported once; after it the input reads
 * as ended.  A stream with a descriptor is read from it with read(2), in
 * large blocks, each line taken as soon as it is there: nothing may have
 * been read from it through stdio, nor be after; one without (a memory
 * stream) is read through stdio. */
izin_reader *izin_reader_new(FILE *fp, int format);
void izin_reader_free(izin_reader *rd);
/* Next record into r: 1 for a record, 0 at end of input, or an error for
 * this line only (the reader may be called again for the next one).  The
 * record's keys and values (NUL-terminated) may point into the reader's
 * memory: valid until the next call or izin_reader_free(). */
int izin_reader_next(izin_reader *rd, izin_record *r);
/* Line number of the last line read (1 is the first line). */
unsigned long izin_reader_line(const izin_reader *rd);
/* The format in use once the first line is read. */
int izin_reader_format(const izin_reader *rd);
/* 1 when the next izin_reader_next() returns without reading: the reader
 * holds a whole line, or has met the end of the input; else 0 (always for
 * a stream without a descriptor).  A filter that batches its output
 * writes the batch out when no input is pending and none waits. */
int izin_reader_pending(const izin_reader *rd);

typedef struct izin_writer izin_writer;
/* Write records to fp in TSV or CSV (header from the first record's
 * columns) or JSON Lines.  What is said of TSV below holds for CSV. */
izin_writer *izin_writer_new(FILE *fp, int format);
void izin_writer_free(izin_writer *w);
/* Fix the TSV columns before the first record (copied); the header is
 * written at once, so output with no records still has one. */
int izin_writer_columns(izin_writer *w, const char *const *keys, size_t n);
/* Write one record.  For TSV, columns follow the header: a missing one is
 * empty, an extra one is IZIN_ECOLUMNS and nothing is written.  JSON
 * refuses a value that is not UTF-8 (IZIN_EUTF8).  IZIN_EIO when writing
 * fails. */
int izin_writer_put(izin_writer *w, const izin_record *r);

/* ---- Maps ------------------------------------------------------------- */

/* Sightings (records as izin_log_run() gives them) as a map: GeoJSON
 * (RFC 7946), one FeatureCollection; KML 2.2, one Document; or an SVG
 * picture that needs nothing else (no fonts, scripts or images).  Each
 * sighting is a point at its lon and lat, carrying its permit, time,
 * reporter, reporter_kind, place, status, device and seq (those it has):
 * a GeoJSON Feature or a KML Placemark, a sighting without a position
 * too (GeoJSON "geometry": null, a Placemark without a Point).  With
 * IZIN_MAP_TRAIL the points are a trail, joined in the order put (time
 * order): a LineString after the points when two or more have a
 * position, a line in the picture.  Coordinates are written as their
 * stored decimal text, leading zeros dropped.  The picture projects the
 * points equirectangularly, x scaled by the cosine of their mean
 * latitude, fitted to their bounding box; each is a dot labelled with
 * its place and date (and permit, unless a trail), under a title; one
 * point, or all at one spot, is drawn in the middle.  GeoJSON and KML go
 * out one feature at a time; a picture is drawn at the end. */
enum { IZIN_MAP_GEOJSON = 1, IZIN_MAP_KML = 2, IZIN_MAP_SVG = 3 };
enum { IZIN_MAP_TRAIL = 1 };

typedef struct izin_map izin_map;
/* A map of format written to fp (not closed), with flags 0 or
 * IZIN_MAP_TRAIL; title (copied, may be NULL) names the KML Document and
 * the picture.  NULL for a bad argument, a title that is not UTF-8 text
 * XML can hold, or no memory. */
izin_map *izin_map_new(FILE *fp, int format, int flags, const char *title);
void izin_map_free(izin_map *m);
/* Put one sighting on the map.  0; 1 when its lat and lon are not
 * decimal degrees as izin_sighting_check() takes them: then it goes on
 * without a position.  Nothing is written of it on IZIN_EUTF8 (a value
 * not UTF-8), IZIN_ECTRL (KML and SVG: a character XML cannot hold),
 * IZIN_ENOMEM; IZIN_EIO when writing fails; IZIN_EINVAL after
 * izin_map_end(). */
int izin_map_put(izin_map *m, const izin_record *r);
/* Write the end of the map (the trail's line, the picture) and flush
 * fp; an empty map is a whole document too.  IZIN_EIO, IZIN_ENOMEM. */
int izin_map_end(izin_map *m);

/* ---- Record pass-through --------------------------------------------- */

/*
 * A filter's record stream, as stay-check runs it: records read from one
 * input after another, a few columns looked at by name, and each record
 * written back with cells added.  The output is exactly what reading with
 * izin_reader and writing with izin_writer would give, but a TSV line
 * that needs no unescaping (no backslash, CR or NUL, the header's number
 * of cells) is never split, unescaped or re-escaped: the caller sees the
 * cells it asked for, and the line goes out as read with the new cells
 * after it.  The header and the first record of each input, other lines,
 * JSON input and JSON or CSV output take the full reader and writer.
 * Input is read with read(2) in large blocks, taking each line as soon as
 * it is there; output held back is written before any read that may wait,
 * so a pipe fed one record at a time sees each result at once.
 */
typedef struct izin_passthru izin_passthru;
#define IZIN_PASSTHRU_ADD_MAX 64        /* columns added at most */
/* Write to out (not closed) in format: IZIN_FMT_AUTO for that of the
 * first input (TSV or JSON), or IZIN_FMT_TSV, _JSON or _CSV.  want names
 * the nwant columns the caller reads, add the nadd columns it adds (the
 * existing column of that name is replaced, else the column is appended);
 * neither array nor names are copied: they must outlive the pass-through.
 * NULL for a bad argument (nadd 0 or over IZIN_PASSTHRU_ADD_MAX) or no
 * memory. */
izin_passthru *izin_passthru_new(FILE *out, int format,
                                 const char *const *want, size_t nwant,
                                 const char *const *add, size_t nadd);
/* Does not write what is held back: call izin_passthru_flush() first. */
void izin_passthru_free(izin_passthru *p);
/* Read from in next (not closed; nothing may have been read from it
 * through stdio): TSV with a header line, or JSON Lines, as
 * izin_reader_new(in, IZIN_FMT_AUTO) takes it.  Line numbers restart. */
int izin_passthru_open(izin_passthru *p, FILE *in);
/* Next record of the input: 1, or 0 at its end, or IZIN_EIO for a read
 * error (errno kept; the input then reads as ended), or another error for
 * this line only, as izin_reader_next() returns them (a bad header ends
 * the input).  Empty lines and the header again are skipped. */
int izin_passthru_next(izin_passthru *p);
/* Line number of the last line read (1 is the first). */
unsigned long izin_passthru_line(const izin_passthru *p);
/* The value of want[i] in the record (not NUL-ended on the fast path),
 * its length to *len; NULL when the record has no such column.  Valid
 * until the next call of izin_passthru_next(). */
const char *izin_passthru_get(const izin_passthru *p, size_t i,
                              size_t *len);
/* Changes whenever the wanted columns are found at other positions than
 * in the record before, and with each input: a caller may report a
 * missing column once per value. */
unsigned long izin_passthru_layout(const izin_passthru *p);
/* Give the record's add columns these values (copied; a NULL lens
 * takes strlen()).  The first call fixes the output format and writes
 * the TSV or CSV header, from this record's columns.  IZIN_EIO when
 * writing fails, IZIN_ENOMEM, IZIN_EINVAL for a value holding NUL. */
int izin_passthru_set(izin_passthru *p, const char *const *vals,
                      const size_t *lens);
/* Write the record, after izin_passthru_set().  IZIN_EIO when writing
 * fails; as izin_writer_put(), IZIN_ECOLUMNS for TSV or CSV columns not
 * those of the output's header and IZIN_EUTF8 for JSON (nothing is
 * written then). */
int izin_passthru_write(izin_passthru *p);
/* Write out what is held back and flush out; IZIN_EIO. */
int izin_passthru_flush(izin_passthru *p);

/* ---- CSV (RFC 4180) --------------------------------------------------- */

/* A streaming reader of CSV as spreadsheets export it: comma-separated,
 * fields optionally in double quotes (holding commas, "" for a quote, and
 * line breaks), CRLF or LF line ends, an optional UTF-8 byte order mark at
 * the start.  Cells are returned as bytes; checking them is the caller's. */
typedef struct izin_csv izin_csv;
/* fp is not closed by the reader. */
izin_csv *izin_csv_new(FILE *fp);
void izin_csv_free(izin_csv *c);
/* Next row: 1 with the row in *cells / *lens / *n (valid until the next
 * call), 0 at end of input, or an error for this row only, which is
 * skipped so that the next call reads the row after it: IZIN_ECSV for a
 * quote in an unquoted field, text after a closing quote or a quote left
 * open at the end; IZIN_ELONGLINE for a row over IZIN_LINE_MAX bytes;
 * IZIN_ENOMEM (that row skipped); IZIN_EIO for a read error (once, then
 * 0).  Cells are NUL-terminated; a CRLF inside quotes reads as LF.
 * Empty lines are rows of one empty cell. */
int izin_csv_next(izin_csv *c, const char *const **cells,
                  const size_t **lens, size_t *n);
/* Line number where the last row returned began (1 is the first). */
unsigned long izin_csv_line(const izin_csv *c);

/* ---- QR codes and their images --------------------------------------- */

enum { IZIN_ECC_L = 0, IZIN_ECC_M = 1, IZIN_ECC_Q = 2, IZIN_ECC_H = 3 };

/* A QR symbol: width x width modules, row by row, 1 dark, 0 light. */
typedef struct izin_qr {
	int version;
	int width;
	unsigned char *modules;
} izin_qr;

/* Encode text (len bytes of QR alphanumeric characters, as a sealed
 * payload is) in alphanumeric mode at an error-correction level
 * (IZIN_ECC_*), in the smallest version that holds it.  IZIN_EQR when it
 * holds a character outside that set, is empty, or does not fit version
 * 40.  Caller frees with izin_qr_free(). */
int izin_qr_encode(const char *text, size_t len, int level, izin_qr **out);
void izin_qr_free(izin_qr *qr);

/* How to draw a code: pixels per module, quiet zone in modules, and
 * optional label lines (UTF-8) printed under the code, one per line. */
typedef struct izin_render_opts {
	int scale;                 /* 1 to 64 */
	int margin;                /* 0 to 64 */
	const char *const *label;  /* NULL for none */
	size_t nlabel;
} izin_render_opts;

/* Render into a new buffer (*out, *len; caller frees with free()):
 * a 1-bit grayscale PNG, its labels drawn in a built-in ASCII font
 * (letters lose their diacritics, other characters show as '?'); an SVG
 * document; UTF-8 half-block text for a terminal, dark modules as ink so
 * it scans from a dark-on-light terminal (like qrencode -t UTF8i), labels
 * as plain lines under it.  The SVG and UTF-8 buffers end in a NUL not
 * counted in *len.  IZIN_EINVAL for a scale outside 1-64, a margin
 * outside 0-64 or a NULL label line; IZIN_ELENGTH for an image over
 * 65535 pixels a side; IZIN_ENOMEM. */
int izin_render_png(const izin_qr *qr, const izin_render_opts *o,
                    unsigned char **out, size_t *len);
int izin_render_svg(const izin_qr *qr, const izin_render_opts *o,
                    char **out, size_t *len);
int izin_render_utf8(const izin_qr *qr, const izin_render_opts *o,
                     char **out, size_t *len);

/* ---- Images ----------------------------------------------------------- */

/* An 8-bit grayscale (luma) image, row by row, no padding. */
typedef struct izin_image {
	int width, height;
	unsigned char *gray;
} izin_image;

/* Largest image accepted, in pixels: refused before any pixel memory is
 * allocated, whatever the header claims. */
#define IZIN_PIXELS_MAX (64L * 1024 * 1024)

/* Decode an image held in memory (len bytes), its format found from its
 * first bytes: PNG (any colour type and depth, interlaced or not), JPEG
 * (baseline or progressive; the EXIF orientation is applied, so the
 * image comes out as it is meant to be seen) or binary PNM (P5 gray, P6
 * colour; maxval up to 65535).  Colour becomes luma.  IZIN_EFORMAT for
 * any other format, IZIN_EIMAGE for a corrupt or truncated file (an empty
 * one, or one cut inside a known signature, too),
 * IZIN_ETOOBIG over IZIN_PIXELS_MAX, IZIN_ENOMEM.  Never prints (the
 * codecs' messages are silenced).  Caller frees with izin_image_free(). */
int izin_image_load(const unsigned char *data, size_t len, izin_image **out);
/* The same from a file; IZIN_EIO (errno kept) when it cannot be read,
 * IZIN_ENOTFILE for a directory or other non-file, IZIN_ETOOBIG for a
 * file over 256 MiB. */
int izin_image_read(const char *path, izin_image **out);
/* A new blank image (every pixel 255); IZIN_EINVAL for a side <= 0. */
int izin_image_new(int width, int height, izin_image **out);
void izin_image_free(izin_image *img);

/* ---- Finding QR codes in images ---------------------------------------- */

/* Every QR code found in an image: its decoded bytes (NUL-terminated,
 * the length kept, as zbar gives them), and its text as UTF-8.  The
 * UTF-8 comes from the code's own bitstream when its module grid reads
 * again from the image to exactly zbar's bytes: each segment in its
 * charset (the ECI designator in force, as ZXing maps the ECI registry;
 * Shift_JIS for Kanji mode; byte segments with no ECI ISO-8859-1 when
 * the code has an ECI elsewhere, else guessed together as ZXing does:
 * UTF-8, then Shift_JIS, then ISO-8859-1).  When the grid does not read
 * again, the same guess on zbar's bytes.  Bytes that do not convert are
 * U+FFFD; it may hold NUL (UTF-16 text, binary data). */
typedef struct izin_codes {
	size_t n;
	char **text;
	size_t *len;
	char **utf8;          /* NUL-terminated UTF-8 */
	size_t *utf8_len;
	const char **charset; /* how utf8 was decided, a static phrase:
	                       * "ECI 26 UTF-8", "Kanji mode Shift_JIS",
	                       * "guessed Shift_JIS", "ASCII"... */
} izin_codes;

/* Find and decode the QR codes in an image with zbar (QR symbology
 * only).  When a first plain pass (on a halved copy of photos over
 * 2200 px a side) finds nothing, try harder: the full-size image, an
 * upscaled copy of a small one, and blurred-thresholded, sharpened,
 * inverted and blurred copies; then, last, the geometry stage, which
 * straightens codes seen at a steep angle or on a curved page before
 * zbar reads them (8 passes in all).  Texts are the code's bytes as
 * stored (zbar's charset guessing is off; zbar itself puts the bytes
 * under an ECI it knows, 1-18, 20 or 26, into UTF-8, and drops a code
 * whose bytes do not convert), each with its text as UTF-8 (see
 * izin_codes).  The same text found
 * twice is reported once, also when an image holds two prints of one
 * card.  *out holds zero or more codes; caller frees with
 * izin_codes_free().  Thread-safe: each call uses its own zbar scanner. */
int izin_scan(const izin_image *img, izin_codes **out);
void izin_codes_free(izin_codes *c);

/* ---- Stay evaluation -------------------------------------------------- */

/* Where a stay stands on a day.  Law 6/2011 on Immigration, article 78:
 * a foreigner who stays past the permit pays a fee for each day over
 * (Government Regulation 28/2019: IDR 1,000,000 a day) when the overstay
 * is under 60 days, and is deported and banned from entry from 60 days
 * on.  The numbers are rules the caller passes, so a change in the law
 * needs no new library. */
enum {
	IZIN_STAY_VALID,         /* valid, valid_until beyond the warning */
	IZIN_STAY_EXPIRING,      /* valid, valid_until within warn_days */
	IZIN_STAY_NOT_YET_VALID, /* before valid_from */
	IZIN_STAY_EXPIRED,       /* after valid_until: an overstay */
	IZIN_STAY_UNVERIFIED,    /* seal not verified: no verdict on dates */
	IZIN_STAY_NSTATES
};
enum { IZIN_ACTION_NONE, IZIN_ACTION_FEE, IZIN_ACTION_DEPORT };

#define IZIN_STAY_WARN_DAYS 30
#define IZIN_STAY_DEPORT_AFTER 60
#define IZIN_STAY_FEE_PER_DAY 1000000LL   /* IDR */

typedef struct izin_stay_rules {
	int warn_days;          /* EXPIRING up to this many days left, >= 0 */
	int deport_after;       /* days over from which to deport, >= 1 */
	long long fee_per_day;  /* IDR per day over, >= 0 */
} izin_stay_rules;

/* The rules above: { 30, 60, 1000000 }. */
#define IZIN_STAY_RULES_INIT \
	{ IZIN_STAY_WARN_DAYS, IZIN_STAY_DEPORT_AFTER, IZIN_STAY_FEE_PER_DAY }

typedef struct izin_stay {
	int state;              /* IZIN_STAY_* */
	int days;               /* days left (0 on valid_until) when VALID or
	                         * EXPIRING, until valid_from when
	                         * NOT_YET_VALID, over when EXPIRED */
	int action;             /* IZIN_ACTION_FEE or _DEPORT when EXPIRED */
	long long fee;          /* IDR with IZIN_ACTION_FEE, else 0 */
} izin_stay;

/* Evaluate a permit valid from valid_from to valid_until (both days
 * included) on the day on.  EXPIRING when 0 <= days left <= warn_days;
 * EXPIRED from the day after valid_until, with action FEE (days over
 * times fee_per_day) under deport_after days and DEPORT from it on.
 * Never sets UNVERIFIED: that verdict belongs to whoever opened the seal.
 * IZIN_EDATE for a date outside 1900-2199 (IZIN_NODATE too),
 * IZIN_EORDER when valid_until is before valid_from, IZIN_EINVAL for
 * rules out of range or a fee beyond 64 bits; *out is set only on
 * success. */
int izin_stay_eval(const izin_stay_rules *r, izin_date on,
                   izin_date valid_from, izin_date valid_until,
                   izin_stay *out);
/* "VALID", "EXPIRING", "NOT_YET_VALID", "EXPIRED", "UNVERIFIED"; NULL
 * for anything else. */
const char *izin_stay_state_name(int state);
/* State of a name (len bytes, any case); -1 when it names none. */
int izin_stay_state_parse(const char *s, size_t len);
/* "" (none), "fee", "deport"; NULL for anything else. */
const char *izin_stay_action_name(int action);
/* The date of a sighting time (len bytes, as izin_time_parse() takes it:
 * "2026-11-22T08:15:00+07:00") as written: the civil date at the place
 * of the sighting, whatever the offset.  IZIN_EDATE for anything else. */
int izin_time_date(const char *s, size_t len, izin_date *out);

/* ---- Sightings log ---------------------------------------------------- */

/* A log of sightings (report-log(1)): an SQLite database in which every
 * record appended is a sighting, stamped with who saw it, where and when,
 * and linked to the sighting before it from the same device by a BLAKE2b
 * hash, so that an altered, deleted or inserted sighting shows.  Functions
 * that touch a log return IZIN_EIO when SQLite fails (a full disk, a lock
 * held too long), with SQLite's reason in izin_log_errmsg().  Call
 * izin_init() first: creating a log draws a random device id. */

#define IZIN_LOG_APPID 0x697a696e   /* PRAGMA application_id: "izin" */
#define IZIN_LOG_VERSION 3          /* PRAGMA user_version this code writes */
#define IZIN_LOG_HASH_LEN 32        /* BLAKE2b-256 */
#define IZIN_DEVICE_LEN 16          /* a device id: lowercase hex digits */
#define IZIN_TIME_MAX 25            /* "YYYY-MM-DDTHH:MM:SS+07:00" */
#define IZIN_REPORTER_MAX 64        /* UTF-8 bytes */
#define IZIN_PLACE_MAX 256          /* UTF-8 bytes */

/* Who saw the records of one commit, where and when (strings borrowed). */
typedef struct izin_sighting {
	const char *time;           /* as izin_time_parse() takes it */
	const char *reporter;       /* 1-64 bytes, UTF-8, no control chars */
	const char *reporter_kind;  /* "officer", "hotel" or "company" */
	const char *place;          /* 0-256 bytes, UTF-8, no control chars */
	const char *lat, *lon;      /* decimal degrees (-90..90, -180..180,
	                             * "-7.12"), or both "" when unknown */
} izin_sighting;

/* Parse exactly "YYYY-MM-DDTHH:MM:SS" and "Z" or a UTC offset "+HH:MM" /
 * "-HH:MM" (-12:00 to +14:00) into seconds since 1970-01-01T00:00:00Z.
 * IZIN_EDATE otherwise. */
int izin_time_parse(const char *s, size_t len, int64_t *epoch);
/* Check a sighting's fields.  IZIN_EDATE for the time; IZIN_EEMPTY,
 * IZIN_ELENGTH, IZIN_EUTF8 or IZIN_ECTRL for the reporter or place;
 * IZIN_EINVAL for the kind or a coordinate.  The field's column name
 * ("time", "reporter", "reporter_kind", "place", "lat", "lon") goes to
 * *what. */
int izin_sighting_check(const izin_sighting *s, const char **what);
/* A coordinate as a sighting takes it: len bytes of decimal degrees, an
 * optional '-', 1 to 3 digits, optionally a point and 1 to 12 digits (no
 * '+', exponent or space), within -limit..limit (90 for a latitude, 180
 * for a longitude); its value to *out.  IZIN_EINVAL otherwise. */
int izin_coord_parse(const char *s, size_t len, double limit, double *out);

/* 1 when key is a column the log sets itself: seq, device, dseq, time,
 * reporter, reporter_kind, place, lat, lon, hash.  Input columns of these
 * names are not stored: the sighting's own values replace them. */
int izin_log_reserved(const char *key);
/* A record can be logged when its permit or text column is not empty:
 * IZIN_EEMPTY otherwise. */
int izin_log_check_record(const izin_record *r);

typedef struct izin_log izin_log;

/* Open modes: read only; read and write; read and write, making the file
 * when it does not exist. */
enum { IZIN_LOG_READ = 0, IZIN_LOG_WRITE = 1, IZIN_LOG_CREATE = 2 };

/* Open the log at path; a new one gets the current schema, WAL mode and
 * a random device id.  Errors: IZIN_EIO with errno (ENOENT for a missing
 * file without IZIN_LOG_CREATE); IZIN_ENOTFILE for a directory or device;
 * IZIN_EFOREIGN for a file that is not SQLite or a database of another
 * application, IZIN_EVERSION for a log of a newer schema: both are left
 * untouched.  Unless the error is IZIN_ENOMEM, *out is set even on
 * failure so that izin_log_errmsg() can tell more: close it. */
int izin_log_open(const char *path, int mode, izin_log **out);
void izin_log_close(izin_log *lg);
/* SQLite's message for the last failure ("" when there is none). */
const char *izin_log_errmsg(const izin_log *lg);
/* A location as a message may show it: a PostgreSQL connection string
 * with its password left out ("password=..." and the password of a
 * postgresql:// URI are replaced by "***"); anything else as it is.
 * Truncated to size - 1 bytes; always ends in a NUL. */
void izin_log_show(const char *location, char *buf, size_t size);
/* The log's own device id (IZIN_DEVICE_LEN hex digits). */
const char *izin_log_device(const izin_log *lg);
/* The engine that stores it: "sqlite" (a file) or "postgresql". */
const char *izin_log_engine(const izin_log *lg);

/* Queue a record for the next izin_log_commit(): its columns, less the
 * reserved ones, are copied, so r may change after.  IZIN_EEMPTY (nothing
 * queued) for a record izin_log_check_record() refuses.  Takes no lock. */
int izin_log_add(izin_log *lg, const izin_record *r);
/* How many records are queued. */
size_t izin_log_pending(const izin_log *lg);
/* What izin_log_commit() hands back for each sighting it logged: the
 * record as stored followed by the sighting columns seq, device, time,
 * reporter, reporter_kind, place, lat and lon.  Valid during the call. */
typedef struct izin_log_echo {
	const char *const *keys;   /* the column names (one array while */
	size_t nkeys;              /* they stay the same) */
	const char *line;          /* the values as one izin-record(5) TSV */
	size_t len;                /* line, without its newline */
	const izin_record *record; /* the same as a record, or NULL when not
	                            * asked for (it takes longer to make) */
} izin_log_echo;

/* Append the queued records, in order, as sightings of this device seen
 * as s says, in one transaction: all are written or none.  Waits for other
 * writers up to 30 seconds (IZIN_EIO after that).  On success the queue is
 * emptied and then, when fn is not NULL, fn gets each sighting (with the
 * record too when records is not 0).  A non-zero return from fn stops the
 * calls and is returned: the sightings stay logged.  On failure nothing is
 * written and the queue is kept. */
int izin_log_commit(izin_log *lg, const izin_sighting *s, int records,
                    int (*fn)(void *arg, const izin_log_echo *e), void *arg);

enum { IZIN_LOG_TRAIL = 1, IZIN_LOG_LAST_SEEN = 2, IZIN_LOG_EXPORT = 3 };

/* A query.  Each record handed to record() has its columns as stored and
 * then the sighting columns seq, device, time, reporter, reporter_kind,
 * place, lat, lon, and for an export dseq and hash (64 hex digits). */
typedef struct izin_log_query {
	int what;            /* IZIN_LOG_TRAIL: one permit's sightings by
	                      * time; IZIN_LOG_LAST_SEEN: each permit's
	                      * latest, by permit; IZIN_LOG_EXPORT: all by
	                      * seq */
	const char *permit;  /* the trail's permit; for last-seen a filter,
	                      * or NULL for every permit */
	int64_t since, until;/* instants, inclusive (INT64_MIN, INT64_MAX
	                      * for none): later and earlier ones are left
	                      * out (for last-seen, before choosing) */
	int64_t after;       /* export: only sightings with seq > after */
	/* Called once before any record with every column a record of this
	 * log can have, in order (may be NULL): a TSV header. */
	int (*columns)(void *arg, const char *const *keys, size_t n);
	/* Called for each record, in order; valid until it returns. */
	int (*record)(void *arg, const izin_record *r);
	void *arg;
} izin_log_query;

/* Run a query over one snapshot of the log.  A non-zero return from a
 * callback stops it and is returned; IZIN_ERECORD for a stored record
 * that cannot be read back (a damaged log: izin_log_verify() says more). */
int izin_log_run(izin_log *lg, const izin_log_query *q);

/* Copied cards (lib/log_clones.c, report-log(1) CLONES).  The great
 * circle distance in km between two points in decimal degrees (haversine,
 * mean Earth radius 6371.0088 km). */
double izin_geo_km(double lat1, double lon1, double lat2, double lon2);

/* A search for copied cards: each permit's located sightings in time
 * order, a pair reported when two next to each other are further apart
 * than kmh covers in the time between ("speed"), or when two less than 60
 * seconds apart, by different reporters, are more than 1 km apart
 * ("same-minute"); each pair once, as two records (the earlier first),
 * by permit and then the later sighting's time. */
typedef struct izin_clone_query {
	double kmh;          /* the fastest honest travel, > 0 */
	const char *permit;  /* one permit, or NULL for every permit */
	int64_t since, until;/* as in izin_log_query */
	/* As in izin_log_query; each record has the columns pair, reason,
	 * km and kmh first (izin_clone_cols), then a trail's. */
	int (*columns)(void *arg, const char *const *keys, size_t n);
	int (*record)(void *arg, const izin_record *r);
	void *arg;
} izin_clone_query;

/* The pair columns, in order. */
extern const char *const izin_clone_cols[4];

/* Run a search over one snapshot of the log, reading it once in (permit,
 * time) order and keeping no more than one permit's last 60 seconds of
 * sightings.  The number of pairs found goes to *pairs (may be NULL).
 * Errors as izin_log_run(); IZIN_EINVAL for kmh not > 0. */
int izin_log_clones(izin_log *lg, const izin_clone_query *q, int64_t *pairs);

/* What izin_log_verify() and izin_log_merge() found wrong.  found is the
 * flag: a seq can be any integer in a damaged log, 0 and negative ones
 * too, so no seq value stands for "nothing wrong". */
typedef struct izin_log_fault {
	int found;           /* 0: nothing wrong; 1: the rest says what */
	int has_seq;         /* seq names the sighting at fault (or, for a
	                      * chain head, the seq the head names) */
	int64_t seq;
	const char *why;     /* a short reason (static), NULL when !found */
	/* A fault of a device as a whole (a checkpoint, a device key) names
	 * the device, and the checkpoint's dseq when dseq > 0; device is ""
	 * for a fault of one sighting. */
	char device[IZIN_DEVICE_LEN + 1];
	int64_t dseq;
} izin_log_fault;

/* Walk every device's hash chain.  The number of sightings goes to
 * *count; f->found is 0 when every chain holds, else 1 with f->seq the
 * seq of the first sighting found damaged, altered, out of place or
 * inserted (for sightings deleted from the end of a chain, the seq the
 * last of them had) and f->why a short reason.  A sighting or head that
 * holds a value the log never writes (a seq or dseq below 1, a hash not
 * IZIN_LOG_HASH_LEN bytes, a NULL, a value of the wrong type or a text
 * with a NUL in it) is damaged.  Returns 0 or an error (the log could not be read). */
int izin_log_verify(izin_log *lg, int64_t *count, izin_log_fault *f);

/* Merge another log (open for reading) into lg: in one transaction, add
 * every sighting of every device that lg does not hold yet (new local seq
 * numbers, the device's own chain kept), verifying other whole in the same
 * walk.  A log that does not verify, or whose chain for a device differs
 * from the one lg holds, is refused whole: f says why (f->seq in other),
 * the transaction is rolled back and nothing is written.  *added gets the number of sightings added (0 when
 * merging again). */
int izin_log_merge(izin_log *lg, izin_log *other, int flags,
                   int64_t *added, izin_log_fault *f);
/*
 * What a merge checks of each device of other, beyond its chain:
 * - lg must know the device's key (izin_log_enrol()), or, with
 *   IZIN_MERGE_ENROL, it takes the key other holds for the device (a
 *   device of which other holds no key at all, a log made before device
 *   keys, is then merged unprotected; without the flag it is refused);
 *   a key in other that differs from lg's is refused;
 * - the newest checkpoint other holds must verify with that key and be
 *   reached by other's chain with the same hash;
 * - other's chain must reach the newest checkpoint lg holds, with the
 *   same hash: a chain cut or rewritten after it left the device is
 *   refused, naming the device and the dseq.
 * lg then keeps the newer of the two checkpoints: an older one never
 * replaces a newer one.
 */
enum { IZIN_MERGE_ENROL = 1 };
/* Have izin_log_merge() on lg report how far it is: fn(arg, done,
 * total) every few thousand sightings of other walked, and once at the
 * end; total is the number other's chain heads count (-1 when not
 * known).  fn NULL: no reports (the default). */
void izin_log_set_progress(izin_log *lg,
                           void (*fn)(void *arg, int64_t done, int64_t total),
                           void *arg);

/* ---- Device keys and signed checkpoints ------------------------------- */

/* Each log has a device key: an Ed25519 key pair (IZIN_ROLE_DEVICE) made
 * with the log, whose secret half stays on the device and signs
 * checkpoints, and whose public half the log and the centre hold.  A
 * checkpoint is the device's signed statement of its chain head: device
 * id, dseq, the hash of the sighting at dseq, and when it was signed.
 * Once a checkpoint has left the device (a merge into the centre, a line
 * kept by the office) the chain cannot be cut or rewritten before it
 * unseen, even by whoever holds the device and its key. */

typedef struct izin_checkpoint {
	char device[IZIN_DEVICE_LEN + 1];
	int64_t dseq;                           /* >= 1 */
	unsigned char hash[IZIN_LOG_HASH_LEN];  /* of the sighting at dseq */
	int64_t time;                           /* seconds since 1970, UTC */
	uint8_t sig[IZIN_SIG_LEN];
} izin_checkpoint;

/* A checkpoint line with its newline and NUL fits in this many bytes:
 *   izin-checkpoint DEVICE DSEQ HASH TIME SIG
 * HASH 64 hex digits, TIME "YYYY-MM-DDTHH:MM:SSZ", SIG Base64.  The
 * signature covers "izin-checkpoint 1\n" and the line up to the space
 * before SIG. */
#define IZIN_CHECKPOINT_MAX 256
/* A device line, with its newline and NUL:  izin-device DEVICE PK */
#define IZIN_DEVLINE_MAX 96

/* Sign cp (its device, dseq, hash and time set) with a device key:
 * IZIN_EROLE for any other key, IZIN_EINVAL for a device id that is not
 * IZIN_DEVICE_LEN lowercase hex digits or a dseq below 1. */
int izin_checkpoint_sign(const izin_seckey *sk, izin_checkpoint *cp);
/* IZIN_OK when cp's signature verifies with pk, IZIN_EBADSIG otherwise. */
int izin_checkpoint_check(const izin_checkpoint *cp,
                          const uint8_t pk[IZIN_PK_LEN]);
/* The line (with its newline) into buf (IZIN_CHECKPOINT_MAX bytes);
 * returns its length. */
int izin_checkpoint_format(const izin_checkpoint *cp, char *buf);
/* Parse one line (without its newline), strictly: IZIN_ELIST otherwise.
 * The signature is not checked. */
int izin_checkpoint_parse(const char *line, size_t len,
                          izin_checkpoint *cp);
/* A device's id and public key as one line (with its newline) into buf
 * (IZIN_DEVLINE_MAX bytes), for the centre's list of known devices;
 * returns its length. */
int izin_device_format(const char *device, const uint8_t pk[IZIN_PK_LEN],
                       char *buf);
/* Parse one device line (without its newline): IZIN_EKEYFILE when it is
 * not one, or its key is not a valid point. */
int izin_device_parse(const char *line, size_t len,
                      char device[IZIN_DEVICE_LEN + 1],
                      uint8_t pk[IZIN_PK_LEN]);

/* The key lg holds for device (the log's own device key, or a device a
 * centre enrolled): *found 0 when it holds none. */
int izin_log_key(izin_log *lg, const char *device, uint8_t pk[IZIN_PK_LEN],
                 int *found);
/* Hold pk as device's key, in a transaction of its own (lg writable).
 * The same key again is fine; another key for a device that has one is
 * IZIN_EKEYCHANGE: a device's key never changes. */
int izin_log_enrol(izin_log *lg, const char *device,
                   const uint8_t pk[IZIN_PK_LEN]);
/* Every device's newest checkpoint that lg holds, by device; a non-zero
 * return from fn stops and is returned. */
int izin_log_checkpoints(izin_log *lg,
                         int (*fn)(void *arg, const izin_checkpoint *cp),
                         void *arg);

/* As izin_log_verify(), and every chain checked against n checkpoints kept elsewhere
 * (izin_checkpoint_parse()) too.  Each checkpoint, those the log holds
 * and these, must verify with the key the log holds for its device, and
 * its device's chain must reach its dseq with its hash there: a chain
 * that ends before it is a cut tail, a hash that differs a rewritten one
 * (f->device and f->dseq name the device and the checkpoint). */
int izin_log_verify_with(izin_log *lg, const izin_checkpoint *cps, size_t n,
                         int64_t *count, izin_log_fault *f);

/* How a writer signs checkpoints of its own device's chain. */
typedef struct izin_log_signer {
	const izin_seckey *key;     /* borrowed until izin_log_close(): the
	                             * log's device key */
	int64_t every;              /* sightings since the newest checkpoint
	                             * before the next (>= 1) */
	int64_t gap;                /* and seconds since it, at least */
	int64_t (*now)(void *arg);  /* the time a checkpoint carries */
	void *arg;
} izin_log_signer;

/* From now on izin_log_commit() signs a checkpoint of the log's own chain
 * in the same transaction when one is due (every sightings and gap
 * seconds since the newest).  IZIN_EKEYCHANGE when s->key is not the key
 * the log holds for its device; IZIN_EROLE for a key that is not a device
 * key.  A signer never signs over a chain that does not reach the newest
 * checkpoint with its hash: the first commit (or izin_log_checkpoint())
 * then fails with IZIN_ECUT, writing nothing, and izin_log_errmsg() names
 * the dseq, so the evidence stays for --verify and the centre. */
int izin_log_set_signer(izin_log *lg, const izin_log_signer *s);
/* Sign a checkpoint of the log's own chain head now, in a transaction of
 * its own, unless the newest one already names the head or the device has
 * no sighting yet (what a tool does at the end of a run, so that the last
 * sightings are covered). */
int izin_log_checkpoint(izin_log *lg);

/* ---- The issued-permit register ---------------------------------------- */

/* Every card an office seals (qr-issue --register) is recorded in the
 * permits table of a log location, so that a card whose seal verifies but
 * which no office registered (a key stolen, a back-dated issue date) shows
 * (qr-scan --register: UNREGISTERED).  A permit number may be registered
 * with several payloads (a card reissued): each (permit, digest) once. */

#define IZIN_DIGEST_LEN 32          /* BLAKE2b-256 of a payload's text */

/* One card as the register holds it (strings borrowed, dates as
 * YYYY-MM-DD). */
typedef struct izin_reg {
	const char *permit, *kind, *name, *nationality, *passport;
	const char *issued, *valid_from, *valid_until, *office, *kid;
	unsigned char digest[IZIN_DIGEST_LEN];
} izin_reg;

/* The digest of a payload's text, as the register keeps it. */
void izin_reg_digest(const char *payload, size_t len,
                     unsigned char out[IZIN_DIGEST_LEN]);
/* Register n cards in one transaction: all or none.  A (permit, digest)
 * already held is left as it is (registering again is harmless). */
int izin_reg_put(izin_log *lg, const izin_reg *v, size_t n);
/* What the register holds of permit with digest: */
enum {
	IZIN_REG_NONE = 0,   /* nothing of this permit number */
	IZIN_REG_OTHER = 1,  /* the permit, with other payloads only */
	IZIN_REG_MATCH = 2   /* this very card */
};
int izin_reg_find(izin_log *lg, const char *permit,
                  const unsigned char digest[IZIN_DIGEST_LEN], int *found);

#endif
