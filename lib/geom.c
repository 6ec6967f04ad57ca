/*
 * geom.c - the geometry stage of izin_scan(): for a code the plain and
 * prepared zbar passes could not read, find its finder patterns, fit
 * where every module lies in the photo, and draw the symbol again flat
 * and upright for zbar.  A card seen at a steep angle is one projective
 * map (a homography) of the flat symbol; a passport page bending towards
 * its spine is that map plus a smooth displacement, pinned down by the
 * alignment-pattern grid and the timing patterns.  Nothing here decodes:
 * zbar reads the straightened image.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "geom_internal.h"
#include "scan_internal.h"

/* Finder patterns kept from one image, and symbols (finder triples)
 * tried: a photo of a card has a handful; the rest are textures that
 * happened to look like one. */
#define FINDERS_MAX 30
#define TRIPLES_MAX 12
/* Versions tried round the one the finders' spacing suggests. */
#define VERSIONS_TRIED 5
/* An image no larger than this a side is looked at again at twice the
 * size when nothing was read at its own. */
#define GEOM_DOUBLE_MAX 1200
/* Most fits handed to zbar for one image: a photo full of square
 * texture can make many finder triples. */
#define ATTEMPTS_MAX 40
/* Pixels a module in the straightened image, and the quiet zone. */
#define FLAT_SCALE 4
#define FLAT_QUIET 4
/* Most terms of the displacement polynomial (total degree 3). */
#define TERMS_MAX 10

/* ---- dark regions of the thresholded image, as runs ------------------ */

struct run {
	int x0, x1;              /* pixels [x0, x1) of one row */
};

struct blob {
	long area;
	double sx, sy;           /* sums of pixel centres */
	int x0, y0, x1, y1;      /* bounding box, inclusive */
};

struct blobs {
	int w, h;
	struct run *run;
	int *id;                 /* per run: its blob */
	size_t n, cap;
	size_t *row;             /* row[y]: first run of row y; row[h] = n */
	struct blob *b;
	int nb;
};

static void
blobs_free(struct blobs *L)
{
	free(L->run);
	free(L->id);
	free(L->row);
	free(L->b);
}

static int
root(int *up, int i)
{
	while (up[i] != i) {
		up[i] = up[up[i]];
		i = up[i];
	}
	return i;
}

/* Label the 4-connected dark (0) regions of bin: runs row by row, then
 * union-find over runs that touch in consecutive rows. */
static int
blobs_make(const izin_image *bin, struct blobs *L)
{
	int w = bin->width, h = bin->height, x, y, a, b;
	size_t i, j, je;
	struct run *nr;
	int *up;

	memset(L, 0, sizeof *L);
	L->w = w;
	L->h = h;
	if ((L->row = malloc(((size_t)h + 1) * sizeof *L->row)) == NULL)
		return IZIN_ENOMEM;
	for (y = 0; y < h; y++) {
		const unsigned char *p = bin->gray + (size_t)y * w;

		L->row[y] = L->n;
		for (x = 0; x < w;) {
			if (p[x] != 0) {
				x++;
				continue;
			}
			if (L->n == L->cap) {
				L->cap = L->cap ? 2 * L->cap : 4096;
				if (L->cap > INT32_MAX ||
				    (nr = realloc(L->run,
				    L->cap * sizeof *nr)) == NULL)
					return IZIN_ENOMEM;
				L->run = nr;
			}
			L->run[L->n].x0 = x;
			while (x < w && p[x] == 0)
				x++;
			L->run[L->n++].x1 = x;
		}
	}
	L->row[h] = L->n;
	if ((up = malloc((L->n + 1) * sizeof *up)) == NULL)
		return IZIN_ENOMEM;
	L->id = up;
	for (i = 0; i < L->n; i++)
		up[i] = (int)i;
	for (y = 1; y < h; y++) {
		j = L->row[y - 1];
		je = L->row[y];
		for (i = L->row[y]; i < L->row[y + 1]; i++) {
			while (j < je && L->run[j].x1 <= L->run[i].x0)
				j++;
			for (size_t k = j; k < je &&
			    L->run[k].x0 < L->run[i].x1; k++) {
				a = root(up, (int)i);
				b = root(up, (int)k);
				if (a != b)
					up[a > b ? a : b] = a < b ? a : b;
			}
		}
	}
	/* Roots come before their runs, so one pass numbers the blobs. */
	for (i = 0; i < L->n; i++)
		up[i] = up[i] == (int)i ? -1 - L->nb++ : up[up[i]];
	for (i = 0; i < L->n; i++)
		up[i] = up[i] < 0 ? -1 - up[i] : up[i];
	if ((L->b = calloc((size_t)L->nb + 1, sizeof *L->b)) == NULL)
		return IZIN_ENOMEM;
	for (a = 0; a < L->nb; a++) {
		L->b[a].x0 = w;
		L->b[a].y0 = h;
		L->b[a].x1 = L->b[a].y1 = -1;
	}
	for (y = 0; y < h; y++)
		for (i = L->row[y]; i < L->row[y + 1]; i++) {
			struct blob *q = &L->b[up[i]];
			long n = L->run[i].x1 - L->run[i].x0;

			q->area += n;
			q->sx += n * (L->run[i].x0 + L->run[i].x1) / 2.0;
			q->sy += n * (y + 0.5);
			q->x0 = q->x0 < L->run[i].x0 ? q->x0 : L->run[i].x0;
			q->x1 = q->x1 > L->run[i].x1 - 1 ? q->x1 :
			    L->run[i].x1 - 1;
			q->y0 = q->y0 < y ? q->y0 : y;
			q->y1 = y;
		}
	return IZIN_OK;
}

/* The blob at a pixel, or -1 for a light pixel or one off the image. */
static int
blob_at(const struct blobs *L, int x, int y)
{
	size_t lo, hi, mid;

	if (x < 0 || y < 0 || x >= L->w || y >= L->h)
		return -1;
	lo = L->row[y];
	hi = L->row[y + 1];
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (L->run[mid].x1 <= x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < L->row[y + 1] && L->run[lo].x0 <= x ? L->id[lo] : -1;
}

/*
 * From the centre of blob self, step along (dx, dy) through it, then
 * light, then (when stages is 3) through the next dark blob; the lengths
 * of the stretches go to len[] and that blob to *next.  0 when the walk
 * leaves the image or runs past limit pixels.
 */
static int
walk(const struct blobs *L, int x, int y, int dx, int dy, int self,
     int stages, int limit, int len[3], int *next)
{
	int k = 0, s, b = self;

	for (s = 0; s < stages; s++) {
		int start = k;

		while (k <= limit && blob_at(L, x + k * dx, y + k * dy) == b)
			k++;
		if (k > limit)
			return 0;
		len[s] = k - start;
		b = blob_at(L, x + k * dx, y + k * dy);
		if (s == 1) {
			if (b < 0 || b == self)
				return 0;
			*next = b;
		}
		if (x + k * dx < 0 || y + k * dy < 0 || x + k * dx >= L->w ||
		    y + k * dy >= L->h)
			return s == 2;
	}
	return 1;
}

/* ---- finder patterns ------------------------------------------------- */

struct finder {
	double x, y;             /* the centre stone's centroid */
	double m;                /* module size, pixels */
	int ring, stone;
};

/* Is blob s the centre stone of a finder pattern: a dark square, a light
 * ring round it, and one dark ring round that, each about a module wide
 * in every direction, with 24 modules of ring to 9 of stone? */
static int
is_finder(const struct blobs *L, int s, struct finder *f)
{
	static const int dir[4][2] = { { 1, 0 }, { -1, 0 }, { 0, 1 },
	                               { 0, -1 } };
	const struct blob *b = &L->b[s], *r;
	int bw = b->x1 - b->x0 + 1, bh = b->y1 - b->y0 + 1, x, y, k;
	int len[3], ring = -1, next, limit;
	double cx, cy, half;

	if (b->area < 4 || bw > 3 * bh || bh > 3 * bw ||
	    b->area * 10 < 3L * bw * bh)
		return 0;
	cx = b->sx / b->area;
	cy = b->sy / b->area;
	x = (int)cx;
	y = (int)cy;
	if (blob_at(L, x, y) != s)
		return 0;
	limit = 4 * (bw > bh ? bw : bh) + 4;
	for (k = 0; k < 4; k++) {
		if (!walk(L, x, y, dir[k][0], dir[k][1], s, 3, limit, len,
		    &next))
			return 0;
		if (ring >= 0 && next != ring)
			return 0;
		ring = next;
		/* len[0] is half the stone, 1.5 modules. */
		half = len[0] / 1.5;
		if (len[1] < 0.3 * half - 1.5 || len[1] > 2.5 * half + 1.5 ||
		    len[2] < 0.3 * half - 1.5 || len[2] > 2.5 * half + 1.5)
			return 0;
	}
	r = &L->b[ring];
	if (r->area * 10 < 13 * b->area || r->area > 7 * b->area ||
	    r->x0 >= b->x0 || r->x1 <= b->x1 || r->y0 >= b->y0 ||
	    r->y1 <= b->y1)
		return 0;
	f->x = cx;
	f->y = cy;
	f->m = sqrt((double)(r->area + b->area) / 33);
	f->ring = ring;
	f->stone = s;
	return 1;
}

/*
 * The point of blob k furthest along (dx, dy): a corner of the square it
 * is, when (dx, dy) runs along that square's diagonal.  Each run's
 * extreme is one of its ends; the pixel's outer corner is taken.
 */
static void
extreme(const struct blobs *L, int k, double dx, double dy, double p[2])
{
	const struct blob *b = &L->b[k];
	double best = -HUGE_VAL, v, px, py;
	int y;

	p[0] = b->sx / b->area;
	p[1] = b->sy / b->area;
	for (y = b->y0; y <= b->y1; y++)
		for (size_t i = L->row[y]; i < L->row[y + 1]; i++) {
			if (L->id[i] != k)
				continue;
			px = dx > 0 ? L->run[i].x1 : L->run[i].x0;
			py = dy > 0 ? y + 1 : y;
			if ((v = px * dx + py * dy) > best) {
				best = v;
				p[0] = px;
				p[1] = py;
			}
		}
}

/* ---- a symbol's geometry --------------------------------------------- */

/* Points where a module-space position (u, v) is known to lie in the
 * photo. */
struct ctrl {
	double (*src)[2], (*dst)[2];
	int n, cap;
	int fixed;               /* the first fixed come from the finders, */
	int tracked;             /* those up to tracked from the timing */
};

static int
ctrl_add(struct ctrl *c, double u, double v, double x, double y)
{
	double (*s)[2], (*d)[2];

	if (c->n == c->cap) {
		int cap = c->cap ? 2 * c->cap : 64;

		if ((s = realloc(c->src, (size_t)cap * sizeof *s)) == NULL)
			return IZIN_ENOMEM;
		c->src = s;
		if ((d = realloc(c->dst, (size_t)cap * sizeof *d)) == NULL)
			return IZIN_ENOMEM;
		c->dst = d;
		c->cap = cap;
	}
	c->src[c->n][0] = u;
	c->src[c->n][1] = v;
	c->dst[c->n][0] = x;
	c->dst[c->n][1] = y;
	c->n++;
	return IZIN_OK;
}

/* Module space to the photo: a homography, plus a smooth displacement
 * (a polynomial in u/side, v/side) for a page that is not flat. */
struct spline;

struct model {
	izin_homog h;
	int side, terms;
	double cx[TERMS_MAX], cy[TERMS_MAX];
	const struct spline *sp;     /* in place of the polynomial */
};

/*
 * A thin-plate spline through the control points' displacements from
 * the homography: the smoothest surface (least bending) that passes by
 * every one, and flat (affine) away from them.  Where a page bends
 * sharply near the spine, a cubic over the whole symbol cannot follow,
 * and this can.
 */
struct spline {
	int n;
	double (*p)[2];              /* control points, u / side, v / side */
	double *w[2];                /* their weights, x and y */
	double a[2][3];              /* the affine part */
};

static double
tps_kernel(double dx, double dy)
{
	double r2 = dx * dx + dy * dy;

	return r2 > 1e-300 ? r2 * log(r2) / 2 : 0;
}

static void
spline_eval(const struct spline *sp, double s, double t, double out[2])
{
	for (int q = 0; q < 2; q++) {
		double v = sp->a[q][0] + sp->a[q][1] * s + sp->a[q][2] * t;

		for (int i = 0; i < sp->n; i++)
			v += sp->w[q][i] * tps_kernel(s - sp->p[i][0],
			    t - sp->p[i][1]);
		out[q] = v;
	}
}

static int
powers(double s, double t, int terms, double *out)
{
	static const int e[TERMS_MAX][2] = { { 0, 0 }, { 1, 0 }, { 0, 1 },
		{ 2, 0 }, { 1, 1 }, { 0, 2 }, { 3, 0 }, { 2, 1 }, { 1, 2 },
		{ 0, 3 } };

	for (int i = 0; i < terms; i++)
		out[i] = pow(s, e[i][0]) * pow(t, e[i][1]);
	return terms;
}

static void
model_map(const struct model *m, double u, double v, double *x, double *y)
{
	double b[TERMS_MAX];

	izin_homog_apply(&m->h, u, v, x, y);
	if (m->sp != NULL) {
		double d[2];

		spline_eval(m->sp, u / m->side, v / m->side, d);
		*x += d[0];
		*y += d[1];
	} else if (m->terms > 0) {
		powers(u / m->side - 0.5, v / m->side - 0.5, m->terms, b);
		for (int i = 0; i < m->terms; i++) {
			*x += m->cx[i] * b[i];
			*y += m->cy[i] * b[i];
		}
	}
}

/*
 * Fit the model to the control points: the homography by least squares,
 * then, with terms > 0, the displacement polynomial to what it leaves,
 * with a little ridge so that a term the points do not pin down stays
 * near zero rather than swinging where no point is.
 */
static int
model_fit(struct model *m, const struct ctrl *c, int side, int terms)
{
	double a[TERMS_MAX * (TERMS_MAX + 1)], b[TERMS_MAX], x, y, ex, ey;
	double ax[TERMS_MAX * (TERMS_MAX + 1)];
	int i, j, k;

	memset(m, 0, sizeof *m);
	m->side = side;
	if (izin_homog_fit((const double (*)[2])c->src,
	    (const double (*)[2])c->dst, NULL, c->n, &m->h) != IZIN_OK)
		return -1;
	if (terms <= 0)
		return 0;
	memset(a, 0, sizeof a);
	memset(ax, 0, sizeof ax);
	for (k = 0; k < c->n; k++) {
		izin_homog_apply(&m->h, c->src[k][0], c->src[k][1], &x, &y);
		ex = c->dst[k][0] - x;
		ey = c->dst[k][1] - y;
		powers(c->src[k][0] / side - 0.5, c->src[k][1] / side - 0.5,
		    terms, b);
		for (i = 0; i < terms; i++) {
			for (j = 0; j < terms; j++)
				a[i * (terms + 1) + j] += b[i] * b[j];
			a[i * (terms + 1) + terms] += b[i] * ex;
			ax[i * (terms + 1) + terms] += b[i] * ey;
		}
	}
	for (i = 0; i < terms; i++) {
		a[i * (terms + 1) + i] += 1e-3 * c->n / 100;
		for (j = 0; j < terms; j++)
			ax[i * (terms + 1) + j] = a[i * (terms + 1) + j];
	}
	if (izin_solve(a, terms, m->cx) < 0 ||
	    izin_solve(ax, terms, m->cy) < 0)
		return -1;
	m->terms = terms;
	return 0;
}

static void
spline_free(struct spline *sp)
{
	free(sp->p);
	memset(sp, 0, sizeof *sp);
}

/* Most points a spline is fitted through: its system grows with the
 * cube of their number.  Timing-pattern points beyond it are thinned. */
#define SPLINE_MAX 120

/*
 * Fit sp to what the homography h leaves of c's points: the finders'
 * corners and the alignment patterns all, the timing patterns' modules
 * thinned to fit.  A little smoothing takes out the pixel noise of the
 * points.  -1 when the system is singular.
 */
static int
spline_fit(struct spline *sp, const struct ctrl *c, const izin_homog *h,
           int side)
{
	int extra = c->tracked - c->fixed, keep = c->n - extra, stride;
	int m, i, j, q, k, n1;
	double *a, x, y;

	memset(sp, 0, sizeof *sp);
	stride = keep >= SPLINE_MAX ? extra + 1 :
	    (extra + (SPLINE_MAX - keep) - 1) / (SPLINE_MAX - keep);
	stride = stride < 1 ? 1 : stride;
	m = keep + (extra + stride - 1) / stride;
	n1 = m + 3;
	/* Points, then both weights, the residuals, and the system. */
	sp->p = malloc((size_t)m * sizeof *sp->p + (size_t)(4 * m + 6) *
	    sizeof(double) + (size_t)n1 * (n1 + 1) * sizeof(double));
	if (sp->p == NULL)
		return IZIN_ENOMEM;
	sp->w[0] = (double *)(sp->p + m);
	sp->w[1] = sp->w[0] + m + 3;
	{
		double *res = sp->w[1] + m + 3;

		a = res + 2 * m;
		for (i = 0, k = 0; i < c->n; i++) {
			if (i >= c->fixed && i < c->tracked &&
			    (i - c->fixed) % stride != 0)
				continue;
			sp->p[k][0] = c->src[i][0] / side;
			sp->p[k][1] = c->src[i][1] / side;
			izin_homog_apply(h, c->src[i][0], c->src[i][1], &x, &y);
			res[2 * k] = c->dst[i][0] - x;
			res[2 * k + 1] = c->dst[i][1] - y;
			k++;
		}
		sp->n = m = k;
		n1 = m + 3;
		for (q = 0; q < 2; q++) {
			memset(a, 0, (size_t)n1 * (n1 + 1) * sizeof *a);
			for (i = 0; i < m; i++) {
				double *row = a + (size_t)i * (n1 + 1);

				for (j = 0; j < m; j++)
					row[j] = tps_kernel(sp->p[i][0] -
					    sp->p[j][0], sp->p[i][1] -
					    sp->p[j][1]);
				row[i] += 1e-4;
				row[m] = 1;
				row[m + 1] = sp->p[i][0];
				row[m + 2] = sp->p[i][1];
				row[n1] = res[2 * i + q];
				a[(size_t)m * (n1 + 1) + i] = 1;
				a[(size_t)(m + 1) * (n1 + 1) + i] = sp->p[i][0];
				a[(size_t)(m + 2) * (n1 + 1) + i] = sp->p[i][1];
			}
			if (izin_solve(a, n1, sp->w[q]) < 0) {
				spline_free(sp);
				return -1;
			}
			for (k = 0; k < 3; k++)
				sp->a[q][k] = sp->w[q][m + k];
		}
	}
	return 0;
}

/* The pixel size of a module at (u, v), across and down. */
static double
model_module(const struct model *m, double u, double v)
{
	double x0, y0, x1, y1, x2, y2;

	model_map(m, u, v, &x0, &y0);
	model_map(m, u + 1, v, &x1, &y1);
	model_map(m, u, v + 1, &x2, &y2);
	return (hypot(x1 - x0, y1 - y0) + hypot(x2 - x0, y2 - y0)) / 2;
}

/* The centres of the alignment patterns along one axis of a version
 * (ISO/IEC 18004 annex E): 6, then evenly spaced down to side - 7. */
static int
align_pos(int version, int pos[7])
{
	int n, step, i, side = IZIN_QR_SIDE(version);

	if (version < 2)
		return 0;
	n = version / 7 + 2;
	step = version == 32 ? 26 :
	    (version * 4 + n * 2 + 1) / (n * 2 - 2) * 2;
	pos[0] = 6;
	for (i = n - 1; i >= 1; i--)
		pos[i] = side - 7 - (n - 1 - i) * step;
	return n;
}

/*
 * Look for the alignment pattern whose centre the model puts at (px, py):
 * a dark blob about a module big, alone in a light ring, within a couple
 * of modules; its centroid goes to p.
 */
static int
find_align(const struct blobs *L, double px, double py, double mod,
           double p[2])
{
	static const int dir[4][2] = { { 1, 0 }, { -1, 0 }, { 0, 1 },
	                               { 0, -1 } };
	double r = 3.0 * mod, best = HUGE_VAL, d, cx, cy;
	int x0 = (int)floor(px - r), x1 = (int)ceil(px + r);
	int y0 = (int)floor(py - r), y1 = (int)ceil(py + r), y, k, len[3];
	int seen = -1, next;

	for (y = y0 < 0 ? 0 : y0; y <= y1 && y < L->h; y++)
		for (size_t i = L->row[y]; i < L->row[y + 1]; i++) {
			const struct blob *b;
			int id = L->id[i], bw, bh;

			if (L->run[i].x1 <= x0 || L->run[i].x0 > x1 ||
			    id == seen)
				continue;
			seen = id;
			b = &L->b[id];
			bw = b->x1 - b->x0 + 1;
			bh = b->y1 - b->y0 + 1;
			if (b->area < 0.25 * mod * mod ||
			    b->area > 3.0 * mod * mod + 2 ||
			    bw > 2.5 * mod + 2 || bh > 2.5 * mod + 2)
				continue;
			cx = b->sx / b->area;
			cy = b->sy / b->area;
			if ((d = hypot(cx - px, cy - py)) > r || d >= best)
				continue;
			for (k = 0; k < 4; k++)
				if (!walk(L, (int)cx, (int)cy, dir[k][0],
				    dir[k][1], id, 2, (int)(4 * mod) + 4, len,
				    &next) || len[1] > 2.2 * mod + 1.5)
					break;
			if (k < 4)
				continue;
			best = d;
			p[0] = cx;
			p[1] = cy;
		}
	return best < HUGE_VAL;
}

/* A timing pattern followed: the modules' numbers along it and where
 * their centres lie in the photo. */
#define EDGES_MAX 180
struct track {
	int n, side;             /* side: what the count implies, or 0 */
	int good;                /* the first good points are sure */
	int back;                /* followed from the far finder */
	int b[EDGES_MAX];
	double p[EDGES_MAX][2];
};

/*
 * The run of samples of one class (dark when want_dark) through the
 * middle of prof[0..n-1]: its ends, as offsets from the middle in
 * samples.  0 when the middle is not of that class.
 */
static int
mid_run(const double *prof, int n, double thr, int want_dark, double *lo,
        double *hi)
{
	int c = n / 2, i, j;

	if ((prof[c] < thr) != want_dark)
		return 0;
	for (i = c; i > 0 && (prof[i - 1] < thr) == want_dark; i--)
		;
	for (j = c; j < n - 1 && (prof[j + 1] < thr) == want_dark; j++)
		;
	if (i == 0 || j == n - 1)
		return 0;
	*lo = i - 0.5 - c;
	*hi = j + 0.5 - c;
	return 1;
}

#define PROF_N 33

/* Sample PROF_N points from p - span d to p + span d; the threshold
 * halfway between the darkest and lightest, or -1 without contrast. */
static double
profile(const izin_image *im, const double p[2], const double d[2],
        double span, double *prof)
{
	double min = 255, max = 0, t;

	for (int k = 0; k < PROF_N; k++) {
		t = span * (2.0 * k / (PROF_N - 1) - 1);
		prof[k] = izin_gray_at(im, p[0] + t * d[0], p[1] + t * d[1]);
		min = fmin(min, prof[k]);
		max = fmax(max, prof[k]);
	}
	return max - min < 24 ? -1 : (min + max) / 2;
}

/*
 * A timing pattern: the modules of row 6 (or column 6) between the
 * finders alternate dark and light, dark first, up to the far finder's
 * separator.  Follow it edge by edge from the near finder's ring: from
 * where a module starts, the next edge along the row is where it ends,
 * so each module is measured where it lies, however the page stretches
 * or crowds it; across the row, a dark module that stands alone puts the
 * track back on its middle.  The number of modules up to the far
 * finder's separator tells the symbol's side.  start is where the near
 * ring's edge meets the row, step one module along it, sep the far
 * separator's centre.
 */
static int
follow(const izin_image *im, const double start[2], const double step[2],
       const double sep[2], struct track *tr)
{
	double p[2], c[2], e[2], nx[2], prof[PROF_N], len, thr, lo, hi, t = 1;
	double q[2], dist, min, max, v, prev;
	int b, k, dark, found, lost = 0;

	tr->n = tr->side = 0;
	p[0] = start[0];
	p[1] = start[1];
	len = hypot(step[0], step[1]);
	if (!(len >= 1) || !isfinite(len))
		return 0;
	e[0] = step[0] / len;
	e[1] = step[1] / len;
	for (b = 7; b < 7 + EDGES_MAX; b++) {
		dark = b % 2 == 0;
		/* Module b starts at p: look for its far edge up to 2.5
		 * modules on, at a tenth of a module a sample. */
		min = 255;
		max = 0;
		for (k = 0; k < 25; k++) {
			v = izin_gray_at(im, p[0] + (k + 1) * 0.1 * len * e[0],
			    p[1] + (k + 1) * 0.1 * len * e[1]);
			min = fmin(min, v);
			max = fmax(max, v);
		}
		if (max - min < 24)
			return 0;
		thr = (min + max) / 2;
		found = 0;
		prev = izin_gray_at(im, p[0] + 0.3 * len * e[0],
		    p[1] + 0.3 * len * e[1]);
		for (k = 4; k < 25 && !found; k++) {
			v = izin_gray_at(im, p[0] + k * 0.1 * len * e[0],
			    p[1] + k * 0.1 * len * e[1]);
			if ((v < thr) != dark && (prev < thr) == dark) {
				t = (k - 1 + (prev - thr) / (prev - v)) * 0.1;
				found = 1;
			}
			prev = v;
		}
		/* An edge lost to blur or a speck: take the module to be as
		 * long as the last ones, twice at most in a row, and put no
		 * control point there. */
		/* A module much longer than the last ones is edges missed:
		 * as good as lost. */
		if (found && t > 1.6)
			found = 0;
		if (!found) {
			if (++lost > 2)
				return 0;
			t = 1;
		} else {
			lost = 0;
		}
		q[0] = p[0] + t * len * e[0];
		q[1] = p[1] + t * len * e[1];
		c[0] = (p[0] + q[0]) / 2;
		c[1] = (p[1] + q[1]) / 2;
		/* The far finder's separator reached: the side is 8 on. */
		dist = (sep[0] - c[0]) * e[0] + (sep[1] - c[1]) * e[1];
		if (dist < 0.5 * len) {
			if (b % 2 == 1 && b >= 13 && dist > -0.5 * len)
				tr->side = b + 8;
			return 0;
		}
		/* Across: the module's run of its own shade.  One module
		 * long, its middle is the row's; longer, it runs on into a
		 * neighbouring row, and the end nearer the track is still
		 * this row's edge.  Half the offset is taken, so one
		 * misjudged module does not throw the track. */
		nx[0] = -e[1];
		nx[1] = e[0];
		if ((thr = profile(im, c, nx, 2 * len, prof)) >= 0 &&
		    mid_run(prof, PROF_N, thr, dark, &lo, &hi)) {
			double u = 2 * len * 2 / (PROF_N - 1), a = lo * u;
			double z = hi * u, sh = 0, run = z - a;

			if (run > 0.5 * len && run < 1.5 * len)
				sh = (a + z) / 2;
			else if (run >= 1.5 * len && fabs(a + 0.5 * len) <
			    0.45 * len && fabs(z - 0.5 * len) >= 0.45 * len)
				sh = a + 0.5 * len;
			else if (run >= 1.5 * len && fabs(z - 0.5 * len) <
			    0.45 * len && fabs(a + 0.5 * len) >= 0.45 * len)
				sh = z - 0.5 * len;
			for (k = 0; k < 2; k++) {
				c[k] += 0.5 * sh * nx[k];
				q[k] += 0.5 * sh * nx[k];
			}
		}
		if (b >= 8 && !lost) {
			tr->b[tr->n] = b;
			tr->p[tr->n][0] = c[0];
			tr->p[tr->n++][1] = c[1];
		}
		/* Next: the direction over the last few centres, the
		 * module length as lately seen. */
		if (tr->n >= 4) {
			double dx = c[0] - tr->p[tr->n - 4][0];
			double dy = c[1] - tr->p[tr->n - 4][1];
			double dl = hypot(dx, dy);

			if (dl > 0) {
				e[0] = 0.7 * e[0] + 0.3 * dx / dl;
				e[1] = 0.7 * e[1] + 0.3 * dy / dl;
				dl = hypot(e[0], e[1]);
				e[0] /= dl;
				e[1] /= dl;
			}
		}
		len = 0.7 * len + 0.3 * t * len;
		p[0] = q[0];
		p[1] = q[1];
	}
	return 0;
}

/* follow(), and how much of what it found is sure: a track that lost
 * its way may have strayed a few modules before it knew. */
static int
timing(const izin_image *im, const double start[2], const double step[2],
       const double sep[2], int back, struct track *tr)
{
	int r = follow(im, start, step, sep, tr);

	tr->back = back;
	tr->good = tr->side ? tr->n : tr->n > 4 ? tr->n - 4 : 0;
	return r;
}

/*
 * A track's modules as control points in a symbol of this side.  A track
 * whose count fits the side gives them all; one that lost its way gives
 * those before it strayed, which are right however it ended.  A track
 * from the far finder numbers its modules from that end.
 */
static int
track_add(const struct track *tr, int down, int side, struct ctrl *c)
{
	int k, n = tr->side == side ? tr->n : tr->good, err = IZIN_OK;
	double m;

	for (k = 0; k < n && err == IZIN_OK; k++) {
		m = tr->back ? side - tr->b[k] - 0.5 : tr->b[k] + 0.5;
		err = down ? ctrl_add(c, 6.5, m, tr->p[k][0], tr->p[k][1]) :
		    ctrl_add(c, m, 6.5, tr->p[k][0], tr->p[k][1]);
	}
	return err;
}

/* The displacement terms the control points beyond the finders can
 * carry: none with few, up to a cubic with many. */
static int
terms_for(const struct ctrl *c)
{
	int extra = c->n - c->fixed;

	return extra < 3 ? 0 : extra < 8 ? 3 : extra < 20 ? 6 : TERMS_MAX;
}

/*
 * Draw the symbol flat: each module's level sampled where the model puts
 * its centre (five points, to ride out noise), then dark or light by the
 * mean of the modules round it, so a shadow across the page does not
 * swallow half of it.
 */
static izin_image *
flatten(const izin_image *im, const struct model *m)
{
	int side = m->side, n = side + 2 * FLAT_QUIET, i, j, a, b, k, cnt;
	double *val, (*g)[2], x, y, v, sum, fx, fy;
	static const double off[5][2] = { { 0, 0 }, { -0.22, -0.22 },
		{ 0.22, -0.22 }, { -0.22, 0.22 }, { 0.22, 0.22 } };
	izin_image *out;

	val = malloc((size_t)side * side * sizeof *val);
	g = malloc((size_t)(side + 1) * (side + 1) * sizeof *g);
	if (val == NULL || g == NULL) {
		free(val);
		free(g);
		return NULL;
	}
	/* The model at the modules' corners only (a spline is costly to
	 * evaluate); within a module, which no map bends, bilinear. */
	for (i = 0; i <= side; i++)
		for (j = 0; j <= side; j++)
			model_map(m, j, i, &g[i * (side + 1) + j][0],
			    &g[i * (side + 1) + j][1]);
	for (i = 0; i < side; i++)
		for (j = 0; j < side; j++) {
			const double *p00 = g[i * (side + 1) + j];
			const double *p01 = g[i * (side + 1) + j + 1];
			const double *p10 = g[(i + 1) * (side + 1) + j];
			const double *p11 = g[(i + 1) * (side + 1) + j + 1];

			for (v = 0, k = 0; k < 5; k++) {
				fx = 0.5 + off[k][0];
				fy = 0.5 + off[k][1];
				x = (p00[0] * (1 - fx) + p01[0] * fx) * (1 - fy) +
				    (p10[0] * (1 - fx) + p11[0] * fx) * fy;
				y = (p00[1] * (1 - fx) + p01[1] * fx) * (1 - fy) +
				    (p10[1] * (1 - fx) + p11[1] * fx) * fy;
				v += izin_gray_at(im, x, y);
			}
			val[i * side + j] = v / 5;
		}
	free(g);
	if (izin_image_new(n * FLAT_SCALE, n * FLAT_SCALE, &out) != IZIN_OK) {
		free(val);
		return NULL;
	}
	for (i = 0; i < side; i++)
		for (j = 0; j < side; j++) {
			sum = 0;
			cnt = 0;
			for (a = i - 4; a <= i + 4; a++)
				for (b = j - 4; b <= j + 4; b++)
					if (a >= 0 && b >= 0 && a < side &&
					    b < side) {
						sum += val[a * side + b];
						cnt++;
					}
			if (val[i * side + j] >= sum / cnt)
				continue;
			for (a = 0; a < FLAT_SCALE; a++)
				memset(out->gray + ((size_t)(i + FLAT_QUIET) *
				    FLAT_SCALE + a) * out->width +
				    (size_t)(j + FLAT_QUIET) * FLAT_SCALE, 0,
				    FLAT_SCALE);
		}
	free(val);
	return out;
}

struct symbol {
	const izin_image *im;
	const struct blobs *L;
	const struct finder *f[3];   /* top left, top right, bottom left */
	double corner[3][8][2];      /* ring then stone corners, photo */
	double sep[2][2];            /* where the timing row, column end */
	int *budget;                 /* fits left to hand to try */
};

/* Hand one fit to try, flattened; 1 when it read a code. */
static int
attempt(const struct symbol *s, const struct model *m, izin_geom_try try,
        void *arg)
{
	izin_image *flat;
	int r;

	if (*s->budget <= 0)
		return 0;
	--*s->budget;
	if ((flat = flatten(s->im, m)) == NULL)
		return IZIN_ENOMEM;
	r = try(arg, flat);
	izin_image_free(flat);
	return r;
}

/* The same points through a spline over the model's homography, for a
 * page that bends more sharply than a cubic can follow. */
static int
attempt_spline(const struct symbol *s, const struct ctrl *c,
               const struct model *m, izin_geom_try try, void *arg)
{
	struct spline sp;
	struct model ms = *m;
	int r;

	if (c->n - c->fixed < 8)
		return 0;
	if ((r = spline_fit(&sp, c, &m->h, m->side)) != 0)
		return r < 0 && r != -1 ? r : 0;
	ms.sp = &sp;
	r = attempt(s, &ms, try, arg);
	spline_free(&sp);
	return r;
}

/* The finders' corners as control points, in a symbol of this side. */
static int
finder_ctrl(const struct symbol *s, int side, struct ctrl *c)
{
	static const double sq[4][2] = { { 0, 0 }, { 1, 0 }, { 0, 1 },
	                                 { 1, 1 } };
	double off[3][2] = { { 0, 0 }, { 0, 0 }, { 0, 0 } };
	int i, k, r;

	off[1][0] = side - 7;
	off[2][1] = side - 7;
	c->n = 0;
	for (i = 0; i < 3; i++)
		for (k = 0; k < 8; k++) {
			/* The ring's corners, 7 modules apart, then the
			 * stone's, 3 apart inside it. */
			double u = k < 4 ? 7 * sq[k][0] : 2 + 3 * sq[k - 4][0];
			double v = k < 4 ? 7 * sq[k][1] : 2 + 3 * sq[k - 4][1];

			if ((r = ctrl_add(c, off[i][0] + u, off[i][1] + v,
			    s->corner[i][k][0], s->corner[i][k][1])) < 0)
				return r;
		}
	c->fixed = c->n;
	return IZIN_OK;
}

/*
 * One version for a symbol.  The finders' corners give a first
 * homography, and the timing tracks made on it (when their count fits
 * this version) the first displacement; then each alignment pattern
 * found where the fit so far predicts, nearest the finders first, pins
 * it further, and the timing patterns are followed again on the better
 * fit.  Each stage's fit is handed to try.
 */
static int
fit_version(const struct symbol *s, int version, const struct track tr[4],
            izin_geom_try try, void *arg)
{
	int side = IZIN_QR_SIDE(version), pos[7], na, i, j, k, n, r, round;
	double p[2], x, y, order[49][3];
	struct ctrl c = { 0 };
	struct model m;

	if ((r = finder_ctrl(s, side, &c)) < 0)
		goto out;
	/* Each axis from the top-left finder; from the far one too when
	 * that track did not get through. */
	for (k = 0; k < 4 && r == IZIN_OK; k++)
		if (k < 2 || tr[k - 2].side != side)
			r = track_add(&tr[k], k % 2, side, &c);
	if (r < 0)
		goto out;
	c.tracked = c.n;
	if (model_fit(&m, &c, side, terms_for(&c)) < 0) {
		r = 0;
		goto out;
	}
	if ((r = attempt(s, &m, try, arg)) != 0)
		goto out;
	na = align_pos(version, pos);
	for (n = 0, i = 0; i < na; i++)
		for (j = 0; j < na; j++) {
			if ((i == 0 && j == 0) || (i == 0 && j == na - 1) ||
			    (i == na - 1 && j == 0))
				continue;
			order[n][0] = pos[j] + 0.5;
			order[n][1] = pos[i] + 0.5;
			order[n++][2] = fmin(pos[i] + pos[j],
			    fmin(side - pos[j] + pos[i], side - pos[i] + pos[j]));
		}
	/* Nearest the finders first: insertion sort on the distance. */
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && order[j][2] < order[j - 1][2]; j--) {
			double t[3];

			memcpy(t, order[j], sizeof t);
			memcpy(order[j], order[j - 1], sizeof t);
			memcpy(order[j - 1], t, sizeof t);
		}
	for (round = 0; round < 2; round++) {
		int before = c.n;

		for (i = 0; i < n; i++) {
			model_map(&m, order[i][0], order[i][1], &x, &y);
			if (!find_align(s->L, x, y,
			    model_module(&m, order[i][0], order[i][1]), p))
				continue;
			if ((r = ctrl_add(&c, order[i][0], order[i][1], p[0],
			    p[1])) < 0)
				goto out;
			if (model_fit(&m, &c, side, terms_for(&c)) < 0) {
				r = 0;
				goto out;
			}
			/* Found once is enough. */
			order[i][0] = -1;
		}
		for (i = 0, k = 0; i < n; i++)
			if (order[i][0] >= 0)
				memcpy(order[k++], order[i], sizeof order[i]);
		n = k;
		/* Nothing new: the fit is the one already tried.  Else m
		 * was fitted with the last pattern found. */
		if (c.n == before)
			break;
		if ((r = attempt(s, &m, try, arg)) != 0 ||
		    (r = attempt_spline(s, &c, &m, try, arg)) != 0)
			goto out;
	}
	r = 0;
out:
	free(c.src);
	free(c.dst);
	return r;
}

/* The corners of a finder's ring and stone, taking the symbol's axes
 * from the other two finders. */
static void
corners(struct symbol *s, int i, double ux, double uy, double vx, double vy)
{
	static const int sg[4][2] = { { -1, -1 }, { 1, -1 }, { -1, 1 },
	                              { 1, 1 } };

	for (int k = 0; k < 4; k++) {
		double dx = sg[k][0] * ux + sg[k][1] * vx;
		double dy = sg[k][0] * uy + sg[k][1] * vy;

		extreme(s->L, s->f[i]->ring, dx, dy, s->corner[i][k]);
		extreme(s->L, s->f[i]->stone, dx, dy, s->corner[i][4 + k]);
	}
}

static int
try_symbol(struct symbol *s, izin_geom_try try, void *arg)
{
	const struct finder *ul = s->f[0], *ur = s->f[1], *dl = s->f[2];
	double ux = ur->x - ul->x, uy = ur->y - ul->y;
	double vx = dl->x - ul->x, vy = dl->y - ul->y;
	double lu = hypot(ux, uy), lv = hypot(vx, vy), mod[3], est;
	struct track tr[4];
	int i, k, v0, v, r = 0;

	ux /= lu;
	uy /= lu;
	vx /= lv;
	vy /= lv;
	for (i = 0; i < 3; i++) {
		corners(s, i, ux, uy, vx, vy);
		mod[i] = 0;
		for (k = 0; k < 4; k++) {
			static const int nb[4][2] = { { 0, 1 }, { 1, 3 },
			                              { 3, 2 }, { 2, 0 } };
			const double *a = s->corner[i][nb[k][0]];
			const double *b = s->corner[i][nb[k][1]];

			mod[i] += hypot(a[0] - b[0], a[1] - b[1]) / 28;
		}
	}
	/* The centre of the separator module where the timing row meets
	 * the top-right finder (and the column, the bottom-left one). */
	for (k = 0; k < 2; k++) {
		const double (*q)[2] = (const double (*)[2])s->corner[1 + k];
		int across = k ? 1 : 2, along = k ? 2 : 1;

		for (i = 0; i < 2; i++)
			s->sep[k][i] = q[0][i] + 6.5 / 7 * (q[across][i] -
			    q[0][i]) - 0.5 / 7 * (q[along][i] - q[0][i]);
	}
	/* Modules between the finders' centres, plus the 7 they span. */
	est = (lu / ((mod[0] + mod[1]) / 2) + lv / ((mod[0] + mod[2]) / 2)) /
	    2 + 7;
	v0 = (int)lround((est - 17) / 4);
	v0 = v0 < 1 ? 1 : v0 > 40 ? 40 : v0;
	/* The timing patterns, followed from the top-left finder's ring
	 * (and back from the far finders'), tell the side better than the
	 * finders' spacing: try what they say first. */
	for (k = 0; k < 4; k++) {
		const double (*q)[2] = (const double (*)[2])s->corner[0];
		const double (*f)[2] = (const double (*)[2])s->corner[k % 2 + 1];
		double st[2], sp[2], to[2];

		for (i = 0; i < 2; i++) {
			if (k == 0) {
				/* Row: from the ring's right edge, along its
				 * bottom edge. */
				st[i] = q[1][i] + 6.5 / 7 * (q[3][i] - q[1][i]);
				sp[i] = (q[3][i] - q[2][i]) / 7;
				to[i] = s->sep[0][i];
			} else if (k == 1) {
				/* Column: from its bottom edge, along its
				 * right edge. */
				st[i] = q[2][i] + 6.5 / 7 * (q[3][i] - q[2][i]);
				sp[i] = (q[3][i] - q[1][i]) / 7;
				to[i] = s->sep[1][i];
			} else if (k == 2) {
				/* Row, back from the top-right finder's left
				 * edge to the top-left one's separator. */
				st[i] = f[0][i] + 6.5 / 7 * (f[2][i] - f[0][i]);
				sp[i] = (f[2][i] - f[3][i]) / 7;
				to[i] = q[1][i] + 6.5 / 7 * (q[3][i] - q[1][i]) +
				    (q[3][i] - q[2][i]) / 14;
			} else {
				/* Column, up from the bottom-left finder. */
				st[i] = f[0][i] + 6.5 / 7 * (f[1][i] - f[0][i]);
				sp[i] = (f[1][i] - f[3][i]) / 7;
				to[i] = q[2][i] + 6.5 / 7 * (q[3][i] - q[2][i]) +
				    (q[3][i] - q[1][i]) / 14;
			}
		}
		if ((r = timing(s->im, st, sp, to, k >= 2, &tr[k])) < 0)
			return r;
	}
	for (k = 0; k < 4; k++) {
		v = (tr[k].side - 17) / 4;
		/* A count far from what the finders' spacing says lost its
		 * way; a side already tried is not tried again. */
		for (i = 0; i < k && tr[i].side != tr[k].side; i++)
			;
		if (tr[k].side < 21 || (tr[k].side - 17) % 4 != 0 ||
		    fabs(tr[k].side - est) > 0.15 * est + 4 || i < k ||
		    (r = fit_version(s, v, tr, try, arg)) == 0)
			continue;
		return r;
	}
	for (i = 0; i < VERSIONS_TRIED; i++) {
		v = v0 + (i % 2 ? (i + 1) / 2 : -(i / 2));
		if (v < 1 || v > 40 || IZIN_QR_SIDE(v) == tr[0].side ||
		    IZIN_QR_SIDE(v) == tr[1].side ||
		    IZIN_QR_SIDE(v) == tr[2].side ||
		    IZIN_QR_SIDE(v) == tr[3].side)
			continue;
		if ((r = fit_version(s, v, tr, try, arg)) != 0)
			return r;
	}
	return 0;
}

/* Finder triples that could be one symbol, best first: a right angle at
 * the corner, the two sides alike, the finders of a size. */
struct triple {
	int f[3];
	double score;
};

static int
triples(const struct finder *f, int nf, struct triple *t, int max)
{
	int i, j, k, n = 0, c, a, b, q;
	double d[3], ax, ay, bx, by, la, lb, cosang, score, msz;

	for (i = 0; i < nf; i++)
		for (j = i + 1; j < nf; j++)
			for (k = j + 1; k < nf; k++) {
				int id[3] = { i, j, k };

				msz = fmax(f[i].m, fmax(f[j].m, f[k].m)) /
				    fmin(f[i].m, fmin(f[j].m, f[k].m));
				if (msz > 2.5)
					continue;
				for (q = 0; q < 3; q++) {
					const struct finder *p = &f[id[(q + 1) % 3]];
					const struct finder *o = &f[id[(q + 2) % 3]];

					d[q] = hypot(p->x - o->x, p->y - o->y);
				}
				/* The corner faces the longest side. */
				c = d[0] >= d[1] && d[0] >= d[2] ? 0 :
				    d[1] >= d[2] ? 1 : 2;
				a = id[(c + 1) % 3];
				b = id[(c + 2) % 3];
				c = id[c];
				ax = f[a].x - f[c].x;
				ay = f[a].y - f[c].y;
				bx = f[b].x - f[c].x;
				by = f[b].y - f[c].y;
				la = hypot(ax, ay);
				lb = hypot(bx, by);
				msz = (f[a].m + f[b].m + f[c].m) / 3;
				if (la < 8 * msz || lb < 8 * msz ||
				    la > 2.5 * lb || lb > 2.5 * la)
					continue;
				cosang = (ax * bx + ay * by) / (la * lb);
				if (fabs(cosang) > 0.6)
					continue;
				score = fabs(cosang) + fabs(log(la / lb));
				if (ax * by - ay * bx < 0) {
					q = a;
					a = b;
					b = q;
				}
				if (n == max && score >= t[n - 1].score)
					continue;
				q = n < max ? n++ : n - 1;
				for (; q > 0 && t[q - 1].score > score; q--)
					t[q] = t[q - 1];
				t[q].f[0] = c;
				t[q].f[1] = a;
				t[q].f[2] = b;
				t[q].score = score;
			}
	return n;
}

/* Finders and symbols at one scale: img thresholded (after a box blur
 * of this radius) into dark regions, finder patterns among them, and
 * each likely triple tried. */
/* Where finder patterns were seen: a box, and their largest module. */
struct seen {
	double x0, y0, x1, y1, m;
	int n;
};

static int
straighten(const izin_image *img, int blur, int radius, int *budget,
           struct seen *box, izin_geom_try try, void *arg)
{
	struct finder f[FINDERS_MAX];
	struct triple t[TRIPLES_MAX];
	struct symbol s;
	struct blobs L;
	izin_image *bl, *bin;
	int nf = 0, nt, i, r, m, found = 0;
	unsigned char used[FINDERS_MAX] = { 0 };

	m = img->width < img->height ? img->width : img->height;
	if ((bl = izin_prep_blur(img, blur)) == NULL)
		return IZIN_ENOMEM;
	bin = izin_prep_threshold(bl, radius > 0 ? radius : m / 8, 2);
	izin_image_free(bl);
	if (bin == NULL)
		return IZIN_ENOMEM;
	r = blobs_make(bin, &L);
	izin_image_free(bin);
	if (r < 0)
		goto out;
	for (i = 0; i < L.nb && nf < FINDERS_MAX; i++)
		nf += is_finder(&L, i, &f[nf]);
	for (i = 0; i < nf; i++, box->n++) {
		box->x0 = box->n ? fmin(box->x0, f[i].x) : f[i].x;
		box->y0 = box->n ? fmin(box->y0, f[i].y) : f[i].y;
		box->x1 = box->n ? fmax(box->x1, f[i].x) : f[i].x;
		box->y1 = box->n ? fmax(box->y1, f[i].y) : f[i].y;
		box->m = box->n ? fmax(box->m, f[i].m) : f[i].m;
	}
	nt = triples(f, nf, t, TRIPLES_MAX);
	memset(&s, 0, sizeof s);
	s.im = img;
	s.L = &L;
	s.budget = budget;
	for (i = 0; i < nt; i++) {
		if (used[t[i].f[0]] || used[t[i].f[1]] || used[t[i].f[2]])
			continue;
		s.f[0] = &f[t[i].f[0]];
		s.f[1] = &f[t[i].f[1]];
		s.f[2] = &f[t[i].f[2]];
		if ((r = try_symbol(&s, try, arg)) < 0)
			goto out;
		if (r > 0) {
			found++;
			used[t[i].f[0]] = used[t[i].f[1]] = used[t[i].f[2]] = 1;
		}
	}
	r = found;
out:
	blobs_free(&L);
	return r;
}

/* Twice the width and height, bilinear: finder rings a pixel or two
 * wide, and modules squeezed to that by a steep angle, come apart. */
static izin_image *
double_size(const izin_image *src)
{
	int w = src->width, h = src->height, x, y, x0, y0, x1, y1;
	izin_image *dst;

	if (izin_image_new(2 * w, 2 * h, &dst) != IZIN_OK)
		return NULL;
	for (y = 0; y < 2 * h; y++) {
		/* Output pixel centre (y + 0.5) / 2 - 0.5 in the source. */
		double sy = (y - 0.5) / 2, fy;

		y0 = sy < 0 ? 0 : (int)sy;
		y1 = y0 + 1 < h ? y0 + 1 : h - 1;
		fy = sy < 0 ? 0 : sy - y0;
		for (x = 0; x < 2 * w; x++) {
			double sx = (x - 0.5) / 2, fx, v;
			const unsigned char *a, *b;

			x0 = sx < 0 ? 0 : (int)sx;
			x1 = x0 + 1 < w ? x0 + 1 : w - 1;
			fx = sx < 0 ? 0 : sx - x0;
			a = src->gray + (size_t)y0 * w;
			b = src->gray + (size_t)y1 * w;
			v = (a[x0] * (1 - fx) + a[x1] * fx) * (1 - fy) +
			    (b[x0] * (1 - fx) + b[x1] * fx) * fy;
			dst->gray[(size_t)y * 2 * w + x] =
			    (unsigned char)(v + 0.5);
		}
	}
	return dst;
}

/* The part of img from x0, y0 to x1, y1 (clipped to it), a copy. */
static izin_image *
crop(const izin_image *img, double x0, double y0, double x1, double y1)
{
	int a = x0 < 0 ? 0 : (int)x0, b = y0 < 0 ? 0 : (int)y0;
	int c = x1 > img->width ? img->width : (int)x1;
	int d = y1 > img->height ? img->height : (int)y1, y;
	izin_image *out;

	if (c - a < 21 || d - b < 21 ||
	    izin_image_new(c - a, d - b, &out) != IZIN_OK)
		return NULL;
	for (y = b; y < d; y++)
		memcpy(out->gray + (size_t)(y - b) * (c - a),
		    img->gray + (size_t)y * img->width + a, (size_t)(c - a));
	return out;
}

int
izin_geom_straighten(const izin_image *img, const izin_image *fine,
                     izin_geom_try try, void *arg)
{
	struct seen box = { 0, 0, 0, 0, 0, 0 };
	izin_image *up = NULL;
	double k, reach;
	int r, budget = ATTEMPTS_MAX;

	if (img == NULL || img->gray == NULL || try == NULL)
		return IZIN_EINVAL;
	if (img->width < 21 || img->height < 21)
		return 0;
	/* First as a plain pass sees it: a little blur against noise, and
	 * a threshold over an eighth of the image, which keeps the stones
	 * of large finders dark.  Then a threshold over ten pixels, for
	 * small modules whose light rings a wide one fills in, that still
	 * keeps a stone of three modules of six pixels dark: a card at a
	 * steep angle holds finders of both sizes. */
	if ((r = straighten(img, 1, 0, &budget, &box, try, arg)) != 0 ||
	    (r = straighten(img, 0, 10, &budget, &box, try, arg)) != 0)
		return r;
	/*
	 * Then finer, round the finder patterns seen (none seen, no code
	 * to look for): in the photo img was halved from, or in img at
	 * twice the size when it is small, where modules squeezed to a
	 * pixel or two by a steep angle come apart.  A symbol reaches at
	 * most 177 modules from a finder.
	 */
	if (box.n == 0)
		return 0;
	if (fine == NULL) {
		if (img->width > GEOM_DOUBLE_MAX ||
		    img->height > GEOM_DOUBLE_MAX)
			return 0;
		if ((up = double_size(img)) == NULL)
			return IZIN_ENOMEM;
		fine = up;
	}
	k = (double)fine->width / img->width;
	reach = fmin(180 * box.m, fmax(img->width, img->height));
	if (fine != up && (box.x1 - box.x0 + 2 * reach) *
	    (box.y1 - box.y0 + 2 * reach) < (double)img->width * img->height) {
		izin_image *part = crop(fine, k * (box.x0 - reach),
		    k * (box.y0 - reach), k * (box.x1 + reach),
		    k * (box.y1 + reach));

		if (part == NULL)
			return 0;
		r = straighten(part, 0, 12, &budget, &box, try, arg);
		izin_image_free(part);
		return r;
	}
	r = straighten(fine, 0, 12, &budget, &box, try, arg);
	izin_image_free(up);
	return r;
}
