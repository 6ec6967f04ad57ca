/*
 * stay-check - validity, expiry and overstay for a stream of records: each
 * record goes out again with state, days, action and fee added, for a
 * nightly cron job or an officer's pipe from qr-scan.  The records pass
 * through izin_passthru, which leaves a plain TSV line as it came and
 * appends the four cells: most of the cost of a nightly run over a
 * register would otherwise be splitting, unescaping and escaping again
 * columns this tool never looks at.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "izin.h"
#include "tool.h"

enum { OPT_ON = 256, OPT_DEPORT, OPT_FEE, OPT_JSON, OPT_CSV };

static const char *const synopsis = N_(
	"usage: stay-check [--on date] [-w days] [--deport-after days]\n"
	"                  [--fee-per-day idr] [-o states] [-s] [-q]\n"
	"                  [--json | --csv] [file ...]\n");

static const char *const help_text = N_("\n"
	"Read records (qr-issue's register, qr-scan's or report-log's output)\n"
	"and write them back with state, days, action and fee added.\n\n"
	"      --on date              evaluate on this date (default today);\n"
	"                             a record's sighting time wins\n"
	"  -w, --warn days            EXPIRING this many days ahead (default 30)\n"
	"      --deport-after days    days over from which to deport (default 60)\n"
	"      --fee-per-day idr      overstay fee a day (default 1000000)\n"
	"  -o, --only states          write only these states: a comma list of\n"
	"                             VALID, EXPIRING, NOT_YET_VALID, EXPIRED,\n"
	"                             UNVERIFIED\n"
	"  -s, --summary              count the records of each state on stderr\n"
	"  -q, --quiet                no progress line on a terminal\n"
	"      --json                 write JSON Lines whatever the input\n"
	"      --csv                  write CSV for a spreadsheet\n"
	"  -h, --help                 show this help\n"
	"  -V, --version              show the version\n\n"
	"Exit status: 0 every record written is VALID, 1 some record written\n"
	"is not, 2 a bad record or trouble.\n");

/* The columns stay-check adds, in order. */
enum { C_STATE, C_DAYS, C_ACTION, C_FEE, NOUT };
static const char *const out_names[NOUT] = { "state", "days", "action", "fee" };

/* The columns it reads. */
enum { I_STATUS, I_TIME, I_FROM, I_UNTIL, NIN };
static const char *const in_names[NIN] = {
	"status", "time", "valid_from", "valid_until"
};

struct opts {
	izin_date on;
	izin_stay_rules rules;
	unsigned only;          /* bit per state written */
	int summary, json, csv, quiet;
};

struct run {
	const struct opts *o;
	izin_passthru *p;
	const char *name;       /* of the input being read */
	unsigned long told;     /* 1 + layout whose missing column was told */
	unsigned long long count[IZIN_STAY_NSTATES], nfee, ndeport, bad;
	unsigned long long fees;
	int flagged, trouble;
	izin_progress *prog;    /* records read, by bytes of regular files */
	uint64_t nread, base;   /* base: bytes of the files read before */
	FILE *fp;
};

static unsigned
states_arg(const char *s)
{
	unsigned mask = 0;
	const char *end;
	int st;

	for (;;) {
		end = strchrnul(s, ',');
		st = izin_stay_state_parse(s, (size_t)(end - s));
		if (st < 0)
			izin_errx(2, "-o: unknown state '%.*s' (VALID, EXPIRING, "
			          "NOT_YET_VALID, EXPIRED, UNVERIFIED)",
			          (int)(end - s), s);
		mask |= 1u << st;
		if (*end == '\0')
			return mask;
		s = end + 1;
	}
}

/* Decimal text of v (not negative), at the end of buf. */
static const char *
fmt_num(char buf[24], long long v)
{
	char *t = buf + 23;

	*t = '\0';
	do
		*--t = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	return t;
}

static const char no_column[] = "no such column";

/*
 * Evaluate the record into *st.  On a bad record returns -1 with the
 * column in *col and what is wrong with it in *why.
 */
static int
evaluate(const struct opts *o, const izin_passthru *p, izin_stay *st,
         const char **col, const char **why)
{
	izin_date on = o->on, d[NIN];
	const char *v[NIN];
	size_t len[NIN];
	int err;

	for (int i = 0; i < NIN; i++)
		v[i] = izin_passthru_get(p, (size_t)i, &len[i]);
	/* qr-scan's verdict on the seal comes first: dates it cannot vouch
	 * for get none of ours. */
	if (v[I_STATUS] != NULL && (len[I_STATUS] != 5 ||
	    memcmp(v[I_STATUS], "VALID", 5) != 0)) {
		*st = (izin_stay){ .state = IZIN_STAY_UNVERIFIED };
		return 0;
	}
	/* A sighting proves where the holder was on its own date. */
	if (v[I_TIME] != NULL && len[I_TIME] > 0 &&
	    izin_time_date(v[I_TIME], len[I_TIME], &on) != IZIN_OK) {
		*col = in_names[I_TIME];
		*why = _("invalid time (want YYYY-MM-DDThh:mm:ss+hh:mm)");
		return -1;
	}
	for (int i = I_FROM; i <= I_UNTIL; i++) {
		*col = in_names[i];
		if (v[i] == NULL) {
			*why = no_column;
			return -1;
		}
		if (izin_date_parse(v[i], len[i], &d[i]) != IZIN_OK) {
			*why = _(izin_strerror(IZIN_EDATE));
			return -1;
		}
	}
	if ((err = izin_stay_eval(&o->rules, on, d[I_FROM], d[I_UNTIL],
	    st)) != IZIN_OK) {
		*why = _(izin_strerror(err));
		return -1;
	}
	return 0;
}

static void
bad_record(struct run *run, const char *col, const char *why)
{
	unsigned long layout = izin_passthru_layout(run->p);

	run->bad++;
	/* A column missing from one record is missing from every record of
	 * its kind: say so once. */
	if (why == no_column) {
		if (run->told == layout + 1)
			return;
		run->told = layout + 1;
	}
	izin_warnx("%s:%lu: %s%s%s", run->name, izin_passthru_line(run->p),
	           col != NULL ? col : "", col != NULL ? ": " : "",
	           why == no_column ? _("no such column") : why);
}

static void
write_error(void)
{
	izin_errx(2, "stdout: %s", strerror(errno));
}

/* Evaluate and write the record read. */
static void
check_record(struct run *run)
{
	char days[24], fee[24];
	const char *vals[NOUT], *col, *why;
	izin_stay st;
	int err;

	if (evaluate(run->o, run->p, &st, &col, &why) != 0) {
		bad_record(run, col, why);
		return;
	}
	vals[C_STATE] = izin_stay_state_name(st.state);
	vals[C_DAYS] = st.state == IZIN_STAY_UNVERIFIED ? "" :
	               fmt_num(days, st.days);
	vals[C_ACTION] = st.action == IZIN_ACTION_FEE ? "fee" :
	                 st.action == IZIN_ACTION_DEPORT ? "deport" : "";
	vals[C_FEE] = st.action == IZIN_ACTION_FEE ? fmt_num(fee, st.fee) : "";
	if ((err = izin_passthru_set(run->p, vals, NULL)) == IZIN_EIO)
		write_error();
	if (err != IZIN_OK)
		izin_errx(2, "%s", _(izin_strerror(err)));
	run->count[st.state]++;
	run->nfee += st.action == IZIN_ACTION_FEE;
	run->fees += (unsigned long long)st.fee;      /* 0 but for a fee */
	run->ndeport += st.action == IZIN_ACTION_DEPORT;
	if (!(run->o->only & 1u << st.state))
		return;
	run->flagged |= st.state != IZIN_STAY_VALID;
	if ((err = izin_passthru_write(run->p)) == IZIN_EIO)
		write_error();
	if (err != IZIN_OK)
		bad_record(run, NULL, err == IZIN_ECOLUMNS ?
		           _("columns differ from the first file's") :
		           _(izin_strerror(err)));
}

/* One file operand; - is standard input. */
static void
check_path(struct run *run, const char *path)
{
	int std = strcmp(path, "-") == 0, rc;
	FILE *fp;

	run->name = std ? "stdin" : path;
	if ((fp = std ? stdin : fopen(path, "r")) == NULL) {
		izin_warn("%s", path);
		run->trouble = 1;
		return;
	}
	izin_passthru_open(run->p, fp);
	run->fp = fp;
	while ((rc = izin_passthru_next(run->p)) != 0) {
		izin_progress_tick(run->prog, ++run->nread);
		if (rc == IZIN_EIO) {
			izin_warn("%s", run->name);
			run->trouble = 1;
			break;
		}
		if (rc == IZIN_ENOMEM)
			izin_errx(2, "out of memory");
		if (rc < 0)
			bad_record(run, NULL, _(izin_strerror(rc)));
		else
			check_record(run);
	}
	if (!std) {
		struct stat sb;
		if (fstat(fileno(fp), &sb) == 0)
			run->base += (uint64_t)sb.st_size;
		fclose(fp);
	}
	run->fp = NULL;
}

static uint64_t
bytes_read(void *arg)
{
	const struct run *run = arg;
	off_t at = run->fp != NULL ? ftello(run->fp) : 0;

	return run->base + (at > 0 ? (uint64_t)at : 0);
}

/* A progress line measured by bytes when every input is a regular file
 * (their sizes known), else by count and rate alone.  Records stream to
 * stdout: when it is the terminal too, they are the progress. */
static void
start_progress(struct run *run, int quiet, char **paths, int n)
{
	uint64_t size = 0;
	struct stat sb;

	run->prog = izin_progress_start(N_("records"), 0,
	                                quiet || isatty(STDOUT_FILENO));
	for (int i = 0; i < n; i++) {
		if (strcmp(paths[i], "-") == 0 ? fstat(STDIN_FILENO, &sb) :
		    stat(paths[i], &sb))
			return;
		if (!S_ISREG(sb.st_mode))
			return;
		size += (uint64_t)sb.st_size;
	}
	if (n == 0 && (fstat(STDIN_FILENO, &sb) || !S_ISREG(sb.st_mode)))
		return;
	if (n == 0)
		size = (uint64_t)sb.st_size;
	izin_progress_bytes(run->prog, size, bytes_read, run);
}

static void
summary(const struct run *run)
{
	for (int s = 0; s < IZIN_STAY_NSTATES; s++)
		if (s == IZIN_STAY_EXPIRED)
			izin_warnx("%-13s %llu (fee %llu, deport %llu; "
			           "fees IDR %llu)", izin_stay_state_name(s),
			           run->count[s], run->nfee, run->ndeport,
			           run->fees);
		else
			izin_warnx("%-13s %llu", izin_stay_state_name(s),
			           run->count[s]);
	if (run->bad > 0)
		izin_warnx("%-13s %llu", _("bad records"), run->bad);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "on", required_argument, NULL, OPT_ON },
		{ "warn", required_argument, NULL, 'w' },
		{ "deport-after", required_argument, NULL, OPT_DEPORT },
		{ "fee-per-day", required_argument, NULL, OPT_FEE },
		{ "only", required_argument, NULL, 'o' },
		{ "summary", no_argument, NULL, 's' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "csv", no_argument, NULL, OPT_CSV },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct opts o = { IZIN_NODATE, IZIN_STAY_RULES_INIT, 0, 0, 0, 0, 0 };
	struct run run = { 0 };
	int c;

	izin_setprogname(argv[0]);
	while ((c = getopt_long(argc, argv, "w:o:sqhV", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_ON: o.on = izin_date_arg("--on", optarg); break;
		case 'w':
			o.rules.warn_days = (int)izin_num_arg("-w", optarg, 0, 100000);
			break;
		case OPT_DEPORT:
			o.rules.deport_after = (int)izin_num_arg("--deport-after",
			    optarg, 1, 100000);
			break;
		case OPT_FEE:
			o.rules.fee_per_day = izin_num_arg("--fee-per-day", optarg, 0,
			    1000000000000L);
			break;
		case 'o': o.only |= states_arg(optarg); break;
		case 's': o.summary = 1; break;
		case 'q': o.quiet = 1; break;
		case OPT_JSON: o.json = 1; break;
		case OPT_CSV: o.csv = 1; break;
		case 'h': izin_help(synopsis, help_text);
		case 'V': izin_version();
		default: izin_usage(synopsis);
		}
	}
	if (o.json && o.csv)
		izin_errx(2, "--json and --csv contradict");
	if (o.only == 0)
		o.only = (1u << IZIN_STAY_NSTATES) - 1;
	if (o.on == IZIN_NODATE)
		o.on = izin_today();
	run.o = &o;
	/* Large blocks for what the writer writes: stdio's 4 KiB would
	 * cost a system call every 20 records.  A terminal keeps its line
	 * buffering. */
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, NULL, _IOFBF, 128 * 1024);
	setvbuf(stdin, NULL, _IOFBF, 128 * 1024);
	if ((run.p = izin_passthru_new(stdout, o.json ? IZIN_FMT_JSON :
	    o.csv ? IZIN_FMT_CSV : IZIN_FMT_AUTO, in_names, NIN, out_names,
	    NOUT)) == NULL)
		izin_errx(2, "out of memory");
	start_progress(&run, o.quiet, argv + optind, argc - optind);
	if (optind == argc)
		check_path(&run, "-");
	for (; optind < argc; optind++)
		check_path(&run, argv[optind]);
	izin_progress_end(run.prog);
	if (izin_passthru_flush(run.p) != IZIN_OK)
		write_error();
	izin_passthru_free(run.p);
	if (o.summary)
		summary(&run);
	if (izin_close_stdout() != IZIN_OK) {
		izin_warn("stdout");
		return 2;
	}
	return run.trouble || run.bad ? 2 : run.flagged ? 1 : 0;
}
