/*
 * lcnet: JPEG decoding with libjpeg-turbo, as OpenCV's cv::imdecode(IMREAD_COLOR) does it, as a
 * Node-API addon. Accurate integer IDCT and fancy upsampling (libjpeg's defaults, which OpenCV
 * keeps), greyscale replicated to three channels by libjpeg, CMYK/YCCK taken as libjpeg's raw
 * (Adobe-inverted) CMYK and converted with OpenCV's icvCvt_CMYK2BGR formula, EXIF orientation
 * applied after decoding. The pixels are written as interleaved 8-bit RGB straight into a buffer
 * the caller owns (the memory the resize reads), so no copy follows the decoder.
 *
 * Damaged files are judged exactly as lcnet's libvips path judges them (libvips' jpeg2vips.c with
 * sharp's failOn: 'warning'), so a file gets the same record whichever decoder reads it: data that
 * ends early is an error; a libjpeg warning (corrupt data, extraneous bytes...) fails the image
 * when it was given before a strip of 8 rows starts, which leaves warnings raised while the last
 * strip is read unnoticed, as libvips does; 100 warnings are an error; the tail after the last row
 * is not read (no jpeg_finish_decompress). A failure throws an Error whose code tells whether the
 * header could be read (ERR_LCNET_JPEG_HEADER) or the data could not (ERR_LCNET_JPEG_DATA); its
 * message is libjpeg's own text.
 *
 * Every decode is gated by limits the caller passes (Limits): the image size libjpeg reads from
 * the header must be the one the caller planned for (lcnet's own header reader, image-format.ts,
 * and libjpeg must agree, or the file is refused before any pixel memory exists), the file may
 * hold at most `max_scans` scans (counted over the whole file before decoding starts, and again by
 * libjpeg's progress monitor while it decodes), libjpeg may allocate at most `max_memory` bytes,
 * and a decode may take at most `cpu_seconds` of its thread's CPU time (the progress monitor,
 * called once per row group or per iMCU row of each scan, aborts it). All of this is checked
 * before jpeg_start_decompress, which for a progressive file reads and buffers every scan.
 *
 * Built by native/jpeg/build.sh, statically linked with libjpeg-turbo; the prebuilt binary lives
 * in prebuilds/<platform>-<arch>/. Node-API keeps it loadable by every Node.js >= 20.
 */

/* clock_gettime and CLOCK_THREAD_CPUTIME_ID under -std=c11 */
#define _POSIX_C_SOURCE 200809L
#define NAPI_VERSION 8
#include <node_api.h>

#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jpeglib.h>
#include <jerror.h>

#include "../read_ahead.h"

/* rows libvips decodes per strip; it looks for warnings before each strip */
#define STRIP_ROWS 8
/* libvips' limit: this many warnings are an error */
#define MAX_WARNINGS 100
/* columns decoded beyond those the resize reads, on each side (see decode_resize) */
#define COLUMN_MARGIN 2

typedef struct {
  struct jpeg_error_mgr pub;
  jmp_buf jump;
  /* the first warning's text, or the error's */
  char message[JMSG_LENGTH_MAX];
  /* set when a limit, not libjpeg, ended the decode: the error code for JavaScript */
  const char *code;
} ErrorManager;

static void on_error(j_common_ptr cinfo) {
  ErrorManager *err = (ErrorManager *)cinfo->err;
  (*cinfo->err->format_message)(cinfo, err->message);
  /* libjpeg's memory manager has no backing store: past max_memory_to_use it gives up */
  if (cinfo->err->msg_code == JERR_NO_BACKING_STORE || cinfo->err->msg_code == JERR_OUT_OF_MEMORY) err->code = "ERR_LCNET_JPEG_MEMORY";
  longjmp(err->jump, 1);
}

/* Ends a decode for a limit: `code` and `message` become the Error thrown to JavaScript. */
static void abort_decode(j_common_ptr cinfo, const char *code, const char *message) {
  ErrorManager *err = (ErrorManager *)cinfo->err;
  err->code = code;
  if (message != err->message) snprintf(err->message, sizeof err->message, "%s", message);
  longjmp(err->jump, 1);
}

/* What one decode may cost; 0 for no limit. */
typedef struct {
  /* the stored (unrotated) size the caller planned for: libjpeg's header must say the same */
  size_t width, height;
  /* scans in the file */
  int max_scans;
  /* CPU time of the decoding thread */
  double cpu_seconds;
  /* bytes libjpeg itself may allocate (coefficient buffers of progressive files, row buffers) */
  double max_memory;
} Limits;

/* The wall clock is read on every this many progress calls. */
#define CLOCK_EVERY 16

typedef struct {
  struct jpeg_progress_mgr pub;
  const Limits *limits;
  /* the thread's CPU time and the wall clock when the decode started */
  double started_cpu, started_wall;
  unsigned calls;
  /* while jpeg_start_decompress reads and buffers every scan of a multi-scan file */
  int buffering;
} Progress;

static double clock_seconds(clockid_t clock) {
  struct timespec t;
  if (clock_gettime(clock, &t) != 0) return 0;
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/*
 * libjpeg's progress hook: once per row group while scanlines are read, and once per iMCU row of
 * every scan while jpeg_start_decompress buffers a multi-scan file. The scan count is a second
 * guard behind count_scans (it sees what libjpeg really reads); the clock is read every
 * CLOCK_EVERY calls.
 */
static void on_progress(j_common_ptr cinfo) {
  Progress *p = (Progress *)cinfo->progress;
  j_decompress_ptr d = (j_decompress_ptr)cinfo;
  if (p->limits->max_scans > 0 && d->input_scan_number > p->limits->max_scans) abort_decode(cinfo, "ERR_LCNET_JPEG_SCANS", "too many scans");
  /*
   * A warning while the scans are buffered fails the image at the first strip anyway (as libvips
   * fails it): end it now, before libjpeg goes on through every scan of data it has already
   * found wanting (a file of a few kilobytes whose header claims 16k x 16k runs out of data in
   * its first scan, and libjpeg would fill the rest of every scan with zeros).
   */
  if (p->buffering && cinfo->err->num_warnings > 0) abort_decode(cinfo, "ERR_LCNET_JPEG_DATA", ((ErrorManager *)cinfo->err)->message);
  /*
   * A thread's CPU time never runs ahead of the wall clock, so the CPU clock (a system call, some
   * microseconds on a virtual machine) is read only once the wall clock (read in user space)
   * says the budget may be spent.
   */
  double budget = p->limits->cpu_seconds;
  if (budget > 0 && ++p->calls % CLOCK_EVERY == 0 && clock_seconds(CLOCK_MONOTONIC) - p->started_wall >= budget &&
      clock_seconds(CLOCK_THREAD_CPUTIME_ID) - p->started_cpu > budget)
    abort_decode(cinfo, "ERR_LCNET_JPEG_TIMEOUT", "decoding took longer than its time budget");
}

/*
 * The number of scans (SOS markers) libjpeg can meet in the file, counted as libjpeg reads
 * markers: segments are skipped by their length, and anywhere else (entropy-coded data, bytes
 * between segments) an FF DA pair starts a scan, since the encoder stuffs every FF of entropy data
 * with 00. Stops at EOI, or once past `limit`. image-format.ts counts the same way for the sharp
 * path.
 */
static int count_scans(const uint8_t *b, size_t n, int limit) {
  int scans = 0;
  size_t i = 2;
  while (i + 1 < n) {
    const uint8_t *ff = memchr(b + i, 0xFF, n - i - 1);
    if (!ff) break;
    i = (size_t)(ff - b);
    uint8_t m = b[i + 1];
    if (m == 0xFF) {
      i++;
      continue;
    }
    if (m == 0xD9) break;
    if (m == 0x00 || m == 0x01 || (m >= 0xD0 && m <= 0xD8)) {
      i += 2;
      continue;
    }
    if (m == 0xDA && ++scans > limit) break;
    if (i + 3 >= n) break;
    size_t len = ((size_t)b[i + 2] << 8) | b[i + 3];
    i += 2 + (len < 2 ? 2 : len);
  }
  return scans;
}

/* Warnings (level < 0) are counted, the first one's text kept; trace messages are ignored. */
static void on_message(j_common_ptr cinfo, int level) {
  if (level >= 0) return;
  ErrorManager *err = (ErrorManager *)cinfo->err;
  /* libjpeg's source ran dry: libvips' source manager makes that an error */
  if (cinfo->err->msg_code == JWRN_JPEG_EOF || ++cinfo->err->num_warnings >= MAX_WARNINGS) on_error(cinfo);
  if (cinfo->err->num_warnings == 1) (*cinfo->err->format_message)(cinfo, err->message);
}

/* Nothing is ever printed: messages become the Error thrown to JavaScript. */
static void no_output(j_common_ptr cinfo) { (void)cinfo; }

/* OpenCV's icvCvt_CMYK2BGR_8u_C4C3R on libjpeg's CMYK output, written as RGB. */
static void cmyk_row_to_rgb(const uint8_t *cmyk, uint8_t *rgb, JDIMENSION width) {
  for (JDIMENSION x = 0; x < width; x++, cmyk += 4, rgb += 3) {
    int c = cmyk[0], m = cmyk[1], y = cmyk[2], k = cmyk[3];
    rgb[0] = (uint8_t)(k - (((255 - c) * k) >> 8));
    rgb[1] = (uint8_t)(k - (((255 - m) * k) >> 8));
    rgb[2] = (uint8_t)(k - (((255 - y) * k) >> 8));
  }
}

/*
 * Where the pixel at (x, y) of the oriented image comes from in the stored image of width w and
 * height h, for EXIF orientations 2-8 (1 is the identity and never reaches here).
 */
static void orient_source(int orientation, size_t x, size_t y, size_t w, size_t h, size_t *sx, size_t *sy) {
  switch (orientation) {
    case 2: *sx = w - 1 - x; *sy = y; break;
    case 3: *sx = w - 1 - x; *sy = h - 1 - y; break;
    case 4: *sx = x; *sy = h - 1 - y; break;
    case 5: *sx = y; *sy = x; break;
    case 6: *sx = y; *sy = h - 1 - x; break;
    case 7: *sx = w - 1 - y; *sy = h - 1 - x; break;
    default: *sx = w - 1 - y; *sy = x; break; /* 8 */
  }
}

static void orient(const uint8_t *src, size_t w, size_t h, int orientation, uint8_t *dst) {
  int swap = orientation >= 5;
  size_t ow = swap ? h : w;
  size_t oh = swap ? w : h;
  for (size_t y = 0; y < oh; y++) {
    uint8_t *out = dst + y * ow * 3;
    for (size_t x = 0; x < ow; x++, out += 3) {
      size_t sx, sy;
      orient_source(orientation, x, y, w, h, &sx, &sy);
      const uint8_t *p = src + (sy * w + sx) * 3;
      out[0] = p[0];
      out[1] = p[1];
      out[2] = p[2];
    }
  }
}

/* resize_linear.c: OpenCV's INTER_LINEAR fused with the crop and the normalisation */
void resize_crop_normalize(const uint8_t *src, int stride, const int32_t *xfirst, const int32_t *xsecond,
                           const int32_t *xweight, int out_w, const int32_t *yfirst, const int32_t *ysecond,
                           const int32_t *yweight, int out_h, const float *norm, float *plane_r, float *plane_g,
                           float *plane_b, int32_t *scratch);

/* How a decode ended: 0, or an error code for JavaScript with libjpeg's text. */
typedef struct {
  const char *code;
  char message[JMSG_LENGTH_MAX];
} Failure;

static int fail(Failure *f, const char *code, const char *message) {
  f->code = code;
  snprintf(f->message, sizeof f->message, "%s", message);
  return -1;
}

/* Columns of the stored image a caller needs: [from, to); to = 0 for all of them. */
typedef struct {
  size_t from, to;
} Columns;

/* Where decoded pixels went: `pixels` (`height` rows of `width` RGB pixels), from column `x0`. */
typedef struct {
  uint8_t *pixels;
  size_t x0, width, height;
} Decoded;

/*
 * Decodes `jpeg` as interleaved RGB into dst (exactly dst_len = width * height * 3 bytes of the
 * image turned by `orientation`), or, when dst is NULL, into memory it allocates (out->pixels,
 * for the caller to free). An upright image may be decoded in `want` columns only (widened to
 * libjpeg's iMCU boundaries, see out->x0 and out->width): every row is still entropy-decoded,
 * in the same strips, so damaged data is found exactly as in a full decode; only the inverse
 * DCT, upsampling and colour conversion of the other columns are saved. Returns 0, or -1 with
 * `f` filled in.
 */
static int decode_rgb(const uint8_t *jpeg, size_t jpeg_len, int orientation, const Limits *limits, Columns want, uint8_t *dst,
                      size_t dst_len, Decoded *out, Failure *f) {
  struct jpeg_decompress_struct cinfo;
  ErrorManager err;
  Progress progress;
  /* volatile: read after a longjmp */
  uint8_t *volatile scratch = NULL;
  uint8_t *volatile cmyk_row = NULL;
  uint8_t *volatile owned = NULL;
  volatile int reading_header = 1;

  cinfo.err = jpeg_std_error(&err.pub);
  err.pub.num_warnings = 0;
  err.pub.error_exit = on_error;
  err.pub.emit_message = on_message;
  err.pub.output_message = no_output;
  err.message[0] = 0;
  err.code = NULL;
  jpeg_create_decompress(&cinfo);
  if (setjmp(err.jump)) {
    jpeg_destroy_decompress(&cinfo);
    free(scratch);
    free(cmyk_row);
    free(owned);
    return fail(f, err.code ? err.code : reading_header ? "ERR_LCNET_JPEG_HEADER" : "ERR_LCNET_JPEG_DATA", err.message);
  }
  if (limits->max_memory > 0) cinfo.mem->max_memory_to_use = (long)limits->max_memory;
  progress.pub.progress_monitor = on_progress;
  progress.limits = limits;
  progress.started_cpu = limits->cpu_seconds > 0 ? clock_seconds(CLOCK_THREAD_CPUTIME_ID) : 0;
  progress.started_wall = limits->cpu_seconds > 0 ? clock_seconds(CLOCK_MONOTONIC) : 0;
  progress.calls = 0;
  progress.buffering = 0;
  cinfo.progress = &progress.pub;

  jpeg_mem_src(&cinfo, jpeg, (unsigned long)jpeg_len);
  jpeg_read_header(&cinfo, TRUE);
  reading_header = 0;
  /* a single-scan image is decoded from its first scan alone: what follows it is never read */
  if (limits->max_scans > 0 && jpeg_has_multiple_scans(&cinfo) && count_scans(jpeg, jpeg_len, limits->max_scans) > limits->max_scans) {
    jpeg_destroy_decompress(&cinfo);
    return fail(f, "ERR_LCNET_JPEG_SCANS", "too many scans");
  }
  /* the gate: the size every limit was checked against must be the size libjpeg is to decode */
  if (cinfo.image_width != limits->width || cinfo.image_height != limits->height) {
    char why[160];
    snprintf(why, sizeof why, "libjpeg reads a %ux%u image where %zux%zu was planned", cinfo.image_width, cinfo.image_height, limits->width, limits->height);
    jpeg_destroy_decompress(&cinfo);
    return fail(f, "ERR_LCNET_JPEG_LAYOUT", why);
  }
  /* a warning while reading the header (bytes between markers...) fails the image, as libvips
     fails it at its first strip; here before a progressive file's scans are buffered */
  if (err.pub.num_warnings > 0) {
    jpeg_destroy_decompress(&cinfo);
    return fail(f, "ERR_LCNET_JPEG_DATA", err.message);
  }

  int cmyk = cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK;
  cinfo.out_color_space = cmyk ? JCS_CMYK : JCS_RGB;
  cinfo.dct_method = JDCT_ISLOW;
  cinfo.do_fancy_upsampling = TRUE;
  if (dst) {
    /* a whole image into the caller's memory: it must be the image's exact size */
    size_t need = (size_t)cinfo.image_width * cinfo.image_height * 3;
    if (dst_len != need) {
      jpeg_destroy_decompress(&cinfo);
      char why[160];
      snprintf(why, sizeof why, "the target holds %zu bytes, the image needs %zu", dst_len, need);
      return fail(f, "ERR_LCNET_JPEG_TARGET", why);
    }
  }
  progress.buffering = 1;
  jpeg_start_decompress(&cinfo);
  progress.buffering = 0;

  JDIMENSION x0 = 0;
  if (orientation == 1 && want.to > want.from && want.to - want.from < cinfo.output_width) {
    JDIMENSION cols = (JDIMENSION)(want.to - want.from);
    x0 = (JDIMENSION)want.from;
    jpeg_crop_scanline(&cinfo, &x0, &cols);
  }
  size_t w = cinfo.output_width;
  size_t h = cinfo.output_height;
  size_t row_bytes = w * 3;

  uint8_t *target = dst;
  if (!target) owned = target = (uint8_t *)malloc(row_bytes * h);
  uint8_t *pixels = target;
  if (orientation != 1) scratch = (uint8_t *)malloc(row_bytes * h);
  if (cmyk) cmyk_row = (uint8_t *)malloc(w * 4);
  if (!target || (orientation != 1 && !scratch) || (cmyk && !cmyk_row)) {
    jpeg_destroy_decompress(&cinfo);
    free(scratch);
    free(cmyk_row);
    free(owned);
    return fail(f, "ERR_LCNET_JPEG_MEMORY", "out of memory");
  }
  if (scratch) pixels = scratch;

  while (cinfo.output_scanline < cinfo.output_height) {
    JDIMENSION y = cinfo.output_scanline;
    if (y % STRIP_ROWS == 0 && err.pub.num_warnings > 0) {
      jpeg_destroy_decompress(&cinfo);
      free(scratch);
      free(cmyk_row);
      free(owned);
      return fail(f, "ERR_LCNET_JPEG_DATA", err.message);
    }
    if (cmyk) {
      JSAMPROW row = cmyk_row;
      if (jpeg_read_scanlines(&cinfo, &row, 1) == 1) cmyk_row_to_rgb(cmyk_row, pixels + y * row_bytes, (JDIMENSION)w);
    } else {
      /* up to the end of this strip */
      JSAMPROW rows[STRIP_ROWS];
      JDIMENSION n = STRIP_ROWS - y % STRIP_ROWS;
      if (n > cinfo.output_height - y) n = cinfo.output_height - y;
      for (JDIMENSION i = 0; i < n; i++) rows[i] = pixels + (y + i) * row_bytes;
      jpeg_read_scanlines(&cinfo, rows, n);
    }
  }
  /* the tail (EOI and whatever follows) is not read, as libvips does not */
  jpeg_destroy_decompress(&cinfo);

  if (scratch) orient(scratch, w, h, orientation, target);
  free(scratch);
  free(cmyk_row);
  out->pixels = target;
  out->x0 = x0;
  out->width = orientation >= 5 ? h : w;
  out->height = orientation >= 5 ? w : h;
  return 0;
}

static napi_value throw_coded(napi_env env, const char *code, const char *message) {
  napi_throw_error(env, code, message);
  return NULL;
}

/*
 * The bytes of a typed array argument of the expected type into *data (NULL for an empty array:
 * Node-API gives no pointer for zero bytes); 0 after throwing, 1 on success.
 */
static int typed_array(napi_env env, napi_value value, napi_typedarray_type want, void **data, size_t *length, const char *what) {
  napi_typedarray_type type;
  napi_value ab;
  size_t offset;
  if (napi_get_typedarray_info(env, value, &type, length, data, &ab, &offset) != napi_ok || type != want) {
    char why[96];
    snprintf(why, sizeof why, "%s has the wrong type", what);
    throw_coded(env, NULL, why);
    return 0;
  }
  if (*length == 0) *data = NULL;
  return 1;
}

/*
 * The limits argument, a Float64Array [width, height, maxScans, cpuSeconds, maxMemoryBytes]:
 * the stored (unrotated) size the caller planned for, then what the decode may cost (0: no
 * limit). 0 after throwing.
 */
static int limits_argument(napi_env env, napi_value value, Limits *limits) {
  void *data;
  size_t n;
  if (!typed_array(env, value, napi_float64_array, &data, &n, "limits")) return 0;
  const double *l = data;
  if (n != 5 || !(l[0] >= 1 && l[0] <= 65535 && l[1] >= 1 && l[1] <= 65535) || !(l[2] >= 0 && l[2] <= 1e6) || !(l[3] >= 0) || !(l[4] >= 0 && l[4] <= 1e15)) {
    throw_coded(env, NULL, "limits must be [width, height, maxScans, cpuSeconds, maxMemoryBytes]");
    return 0;
  }
  limits->width = (size_t)l[0];
  limits->height = (size_t)l[1];
  limits->max_scans = (int)l[2];
  limits->cpu_seconds = l[3];
  limits->max_memory = l[4];
  return 1;
}

/*
 * The arguments every entry point starts with, (jpeg: Uint8Array, orientation: number, ...):
 * fills argv (argc of them), the JPEG's bytes and its orientation; false after throwing.
 */
static int jpeg_arguments(napi_env env, napi_callback_info info, size_t argc, napi_value *argv, const char *usage,
                          const uint8_t **jpeg, size_t *jpeg_len, int32_t *orientation) {
  size_t given = argc;
  if (napi_get_cb_info(env, info, &given, argv, NULL, NULL) != napi_ok || given < argc) {
    throw_coded(env, NULL, usage);
    return 0;
  }
  void *bytes;
  if (!typed_array(env, argv[0], napi_uint8_array, &bytes, jpeg_len, "jpeg")) return 0;
  if (*jpeg_len == 0) {
    throw_coded(env, "ERR_LCNET_JPEG_HEADER", "empty file");
    return 0;
  }
  *jpeg = bytes;
  if (napi_get_value_int32(env, argv[1], orientation) != napi_ok) {
    throw_coded(env, NULL, "the orientation must be a number");
    return 0;
  }
  if (*orientation < 1 || *orientation > 8) *orientation = 1;
  return 1;
}

/*
 * decodeInto(jpeg: Uint8Array, orientation: number, target: Uint8Array, limits: Float64Array): undefined
 * target must hold exactly width * height * 3 bytes of the oriented image.
 */
static napi_value decode_into(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  const uint8_t *jpeg;
  size_t jpeg_len, dst_len;
  int32_t orientation;
  if (!jpeg_arguments(env, info, 4, argv, "decodeInto(jpeg, orientation, target, limits) takes four arguments", &jpeg, &jpeg_len, &orientation)) return NULL;
  void *dst;
  if (!typed_array(env, argv[2], napi_uint8_array, &dst, &dst_len, "target")) return NULL;
  Limits limits;
  if (!limits_argument(env, argv[3], &limits)) return NULL;
  if (!dst) return throw_coded(env, "ERR_LCNET_JPEG_TARGET", "the target holds no bytes");
  Failure f;
  Decoded decoded;
  Columns all = {0, 0};
  if (decode_rgb(jpeg, jpeg_len, orientation, &limits, all, dst, dst_len, &decoded, &f) != 0) return throw_coded(env, f.code, f.message);
  return NULL;
}

/*
 * decodeResize(jpeg: Uint8Array, orientation: number, plan: Int32Array, norm: Float32Array,
 *              out: Float32Array, planes: Int32Array): undefined
 * Decodes and resamples in one call, writing the network's input straight into `out`.
 * plan: [width, height, outW, outH, xFirst[outW], xSecond[outW], xWeight[outW], yFirst[outH],
 * ySecond[outH], yWeight[outH]] (the oriented size, then resize-linear.ts's taps);
 * norm: scale, mean[3], std[3]; planes: where in `out` the R, G and B planes start.
 */
static napi_value decode_resize(napi_env env, napi_callback_info info) {
  napi_value argv[7];
  const uint8_t *jpeg;
  size_t jpeg_len, plan_len, norm_len, out_len, planes_len;
  int32_t orientation;
  if (!jpeg_arguments(env, info, 7, argv, "decodeResize(jpeg, orientation, plan, norm, out, planes, limits) takes seven arguments", &jpeg, &jpeg_len, &orientation)) return NULL;
  void *plan_data, *norm_data, *out_data, *planes_data;
  if (!typed_array(env, argv[2], napi_int32_array, &plan_data, &plan_len, "plan")) return NULL;
  if (!typed_array(env, argv[3], napi_float32_array, &norm_data, &norm_len, "norm")) return NULL;
  if (!typed_array(env, argv[4], napi_float32_array, &out_data, &out_len, "out")) return NULL;
  if (!typed_array(env, argv[5], napi_int32_array, &planes_data, &planes_len, "planes")) return NULL;
  Limits limits;
  if (!limits_argument(env, argv[6], &limits)) return NULL;
  const int32_t *plan = plan_data;
  const float *norm = norm_data;
  float *out = out_data;
  const int32_t *planes = planes_data;

  if (plan_len < 4 || norm_len != 7 || planes_len != 3 || !out) return throw_coded(env, NULL, "malformed plan");
  size_t w = (size_t)plan[0], h = (size_t)plan[1];
  /* the plan is for the oriented image: its size turned back must be the stored size */
  if ((orientation >= 5 ? h : w) != limits.width || (orientation >= 5 ? w : h) != limits.height) return throw_coded(env, NULL, "the plan and the limits disagree on the image size");
  int out_w = plan[2], out_h = plan[3];
  if (out_w <= 0 || out_h <= 0 || plan_len != 4 + 3 * (size_t)out_w + 3 * (size_t)out_h) return throw_coded(env, NULL, "malformed plan");
  size_t plane = (size_t)out_w * (size_t)out_h;
  for (int c = 0; c < 3; c++)
    if (planes[c] < 0 || (size_t)planes[c] + plane > out_len) return throw_coded(env, NULL, "the output planes do not fit");

  const int32_t *taps = plan + 4;
  const int32_t *xfirst = taps, *xsecond = taps + out_w;
  /*
   * Every tap must fall inside the image (the plan comes from JavaScript: nothing outside is
   * ever read). The columns the taps read are then decoded, with a margin of COLUMN_MARGIN
   * pixels: fancy upsampling treats the edges of a cropped decode as the image's own, so the
   * pixels next to them may differ from a full decode, and none of them is read.
   */
  size_t used_from = w, used_to = 0;
  for (int i = 0; i < out_w; i++) {
    int32_t a = xfirst[i], b = xsecond[i], weight = taps[2 * out_w + i];
    if (a < 0 || b < 0 || a % 3 || b % 3 || (size_t)a / 3 >= w || (size_t)b / 3 >= w || weight < 0 || weight > 2048)
      return throw_coded(env, NULL, "malformed plan: an x tap outside the image");
    if ((size_t)a / 3 < used_from) used_from = (size_t)a / 3;
    if ((size_t)b / 3 + 1 > used_to) used_to = (size_t)b / 3 + 1;
  }
  for (int i = 0; i < out_h; i++) {
    int32_t a = taps[3 * out_w + i], b = taps[3 * out_w + out_h + i], weight = taps[3 * out_w + 2 * out_h + i];
    if (a < 0 || b < 0 || (size_t)a >= h || (size_t)b >= h || weight < 0 || weight > 2048)
      return throw_coded(env, NULL, "malformed plan: a y tap outside the image");
  }
  Columns want = {used_from > COLUMN_MARGIN ? used_from - COLUMN_MARGIN : 0, used_to + COLUMN_MARGIN < w ? used_to + COLUMN_MARGIN : w};
  int32_t *scratch = (int32_t *)malloc((6 + 2) * (size_t)out_w * sizeof(int32_t));
  if (!scratch) return throw_coded(env, "ERR_LCNET_JPEG_MEMORY", "out of memory");
  Failure f;
  Decoded d;
  if (decode_rgb(jpeg, jpeg_len, orientation, &limits, want, NULL, 0, &d, &f) != 0) {
    free(scratch);
    return throw_coded(env, f.code, f.message);
  }
  if (d.height != h || d.x0 + d.width > w || d.x0 > used_from || d.x0 + d.width < used_to) {
    free(d.pixels);
    free(scratch);
    char why[200];
    snprintf(why, sizeof why, "the decoded image (%zux%zu from column %zu) does not hold what the plan for %zux%zu reads (columns %zu to %zu)", d.width, d.height, d.x0, w, h, used_from, used_to);
    return throw_coded(env, "ERR_LCNET_JPEG_TARGET", why);
  }
  /* the x taps, moved to the decoded columns */
  int32_t *shifted = scratch + 6 * out_w;
  int32_t shift = (int32_t)(d.x0 * 3);
  for (int i = 0; i < out_w; i++) {
    shifted[i] = xfirst[i] - shift;
    shifted[out_w + i] = xsecond[i] - shift;
  }
  resize_crop_normalize(d.pixels, (int)(d.width * 3), shifted, shifted + out_w, taps + 2 * out_w, out_w, taps + 3 * out_w,
                        taps + 3 * out_w + out_h, taps + 3 * out_w + 2 * out_h, out_h, norm, out + planes[0],
                        out + planes[1], out + planes[2], scratch);
  free(d.pixels);
  free(scratch);
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_value fn, version;
  napi_create_function(env, "decodeInto", NAPI_AUTO_LENGTH, decode_into, NULL, &fn);
  napi_set_named_property(env, exports, "decodeInto", fn);
  napi_create_function(env, "decodeResize", NAPI_AUTO_LENGTH, decode_resize, NULL, &fn);
  napi_set_named_property(env, exports, "decodeResize", fn);
  register_read_ahead(env, exports);
  char text[32];
  snprintf(text, sizeof text, "%d", LIBJPEG_TURBO_VERSION_NUMBER);
  napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &version);
  napi_set_named_property(env, exports, "libjpegTurboVersion", version);
  napi_value digest;
  napi_create_string_utf8(env, LCNET_SOURCE_DIGEST, NAPI_AUTO_LENGTH, &digest);
  napi_set_named_property(env, exports, "sourceDigest", digest);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
