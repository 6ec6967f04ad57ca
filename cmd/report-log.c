/*
 * report-log - append sightings to a tamper-evident SQLite log, and ask it
 * for a permit's trail, each permit's last sighting or everything since a
 * sequence number; verify its hash chains; merge another device's log.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "izin.h"
#include "tool.h"

/*
 * Most records per transaction.  A crash loses at most the batch in
 * flight.  Large, because each commit rewrites every page of the permit
 * index that the batch touched: a batch of 1000 random permits touches
 * nearly 1000 pages, one of 50000 not many more (see tests/bench/log.sh).
 * Input that pauses is committed at once, so a slow pipe never waits.
 */
#define BATCH 50000

/* The largest file of checkpoint or device lines read (--checkpoint,
 * --enrol): a centre's list of every device's, a line each. */
#define LINES_MAX (64 * 1024 * 1024)

enum {
	M_APPEND, M_TRAIL, M_LAST_SEEN, M_EXPORT, M_VERIFY, M_MERGE,
	M_DEVICE_KEY, M_CHECKPOINTS, M_ENROL,
	M_CLONES
};
static const char *const mode_opt[] = {
	"", "--trail", "--last-seen", "--export", "--verify", "--merge",
	"--device-key", "--checkpoints", "--enrol",
	"--clones"
};

enum {
	OPT_REPORTER = 256, OPT_KIND, OPT_PLACE, OPT_AT, OPT_TIME, OPT_TRAIL,
	OPT_LAST_SEEN, OPT_PERMIT, OPT_EXPORT, OPT_AFTER, OPT_SINCE, OPT_UNTIL,
	OPT_VERIFY, OPT_MERGE, OPT_JSON, OPT_CSV, OPT_PASSFILE, OPT_EVERY,
	OPT_DEVICE_KEY, OPT_CHECKPOINTS, OPT_CHECKPOINT, OPT_ENROL,
	OPT_ENROL_NEW,
	OPT_CLONES, OPT_SPEED
};
/* A map of a trail or of last sightings (lib/map.c). */
enum { OPT_GEOJSON = 512, OPT_KML, OPT_SVG };
static const char *const map_opt[] = { "", "--geojson", "--kml", "--svg" };

/* --clones: the fastest honest travel by default (a jet). */
#define SPEED_KMH 900.0

static const char *const synopsis = N_(
	"usage: report-log -d location --reporter id --reporter-kind kind\n"
	"                  [--place text] [--at lat,lon] [--time time]\n"
	"                  [-k keyfile] [--passphrase-file file]\n"
	"                  [--checkpoint-every n] [--json | --csv] [-q]\n"
	"       report-log -d location --trail permit [--since time]\n"
	"                  [--until time] [--json | --csv]\n"
	"       report-log -d location --last-seen [--permit permit]\n"
	"                  [--since time] [--until time] [--json | --csv]\n"
	"       report-log -d location --trail permit | --last-seen\n"
	"                  [--permit permit] [--since time] [--until time]\n"
	"                  --geojson | --kml | --svg\n"
	"       report-log -d location --export [--after seq] [--since time]\n"
	"                  [--until time] [--json | --csv]\n"
	"       report-log -d location --verify [--checkpoint file]\n"
	"       report-log -d location --merge other [--enrol-new] [-q]\n"
	"       report-log -d location --device-key\n"
	"       report-log -d location --checkpoints\n"
	"       report-log -d location --enrol file\n"
	"       report-log -d location --clones [--speed kmh]\n"
	"                  [--permit permit] [--since time] [--until time]\n"
	"                  [--json | --csv]\n");

static const char *const help_text = N_("\n"
	"Append one sighting per record read on standard input to a\n"
	"hash-chained log (an SQLite file or PostgreSQL), echoing each with\n"
	"its sighting columns; or query, verify or merge the log.\n\n"
	"  -d, --db location          the log: a file (made on the first\n"
	"                             append) or a PostgreSQL connection string\n"
	"      --reporter id          who saw: officer or office id\n"
	"      --reporter-kind kind   officer, hotel or company\n"
	"      --place text           where, in words\n"
	"      --at lat,lon           where, in decimal degrees\n"
	"      --time time            when: YYYY-MM-DDTHH:MM:SS+07:00 or ...Z\n"
	"                             (default now, local time and offset)\n"
	"      --trail permit         a permit's sightings in time order\n"
	"      --last-seen            each permit's latest sighting\n"
	"      --permit permit        only this permit's (with --last-seen\n"
	"                             or --clones)\n"
	"      --export               every sighting, with dseq and hash\n"
	"      --after seq            only sightings after seq (with --export)\n"
	"      --since time           only sightings at or after time\n"
	"      --until time           only sightings at or before time\n"
	"                             (a date YYYY-MM-DD is a whole local day)\n"
	"  -k, --key keyfile          the device's secret key (default: the\n"
	"                             log file's name and .key; made with it)\n"
	"      --passphrase-file file the device key's passphrase (a new key\n"
	"                             is encrypted with it)\n"
	"      --checkpoint-every n   sign a checkpoint of the chain head when\n"
	"                             n sightings are newer than the last\n"
	"                             (default 1; at most one a second, and\n"
	"                             one at the end; 0: none)\n"
	"      --verify               check every hash chain and checkpoint\n"
	"      --checkpoint file      and hold them to checkpoints kept\n"
	"                             elsewhere (with --verify)\n"
	"      --merge other          bring in another log's sightings\n"
	"      --enrol-new            take an unknown device's key from the\n"
	"                             other log (with --merge)\n"
	"      --device-key           print the log's device line\n"
	"      --checkpoints          print each device's newest checkpoint\n"
	"      --enrol file           know the devices of these device lines\n"
	"      --clones               copied cards: pairs of sightings of a\n"
	"                             permit too far apart for the time\n"
	"                             between (exit 1 when any is found)\n"
	"      --speed kmh            the fastest honest travel (with\n"
	"                             --clones; default 900)\n"
	"      --json                 records as JSON Lines\n"
	"      --csv                  records as CSV for a spreadsheet\n"
	"      --geojson              the trail or last sightings as GeoJSON\n"
	"      --kml                  the same as KML, for Google Earth\n"
	"      --svg                  the same drawn as an SVG picture\n"
	"  -q, --quiet                no progress line on a terminal (an\n"
	"                             append or a merge)\n"
	"  -h, --help                 show this help\n"
	"  -V, --version              show the version\n");

struct opts {
	const char *db, *trail, *permit, *merge, *at, *since_s, *until_s;
	const char *key, *passfile, *cpfile, *enrol;
	long every;
	/* The locations as messages show them: never a password. */
	char dbshow[512], mergeshow[512];
	izin_sighting s;
	char lat[32], lon[32];
	int mode, json, csv, after_given, enrol_new, quiet;
	int map;                /* IZIN_MAP_GEOJSON, _KML, _SVG, or 0 */
	long after;
	int64_t since, until;
	double speed;           /* --clones: km/h, 0 when not given */
};

struct out {
	izin_writer *w;
	int format, bad;
	const char *const *keys;   /* the TSV echo's header, once written */
};

static int
out_format(const struct opts *o)
{
	return o->json ? IZIN_FMT_JSON : o->csv ? IZIN_FMT_CSV : IZIN_FMT_TSV;
}

static void
set_mode(struct opts *o, int mode)
{
	if (o->mode != M_APPEND && o->mode != mode)
		izin_errx(2, "%s and %s contradict", mode_opt[o->mode],
		          mode_opt[mode]);
	o->mode = mode;
}

/* --speed: km/h, a number above 0 (a fraction is fine). */
static double
speed_arg(const char *s)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end != '\0' || errno != 0 || !(v > 0) ||
	    v > 1e6)
		izin_errx(2, "--speed: '%s' is not a speed in km/h above 0",
		          s);
	return v;
}

/* "LAT,LON" into the two halves; checked with the sighting. */
static void
split_at(struct opts *o, const char *s)
{
	const char *comma = strchr(s, ',');
	size_t n;

	if (comma == NULL || (n = (size_t)(comma - s)) >= sizeof o->lat ||
	    strlen(comma + 1) >= sizeof o->lon || n == 0 || comma[1] == '\0')
		izin_errx(2, "--at: '%s' is not LAT,LON in decimal degrees", s);
	memcpy(o->lat, s, n);
	o->lat[n] = '\0';
	strcpy(o->lon, comma + 1);
}

/* Local midnight starting a date, by the TZ rules in force that day. */
static int64_t
local_midnight(izin_date d)
{
	struct tm tm = { 0 };
	int y, m, day;

	izin_date_to_ymd(d, &y, &m, &day);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = day;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

/* --since / --until: a full time, or a date meaning the whole local day
 * (its first second for --since, its last for --until). */
static int64_t
bound_arg(const char *opt, const char *s, int end)
{
	izin_date d;
	int64_t t;

	if (strlen(s) == IZIN_DATE_LEN &&
	    izin_date_parse(s, IZIN_DATE_LEN, &d) == IZIN_OK)
		return end ? local_midnight(d + 1) - 1 : local_midnight(d);
	if (izin_time_parse(s, strlen(s), &t) != IZIN_OK)
		izin_errx(2, "%s: '%s' is not a date YYYY-MM-DD or a time "
		          "YYYY-MM-DDTHH:MM:SS+HH:MM", opt, s);
	return t;
}

/* Now, in local time with the local UTC offset: "...T10:15:00+07:00". */
static void
now_local(char buf[IZIN_TIME_MAX + 1])
{
	time_t now = time(NULL);
	struct tm tm;
	char z[8];

	localtime_r(&now, &tm);
	strftime(buf, IZIN_TIME_MAX + 1, "%Y-%m-%dT%H:%M:%S", &tm);
	strftime(z, sizeof z, "%z", &tm);
	if (strlen(z) == 5)
		snprintf(buf + 19, 7, "%.3s:%.2s", z, z + 3);
	else
		strcpy(buf + 19, "Z");
}

/* Is more input there without waiting?  Only then may a batch grow: a
 * scanner that sends one record and pauses gets it logged at once. */
static int
input_waiting(const izin_reader *rd)
{
	struct pollfd p;

	if (izin_reader_pending(rd))
		return 1;
	p.fd = fileno(stdin);
	p.events = POLLIN;
	p.revents = 0;
	/* An error or a hang-up is for the next read to find. */
	return poll(&p, 1, 0) != 0;
}

static izin_log *
open_log(const char *path, const char *shown, int mode)
{
	izin_log *lg;
	int err = izin_log_open(path, mode, &lg);

	if (err != IZIN_OK)
		izin_errx(2, "%s: %s", shown, izin_log_reason(lg, err));
	return lg;
}

static void
put(struct out *out, const izin_record *r)
{
	int err = izin_writer_put(out->w, r);

	if (err == IZIN_EIO)
		izin_errx(2, "stdout: %s", strerror(errno));
	if (err != IZIN_OK) {
		const char *seq = izin_record_get(r, "seq", NULL);
		izin_warnx("seq %s: cannot be written: %s%s", seq ? seq : "?",
		           _(izin_strerror(err)), err == IZIN_ECOLUMNS ?
		           _(" (columns differ from the first record's; "
		           "use --json)") : "");
		out->bad = 1;
	}
}

static int64_t
clock_now(void *arg)
{
	(void)arg;
	return (int64_t)time(NULL);
}

/* A new device key pair in a new 0600 file at path, encrypted when a
 * passphrase file is given; NULL when another process made one there
 * first (then load that one). */
static izin_seckey *
new_device_key(const char *path, const char *passfile)
{
	izin_seckey *sk;
	char *pass = NULL;
	size_t passlen = 0;
	int err;

	if (izin_seckey_generate_device(&sk) != IZIN_OK)
		izin_errx(2, "out of memory");
	if (passfile && izin_passphrase_file(passfile, &pass, &passlen))
		izin_errx(2, "%s: cannot read the passphrase", passfile);
	if (pass && passlen == 0)
		izin_errx(2, "%s: empty passphrase", passfile);
	err = izin_save_seckey(path, sk, pass, passlen, 0);
	izin_passphrase_free(pass);
	if (err == IZIN_EEXIST) {
		izin_seckey_free(sk);
		return NULL;
	}
	return sk;
}

/* The key that signs the log's checkpoints: from its key file, or made
 * now with the file for a log that holds none yet (a new log, or one made
 * before device keys).  It must be the key the log holds. */
static izin_seckey *
device_key(const struct opts *o, izin_log *lg, const char *path)
{
	const char *dev = izin_log_device(lg);
	uint8_t held[IZIN_PK_LEN];
	izin_seckey *sk = NULL;
	izin_pubkey pub;
	int err, found;

	if ((err = izin_log_key(lg, dev, held, &found)) != IZIN_OK)
		izin_errx(2, "%s: %s", o->dbshow, izin_log_reason(lg, err));
	if (access(path, F_OK) != 0 && errno == ENOENT) {
		if (found)
			izin_errx(2, "%s: the log's device key is missing, so "
			          "no checkpoint can be signed (name it with -k, "
			          "or append with --checkpoint-every 0)", path);
		sk = new_device_key(path, o->passfile);
	}
	if (sk == NULL)
		sk = izin_load_seckey(path, o->passfile);
	izin_seckey_public(sk, &pub);
	if (pub.role != IZIN_ROLE_DEVICE)
		izin_errx(2, "%s: not a device key", path);
	if (found && memcmp(held, pub.pk, IZIN_PK_LEN) != 0)
		izin_errx(2, "%s: not the device key of %s (it holds another)",
		          path, o->dbshow);
	if (!found && (err = izin_log_enrol(lg, dev, pub.pk)) != IZIN_OK)
		izin_errx(2, "%s: %s", o->dbshow, izin_log_reason(lg, err));
	return sk;
}

/* Sign checkpoints as the options say: a file log's key sits beside it
 * unless -k names it; a PostgreSQL log signs only with -k. */
static izin_seckey *
start_signing(const struct opts *o, izin_log *lg)
{
	izin_log_signer sg = { NULL, 0, 1, clock_now, NULL };
	izin_seckey *sk;
	char *path = NULL;
	int err;

	if (o->every == 0)
		return NULL;
	if (o->key == NULL && strcmp(izin_log_engine(lg), "sqlite") != 0)
		return NULL;
	if (o->key == NULL) {
		size_t n = strlen(o->db);
		if ((path = malloc(n + 5)) == NULL)
			izin_errx(2, "out of memory");
		memcpy(path, o->db, n);
		memcpy(path + n, ".key", 5);
	}
	sk = device_key(o, lg, path ? path : o->key);
	free(path);
	sg.key = sk;
	sg.every = o->every;
	if ((err = izin_log_set_signer(lg, &sg)) != IZIN_OK)
		izin_errx(2, "%s: %s", o->dbshow, izin_log_reason(lg, err));
	return sk;
}

struct append {
	izin_log *lg;
	const char *db;
	izin_sighting s;
	char now[IZIN_TIME_MAX + 1];
	struct out out;
};

/* A TSV echo goes out as the line the log made: a record is made only
 * for JSON and CSV, which costs more (see izin_log_commit()). */
static int
on_echo(void *arg, const izin_log_echo *e)
{
	struct out *out = arg;

	if (out->format == IZIN_FMT_JSON) {
		put(out, e->record);
		return 0;
	}
	if (out->keys == NULL) {
		if (izin_writer_columns(out->w, e->keys, e->nkeys) != IZIN_OK)
			izin_errx(2, "stdout: %s", strerror(errno));
		out->keys = e->keys;
	}
	if (e->keys != out->keys) {
		if (!out->bad)
			izin_warnx("records whose columns differ from the first "
			           "record's are logged but not echoed (use --json)");
		out->bad = 1;
		return 0;
	}
	if (out->format == IZIN_FMT_CSV) {
		put(out, e->record);
		return 0;
	}
	if (fwrite(e->line, 1, e->len, stdout) != e->len ||
	    putchar('\n') == EOF)
		izin_errx(2, "stdout: %s", strerror(errno));
	return 0;
}

static void
flush(struct append *a)
{
	size_t n = izin_log_pending(a->lg);
	int err;

	if (n == 0)
		return;
	if ((err = izin_log_commit(a->lg, &a->s,
	                           a->out.format != IZIN_FMT_TSV, on_echo,
	                           &a->out)) != IZIN_OK)
		izin_errx(2, "%s: %s; the last %zu records read are not logged",
		          a->db, izin_log_reason(a->lg, err), n);
	if (fflush(stdout) != 0)
		izin_errx(2, "stdout: %s", strerror(errno));
}

static uint64_t
stdin_at(void *arg)
{
	off_t at = ftello(stdin);

	(void)arg;
	return at > 0 ? (uint64_t)at : 0;
}

/* Records read on a terminal, by bytes when stdin is a file.  They are
 * echoed to stdout: when it is the terminal too, they are the progress. */
static izin_progress *
append_progress(const struct opts *o)
{
	izin_progress *prog = izin_progress_start(N_("records"), 0,
	    o->quiet || isatty(STDOUT_FILENO));
	struct stat sb;

	if (fstat(STDIN_FILENO, &sb) == 0 && S_ISREG(sb.st_mode))
		izin_progress_bytes(prog, (uint64_t)sb.st_size, stdin_at, NULL);
	return prog;
}

static int
append(const struct opts *o)
{
	izin_progress *prog;
	uint64_t nread = 0;
	struct append a = { 0 };
	izin_seckey *sk;
	izin_reader *rd;
	izin_record *r;
	const char *what;
	int err, bad = 0, fixed_time = o->s.time != NULL;

	a.db = o->dbshow;
	a.s = o->s;
	a.out.format = out_format(o);
	if (!fixed_time) {
		now_local(a.now);
		a.s.time = a.now;
	}
	if ((err = izin_sighting_check(&a.s, &what)) != IZIN_OK) {
		if (strcmp(what, "lat") == 0 || strcmp(what, "lon") == 0)
			izin_errx(2, "--at: %s must be decimal degrees within "
			          "%s", what, what[1] == 'a' ? "-90..90" :
			          "-180..180");
		izin_errx(2, "--%s: %s", strcmp(what, "reporter_kind") == 0 ?
		          "reporter-kind" : what, err == IZIN_EINVAL ?
		          _("must be officer, hotel or company") :
		          err == IZIN_EDATE ? _("not a time "
		          "YYYY-MM-DDTHH:MM:SS with Z or +HH:MM") :
		          _(izin_strerror(err)));
	}
	if ((r = izin_record_new()) == NULL ||
	    (rd = izin_reader_new(stdin, IZIN_FMT_AUTO)) == NULL ||
	    (a.out.w = izin_writer_new(stdout, a.out.format)) == NULL)
		izin_errx(2, "out of memory");
	a.lg = open_log(o->db, o->dbshow, IZIN_LOG_CREATE);
	sk = start_signing(o, a.lg);
	prog = append_progress(o);
	for (;;) {
		if (izin_log_pending(a.lg) > 0 && !input_waiting(rd))
			flush(&a);
		err = izin_reader_next(rd, r);
		if (err == 0)
			break;
		izin_progress_tick(prog, ++nread);
		if (err == IZIN_EIO)
			izin_errx(2, "stdin: %s", strerror(errno));
		if (err < 0) {
			izin_warnx("stdin:%lu: %s: not logged",
			           izin_reader_line(rd), _(izin_strerror(err)));
			bad = 1;
			continue;
		}
		/* A batch's records share the time its first was read. */
		if (izin_log_pending(a.lg) == 0 && !fixed_time)
			now_local(a.now);
		err = izin_log_add(a.lg, r);
		if (err == IZIN_EEMPTY) {
			izin_warnx("stdin:%lu: neither permit nor text: not logged",
			           izin_reader_line(rd));
			bad = 1;
			continue;
		}
		if (err != IZIN_OK)
			izin_errx(2, "%s", _(izin_strerror(err)));
		if (izin_log_pending(a.lg) == BATCH)
			flush(&a);
	}
	flush(&a);
	izin_progress_end(prog);
	/* The last sightings of the run are covered too. */
	if (sk != NULL && (err = izin_log_checkpoint(a.lg)) != IZIN_OK)
		izin_errx(2, "%s: %s; the sightings are logged, their last "
		          "checkpoint is not", a.db, izin_log_reason(a.lg, err));
	izin_log_close(a.lg);
	izin_seckey_free(sk);
	izin_reader_free(rd);
	izin_record_free(r);
	izin_writer_free(a.out.w);
	return bad || a.out.bad;
}

static int
on_columns(void *arg, const char *const *keys, size_t n)
{
	struct out *out = arg;
	if (izin_writer_columns(out->w, keys, n) != IZIN_OK)
		izin_errx(2, "stdout: %s", strerror(errno));
	return 0;
}

static int
on_record(void *arg, const izin_record *r)
{
	put(arg, r);
	return 0;
}

/* The trail or the last sightings as a map (--geojson, --kml, --svg). */
struct mapout {
	izin_map *m;
	int bad;
};

static int
on_map(void *arg, const izin_record *r)
{
	struct mapout *mo = arg;
	const char *seq = izin_record_get(r, "seq", NULL);
	int err = izin_map_put(mo->m, r);

	if (err == IZIN_EIO)
		izin_errx(2, "stdout: %s", strerror(errno));
	if (err < 0)
		izin_warnx("seq %s: cannot be mapped: %s", seq ? seq : "?",
		           _(izin_strerror(err)));
	else if (err == 1)
		izin_warnx("seq %s: lat and lon are not decimal degrees: "
		           "mapped without a position", seq ? seq : "?");
	mo->bad |= err != 0;
	return 0;
}

static int
map_query(const struct opts *o)
{
	const char *p = o->mode == M_TRAIL ? o->trail : o->permit;
	struct mapout mo = { NULL, 0 };
	char title[256];
	izin_log_query q;
	izin_log *lg;
	int err;

	if (p && strlen(p) > IZIN_PERMIT_MAX)
		izin_errx(2, "'%s' is not a permit number", p);
	if (o->mode == M_TRAIL)
		snprintf(title, sizeof title, _("Trail of %s"), p);
	else if (p)
		snprintf(title, sizeof title, _("Last seen: %s"), p);
	else
		snprintf(title, sizeof title, "%s", _("Last seen"));
	if ((mo.m = izin_map_new(stdout, o->map, o->mode == M_TRAIL ?
	                         IZIN_MAP_TRAIL : 0, title)) == NULL)
		izin_errx(2, "'%s' is not a permit number", p ? p : "");
	lg = open_log(o->db, o->dbshow, IZIN_LOG_READ);
	q = (izin_log_query){ o->mode == M_TRAIL ? IZIN_LOG_TRAIL :
	                      IZIN_LOG_LAST_SEEN, p, o->since, o->until, 0,
	                      NULL, on_map, &mo };
	if ((err = izin_log_run(lg, &q)) != IZIN_OK)
		izin_errx(2, "%s: %s", o->dbshow, izin_log_reason(lg, err));
	if ((err = izin_map_end(mo.m)) != IZIN_OK)
		izin_errx(2, "stdout: %s", err == IZIN_EIO ? strerror(errno) :
		          _(izin_strerror(err)));
	izin_log_close(lg);
	izin_map_free(mo.m);
	return mo.bad;
}

static int
query(const struct opts *o)
{
	static const int what[] = {
		[M_TRAIL] = IZIN_LOG_TRAIL, [M_LAST_SEEN] = IZIN_LOG_LAST_SEEN,
		[M_EXPORT] = IZIN_LOG_EXPORT
	};
	struct out out = { NULL, out_format(o), 0, NULL };
	izin_log_query q;
	izin_log *lg;
	int err;

	if (o->map)
		return map_query(o);
	if ((out.w = izin_writer_new(stdout, out.format)) == NULL)
		izin_errx(2, "out of memory");
	lg = open_log(o->db, o->dbshow, IZIN_LOG_READ);
	q = (izin_log_query){ what[o->mode], o->mode == M_TRAIL ? o->trail :
	                      o->permit, o->since, o->until, o->after,
	                      on_columns, on_record, &out };
	if ((err = izin_log_run(lg, &q)) != IZIN_OK)
		izin_errx(2, "%s: %s", o->dbshow, izin_log_reason(lg, err));
	izin_log_close(lg);
	izin_writer_free(out.w);
	return out.bad;
}

/* --clones: each pair found as two records; 1 when any is found. */
static int
clones(const struct opts *o)
{
	struct out out = { NULL, out_format(o), 0, NULL };
	izin_clone_query q;
	int64_t pairs;
	izin_log *lg;
	int err;

	if ((out.w = izin_writer_new(stdout, out.format)) == NULL)
		izin_errx(2, "out of memory");
	lg = open_log(o->db, o->dbshow, IZIN_LOG_READ);
	q = (izin_clone_query){ o->speed > 0 ? o->speed : SPEED_KMH,
	                        o->permit, o->since, o->until, on_columns,
	                        on_record, &out };
	if ((err = izin_log_clones(lg, &q, &pairs)) != IZIN_OK)
		izin_errx(2, "%s: %s", o->dbshow, izin_log_reason(lg, err));
	izin_log_close(lg);
	izin_writer_free(out.w);
	return pairs > 0 || out.bad;
}

/* The fault as a line: a device's (a checkpoint, a key) or a
 * sighting's. */
static void
fault_text(const izin_log_fault *f, char *buf, size_t size)
{
	if (f->device[0] && f->dseq > 0)
		snprintf(buf, size, _("device %s: dseq %lld: %s"), f->device,
		         (long long)f->dseq, _(f->why));
	else if (f->device[0])
		snprintf(buf, size, _("device %s: %s"), f->device, _(f->why));
	else if (f->has_seq)
		snprintf(buf, size, "seq %lld: %s", (long long)f->seq,
		         _(f->why));
	else
		snprintf(buf, size, "%s", _(f->why));
}

/* A file of lines read whole ("-": standard input), walked one line at a
 * time with blank lines and # comments left out. */
struct lines {
	char *text, *p, *end;
	const char *name;       /* the file as messages name it */
	unsigned long n;        /* the number of the line last given */
};

static void
lines_open(struct lines *ls, const char *path)
{
	size_t len;

	ls->text = ls->p = izin_slurp(path, LINES_MAX, &len);
	ls->end = ls->text + len;
	ls->name = strcmp(path, "-") == 0 ? "stdin" : path;
	ls->n = 0;
}

/* The next line, without its newline (or a CR before it); NULL at the
 * end. */
static const char *
lines_next(struct lines *ls, size_t *len)
{
	while (ls->p < ls->end) {
		char *s = ls->p, *nl = memchr(s, '\n', (size_t)(ls->end - s));
		size_t l = nl ? (size_t)(nl - s) : (size_t)(ls->end - s);
		ls->p = nl ? nl + 1 : ls->end;
		ls->n++;
		if (l > 0 && s[l - 1] == '\r')
			l--;
		if (l > 0 && s[0] != '#') {
			*len = l;
			return s;
		}
	}
	return NULL;
}

/* The checkpoint lines of a file kept elsewhere; exits 2 naming the line
 * of one that is not. */
static izin_checkpoint *
read_checkpoints(const char *path, size_t *n)
{
	izin_checkpoint *v = NULL;
	struct lines ls;
	const char *s;
	size_t len, cap = 0;

	*n = 0;
	lines_open(&ls, path);
	while ((s = lines_next(&ls, &len)) != NULL) {
		if (*n == cap) {
			izin_checkpoint *w;
			cap = cap ? 2 * cap : 16;
			if ((w = realloc(v, cap * sizeof(*w))) == NULL)
				izin_errx(2, "out of memory");
			v = w;
		}
		if (izin_checkpoint_parse(s, len, &v[*n]) != IZIN_OK)
			izin_errx(2, "%s:%lu: not a checkpoint line", ls.name,
			          ls.n);
		(*n)++;
	}
	if (*n == 0)
		izin_errx(2, "%s: no checkpoint in it", ls.name);
	free(ls.text);
	return v;
}

static int
verify(const struct opts *o)
{
	izin_log *lg = open_log(o->db, o->dbshow, IZIN_LOG_READ);
	izin_checkpoint *cps = NULL;
	izin_log_fault f;
	char why[256];
	size_t ncps = 0;
	int64_t count;
	int err;

	if (o->cpfile)
		cps = read_checkpoints(o->cpfile, &ncps);
	if ((err = izin_log_verify_with(lg, cps, ncps, &count, &f)) != IZIN_OK)
		izin_errx(2, "%s: %s", o->dbshow, izin_log_reason(lg, err));
	izin_log_close(lg);
	free(cps);
	if (f.found) {
		fault_text(&f, why, sizeof(why));
		printf("%s: %s\n", o->dbshow, why);
		return 1;
	}
	printf(ngettext("%s: %lld sighting, every chain verified\n",
	       "%s: %lld sightings, every chain verified\n",
	       (unsigned long)count), o->dbshow, (long long)count);
	return 0;
}

static void
merge_progress(void *arg, int64_t done, int64_t total)
{
	izin_progress_total(arg, total > 0 ? (uint64_t)total : 0);
	izin_progress_tick(arg, done > 0 ? (uint64_t)done : 0);
}

static int
merge(const struct opts *o)
{
	izin_progress *prog;
	izin_log *lg, *other;
	izin_log_fault f;
	char why[256];
	int64_t added;
	int err;

	other = open_log(o->merge, o->mergeshow, IZIN_LOG_READ);
	lg = open_log(o->db, o->dbshow, IZIN_LOG_CREATE);
	prog = izin_progress_start(N_("sightings"), 0, o->quiet);
	izin_log_set_progress(lg, merge_progress, prog);
	err = izin_log_merge(lg, other, o->enrol_new ? IZIN_MERGE_ENROL : 0,
	                     &added, &f);
	izin_progress_end(prog);
	if (err != IZIN_OK)
		izin_errx(2, "%s: %s", o->dbshow, izin_log_reason(lg, err));
	izin_log_close(lg);
	izin_log_close(other);
	if (f.found) {
		fault_text(&f, why, sizeof(why));
		izin_warnx("%s: %s: merge refused, nothing written",
		           o->mergeshow, why);
		return 1;
	}
	printf(ngettext("%s: %lld sighting merged\n",
	       "%s: %lld sightings merged\n", (unsigned long)added),
	       o->mergeshow, (long long)added);
	return 0;
}

static int
device_line(const struct opts *o)
{
	izin_log *lg = open_log(o->db, o->dbshow, IZIN_LOG_READ);
	char line[IZIN_DEVLINE_MAX];
	uint8_t pk[IZIN_PK_LEN];
	int err, found;

	if ((err = izin_log_key(lg, izin_log_device(lg), pk, &found)) != 0)
		izin_errx(2, "%s: %s", o->dbshow, izin_log_reason(lg, err));
	if (!found)
		izin_errx(2, "%s: no device key yet (an append with "
		          "checkpoints on makes it)", o->dbshow);
	izin_device_format(izin_log_device(lg), pk, line);
	fputs(line, stdout);
	izin_log_close(lg);
	return 0;
}

static int
print_checkpoint(void *arg, const izin_checkpoint *cp)
{
	char line[IZIN_CHECKPOINT_MAX];

	(void)arg;
	/* A damaged row cannot be written as a line: --verify names it. */
	if (izin_checkpoint_format(cp, line) < 0) {
		izin_warnx("device %s: stored checkpoint damaged", cp->device);
		return 0;
	}
	fputs(line, stdout);
	return 0;
}

static int
checkpoints(const struct opts *o)
{
	izin_log *lg = open_log(o->db, o->dbshow, IZIN_LOG_READ);
	int err;

	if ((err = izin_log_checkpoints(lg, print_checkpoint, NULL)) != 0)
		izin_errx(2, "%s: %s", o->dbshow, izin_log_reason(lg, err));
	izin_log_close(lg);
	return 0;
}

/* Know the devices of a file of device lines: each enrolled alone, so
 * one refused (another key for a known device) leaves the rest. */
static int
enrol(const struct opts *o)
{
	char dev[IZIN_DEVICE_LEN + 1];
	uint8_t pk[IZIN_PK_LEN];
	unsigned long added = 0;
	struct lines ls;
	const char *s;
	size_t len;
	izin_log *lg;
	int err, bad = 0;

	lines_open(&ls, o->enrol);
	lg = open_log(o->db, o->dbshow, IZIN_LOG_CREATE);
	while ((s = lines_next(&ls, &len)) != NULL) {
		if (izin_device_parse(s, len, dev, pk) != IZIN_OK) {
			izin_warnx("%s:%lu: not a device line: not enrolled",
			           ls.name, ls.n);
			bad = 1;
		} else if ((err = izin_log_enrol(lg, dev, pk)) ==
		           IZIN_EKEYCHANGE) {
			izin_warnx("%s:%lu: device %s: another key than the "
			           "one enrolled: refused", ls.name, ls.n, dev);
			bad = 1;
		} else if (err != IZIN_OK) {
			izin_errx(2, "%s: %s", o->dbshow,
			          izin_log_reason(lg, err));
		} else {
			added++;
		}
	}
	free(ls.text);
	izin_log_close(lg);
	printf(ngettext("%s: %lu device known\n", "%s: %lu devices known\n",
	       added), ls.name, added);
	return bad;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "reporter", required_argument, NULL, OPT_REPORTER },
		{ "reporter-kind", required_argument, NULL, OPT_KIND },
		{ "place", required_argument, NULL, OPT_PLACE },
		{ "at", required_argument, NULL, OPT_AT },
		{ "time", required_argument, NULL, OPT_TIME },
		{ "trail", required_argument, NULL, OPT_TRAIL },
		{ "last-seen", no_argument, NULL, OPT_LAST_SEEN },
		{ "permit", required_argument, NULL, OPT_PERMIT },
		{ "export", no_argument, NULL, OPT_EXPORT },
		{ "after", required_argument, NULL, OPT_AFTER },
		{ "since", required_argument, NULL, OPT_SINCE },
		{ "until", required_argument, NULL, OPT_UNTIL },
		{ "verify", no_argument, NULL, OPT_VERIFY },
		{ "merge", required_argument, NULL, OPT_MERGE },
		{ "key", required_argument, NULL, 'k' },
		{ "passphrase-file", required_argument, NULL, OPT_PASSFILE },
		{ "checkpoint-every", required_argument, NULL, OPT_EVERY },
		{ "checkpoint", required_argument, NULL, OPT_CHECKPOINT },
		{ "enrol-new", no_argument, NULL, OPT_ENROL_NEW },
		{ "device-key", no_argument, NULL, OPT_DEVICE_KEY },
		{ "checkpoints", no_argument, NULL, OPT_CHECKPOINTS },
		{ "enrol", required_argument, NULL, OPT_ENROL },
		{ "clones", no_argument, NULL, OPT_CLONES },
		{ "speed", required_argument, NULL, OPT_SPEED },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "csv", no_argument, NULL, OPT_CSV },
		{ "quiet", no_argument, NULL, 'q' },
		{ "geojson", no_argument, NULL, OPT_GEOJSON },
		{ "kml", no_argument, NULL, OPT_KML },
		{ "svg", no_argument, NULL, OPT_SVG },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct opts o = { 0 };
	int c, rc;

	izin_setprogname(argv[0]);
	o.s.place = "";
	o.s.lat = o.s.lon = "";
	o.since = INT64_MIN;
	o.until = INT64_MAX;
	o.every = -1;
	while ((c = getopt_long(argc, argv, "d:k:qhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': o.db = optarg; break;
		case OPT_REPORTER: o.s.reporter = optarg; break;
		case OPT_KIND: o.s.reporter_kind = optarg; break;
		case OPT_PLACE: o.s.place = optarg; break;
		case OPT_AT: o.at = optarg; break;
		case OPT_TIME: o.s.time = optarg; break;
		case OPT_TRAIL: set_mode(&o, M_TRAIL); o.trail = optarg; break;
		case OPT_LAST_SEEN: set_mode(&o, M_LAST_SEEN); break;
		case OPT_PERMIT: o.permit = optarg; break;
		case OPT_EXPORT: set_mode(&o, M_EXPORT); break;
		case OPT_AFTER:
			if (izin_parse_long(optarg, 0, LONG_MAX, &o.after))
				izin_errx(2, "--after: '%s' is not a sequence "
				          "number", optarg);
			o.after_given = 1;
			break;
		case OPT_SINCE: o.since_s = optarg; break;
		case OPT_UNTIL: o.until_s = optarg; break;
		case OPT_VERIFY: set_mode(&o, M_VERIFY); break;
		case OPT_MERGE: set_mode(&o, M_MERGE); o.merge = optarg; break;
		case 'k': o.key = optarg; break;
		case OPT_PASSFILE: o.passfile = optarg; break;
		case OPT_EVERY:
			o.every = izin_num_arg("--checkpoint-every", optarg, 0,
			                       LONG_MAX);
			break;
		case OPT_CHECKPOINT: o.cpfile = optarg; break;
		case OPT_ENROL_NEW: o.enrol_new = 1; break;
		case OPT_DEVICE_KEY: set_mode(&o, M_DEVICE_KEY); break;
		case OPT_CHECKPOINTS: set_mode(&o, M_CHECKPOINTS); break;
		case OPT_ENROL: set_mode(&o, M_ENROL); o.enrol = optarg; break;
		case OPT_CLONES: set_mode(&o, M_CLONES); break;
		case OPT_SPEED: o.speed = speed_arg(optarg); break;
		case OPT_JSON: o.json = 1; break;
		case OPT_CSV: o.csv = 1; break;
		case 'q': o.quiet = 1; break;
		case OPT_GEOJSON: case OPT_KML: case OPT_SVG:
			if (o.map && o.map != c - OPT_GEOJSON + 1)
				izin_errx(2, "%s and %s contradict",
				          map_opt[o.map],
				          map_opt[c - OPT_GEOJSON + 1]);
			o.map = c - OPT_GEOJSON + 1;
			break;
		case 'h': izin_help(synopsis, help_text);
		case 'V': izin_version();
		default: izin_usage(synopsis);
		}
	}
	if (optind != argc)
		izin_usage(synopsis);
	if (o.db == NULL)
		izin_errx(2, "missing -d db");
	izin_log_show(o.db, o.dbshow, sizeof(o.dbshow));
	izin_log_show(o.merge, o.mergeshow, sizeof(o.mergeshow));
	if (o.json && o.csv)
		izin_errx(2, "--json and --csv contradict");
	if (o.mode == M_APPEND) {
		if (o.s.reporter == NULL)
			izin_errx(2, "missing --reporter (who saw the permits)");
		if (o.s.reporter_kind == NULL)
			izin_errx(2, "missing --reporter-kind (officer, hotel or "
			          "company)");
	} else if (o.s.reporter || o.s.reporter_kind || *o.s.place || o.at ||
	           o.s.time) {
		izin_errx(2, "--reporter, --reporter-kind, --place, --at and "
		          "--time are for appending, not with %s",
		          mode_opt[o.mode]);
	}
	if (o.permit && o.mode != M_LAST_SEEN && o.mode != M_CLONES)
		izin_errx(2, "--permit goes with --last-seen or --clones (for "
		          "a trail, --trail permit)");
	if (o.speed > 0 && o.mode != M_CLONES)
		izin_errx(2, "--speed goes with --clones");
	if (o.after_given && o.mode != M_EXPORT)
		izin_errx(2, "--after goes with --export");
	if ((o.since_s || o.until_s) && (o.mode == M_APPEND ||
	    o.mode >= M_VERIFY) && o.mode != M_CLONES)
		izin_errx(2, "--since and --until go with --trail, --last-seen, "
		          "--export or --clones");
	if ((o.key || o.passfile || o.every >= 0) && o.mode != M_APPEND)
		izin_errx(2, "-k, --passphrase-file and --checkpoint-every are "
		          "for appending, not with %s", mode_opt[o.mode]);
	if (o.every < 0)
		o.every = 1;
	if (o.cpfile && o.mode != M_VERIFY)
		izin_errx(2, "--checkpoint goes with --verify");
	if (o.enrol_new && o.mode != M_MERGE)
		izin_errx(2, "--enrol-new goes with --merge");
	if ((o.json || o.csv) && o.mode >= M_VERIFY && o.mode != M_CLONES)
		izin_errx(2, "--%s has no records to format with %s",
		          o.json ? "json" : "csv", mode_opt[o.mode]);
	if (o.map && (o.json || o.csv))
		izin_errx(2, "%s and %s contradict", o.json ? "--json" : "--csv",
		          map_opt[o.map]);
	if (o.map && o.mode != M_TRAIL && o.mode != M_LAST_SEEN)
		izin_errx(2, "%s goes with --trail or --last-seen",
		          map_opt[o.map]);
	if (o.since_s)
		o.since = bound_arg("--since", o.since_s, 0);
	if (o.until_s)
		o.until = bound_arg("--until", o.until_s, 1);
	if (o.since > o.until)
		izin_errx(2, "--since is after --until");
	if (o.at) {
		split_at(&o, o.at);
		o.s.lat = o.lat;
		o.s.lon = o.lon;
	}
	if (izin_init() != IZIN_OK)
		izin_errx(2, "%s", _(izin_strerror(IZIN_ECRYPTO)));

	switch (o.mode) {
	case M_APPEND: rc = append(&o); break;
	case M_VERIFY: rc = verify(&o); break;
	case M_MERGE: rc = merge(&o); break;
	case M_DEVICE_KEY: rc = device_line(&o); break;
	case M_CHECKPOINTS: rc = checkpoints(&o); break;
	case M_ENROL: rc = enrol(&o); break;
	case M_CLONES: rc = clones(&o); break;
	default: rc = query(&o); break;
	}
	if (izin_close_stdout() != IZIN_OK) {
		izin_warn("stdout");
		return 2;
	}
	return rc;
}
