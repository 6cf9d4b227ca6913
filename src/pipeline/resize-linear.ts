/**
 * OpenCV-compatible bilinear resampling (cv::resize INTER_LINEAR, 8-bit): half-pixel centres,
 * clamped borders, no antialiasing, 11-bit fixed-point coefficients and OpenCV's rounding, fused
 * with the centre crop and the per-channel normalisation so each output value is computed once
 * and written straight into a CHW float32 tensor.
 */

const COEF_BITS = 11;
const COEF_SCALE = 1 << COEF_BITS;

export interface AxisTaps {
  /** first source index (times channel stride for x) */
  index: Int32Array;
  /** fixed-point weight of the first tap (second tap weight = COEF_SCALE - w0) */
  weight: Int32Array;
  /** index of the second tap */
  index2: Int32Array;
}

/**
 * Source taps for `count` output positions starting at `offset` of an axis resized from
 * `srcSize` to `dstSize`, computed as OpenCV does (float scale, floor, clamp at borders).
 */
export function linearTaps(srcSize: number, dstSize: number, offset: number, count: number, stride: number): AxisTaps {
  // OpenCV: scale_x = 1. / inv_scale_x with inv_scale_x = (double)dsize / ssize
  const scale = 1 / (dstSize / srcSize);
  const index = new Int32Array(count);
  const index2 = new Int32Array(count);
  const weight = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const d = i + offset;
    // OpenCV computes fx in float: (float)((dx + 0.5) * scale - 0.5)
    let f = Math.fround((d + 0.5) * scale - 0.5);
    let s = Math.floor(f);
    f -= s;
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
    // OpenCV rounds each tap separately: saturate_cast<short>(cbuf[k] * INTER_RESIZE_COEF_SCALE)
    const f32 = Math.fround(f);
    weight[i] = roundHalfEven(Math.fround(1 - f32) * COEF_SCALE);
    index[i] = s * stride;
    index2[i] = s2 * stride;
  }
  return {index, weight, index2};
}

export interface Normalization {
  /** per-channel multiplier and offset: out = pixel * mul[c] + add[c] */
  mul: Float32Array;
  add: Float32Array;
}

/** PaddleClas NormalizeImage: (x * scale - mean) / std folded into one multiply-add per channel. */
export function normalization(scale: number, mean: readonly number[], std: readonly number[]): Normalization {
  const mul = new Float32Array(3);
  const add = new Float32Array(3);
  for (let c = 0; c < 3; c++) {
    mul[c] = scale / std[c]!;
    add[c] = -mean[c]! / std[c]!;
  }
  return {mul, add};
}

/**
 * Resizes interleaved RGB `src` (width x height) to (dstW x dstH), keeps the window starting at
 * (cropX, cropY) of size (outW x outH) and writes normalised CHW floats into `out` at `outOffset`.
 */
export function resizeCropNormalize(
  src: Uint8Array,
  width: number,
  height: number,
  channels: number,
  dstW: number,
  dstH: number,
  cropX: number,
  cropY: number,
  outW: number,
  outH: number,
  norm: Normalization,
  out: Float32Array,
  outOffset: number,
): void {
  const xs = linearTaps(width, dstW, cropX, outW, channels);
  const ys = linearTaps(height, dstH, cropY, outH, width * channels);
  const plane = outW * outH;
  // one horizontally resampled row per tap row, kept as OpenCV's intermediate ints
  const rowA = new Int32Array(outW * 3);
  const rowB = new Int32Array(outW * 3);
  let cachedA = -1;
  let cachedB = -1;
  const hpass = (rowStart: number, dst: Int32Array) => {
    for (let x = 0; x < outW; x++) {
      const i0 = rowStart + xs.index[x]!;
      const i1 = rowStart + xs.index2[x]!;
      const w0 = xs.weight[x]!;
      const w1 = COEF_SCALE - w0;
      const o = x * 3;
      dst[o] = src[i0]! * w0 + src[i1]! * w1;
      dst[o + 1] = src[i0 + 1]! * w0 + src[i1 + 1]! * w1;
      dst[o + 2] = src[i0 + 2]! * w0 + src[i1 + 2]! * w1;
    }
  };
  const m0 = norm.mul[0]!, m1 = norm.mul[1]!, m2 = norm.mul[2]!;
  const a0 = norm.add[0]!, a1 = norm.add[1]!, a2 = norm.add[2]!;
  let top = rowA;
  let bottom = rowB;
  for (let y = 0; y < outH; y++) {
    const r0 = ys.index[y]!;
    const r1 = ys.index2[y]!;
    // reuse rows already resampled for the previous output row
    if (r0 === cachedB) {
      const t = top;
      top = bottom;
      bottom = t;
      cachedA = cachedB;
      cachedB = -1;
    }
    if (r0 !== cachedA) {
      hpass(r0, top);
      cachedA = r0;
    }
    if (r1 !== cachedB) {
      if (r1 === cachedA) bottom.set(top);
      else hpass(r1, bottom);
      cachedB = r1;
    }
    const b0 = ys.weight[y]!;
    const b1 = COEF_SCALE - b0;
    let o = outOffset + y * outW;
    for (let x = 0; x < outW; x++, o++) {
      const i = x * 3;
      // OpenCV VResizeLinear 8u (SIMD path): ((((S0>>4)*b0)>>16) + (((S1>>4)*b1)>>16) + 2) >> 2
      const v0 = (((top[i]! >> 4) * b0) >> 16) + (((bottom[i]! >> 4) * b1) >> 16) + 2 >> 2;
      const v1 = (((top[i + 1]! >> 4) * b0) >> 16) + (((bottom[i + 1]! >> 4) * b1) >> 16) + 2 >> 2;
      const v2 = (((top[i + 2]! >> 4) * b0) >> 16) + (((bottom[i + 2]! >> 4) * b1) >> 16) + 2 >> 2;
      out[o] = clamp8(v0) * m0 + a0;
      out[o + plane] = clamp8(v1) * m1 + a1;
      out[o + 2 * plane] = clamp8(v2) * m2 + a2;
    }
  }
}

/** cvRound: round half to even, like lrint in the default rounding mode */
export function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function clamp8(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : v;
}
