/**
 * OpenCV-compatible bilinear resampling (cv::resize INTER_LINEAR on 8-bit images): half-pixel
 * centres, clamped borders, no antialiasing, 11-bit fixed-point coefficients and OpenCV's
 * rounding. It is fused with the crop and the normalisation so that only the kept window is
 * computed and each value is written once, straight into a CHW float32 tensor.
 */

const COEF_BITS = 11;
const COEF_SCALE = 1 << COEF_BITS;

export interface AxisTaps {
  /** offset of the first source tap (already multiplied by the axis stride) */
  first: Int32Array;
  /** offset of the second source tap */
  second: Int32Array;
  /** fixed-point weight of the first tap; the second weighs COEF_SCALE - first */
  weight: Int32Array;
}

/** cvRound: round half to even, like lrint in the default rounding mode */
export function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Source taps for `count` output positions starting at `offset` of an axis resized from
 * `srcSize` to `dstSize`, computed as cv::resize does (double scale, float position, floor,
 * clamped borders, each tap weight rounded separately).
 */
export function linearTaps(srcSize: number, dstSize: number, offset: number, count: number, stride: number): AxisTaps {
  const scale = 1 / (dstSize / srcSize);
  const first = new Int32Array(count);
  const second = new Int32Array(count);
  const weight = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    let f = Math.fround((i + offset + 0.5) * scale - 0.5);
    let s = Math.floor(f);
    f = Math.fround(f - s);
    let s2 = s + 1;
    if (s < 0) {
      s = 0;
      s2 = 0;
      f = 0;
    }
    if (s2 >= srcSize) {
      s2 = srcSize - 1;
      if (s >= srcSize - 1) {
        s = srcSize - 1;
        f = 0;
      }
    }
    weight[i] = roundHalfEven(Math.fround(1 - f) * COEF_SCALE);
    first[i] = s * stride;
    second[i] = s2 * stride;
  }
  return {first, second, weight};
}

/**
 * Everything the native kernel (native/resize_linear.c in the JPEG addon) needs to resample an
 * image of width x height through `win`, in one array: [width, height, outW, outH, x taps (first,
 * second, weight), y taps (first, second, weight)].
 */
export function packedTaps(width: number, height: number, win: ResizeWindow): Int32Array {
  const xs = linearTaps(width, win.dstW, win.cropX, win.outW, 3);
  const ys = linearTaps(height, win.dstH, win.cropY, win.outH, 1);
  const plan = new Int32Array(4 + 3 * win.outW + 3 * win.outH);
  plan.set([width, height, win.outW, win.outH]);
  let at = 4;
  for (const taps of [xs.first, xs.second, xs.weight, ys.first, ys.second, ys.weight]) {
    plan.set(taps, at);
    at += taps.length;
  }
  return plan;
}

/**
 * PaddleClas NormalizeImage, `(x.astype(float32) * scale - mean) / std`, evaluated in float32
 * exactly as numpy does for every 8-bit value: 256 entries per input channel (R, G, B).
 */
export function normalizationTable(scale: number, mean: readonly number[], std: readonly number[]): Float32Array {
  const lut = new Float32Array(768);
  const s = Math.fround(scale);
  for (let c = 0; c < 3; c++) {
    const m = Math.fround(mean[c]!);
    const d = Math.fround(std[c]!);
    for (let v = 0; v < 256; v++) lut[c * 256 + v] = Math.fround(Math.fround(Math.fround(v * s) - m) / d);
  }
  return lut;
}

/** One source row resampled horizontally, kept as OpenCV's intermediate fixed-point ints. */
function resampleRow(src: Uint8Array, rowStart: number, xs: AxisTaps, outW: number, dst: Int32Array): void {
  const first = xs.first;
  const second = xs.second;
  const weight = xs.weight;
  for (let x = 0, o = 0; x < outW; x++, o += 3) {
    const i0 = rowStart + first[x]!;
    const i1 = rowStart + second[x]!;
    const w0 = weight[x]!;
    const w1 = COEF_SCALE - w0;
    dst[o] = src[i0]! * w0 + src[i1]! * w1;
    dst[o + 1] = src[i0 + 1]! * w0 + src[i1 + 1]! * w1;
    dst[o + 2] = src[i0 + 2]! * w0 + src[i1 + 2]! * w1;
  }
}

/**
 * Blends two resampled rows vertically with OpenCV's SIMD rounding
 * (((S0 >> 4) * b0 >> 16) + ((S1 >> 4) * b1 >> 16) + 2) >> 2, then normalises through `lut`.
 */
function blendRows(
  top: Int32Array,
  bottom: Int32Array,
  b0: number,
  outW: number,
  lut: Float32Array,
  out: Float32Array,
  o0: number,
  o1: number,
  o2: number,
): void {
  const b1 = COEF_SCALE - b0;
  for (let x = 0, i = 0; x < outW; x++, i += 3) {
    out[o0 + x] = lut[((((top[i]! >> 4) * b0) >> 16) + (((bottom[i]! >> 4) * b1) >> 16) + 2) >> 2]!;
    out[o1 + x] = lut[256 + (((((top[i + 1]! >> 4) * b0) >> 16) + (((bottom[i + 1]! >> 4) * b1) >> 16) + 2) >> 2)]!;
    out[o2 + x] = lut[512 + (((((top[i + 2]! >> 4) * b0) >> 16) + (((bottom[i + 2]! >> 4) * b1) >> 16) + 2) >> 2)]!;
  }
}

export interface ResizeWindow {
  /** size the whole image is resized to */
  dstW: number;
  dstH: number;
  /** the kept window of the resized image */
  cropX: number;
  cropY: number;
  outW: number;
  outH: number;
}

/**
 * Resizes interleaved RGB `src` (width x height) as described by `win` and writes the normalised
 * window as CHW float32 into `out` at `outOffset`; `bgr` writes the planes in B, G, R order.
 */
export function resizeCropNormalize(
  src: Uint8Array,
  width: number,
  height: number,
  win: ResizeWindow,
  lut: Float32Array,
  bgr: boolean,
  out: Float32Array,
  outOffset: number,
): void {
  const {outW, outH} = win;
  const xs = linearTaps(width, win.dstW, win.cropX, outW, 3);
  const ys = linearTaps(height, win.dstH, win.cropY, outH, width * 3);
  const plane = outW * outH;
  const pr = outOffset + (bgr ? 2 * plane : 0);
  const pg = outOffset + plane;
  const pb = outOffset + (bgr ? 0 : 2 * plane);
  let top = new Int32Array(outW * 3);
  let bottom = new Int32Array(outW * 3);
  let topRow = -1;
  let bottomRow = -1;
  for (let y = 0; y < outH; y++) {
    const r0 = ys.first[y]!;
    const r1 = ys.second[y]!;
    // rows resampled for the previous output row are reused
    if (r0 === bottomRow) {
      const t = top;
      top = bottom;
      bottom = t;
      topRow = bottomRow;
      bottomRow = -1;
    }
    if (r0 !== topRow) {
      resampleRow(src, r0, xs, outW, top);
      topRow = r0;
    }
    if (r1 !== bottomRow) {
      if (r1 === topRow) bottom.set(top);
      else resampleRow(src, r1, xs, outW, bottom);
      bottomRow = r1;
    }
    const row = y * outW;
    blendRows(top, bottom, ys.weight[y]!, outW, lut, out, pr + row, pg + row, pb + row);
  }
}
