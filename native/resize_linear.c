/*
 * lcnet: OpenCV-compatible bilinear resize (cv::resize INTER_LINEAR on 8-bit images) fused with
 * the centre crop and PaddleClas normalisation. Compiled to WebAssembly with SIMD (native/build.sh,
 * for every image sharp decodes) and into the native JPEG addon (native/jpeg/build.sh, for JPEGs
 * libjpeg-turbo decodes). The JS module src/pipeline/resize-linear.ts holds the same algorithm and
 * is the reference both builds must match bit for bit (test/resize-wasm.test.ts,
 * test/jpeg-turbo.test.ts).
 *
 * Fixed point as OpenCV: horizontal taps weigh w0 and 2048 - w0 (11 bits), rows blend with
 * ((((S0 >> 4) * b0) >> 16) + (((S1 >> 4) * b1) >> 16) + 2) >> 2, and the 8-bit result is
 * normalised as numpy does in float32: (v * scale - mean) / std.
 */

#include <stdint.h>
#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

#define COEF_SCALE 2048

/* One source row resampled horizontally into three planar rows of OpenCV's intermediate ints. */
static void resample_row(const uint8_t *row, const int32_t *first, const int32_t *second, const int32_t *weight,
                         int out_w, int32_t *r, int32_t *g, int32_t *b) {
  for (int x = 0; x < out_w; x++) {
    const uint8_t *p0 = row + first[x];
    const uint8_t *p1 = row + second[x];
    int32_t w0 = weight[x];
    int32_t w1 = COEF_SCALE - w0;
    r[x] = p0[0] * w0 + p1[0] * w1;
    g[x] = p0[1] * w0 + p1[1] * w1;
    b[x] = p0[2] * w0 + p1[2] * w1;
  }
}

/* Blends two resampled planar rows and writes normalised floats. */
static void blend_rows(const int32_t *top, const int32_t *bottom, int32_t b0, int out_w, float scale, float mean,
                       float std, float *out) {
  int32_t b1 = COEF_SCALE - b0;
  int x = 0;
#ifdef __wasm_simd128__
  v128_t vb0 = wasm_i32x4_splat(b0);
  v128_t vb1 = wasm_i32x4_splat(b1);
  v128_t two = wasm_i32x4_splat(2);
  v128_t vs = wasm_f32x4_splat(scale);
  v128_t vm = wasm_f32x4_splat(mean);
  v128_t vd = wasm_f32x4_splat(std);
  for (; x + 4 <= out_w; x += 4) {
    v128_t t = wasm_i32x4_shr(wasm_i32x4_mul(wasm_i32x4_shr(wasm_v128_load(top + x), 4), vb0), 16);
    v128_t u = wasm_i32x4_shr(wasm_i32x4_mul(wasm_i32x4_shr(wasm_v128_load(bottom + x), 4), vb1), 16);
    v128_t v = wasm_i32x4_shr(wasm_i32x4_add(wasm_i32x4_add(t, u), two), 2);
    v128_t f = wasm_f32x4_convert_i32x4(v);
    f = wasm_f32x4_div(wasm_f32x4_sub(wasm_f32x4_mul(f, vs), vm), vd);
    wasm_v128_store(out + x, f);
  }
#endif
  /* the rest of the row; all of it in the native build, which the C compiler vectorises */
  for (; x < out_w; x++) {
    int32_t v = ((((top[x] >> 4) * b0) >> 16) + (((bottom[x] >> 4) * b1) >> 16) + 2) >> 2;
    out[x] = ((float)v * scale - mean) / std;
  }
}

/*
 * src: interleaved RGB, `stride` bytes per row. x taps already include the channel stride; y taps
 * are row indices. norm: scale, mean[3], std[3]. planes: the three output planes, each out_w *
 * out_h floats, in the order R, G, B of the network. scratch: 6 * out_w ints.
 */
/*
 * The native build is compiled twice over by GCC, for AVX2 and for baseline x86-64, and the
 * loader picks the one the CPU runs; both vectorise the same integer and float operations
 * (FP contraction is off in every build), so they give the same bits.
 */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("avx2", "default")))
#endif
void resize_crop_normalize(const uint8_t *src, int stride, const int32_t *xfirst, const int32_t *xsecond,
                           const int32_t *xweight, int out_w, const int32_t *yfirst, const int32_t *ysecond,
                           const int32_t *yweight, int out_h, const float *norm, float *plane_r, float *plane_g,
                           float *plane_b, int32_t *scratch) {
  int32_t *top = scratch;
  int32_t *bottom = scratch + 3 * out_w;
  int top_row = -1;
  int bottom_row = -1;
  for (int y = 0; y < out_h; y++) {
    int r0 = yfirst[y];
    int r1 = ysecond[y];
    if (r0 == bottom_row) {
      int32_t *t = top;
      top = bottom;
      bottom = t;
      top_row = bottom_row;
      bottom_row = -1;
    }
    if (r0 != top_row) {
      resample_row(src + (long)r0 * stride, xfirst, xsecond, xweight, out_w, top, top + out_w, top + 2 * out_w);
      top_row = r0;
    }
    if (r1 != bottom_row) {
      if (r1 == top_row) {
        for (int i = 0; i < 3 * out_w; i++) bottom[i] = top[i];
      } else {
        resample_row(src + (long)r1 * stride, xfirst, xsecond, xweight, out_w, bottom, bottom + out_w, bottom + 2 * out_w);
      }
      bottom_row = r1;
    }
    int32_t b0 = yweight[y];
    long o = (long)y * out_w;
    blend_rows(top, bottom, b0, out_w, norm[0], norm[1], norm[4], plane_r + o);
    blend_rows(top + out_w, bottom + out_w, b0, out_w, norm[0], norm[2], norm[5], plane_g + o);
    blend_rows(top + 2 * out_w, bottom + 2 * out_w, b0, out_w, norm[0], norm[3], norm[6], plane_b + o);
  }
}
