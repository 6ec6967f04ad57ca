/*
 * check_map.c - sightings as maps: GeoJSON features and coordinates, KML
 * and SVG escaping, positions missing or bad, a trail's line, and the
 * picture's scale with one point or all at one spot.
 */
#define _GNU_SOURCE

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "izin.h"
#include "check_util.h"

static izin_record *r;
static FILE *fp;
static char *buf;
static size_t len;

static void
setup(void)
{
	r = izin_record_new();
	ck_assert_ptr_nonnull(r);
	buf = NULL;
	fp = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(fp);
}

static void
teardown(void)
{
	izin_record_free(r);
	fclose(fp);
	free(buf);
}

/* What was written so far. */
static const char *
text(void)
{
	ck_assert_int_eq(fflush(fp), 0);
	return buf ? buf : "";
}

/* A sighting as a log query hands it out ("" for lat and lon: none). */
static void
sighting(const char *seq, const char *time, const char *place,
         const char *lat, const char *lon)
{
	izin_record_clear(r);
	ck_assert_int_eq(izin_record_set(r, "permit", "2C11JB0042-K", 12), 0);
	ck_assert_int_eq(izin_record_set(r, "status", "VALID", 5), 0);
	ck_assert_int_eq(izin_record_set(r, "seq", seq, strlen(seq)), 0);
	ck_assert_int_eq(izin_record_set(r, "device", "00112233aabbccdd",
	                                 16), 0);
	ck_assert_int_eq(izin_record_set(r, "time", time, strlen(time)), 0);
	ck_assert_int_eq(izin_record_set(r, "reporter", "T07", 3), 0);
	ck_assert_int_eq(izin_record_set(r, "reporter_kind", "officer", 7),
	                 0);
	ck_assert_int_eq(izin_record_set(r, "place", place, strlen(place)), 0);
	ck_assert_int_eq(izin_record_set(r, "lat", lat, strlen(lat)), 0);
	ck_assert_int_eq(izin_record_set(r, "lon", lon, strlen(lon)), 0);
}

static json_t *
parse(void)
{
	json_error_t err;
	json_t *j = json_loads(text(), 0, &err);

	ck_assert_msg(j != NULL, "not JSON: %s: %s", err.text, text());
	return j;
}

START_TEST(test_geojson_exact)
{
	izin_map *m = izin_map_new(fp, IZIN_MAP_GEOJSON, 0, NULL);

	ck_assert_ptr_nonnull(m);
	sighting("5", "2026-03-01T08:00:00+07:00", "Pos \"A\"", "-6.2",
	         "106.8");
	ck_assert_int_eq(izin_map_put(m, r), 0);
	ck_assert_int_eq(izin_map_end(m), 0);
	ck_assert_str_eq(text(), "{\"type\":\"FeatureCollection\","
	    "\"features\":[\n{\"type\":\"Feature\",\"geometry\":{\"type\":"
	    "\"Point\",\"coordinates\":[106.8,-6.2]},\"properties\":{"
	    "\"permit\":\"2C11JB0042-K\","
	    "\"time\":\"2026-03-01T08:00:00+07:00\","
	    "\"reporter\":\"T07\",\"reporter_kind\":\"officer\",\"place\":"
	    "\"Pos \\\"A\\\"\",\"status\":\"VALID\",\"device\":"
	    "\"00112233aabbccdd\",\"seq\":\"5\"}}\n]}\n");
	izin_map_free(m);
}
END_TEST

/* The stored text goes out as it is, never through a double; only
 * leading zeros, which JSON forbids, are dropped. */
START_TEST(test_geojson_coordinates)
{
	static const char *const in[][2] = {
		{ "-6.2", "106.8" }, { "6.20", "-0.1" },
		{ "007.5", "-000.25" }, { "-0", "180" },
		{ "89.123456789012", "-179.999999999999" }
	};
	static const char *const want[] = {
		"[106.8,-6.2]", "[-0.1,6.20]", "[-0.25,7.5]", "[180,-0]",
		"[-179.999999999999,89.123456789012]"
	};
	izin_map *m = izin_map_new(fp, IZIN_MAP_GEOJSON, 0, NULL);
	json_t *j;
	size_t i;

	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		sighting("1", "2026-03-01T08:00:00Z", "", in[i][0], in[i][1]);
		ck_assert_int_eq(izin_map_put(m, r), 0);
	}
	ck_assert_int_eq(izin_map_end(m), 0);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		ck_assert_msg(strstr(text(), want[i]) != NULL, "%s not in %s",
		              want[i], text());
	ck_assert_ptr_null(strstr(text(), "0000000"));
	j = parse();
	ck_assert_int_eq(json_array_size(json_object_get(j, "features")), 5);
	json_decref(j);
	izin_map_free(m);
}
END_TEST

/* A sighting without a position, or with one that is not decimal
 * degrees, stays: its geometry is null. */
START_TEST(test_geojson_null_geometry)
{
	static const char *const bad[][2] = {
		{ "1e1", "2" }, { "91", "2" }, { "-6.2", "180.5" },
		{ "-6.2", "" }, { "", "106.8" }, { "+6", "2" }, { "6.", "2" },
		{ "6.1234567890123", "2" }, { "1000", "2" }, { " 6", "2" }
	};
	izin_map *m = izin_map_new(fp, IZIN_MAP_GEOJSON, IZIN_MAP_TRAIL,
	                           NULL);
	json_t *j, *f;
	size_t i, n = sizeof(bad) / sizeof(bad[0]);

	sighting("1", "2026-03-01T08:00:00Z", "", "", "");
	ck_assert_int_eq(izin_map_put(m, r), 0);
	for (i = 0; i < n; i++) {
		sighting("2", "2026-03-01T08:00:00Z", "", bad[i][0], bad[i][1]);
		ck_assert_msg(izin_map_put(m, r) == 1, "%s,%s", bad[i][0],
		              bad[i][1]);
	}
	ck_assert_int_eq(izin_map_end(m), 0);
	j = parse();
	f = json_object_get(j, "features");
	/* No line: not one sighting has a position. */
	ck_assert_int_eq(json_array_size(f), n + 1);
	for (i = 0; i <= n; i++) {
		json_t *e = json_array_get(f, i);
		json_t *p = json_object_get(e, "properties");
		ck_assert(json_is_null(json_object_get(e, "geometry")));
		ck_assert_str_eq(json_string_value(json_object_get(p,
		                 "permit")), "2C11JB0042-K");
	}
	json_decref(j);
	izin_map_free(m);
}
END_TEST

/* A trail's line joins the located points in the order put, [lon, lat],
 * and is there only with two of them. */
START_TEST(test_geojson_trail)
{
	izin_map *m = izin_map_new(fp, IZIN_MAP_GEOJSON, IZIN_MAP_TRAIL,
	                           NULL);
	json_t *j, *f, *g;

	sighting("1", "2026-03-01T08:00:00Z", "A", "-6.2", "106.8");
	ck_assert_int_eq(izin_map_put(m, r), 0);
	sighting("2", "2026-03-02T08:00:00Z", "B", "", "");
	ck_assert_int_eq(izin_map_put(m, r), 0);
	sighting("3", "2026-03-03T08:00:00Z", "C", "-7.25", "112.75");
	ck_assert_int_eq(izin_map_put(m, r), 0);
	ck_assert_int_eq(izin_map_end(m), 0);
	j = parse();
	f = json_object_get(j, "features");
	ck_assert_int_eq(json_array_size(f), 4);
	g = json_object_get(json_array_get(f, 3), "geometry");
	ck_assert_str_eq(json_string_value(json_object_get(g, "type")),
	                 "LineString");
	ck_assert_ptr_nonnull(strstr(text(),
	    "\"coordinates\":[[106.8,-6.2],[112.75,-7.25]]"));
	json_decref(j);
	izin_map_free(m);
}
END_TEST

START_TEST(test_geojson_one_point)
{
	izin_map *m = izin_map_new(fp, IZIN_MAP_GEOJSON, IZIN_MAP_TRAIL,
	                           NULL);
	json_t *j;

	sighting("1", "2026-03-01T08:00:00Z", "A", "-6.2", "106.8");
	ck_assert_int_eq(izin_map_put(m, r), 0);
	ck_assert_int_eq(izin_map_end(m), 0);
	j = parse();
	ck_assert_int_eq(json_array_size(json_object_get(j, "features")), 1);
	ck_assert_ptr_null(strstr(text(), "LineString"));
	json_decref(j);
	izin_map_free(m);
}
END_TEST

/* Features go out as they come, and an empty map is a whole document. */
START_TEST(test_geojson_streams)
{
	izin_map *m = izin_map_new(fp, IZIN_MAP_GEOJSON, 0, NULL);
	json_t *j;

	sighting("1", "2026-03-01T08:00:00Z", "Early", "-6.2", "106.8");
	ck_assert_int_eq(izin_map_put(m, r), 0);
	ck_assert_ptr_nonnull(strstr(text(), "Early"));
	izin_map_free(m);
	fclose(fp);
	free(buf);
	buf = NULL;
	fp = open_memstream(&buf, &len);
	m = izin_map_new(fp, IZIN_MAP_GEOJSON, IZIN_MAP_TRAIL, NULL);
	ck_assert_int_eq(izin_map_end(m), 0);
	j = parse();
	ck_assert_int_eq(json_array_size(json_object_get(j, "features")), 0);
	ck_assert_int_eq(izin_map_put(m, r), IZIN_EINVAL);
	ck_assert_int_eq(izin_map_end(m), IZIN_EINVAL);
	json_decref(j);
	izin_map_free(m);
}
END_TEST

/* A value that is not UTF-8 is refused and nothing of it written; the
 * rest goes on. */
START_TEST(test_utf8_refused)
{
	static const int formats[] = {
		IZIN_MAP_GEOJSON, IZIN_MAP_KML, IZIN_MAP_SVG
	};
	size_t i;

	for (i = 0; i < 3; i++) {
		izin_map *m;
		fclose(fp);
		free(buf);
		buf = NULL;
		fp = open_memstream(&buf, &len);
		m = izin_map_new(fp, formats[i], IZIN_MAP_TRAIL, "t");
		sighting("1", "2026-03-01T08:00:00Z", "Bad \xff", "-6.2",
		         "106.8");
		ck_assert_int_eq(izin_map_put(m, r), IZIN_EUTF8);
		sighting("2", "2026-03-01T08:00:00Z", "Good", "-6.2", "106.8");
		ck_assert_int_eq(izin_map_put(m, r), 0);
		ck_assert_int_eq(izin_map_end(m), 0);
		ck_assert_ptr_null(strstr(text(), "Bad"));
		ck_assert_ptr_nonnull(strstr(text(), "Good"));
		izin_map_free(m);
	}
}
END_TEST

START_TEST(test_kml_escaping)
{
	izin_map *m = izin_map_new(fp, IZIN_MAP_KML, IZIN_MAP_TRAIL,
	                           "Trail of <P> & 'Q'");
	const char *t;

	ck_assert_ptr_nonnull(m);
	sighting("1", "2026-03-01T08:00:00+07:00",
	         "Jl. <Kartini> & \"Sudirman\" 'A' S\xc5\xabrabaya "
	         "\xe2\x98\x83",
	         "-6.2", "106.8");
	ck_assert_int_eq(izin_map_put(m, r), 0);
	sighting("2", "2026-03-02T08:00:00+07:00", "Bogor", "-6.6", "106.8");
	ck_assert_int_eq(izin_map_put(m, r), 0);
	ck_assert_int_eq(izin_map_end(m), 0);
	t = text();
	ck_assert_ptr_nonnull(strstr(t, "<kml xmlns=\"http://www.opengis.net/"
	                                 "kml/2.2\">"));
	ck_assert_ptr_nonnull(strstr(t, "<name>Trail of &lt;P&gt; &amp; "
	                                 "&apos;Q&apos;</name>"));
	ck_assert_ptr_nonnull(strstr(t, "<name>Jl. &lt;Kartini&gt; &amp; "
	    "&quot;Sudirman&quot; &apos;A&apos; S\xc5\xabrabaya "
	    "\xe2\x98\x83</name>"));
	ck_assert_ptr_nonnull(strstr(t, "<when>2026-03-01T08:00:00+07:00"
	                                 "</when>"));
	ck_assert_ptr_nonnull(strstr(t, "<Data name=\"status\"><value>VALID"
	                                 "</value></Data>"));
	ck_assert_ptr_nonnull(strstr(t, "<Point><coordinates>106.8,-6.2"
	                                 "</coordinates></Point>"));
	ck_assert_ptr_nonnull(strstr(t, "<LineString><coordinates>106.8,-6.2 "
	                                 "106.8,-6.6</coordinates>"));
	ck_assert_ptr_null(strstr(t, "<Kartini>"));
	izin_map_free(m);
}
END_TEST

/* A character XML 1.0 cannot hold at all is refused; a title of one
 * too, at once. */
START_TEST(test_xml_control)
{
	izin_map *m = izin_map_new(fp, IZIN_MAP_KML, 0, NULL);

	sighting("1", "2026-03-01T08:00:00Z", "bell \a", "", "");
	ck_assert_int_eq(izin_map_put(m, r), IZIN_ECTRL);
	sighting("1", "2026-03-01T08:00:00Z", "\xef\xbf\xbe", "", "");
	ck_assert_int_eq(izin_map_put(m, r), IZIN_ECTRL);
	sighting("1", "2026-03-01T08:00:00Z", "tab\tok", "", "");
	ck_assert_int_eq(izin_map_put(m, r), 0);
	ck_assert_int_eq(izin_map_end(m), 0);
	ck_assert_ptr_null(strstr(text(), "bell"));
	izin_map_free(m);
	ck_assert_ptr_null(izin_map_new(fp, IZIN_MAP_SVG, 0, "a\x01"));
	ck_assert_ptr_null(izin_map_new(fp, IZIN_MAP_SVG, 0, "\xc3"));
	ck_assert_ptr_null(izin_map_new(fp, 0, 0, NULL));
	ck_assert_ptr_null(izin_map_new(fp, IZIN_MAP_SVG, 2, NULL));
	ck_assert_ptr_null(izin_map_new(NULL, IZIN_MAP_SVG, 0, NULL));
}
END_TEST

/* One point is drawn in the middle of the drawing area. */
START_TEST(test_svg_one_point)
{
	izin_map *m = izin_map_new(fp, IZIN_MAP_SVG, IZIN_MAP_TRAIL,
	                           "Trail of 2C11JB0042-K");
	const char *t;

	sighting("1", "2026-03-01T23:30:00-05:00", "Bogor & <co>", "-6.6",
	         "106.8");
	ck_assert_int_eq(izin_map_put(m, r), 0);
	ck_assert_int_eq(izin_map_end(m), 0);
	t = text();
	ck_assert_ptr_nonnull(strstr(t, "<svg xmlns=\"http://www.w3.org/2000/"
	                                 "svg\""));
	ck_assert_ptr_nonnull(strstr(t, "<title>Trail of 2C11JB0042-K"
	                                 "</title>"));
	ck_assert_ptr_nonnull(strstr(t, "<circle cx=\"400.0\" cy=\"315.0\""));
	/* The date as written at the place, not the UTC one. */
	ck_assert_ptr_nonnull(strstr(t, ">Bogor &amp; &lt;co&gt; 2026-03-01"
	                                 "</text>"));
	ck_assert_ptr_null(strstr(t, "polyline"));
	ck_assert_ptr_null(strstr(t, "nan"));
	ck_assert_ptr_null(strstr(t, "inf"));
	ck_assert_ptr_null(strstr(t, "<script"));
	ck_assert_ptr_null(strstr(t, "href"));
	ck_assert(strcmp(t + strlen(t) - 7, "</svg>\n") == 0);
	izin_map_free(m);
}
END_TEST

/* Every point at one spot: all in the middle, labels one under the
 * other, no division by zero. */
START_TEST(test_svg_same_spot)
{
	izin_map *m = izin_map_new(fp, IZIN_MAP_SVG, IZIN_MAP_TRAIL, "t");
	const char *t;

	sighting("1", "2026-03-01T08:00:00Z", "A", "-6.6", "106.8");
	ck_assert_int_eq(izin_map_put(m, r), 0);
	sighting("2", "2026-03-02T08:00:00Z", "B", "-6.60", "106.80");
	ck_assert_int_eq(izin_map_put(m, r), 0);
	sighting("3", "2026-03-03T08:00:00Z", "C", "-6.6", "106.8");
	ck_assert_int_eq(izin_map_put(m, r), 0);
	ck_assert_int_eq(izin_map_end(m), 0);
	t = text();
	ck_assert_ptr_nonnull(strstr(t, "points=\"400.0,315.0 400.0,315.0 "
	                                 "400.0,315.0\""));
	ck_assert_ptr_nonnull(strstr(t, "y=\"319.0\" text-anchor=\"end\">"
	                                 "A 2026-03-01</text>"));
	ck_assert_ptr_nonnull(strstr(t, "y=\"332.0\" text-anchor=\"end\">"
	                                 "B 2026-03-02</text>"));
	ck_assert_ptr_nonnull(strstr(t, "y=\"345.0\" text-anchor=\"end\">"
	                                 "C 2026-03-03</text>"));
	ck_assert_ptr_null(strstr(t, "nan"));
	izin_map_free(m);
}
END_TEST

/* x is scaled by the cosine of the mean latitude (60: a half), and the
 * bounding box fitted to the drawing area, 720 by 510, centred. */
START_TEST(test_svg_scale)
{
	izin_map *m = izin_map_new(fp, IZIN_MAP_SVG, IZIN_MAP_TRAIL, "t");
	const char *t;

	sighting("1", "2026-03-01T08:00:00Z", "SW", "59.5", "0");
	ck_assert_int_eq(izin_map_put(m, r), 0);
	sighting("2", "2026-03-02T08:00:00Z", "NE", "60.5", "2");
	ck_assert_int_eq(izin_map_put(m, r), 0);
	ck_assert_int_eq(izin_map_end(m), 0);
	t = text();
	ck_assert_msg(strstr(t, "points=\"145.0,570.0 655.0,60.0\"") != NULL,
	              "%s", t);
	izin_map_free(m);
}
END_TEST

/* Points of many permits: not joined, each labelled with its permit. */
START_TEST(test_svg_points)
{
	izin_map *m = izin_map_new(fp, IZIN_MAP_SVG, 0, "Last seen");
	const char *t;

	sighting("1", "2026-03-01T08:00:00Z", "A", "-6.2", "106.8");
	ck_assert_int_eq(izin_map_put(m, r), 0);
	sighting("2", "2026-03-02T08:00:00Z", "B", "", "");
	ck_assert_int_eq(izin_map_put(m, r), 0);
	sighting("3", "2026-03-03T08:00:00Z", "C", "-7.25", "112.75");
	ck_assert_int_eq(izin_map_put(m, r), 0);
	ck_assert_int_eq(izin_map_end(m), 0);
	t = text();
	ck_assert_ptr_null(strstr(t, "polyline"));
	ck_assert_ptr_nonnull(strstr(t, ">2C11JB0042-K A 2026-03-01</text>"));
	ck_assert_ptr_nonnull(strstr(t, ">2C11JB0042-K C 2026-03-03</text>"));
	ck_assert_ptr_null(strstr(t, " B 2026"));
	izin_map_free(m);
}
END_TEST

START_TEST(test_eio)
{
	FILE *ro = fopen("/dev/null", "r");
	izin_map *m;

	ck_assert_ptr_nonnull(ro);
	m = izin_map_new(ro, IZIN_MAP_GEOJSON, 0, NULL);
	sighting("1", "2026-03-01T08:00:00Z", "A", "-6.2", "106.8");
	ck_assert_int_eq(izin_map_put(m, r), IZIN_EIO);
	izin_map_free(m);
	m = izin_map_new(ro, IZIN_MAP_SVG, 0, NULL);
	ck_assert_int_eq(izin_map_put(m, r), 0);
	ck_assert_int_eq(izin_map_end(m), IZIN_EIO);
	izin_map_free(m);
	izin_map_free(NULL);
	fclose(ro);
}
END_TEST

static Suite *
map_suite(void)
{
	Suite *s = suite_create("map");
	TCase *tc;

	tc = tcase_create("geojson");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_geojson_exact);
	tcase_add_test(tc, test_geojson_coordinates);
	tcase_add_test(tc, test_geojson_null_geometry);
	tcase_add_test(tc, test_geojson_trail);
	tcase_add_test(tc, test_geojson_one_point);
	tcase_add_test(tc, test_geojson_streams);
	tcase_add_test(tc, test_utf8_refused);
	suite_add_tcase(s, tc);

	tc = tcase_create("kml");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_kml_escaping);
	tcase_add_test(tc, test_xml_control);
	suite_add_tcase(s, tc);

	tc = tcase_create("svg");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_svg_one_point);
	tcase_add_test(tc, test_svg_same_spot);
	tcase_add_test(tc, test_svg_scale);
	tcase_add_test(tc, test_svg_points);
	tcase_add_test(tc, test_eio);
	suite_add_tcase(s, tc);

	return s;
}

IZIN_CHECK_MAIN(map_suite)
