#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>
#include <libexif/exif-data.h>

#include "image_internal.h"

/* A progressive JPEG may hold any number of scans, each a pass over the
 * whole image: a small file could keep us busy for minutes.  Real ones
 * have about ten; libjpeg-turbo's own TJFLAG_LIMITSCANS stops at 500. */
#define JPEG_SCANS_MAX 500
/* Scans times samples: each progressive scan walks every coefficient, so a
 * tiny file of hundreds of empty scans over a huge frame could hold a
 * thread for seconds.  Real photos stay far below (12 Mpx, 3 components,
 * 10 scans is 3.6e8). */
#define JPEG_SCAN_WORK_MAX 2000000000.0

/* Rows asked of libjpeg at a time. */
#define JPEG_ROWS 16

struct jpeg_err {
	struct jpeg_error_mgr pub;
	jmp_buf jmp;
	volatile int err;       /* set by the error handler, read after it */
};

static void
silent_exit(j_common_ptr cinfo)
{
	struct jpeg_err *e = (struct jpeg_err *)cinfo->err;

	switch (e->pub.msg_code) {
	case JERR_OUT_OF_MEMORY:
		e->err = IZIN_ENOMEM;
		break;
	case JERR_IMAGE_TOO_BIG:        /* a side over 65500 */
		e->err = IZIN_ETOOBIG;
		break;
	default:
		e->err = IZIN_EIMAGE;
		break;
	}
	longjmp(e->jmp, 1);
}

/* Warnings are counted, never shown. */
static void
silent_emit(j_common_ptr cinfo, int level)
{
	if (level < 0)
		cinfo->err->num_warnings++;
}

static void
silent_output(j_common_ptr cinfo)
{
	(void)cinfo;
}

static void
limit_scans(j_common_ptr cinfo)
{
	j_decompress_ptr d = (j_decompress_ptr)cinfo;

	if (d->input_scan_number > JPEG_SCANS_MAX ||
	    (double)d->input_scan_number * d->image_width * d->image_height *
	    d->num_components > JPEG_SCAN_WORK_MAX) {
		cinfo->err->msg_code = JERR_BAD_SCAN_SCRIPT;
		cinfo->err->error_exit(cinfo);
	}
}

/* The orientation (1-8) in the first EXIF block, 1 when there is none
 * or it makes no sense. */
static int
exif_orientation(jpeg_saved_marker_ptr m)
{
	ExifData *ed;
	ExifEntry *e;
	int o = 1;

	for (; m != NULL; m = m->next)
		if (m->marker == JPEG_APP0 + 1 && m->data_length >= 6 &&
		    memcmp(m->data, "Exif\0\0", 6) == 0)
			break;
	if (m == NULL || (ed = exif_data_new()) == NULL)
		return 1;
	/* Only reading: no "fixing" the data to the standard first. */
	exif_data_unset_option(ed, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
	exif_data_load_data(ed, m->data, m->data_length);
	e = exif_content_get_entry(ed->ifd[EXIF_IFD_0], EXIF_TAG_ORIENTATION);
	if (e != NULL && e->format == EXIF_FORMAT_SHORT &&
	    e->components >= 1 && e->size >= 2)
		o = exif_get_short(e->data, exif_data_get_byte_order(ed));
	exif_data_unref(ed);
	return o >= 1 && o <= 8 ? o : 1;
}

/* One row of CMYK to luma.  Adobe's files (the ones with its APP14
 * marker, which is nearly all of them) store the inks inverted. */
static void
cmyk_luma(const unsigned char *in, unsigned char *out, size_t w, int adobe)
{
	unsigned c[4], r, g, b, t;
	size_t x;
	int i;

	for (x = 0; x < w; x++, in += 4) {
		for (i = 0; i < 4; i++)
			c[i] = adobe ? in[i] : 255u - in[i];
		t = c[0] * c[3] + 128;
		r = (t + (t >> 8)) >> 8;
		t = c[1] * c[3] + 128;
		g = (t + (t >> 8)) >> 8;
		t = c[2] * c[3] + 128;
		b = (t + (t >> 8)) >> 8;
		out[x] = IZIN_LUMA(r, g, b);
	}
}

/*
 * A JPEG that fails before its first scan (no image, bad markers, an
 * impossible frame header) is IZIN_EIMAGE.  One that is cut short or
 * damaged inside its scan data is loaded: libjpeg warns and fills the
 * rest with gray, and the part that did arrive may still hold a code
 * that scans, which beats refusing the photo.  (A progressive JPEG cut
 * inside the tables between two of its scans still fails: libjpeg
 * reads the cut table as a bad one.)
 */
int
izin_image_jpeg(const unsigned char *data, size_t len, izin_image **out)
{
	struct jpeg_decompress_struct cinfo;
	struct jpeg_err jerr;
	struct jpeg_progress_mgr prog;
	izin_image *tmp;
	izin_image *volatile img = NULL;
	unsigned char *volatile buf = NULL;
	volatile int err = IZIN_EIMAGE;
	JSAMPROW rows[JPEG_ROWS];
	size_t w;
	unsigned n, k, y;
	int orientation, cmyk;

	*out = NULL;
	/* Zeroed first, so a failure inside jpeg_create_decompress() still
	 * leaves something jpeg_destroy_decompress() can take. */
	memset(&cinfo, 0, sizeof cinfo);
	cinfo.err = jpeg_std_error(&jerr.pub);
	jerr.pub.error_exit = silent_exit;
	jerr.pub.emit_message = silent_emit;
	jerr.pub.output_message = silent_output;
	jerr.err = IZIN_EIMAGE;
	if (setjmp(jerr.jmp)) {
		err = jerr.err;
		goto done;
	}
	jpeg_create_decompress(&cinfo);
	prog.progress_monitor = limit_scans;
	cinfo.progress = &prog;
	jpeg_mem_src(&cinfo, data, (unsigned long)len);
	jpeg_save_markers(&cinfo, JPEG_APP0 + 1, 0xffff);
	jpeg_read_header(&cinfo, TRUE);
	if ((err = izin_image_check_size(cinfo.image_width,
	    cinfo.image_height)) != 0)
		goto done;
	err = IZIN_EIMAGE;
	cmyk = 0;
	switch (cinfo.jpeg_color_space) {
	case JCS_GRAYSCALE:
	case JCS_YCbCr:
	case JCS_RGB:
		/* Gray out of YCbCr is the Y plane as it is, and
		 * libjpeg-turbo skips the chroma IDCTs; out of RGB it is
		 * the same BT.601 luma, computed. */
		cinfo.out_color_space = JCS_GRAYSCALE;
		break;
	case JCS_CMYK:
	case JCS_YCCK:
		cinfo.out_color_space = JCS_CMYK;
		cmyk = 1;
		break;
	default:
		err = IZIN_EFORMAT;
		goto done;
	}
	orientation = exif_orientation(cinfo.marker_list);
	jpeg_start_decompress(&cinfo);
	if (cinfo.output_width != cinfo.image_width ||
	    cinfo.output_height != cinfo.image_height ||
	    cinfo.output_components != (cmyk ? 4 : 1))
		goto done;
	if (izin_image_alloc(cinfo.output_width, cinfo.output_height,
	    &tmp) != 0) {
		err = IZIN_ENOMEM;
		goto done;
	}
	img = tmp;
	w = cinfo.output_width;
	if (cmyk && (buf = malloc(w * 4)) == NULL) {
		err = IZIN_ENOMEM;
		goto done;
	}
	while ((y = cinfo.output_scanline) < cinfo.output_height) {
		if (cmyk) {
			rows[0] = buf;
			n = jpeg_read_scanlines(&cinfo, rows, 1);
			if (n == 1)
				cmyk_luma(buf, img->gray + y * w, w,
				    cinfo.saw_Adobe_marker);
		} else {
			n = cinfo.output_height - y;
			if (n > JPEG_ROWS)
				n = JPEG_ROWS;
			for (k = 0; k < n; k++)
				rows[k] = img->gray + (y + k) * w;
			n = jpeg_read_scanlines(&cinfo, rows, n);
		}
		/* A memory source never suspends; be sure of it. */
		if (n == 0)
			goto done;
	}
	/* No jpeg_finish_decompress(): what follows the last row is of no
	 * use to us, and destroying aborts the decompression. */
	tmp = img;
	img = NULL;
	if ((err = izin_image_orient(&tmp, orientation)) != 0) {
		izin_image_free(tmp);
		goto done;
	}
	*out = tmp;
done:
	jpeg_destroy_decompress(&cinfo);
	free(buf);
	izin_image_free(img);
	return err;
}
