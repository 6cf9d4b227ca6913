/**
 * Plain reference implementations of the Paddle operators the converter lowers, on NCHW float
 * arrays, for checking single-operator conversions against ONNX Runtime.
 */

export interface Tensor {
  data: Float32Array;
  shape: number[];
}

/** Convolution with explicit [top, left, bottom, right] pads. */
export function conv2d(x: Tensor, w: Tensor, strides: number[], pads: number[], dilations: number[], groups: number): Tensor {
  const [n, c, h, wd] = x.shape as [number, number, number, number];
  const [m, cg, kh, kw] = w.shape as [number, number, number, number];
  const oh = Math.floor((h + pads[0]! + pads[2]! - dilations[0]! * (kh - 1) - 1) / strides[0]!) + 1;
  const ow = Math.floor((wd + pads[1]! + pads[3]! - dilations[1]! * (kw - 1) - 1) / strides[1]!) + 1;
  const out = new Float32Array(n * m * oh * ow);
  const mg = m / groups;
  for (let b = 0; b < n; b++)
    for (let o = 0; o < m; o++)
      for (let y = 0; y < oh; y++)
        for (let xo = 0; xo < ow; xo++) {
          let sum = 0;
          const g = Math.floor(o / mg);
          for (let ci = 0; ci < cg; ci++)
            for (let ky = 0; ky < kh; ky++)
              for (let kx = 0; kx < kw; kx++) {
                const iy = y * strides[0]! - pads[0]! + ky * dilations[0]!;
                const ix = xo * strides[1]! - pads[1]! + kx * dilations[1]!;
                if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                sum += x.data[((b * c + g * cg + ci) * h + iy) * wd + ix]! * w.data[((o * cg + ci) * kh + ky) * kw + kx]!;
              }
          out[((b * m + o) * oh + y) * ow + xo] = sum;
        }
  return {data: out, shape: [n, m, oh, ow]};
}

/**
 * Max or average pooling with [top, left, bottom, right] pads; `exclusive` averages over the
 * pixels inside the image, otherwise over the whole kernel (Paddle's rule).
 */
export function pool2d(x: Tensor, type: 'max' | 'avg', kernel: number[], strides: number[], pads: number[], exclusive: boolean, ceilMode: boolean): Tensor {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const size = (len: number, k: number, s: number, p0: number, p1: number) => (ceilMode ? Math.ceil : Math.floor)((len + p0 + p1 - k) / s) + 1;
  const oh = size(h, kernel[0]!, strides[0]!, pads[0]!, pads[2]!);
  const ow = size(w, kernel[1]!, strides[1]!, pads[1]!, pads[3]!);
  const out = new Float32Array(n * c * oh * ow);
  for (let p = 0; p < n * c; p++)
    for (let y = 0; y < oh; y++)
      for (let xo = 0; xo < ow; xo++) {
        const y0 = y * strides[0]! - pads[0]!;
        const x0 = xo * strides[1]! - pads[1]!;
        let acc = type === 'max' ? -Infinity : 0;
        let count = 0;
        for (let iy = Math.max(y0, 0); iy < Math.min(y0 + kernel[0]!, h); iy++)
          for (let ix = Math.max(x0, 0); ix < Math.min(x0 + kernel[1]!, w); ix++) {
            const v = x.data[(p * h + iy) * w + ix]!;
            acc = type === 'max' ? Math.max(acc, v) : acc + v;
            count++;
          }
        out[(p * oh + y) * ow + xo] = type === 'max' ? acc : acc / (exclusive ? count : kernel[0]! * kernel[1]!);
      }
  return {data: out, shape: [n, c, oh, ow]};
}

/** Row-major matrix product of [r, k] and [k, cols]. */
export function matmul(a: Float32Array, b: Float32Array, rows: number, k: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) {
      let sum = 0;
      for (let t = 0; t < k; t++) sum += a[i * k + t]! * b[t * cols + j]!;
      out[i * cols + j] = sum;
    }
  return out;
}

export function transpose2d(a: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = a[i * cols + j]!;
  return out;
}
