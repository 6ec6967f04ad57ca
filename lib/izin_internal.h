/*
 * izin_internal.h - library internals shared between lib/ files and the
 * unit tests.  Not installed, not part of the API.
 */
#ifndef IZIN_INTERNAL_H
#define IZIN_INTERNAL_H

#include "izin.h"

/* Marks a string for people that the tools translate (xgettext finds it
 * by this keyword); the library itself never calls gettext. */
#ifndef N_
#define N_(s) (s)
#endif

/* Check len bytes of s as strict UTF-8 text for a name or address:
 * IZIN_EUTF8 for invalid or overlong sequences, surrogates or code points
 * above U+10FFFF; IZIN_ECTRL for C0/C1 controls, DEL and the Unicode
 * bidirectional embedding, override and isolate characters. */
int izin_utf8_check(const char *s, size_t len);

/* Domain separation strings: each signature covers one of these first,
 * so a signature made for one purpose never verifies for another. */
#define IZIN_DOMAIN_PERMIT "izin permit seal\0"
#define IZIN_DOMAIN_LIST "izin signed list\0"

/* Sign or verify msg under a domain string (dlen bytes). */
struct izin_seckey;
int izin_sign_detached(const struct izin_seckey *sk, const char *domain,
                       size_t dlen, const uint8_t *msg, size_t len,
                       uint8_t sig[IZIN_SIG_LEN]);
/* Try every trusted key with this key id.  IZIN_OK when one verifies the
 * signature, has this role (IZIN_ROLE_*), holds date in its window and
 * (when office is not NULL) is that office's; that key goes to *key.
 * Otherwise the nearest miss: IZIN_EWITHDRAWN, IZIN_EKEYWINDOW or
 * IZIN_EOFFICE (a key verified but may not vouch for this), IZIN_EROLE
 * (a key of the other role verified), IZIN_EBADSIG, or IZIN_EUNKNOWNKEY
 * when no key has the id. */
struct izin_trust;
int izin_trust_verify(const struct izin_trust *t,
                      const uint8_t kid[IZIN_KID_LEN], const char *domain,
                      size_t dlen, const uint8_t *msg, size_t len,
                      const uint8_t sig[IZIN_SIG_LEN], int role,
                      izin_date date, const char *office,
                      const izin_pubkey **key);

/* Split a signed list of this kind into its body (*bodylen bytes) and
 * the signature line's date, key id and signature, without verifying:
 * IZIN_EUNSIGNED, IZIN_ELIST or IZIN_ELISTKIND as izin_list_verify(). */
int izin_list_split(const char *kind, const char *text, size_t len,
                    size_t *bodylen, izin_date *date,
                    uint8_t kid[IZIN_KID_LEN], uint8_t sig[IZIN_SIG_LEN]);

/* izin_pubkey_parse() with flags: IZIN_PARSE_WITHDRAWN takes a trust
 * list's "withdrawn DATE" marker; IZIN_PARSE_NOPOINT skips the check
 * that the key is a valid Ed25519 point of the main subgroup (some 65 us
 * a key), for lines whose signer made that check: the root checks every
 * key it signs into a trust list. */
#define IZIN_PARSE_WITHDRAWN 1
#define IZIN_PARSE_NOPOINT 2
int izin_pubkey_parse_ext(const char *line, size_t len, int flags,
                          izin_pubkey *pub);
/* IZIN_EKEYFILE unless the key is a valid point of the main subgroup. */
int izin_pubkey_check_point(const izin_pubkey *pub);

/* Strict decoders for key material: exactly the text the encoders write
 * (lowercase hex; canonical padded Base64 of exactly n bytes), so a key
 * id or signature has one spelling only.  IZIN_EINVAL otherwise. */
int izin_parse_kid(const char *s, size_t len, uint8_t kid[IZIN_KID_LEN]);
int izin_unb64(const char *s, size_t len, uint8_t *dst, size_t n);

/* Open a regular file for reading (O_NONBLOCK, so a FIFO is refused, not
 * waited on; extra open flags such as O_NOFOLLOW in flags) and fstat it
 * into *st.  The descriptor, or IZIN_EIO (errno kept) or IZIN_ENOTFILE. */
struct stat;
int izin_open_regular(const char *path, int flags, struct stat *st);
/* Read from fd into buf until end of file or max + 1 bytes (so *len >
 * max tells the file is too long); IZIN_EIO on a read error. */
int izin_read_all(int fd, char *buf, size_t max, size_t *len);

/* Read a whole small file (at most max bytes) into a new buffer with a
 * NUL after it; caller frees.  IZIN_ELENGTH when it is larger. */
int izin_read_file(const char *path, size_t max, char **out, size_t *len);

/* Split s (len bytes) at single spaces into exactly n non-empty words;
 * IZIN_EINVAL otherwise. */
int izin_split_words(const char *s, size_t len, const char **w, size_t *wl,
                     size_t n);

/* ---- TSV cells (tsv.c) -------------------------------------------------
 * The one escape, unescape and split of izin-record(5) TSV in the library.
 */

/* A growable byte buffer: len bytes at p, room for cap.  Zeroed is empty;
 * izin_buf_free() releases it (and leaves it empty). */
struct izin_buf {
	char *p;
	size_t len, cap;
};
/* Room for extra more bytes and a NUL after them; IZIN_ENOMEM. */
int izin_buf_reserve(struct izin_buf *b, size_t extra);
/* Append len bytes of s (copied), NUL-ended; IZIN_ENOMEM. */
int izin_buf_add(struct izin_buf *b, const char *s, size_t len);
void izin_buf_free(struct izin_buf *b);

/* Append s (len bytes) escaped as a TSV value (backslash, tab, LF, CR as
 * \\ \t \n \r), NUL-ended; IZIN_ENOMEM. */
int izin_tsv_escape(struct izin_buf *b, const char *s, size_t len);
/* The same at d, which has room for 2 * len bytes; returns the end. */
char *izin_tsv_escape_to(char *d, const char *s, size_t len);
/* Undo the escapes of s (len bytes) in place, updating *len and putting a
 * NUL after the result when it shrank; IZIN_EESCAPE for a backslash
 * before anything but \\ t n r, or at the end. */
int izin_tsv_unescape(char *s, size_t *len);

/* One cell of a split line: len bytes at v (pointing into the line). */
struct izin_cell {
	const char *v;
	size_t len;
};
/* Split a line (len bytes, writable, with a NUL at line[len]) at its tabs
 * into exactly n cells in place, each NUL-ended, into c[0..n-1].  *bs
 * tells whether a backslash was met (some cell may need unescaping).
 * IZIN_ECOLUMNS when the line holds more or fewer than n cells,
 * IZIN_ERECORD when it holds a NUL. */
int izin_tsv_split(char *line, size_t len, struct izin_cell *c, size_t n,
                   int *bs);
/* izin_tsv_split(), then every cell unescaped: also IZIN_EESCAPE. */
int izin_tsv_split_unescape(char *line, size_t len, struct izin_cell *c,
                            size_t n);

/* Feed the reader one line (len bytes, writable, NUL at line[len], no
 * newline, a CR at its end already dropped) as if read from its stream:
 * the line counts, a TSV reader takes its header from its first line and
 * skips the header again and empty lines.  1 with a record in r, 0 for a
 * line that holds none, or an error for this line, as izin_reader_next()
 * returns them.  r may point into line afterwards. */
int izin_reader_feed(izin_reader *rd, char *line, size_t len, izin_record *r);

#endif
