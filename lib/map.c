/*
 * map.c - sightings as a map: GeoJSON (RFC 7946), KML 2.2 for Google
 * Earth, and a self-contained SVG picture for a report.
 *
 * GeoJSON and KML go out a feature at a time, each made whole in a
 * buffer and written with one fwrite(), so a map of every permit's last
 * sighting never holds more than one feature; a trail's line keeps only
 * its coordinates' text for the end.  An SVG picture is scaled to its
 * points' bounding box, so it keeps every point until the end.
 *
 * Coordinates are written as the stored decimal text (leading zeros
 * dropped), never through a double, so 6.2 stays 6.2.  Numbers the
 * picture computes are written with integer arithmetic: no locale's
 * decimal comma gets in.
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "izin_internal.h"

/* The columns a sighting's feature carries, in this order. */
static const char *const prop_keys[] = {
	"permit", "time", "reporter", "reporter_kind", "place", "status",
	"device", "seq"
};
#define NPROPS (sizeof(prop_keys) / sizeof(prop_keys[0]))

/* A coordinate's text: '-', 3 digits, '.', 12 digits and a NUL. */
#define COORD_MAX 18

/* The picture: its width, and margins room for the title and labels. */
#define SVG_W 800
#define SVG_H 600
#define SVG_SIDE 40
#define SVG_TOP 60
#define SVG_BOTTOM 30
#define SVG_LINE 13             /* a label line's height */

struct point {
	double x, y;            /* lon, lat in degrees; then pixels */
	size_t label, llen;     /* the label's escaped text in labels */
	size_t i;               /* the order put */
	int stack;              /* labels above it at the same spot */
};

struct izin_map {
	FILE *fp;
	int format, flags, started, ended;
	char *title;
	unsigned long features;
	struct izin_buf out;    /* one feature, or the picture */
	struct izin_buf line;   /* the trail's coordinates, as written */
	size_t nline;
	struct point *pt;       /* SVG: the located points */
	size_t npt, cappt;
	struct izin_buf labels;
};

static int add_xml(struct izin_buf *b, const char *s, size_t len);

izin_map *
izin_map_new(FILE *fp, int format, int flags, const char *title)
{
	izin_map *m;

	if (fp == NULL || format < IZIN_MAP_GEOJSON || format > IZIN_MAP_SVG ||
	    (flags & ~IZIN_MAP_TRAIL) != 0)
		return NULL;
	if (title == NULL)
		title = "";
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return NULL;
	/* A title XML cannot hold is refused now, not at the end. */
	if (add_xml(&m->out, title, strlen(title)) < 0) {
		izin_buf_free(&m->out);
		free(m);
		return NULL;
	}
	if ((m->title = strdup(title)) == NULL) {
		izin_buf_free(&m->out);
		free(m);
		return NULL;
	}
	m->fp = fp;
	m->format = format;
	m->flags = flags;
	return m;
}

void
izin_map_free(izin_map *m)
{
	if (m == NULL)
		return;
	free(m->title);
	izin_buf_free(&m->out);
	izin_buf_free(&m->line);
	izin_buf_free(&m->labels);
	free(m->pt);
	free(m);
}

static int
add(struct izin_buf *b, const char *s)
{
	return izin_buf_add(b, s, strlen(s));
}

/* Append s (len bytes) escaped as XML character data: IZIN_EUTF8 for
 * bytes that are not UTF-8, IZIN_ECTRL for a character XML 1.0 cannot
 * hold at all (C0 controls but tab, LF and CR; U+FFFE, U+FFFF). */
static int
add_xml(struct izin_buf *b, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	const char *rep;
	size_t i, n;
	uint32_t cp;
	int rc;

	for (i = 0; i < len; i += n) {
		if ((n = izin_utf8_char(p + i, len - i, &cp)) == 0)
			return IZIN_EUTF8;
		if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') ||
		    cp == 0xfffe || cp == 0xffff)
			return IZIN_ECTRL;
		switch (cp) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&apos;"; break;
		case '\r': rep = "&#13;"; break;
		default: rep = NULL; break;
		}
		rc = rep ? add(b, rep) : izin_buf_add(b, s + i, n);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* A coordinate as a sighting takes it (izin_coord_parse()) into out with
 * leading zeros dropped, a JSON number; its value to *v.  -1 for anything
 * else. */
static int
coord(const char *s, size_t len, int limit, char out[COORD_MAX], double *v)
{
	size_t i = 0, o = 0;

	if (len >= COORD_MAX || izin_coord_parse(s, len, limit, v) != IZIN_OK)
		return -1;
	if (s[0] == '-')
		out[o++] = s[i++];
	while (s[i] == '0' && i + 1 < len && s[i + 1] != '.')
		i++;
	memcpy(out + o, s + i, len - i);
	out[o + len - i] = '\0';
	return 0;
}

/* A record's position: 1 with both coordinates, 0 with neither (both
 * missing or empty), -1 when they are not decimal degrees. */
static int
position(const izin_record *r, char lat[COORD_MAX], char lon[COORD_MAX],
         double *y, double *x)
{
	size_t alen = 0, olen = 0;
	const char *a = izin_record_get(r, "lat", &alen);
	const char *o = izin_record_get(r, "lon", &olen);

	if (alen == 0 && olen == 0)
		return 0;
	if (a == NULL || o == NULL || coord(a, alen, 90, lat, y) < 0 ||
	    coord(o, olen, 180, lon, x) < 0)
		return -1;
	return 1;
}

/* The sighting's date as written, "YYYY-MM-DD", or "" for a time that is
 * not one. */
static void
sighting_date(const izin_record *r, char buf[IZIN_DATE_LEN + 1])
{
	size_t len;
	const char *t = izin_record_get(r, "time", &len);
	izin_date d;

	buf[0] = '\0';
	if (t != NULL && izin_time_date(t, len, &d) == IZIN_OK)
		izin_date_format(d, buf);
}

static int
put_out(izin_map *m)
{
	if (m->out.len > 0 &&
	    fwrite(m->out.p, 1, m->out.len, m->fp) != m->out.len)
		return IZIN_EIO;
	m->out.len = 0;
	return 0;
}

static int
geojson_feature(izin_map *m, const izin_record *r, int located,
                const char *lat, const char *lon)
{
	json_t *props, *v;
	const char *val;
	size_t i, len, n;
	int rc = IZIN_ENOMEM;

	for (i = 0; i < NPROPS; i++) {
		val = izin_record_get(r, prop_keys[i], &len);
		if (val != NULL && izin_utf8_check(val, len) == IZIN_EUTF8)
			return IZIN_EUTF8;
	}
	if ((props = json_object()) == NULL)
		return IZIN_ENOMEM;
	for (i = 0; i < NPROPS; i++) {
		if ((val = izin_record_get(r, prop_keys[i], &len)) == NULL)
			continue;
		if ((v = json_stringn_nocheck(val, len)) == NULL ||
		    json_object_set_new_nocheck(props, prop_keys[i], v) < 0)
			goto out;
	}
	m->out.len = 0;
	if (add(&m->out, m->features > 0 ? ",\n" : "") < 0 ||
	    add(&m->out, "{\"type\":\"Feature\",\"geometry\":") < 0)
		goto out;
	if (located) {
		if (add(&m->out, "{\"type\":\"Point\",\"coordinates\":[") < 0 ||
		    add(&m->out, lon) < 0 || add(&m->out, ",") < 0 ||
		    add(&m->out, lat) < 0 || add(&m->out, "]}") < 0)
			goto out;
	} else if (add(&m->out, "null") < 0) {
		goto out;
	}
	if (add(&m->out, ",\"properties\":") < 0 ||
	    (n = json_dumpb(props, NULL, 0, JSON_COMPACT)) == 0 ||
	    izin_buf_reserve(&m->out, n + 1) < 0 ||
	    json_dumpb(props, m->out.p + m->out.len, n, JSON_COMPACT) != n)
		goto out;
	m->out.len += n;
	if (add(&m->out, "}") < 0)
		goto out;
	rc = 0;
out:
	json_decref(props);
	return rc;
}

static int
kml_feature(izin_map *m, const izin_record *r, int located, const char *lat,
            const char *lon)
{
	const char *val, *name;
	size_t i, len;
	int64_t t;
	int rc;

	m->out.len = 0;
	/* A trail's points are told apart by place, a map of many permits'
	 * by permit. */
	name = m->flags & IZIN_MAP_TRAIL ? "place" : "permit";
	if ((val = izin_record_get(r, name, &len)) == NULL || len == 0)
		val = izin_record_get(r, "time", &len);
	if ((rc = add(&m->out, "<Placemark>\n<name>")) < 0 ||
	    (val && (rc = add_xml(&m->out, val, len)) < 0) ||
	    (rc = add(&m->out, "</name>\n")) < 0)
		return rc;
	val = izin_record_get(r, "time", &len);
	if (val != NULL && izin_time_parse(val, len, &t) == IZIN_OK &&
	    ((rc = add(&m->out, "<TimeStamp><when>")) < 0 ||
	     (rc = add_xml(&m->out, val, len)) < 0 ||
	     (rc = add(&m->out, "</when></TimeStamp>\n")) < 0))
		return rc;
	if ((rc = add(&m->out, "<ExtendedData>\n")) < 0)
		return rc;
	for (i = 0; i < NPROPS; i++) {
		if ((val = izin_record_get(r, prop_keys[i], &len)) == NULL)
			continue;
		if ((rc = add(&m->out, "<Data name=\"")) < 0 ||
		    (rc = add(&m->out, prop_keys[i])) < 0 ||
		    (rc = add(&m->out, "\"><value>")) < 0 ||
		    (rc = add_xml(&m->out, val, len)) < 0 ||
		    (rc = add(&m->out, "</value></Data>\n")) < 0)
			return rc;
	}
	if ((rc = add(&m->out, "</ExtendedData>\n")) < 0)
		return rc;
	if (located && ((rc = add(&m->out, "<Point><coordinates>")) < 0 ||
	    (rc = add(&m->out, lon)) < 0 || (rc = add(&m->out, ",")) < 0 ||
	    (rc = add(&m->out, lat)) < 0 ||
	    (rc = add(&m->out, "</coordinates></Point>\n")) < 0))
		return rc;
	return add(&m->out, "</Placemark>\n");
}

/* The label of a picture's point, escaped, kept in m->labels. */
static int
svg_point(izin_map *m, const izin_record *r, double y, double x)
{
	char date[IZIN_DATE_LEN + 1];
	struct point *p;
	const char *val;
	size_t len, start = m->labels.len;
	int rc = 0;

	if (m->npt == m->cappt) {
		size_t cap = m->cappt ? 2 * m->cappt : 64;
		if (cap > SIZE_MAX / sizeof(*p) ||
		    (p = realloc(m->pt, cap * sizeof(*p))) == NULL)
			return IZIN_ENOMEM;
		m->pt = p;
		m->cappt = cap;
	}
	sighting_date(r, date);
	if (!(m->flags & IZIN_MAP_TRAIL) &&
	    (val = izin_record_get(r, "permit", &len)) != NULL && len > 0 &&
	    ((rc = add_xml(&m->labels, val, len)) < 0 ||
	     (rc = add(&m->labels, " ")) < 0))
		goto bad;
	if ((val = izin_record_get(r, "place", &len)) != NULL && len > 0 &&
	    ((rc = add_xml(&m->labels, val, len)) < 0 ||
	     (rc = add(&m->labels, " ")) < 0))
		goto bad;
	if ((rc = add(&m->labels, date)) < 0)
		goto bad;
	p = &m->pt[m->npt];
	p->x = x;
	p->y = y;
	p->label = start;
	p->llen = m->labels.len - start;
	p->i = m->npt++;
	p->stack = 0;
	return 0;
bad:
	m->labels.len = start;
	return rc;
}

static int
start(izin_map *m)
{
	int rc = 0;

	if (m->started)
		return 0;
	m->out.len = 0;
	if (m->format == IZIN_MAP_GEOJSON) {
		rc = add(&m->out, "{\"type\":\"FeatureCollection\","
		         "\"features\":[\n");
	} else if (m->format == IZIN_MAP_KML) {
		if ((rc = add(&m->out, "<?xml version=\"1.0\" "
		              "encoding=\"UTF-8\"?>\n<kml xmlns=\"http://"
		              "www.opengis.net/kml/2.2\">\n<Document>\n"
		              "<name>")) < 0 ||
		    (rc = add_xml(&m->out, m->title, strlen(m->title))) < 0 ||
		    (rc = add(&m->out, "</name>\n")) < 0)
			return rc;
	}
	if (rc < 0 || (rc = put_out(m)) < 0)
		return rc;
	m->started = 1;
	return 0;
}

int
izin_map_put(izin_map *m, const izin_record *r)
{
	char lat[COORD_MAX], lon[COORD_MAX];
	double y = 0, x = 0;
	int pos, rc;

	if (m == NULL || r == NULL || m->ended)
		return IZIN_EINVAL;
	if ((rc = start(m)) < 0)
		return rc;
	pos = position(r, lat, lon, &y, &x);
	if (m->format == IZIN_MAP_SVG)
		return pos == 1 ? svg_point(m, r, y, x) : pos < 0;
	if (m->format == IZIN_MAP_GEOJSON)
		rc = geojson_feature(m, r, pos == 1, lat, lon);
	else
		rc = kml_feature(m, r, pos == 1, lat, lon);
	if (rc < 0)
		return rc;
	if ((rc = put_out(m)) < 0)
		return rc;
	m->features++;
	if (pos == 1 && (m->flags & IZIN_MAP_TRAIL)) {
		const char *fmt = m->format == IZIN_MAP_GEOJSON ? "[%s,%s]" :
		    "%s,%s";
		char c[2 * COORD_MAX + 4];
		snprintf(c, sizeof c, fmt, lon, lat);
		if ((m->nline > 0 && add(&m->line, m->format ==
		    IZIN_MAP_GEOJSON ? "," : " ") < 0) || add(&m->line, c) < 0)
			return IZIN_ENOMEM;
		m->nline++;
	}
	return pos < 0;
}

/* v with one decimal, without printf's locale: "-12.5". */
static void
fixed1(char *buf, size_t size, double v)
{
	long t = lround(v * 10);

	snprintf(buf, size, "%s%ld.%ld", t < 0 ? "-" : "", labs(t) / 10,
	         labs(t) % 10);
}

/* Points at the same spot (to the tenth of a pixel) side by side, in the
 * order put, so each one's label can go under the one before. */
static int
same_spot(const void *a, const void *b)
{
	const struct point *p = a, *q = b;
	long px = lround(p->x * 10), qx = lround(q->x * 10);
	long py = lround(p->y * 10), qy = lround(q->y * 10);

	if (px != qx)
		return px < qx ? -1 : 1;
	if (py != qy)
		return py < qy ? -1 : 1;
	return p->i < q->i ? -1 : p->i > q->i;
}

static int
by_order(const void *a, const void *b)
{
	const struct point *p = a, *q = b;

	return p->i < q->i ? -1 : p->i > q->i;
}

/* Project the points equirectangularly, x shrunk by the cosine of their
 * mean latitude, and fit their bounding box into the picture, centred; a
 * box of no width or no height (one point, or all at one spot) takes the
 * scale of the other side, or none. */
static void
svg_layout(izin_map *m)
{
	double k, minx, maxx, miny, maxy, sx, sy, s, w, h, sum = 0;
	size_t i;

	for (i = 0; i < m->npt; i++)
		sum += m->pt[i].y;
	k = cos(sum / (double)m->npt * 3.14159265358979323846 / 180);
	minx = maxx = m->pt[0].x * k;
	miny = maxy = -m->pt[0].y;
	for (i = 0; i < m->npt; i++) {
		m->pt[i].x *= k;
		m->pt[i].y = -m->pt[i].y;
		minx = fmin(minx, m->pt[i].x);
		maxx = fmax(maxx, m->pt[i].x);
		miny = fmin(miny, m->pt[i].y);
		maxy = fmax(maxy, m->pt[i].y);
	}
	w = SVG_W - 2 * SVG_SIDE;
	h = SVG_H - SVG_TOP - SVG_BOTTOM;
	sx = maxx - minx > 1e-9 ? w / (maxx - minx) : HUGE_VAL;
	sy = maxy - miny > 1e-9 ? h / (maxy - miny) : HUGE_VAL;
	s = fmin(sx, sy);
	if (s == HUGE_VAL)
		s = 1;
	for (i = 0; i < m->npt; i++) {
		m->pt[i].x = SVG_SIDE + w / 2 +
		    (m->pt[i].x - (minx + maxx) / 2) * s;
		m->pt[i].y = SVG_TOP + h / 2 +
		    (m->pt[i].y - (miny + maxy) / 2) * s;
	}
	qsort(m->pt, m->npt, sizeof(*m->pt), same_spot);
	for (i = 1; i < m->npt; i++)
		if (lround(m->pt[i - 1].x * 10) == lround(m->pt[i].x * 10) &&
		    lround(m->pt[i - 1].y * 10) == lround(m->pt[i].y * 10))
			m->pt[i].stack = m->pt[i - 1].stack + 1;
	qsort(m->pt, m->npt, sizeof(*m->pt), by_order);
}

static int
svg_picture(izin_map *m)
{
	char x[32], y[32], ly[32], n[32];
	const struct point *p;
	size_t i;
	int rc;

	m->out.len = 0;
	snprintf(n, sizeof n, "%d", SVG_W / 2);
	if ((rc = add(&m->out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	              "<svg xmlns=\"http://www.w3.org/2000/svg\" "
	              "version=\"1.1\" width=\"800\" height=\"600\" "
	              "viewBox=\"0 0 800 600\" font-family=\"sans-serif\" "
	              "font-size=\"11\">\n<title>")) < 0 ||
	    (rc = add_xml(&m->out, m->title, strlen(m->title))) < 0 ||
	    (rc = add(&m->out, "</title>\n<rect width=\"800\" height=\"600\" "
	              "fill=\"white\"/>\n<text x=\"")) < 0 ||
	    (rc = add(&m->out, n)) < 0 ||
	    (rc = add(&m->out, "\" y=\"30\" font-size=\"16\" "
	              "text-anchor=\"middle\">")) < 0 ||
	    (rc = add_xml(&m->out, m->title, strlen(m->title))) < 0 ||
	    (rc = add(&m->out, "</text>\n")) < 0)
		return rc;
	if (m->npt == 0)
		return add(&m->out, "</svg>\n");
	svg_layout(m);
	if ((m->flags & IZIN_MAP_TRAIL) && m->npt > 1) {
		if ((rc = add(&m->out, "<polyline fill=\"none\" "
		              "stroke=\"#1f5fa8\" stroke-width=\"2\" "
		              "points=\"")) < 0)
			return rc;
		for (i = 0; i < m->npt; i++) {
			fixed1(x, sizeof x, m->pt[i].x);
			fixed1(y, sizeof y, m->pt[i].y);
			if ((rc = add(&m->out, i > 0 ? " " : "")) < 0 ||
			    (rc = add(&m->out, x)) < 0 ||
			    (rc = add(&m->out, ",")) < 0 ||
			    (rc = add(&m->out, y)) < 0)
				return rc;
		}
		if ((rc = add(&m->out, "\"/>\n")) < 0)
			return rc;
	}
	for (i = 0; i < m->npt; i++) {
		p = &m->pt[i];
		fixed1(x, sizeof x, p->x);
		fixed1(y, sizeof y, p->y);
		/* A label on the side away from the nearer edge, so it stays
		 * inside the picture. */
		fixed1(n, sizeof n, p->x < SVG_W / 2 ? p->x + 7 : p->x - 7);
		fixed1(ly, sizeof ly, p->y + 4 + p->stack * SVG_LINE);
		if ((rc = add(&m->out, "<circle cx=\"")) < 0 ||
		    (rc = add(&m->out, x)) < 0 ||
		    (rc = add(&m->out, "\" cy=\"")) < 0 ||
		    (rc = add(&m->out, y)) < 0 ||
		    (rc = add(&m->out, "\" r=\"4\" fill=\"#c0392b\"/>\n"
		              "<text x=\"")) < 0 ||
		    (rc = add(&m->out, n)) < 0 ||
		    (rc = add(&m->out, "\" y=\"")) < 0 ||
		    (rc = add(&m->out, ly)) < 0 ||
		    (rc = add(&m->out, p->x < SVG_W / 2 ? "\">" :
		              "\" text-anchor=\"end\">")) < 0 ||
		    (rc = izin_buf_add(&m->out, m->labels.p + p->label,
		                       p->llen)) < 0 ||
		    (rc = add(&m->out, "</text>\n")) < 0)
			return rc;
	}
	return add(&m->out, "</svg>\n");
}

int
izin_map_end(izin_map *m)
{
	int rc;

	if (m == NULL || m->ended)
		return IZIN_EINVAL;
	if ((rc = start(m)) < 0)
		return rc;
	m->ended = 1;
	m->out.len = 0;
	if (m->format == IZIN_MAP_GEOJSON) {
		if (m->nline > 1 &&
		    ((rc = add(&m->out, m->features > 0 ? ",\n" : "")) < 0 ||
		     (rc = add(&m->out, "{\"type\":\"Feature\",\"geometry\":"
		               "{\"type\":\"LineString\","
		               "\"coordinates\":[")) < 0 ||
		     (rc = izin_buf_add(&m->out, m->line.p, m->line.len)) < 0 ||
		     (rc = add(&m->out, "]},\"properties\":{}}")) < 0))
			return rc;
		rc = add(&m->out, "\n]}\n");
	} else if (m->format == IZIN_MAP_KML) {
		if (m->nline > 1 &&
		    ((rc = add(&m->out, "<Placemark>\n<name>")) < 0 ||
		     (rc = add_xml(&m->out, m->title, strlen(m->title))) < 0 ||
		     (rc = add(&m->out, "</name>\n<LineString><coordinates>"))
		     < 0 ||
		     (rc = izin_buf_add(&m->out, m->line.p, m->line.len)) < 0 ||
		     (rc = add(&m->out, "</coordinates></LineString>\n"
		               "</Placemark>\n")) < 0))
			return rc;
		rc = add(&m->out, "</Document>\n</kml>\n");
	} else {
		rc = svg_picture(m);
	}
	if (rc < 0 || (rc = put_out(m)) < 0)
		return rc;
	return fflush(m->fp) == 0 ? 0 : IZIN_EIO;
}
