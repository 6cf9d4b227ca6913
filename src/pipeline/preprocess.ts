/**
 * The transform from decoded pixels to the network's input tensor, built from a model's
 * `PreprocessSpec` (timm-style: a config, not code): resize (short side, stretch, or to a height
 * with the width padded), centre crop, normalise, CHW. `exact` reproduces the PaddleClas/OpenCV reference bit for bit; `fast` lets
 * libvips shrink large JPEGs while decoding (DCT scaling) and resample with antialiasing, which is
 * several times faster on photos and close, but not identical, to the reference. Images too small
 * to shrink while decoding gain nothing from that, so `fast` takes the exact path for them.
 */

import {checkedJpegLayout, decodeJpegNow, decodeRgb, sharpInput, turboJpeg, withLibvipsTimeout, type DecodeOptions} from './decode.js';
import {sniffFormat} from './image-format.js';
import type {PreprocessSpec} from '../models/manifest.js';
import {normalizationTable, packedTaps, resizeCropNormalize, type ResizeWindow} from './resize-linear.js';
import {WasmResizer} from './resize-wasm.js';

export type ResizeMode = 'exact' | 'fast';

/** Decoded images up to this size (16 megapixels of RGB) go through the WebAssembly kernel. */
const WASM_MAX_SOURCE_BYTES = 48 * 1024 * 1024;

/** Source sizes whose resampling plan a preprocessor keeps. */
const MAX_PLANS = 64;

/** Python's round(): half to even. */
export function pythonRound(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Where the resize and crop of `spec` put an image of width x height. */
export function planWindow(spec: PreprocessSpec, width: number, height: number): ResizeWindow {
  let dstW: number;
  let dstH: number;
  if (spec.resize.kind === 'short') {
    const percent = spec.resize.size / Math.min(width, height);
    dstW = pythonRound(width * percent);
    dstH = pythonRound(height * percent);
  } else if (spec.resize.kind === 'pad') {
    // PaddleOCR's resize_norm_img, in the same double arithmetic: ceil(imgH * (w / h)), at most imgW
    const wanted = Math.ceil(spec.resize.height * (width / height));
    dstW = wanted > spec.resize.width ? spec.resize.width : wanted;
    dstH = spec.resize.height;
    if (spec.crop) throw new Error('a pad resize takes no crop');
  } else {
    dstW = spec.resize.width;
    dstH = spec.resize.height;
  }
  if (!spec.crop) return {dstW, dstH, cropX: 0, cropY: 0, outW: dstW, outH: dstH};
  const {width: cw, height: ch} = spec.crop;
  if (cw > dstW || ch > dstH) throw new Error(`image of ${width}x${height} is smaller than the ${cw}x${ch} crop after resizing to ${dstW}x${dstH}`);
  return {dstW, dstH, cropX: (dstW - cw) >> 1, cropY: (dstH - ch) >> 1, outW: cw, outH: ch};
}

export interface Preprocessor {
  /** number of float32 values one image occupies */
  readonly tensorSize: number;
  /** decodes `bytes` and writes its tensor into `out` at `offset`; resolves to the source size */
  run(bytes: Uint8Array, out: Float32Array, offset: number): Promise<{width: number; height: number}>;
}

/**
 * Which implementation of the exact resampling runs: the WebAssembly SIMD build when the runtime
 * has it, else the JS one; both give the same bits. `LCNET_RESIZE_KERNEL=js` forces JS.
 */
export type ResizeKernel = 'auto' | 'js' | 'wasm';

/**
 * The normalisation in the order of the decoded pixels (R, G, B), which is how the kernels apply
 * it; a spec lists it in the network's channel order, reversed from that for a BGR network.
 */
export function pixelOrderNormalisation(spec: PreprocessSpec): {scale: number; mean: [number, number, number]; std: [number, number, number]} {
  const order = <T>([a, b, c]: readonly [T, T, T]): [T, T, T] => (spec.channels === 'bgr' ? [c, b, a] : [a, b, c]);
  return {scale: spec.scale, mean: order(spec.mean), std: order(spec.std)};
}

/**
 * Copies the CHW planes of an image `width` columns wide into a tensor `outW` columns wide at
 * `offset`, zeroing the columns to its right (PaddleOCR pads after normalising: with zeros).
 */
export function padRight(src: Float32Array, width: number, height: number, outW: number, out: Float32Array, offset: number): void {
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < height; y++) {
      const from = (c * height + y) * width;
      const to = offset + (c * height + y) * outW;
      out.set(src.subarray(from, from + width), to);
      out.fill(0, to + width, to + outW);
    }
  }
}

export function createPreprocessor(spec: PreprocessSpec, mode: ResizeMode, decode: DecodeOptions, kernel: ResizeKernel = (process.env.LCNET_RESIZE_KERNEL as ResizeKernel | undefined) ?? 'auto'): Preprocessor {
  const normalisation = pixelOrderNormalisation(spec);
  const lut = normalizationTable(normalisation.scale, normalisation.mean, normalisation.std);
  const bgr = spec.channels === 'bgr';
  const wasm = kernel === 'js' ? null : WasmResizer.create();
  if (kernel === 'wasm' && !wasm) throw new Error('the WebAssembly resize kernel is not available in this runtime');
  const [outH, outW] = spec.crop
    ? [spec.crop.height, spec.crop.width]
    : spec.resize.kind !== 'short'
      ? [spec.resize.height, spec.resize.width]
      : [0, 0];
  if (outH === 0) throw new Error('preprocessing must produce a fixed size: a short-side resize needs a crop');
  const tensorSize = 3 * outW * outH;

  // JPEGs that libjpeg-turbo reads are decoded and resampled in one native call, straight into
  // `out` (unless a kernel is asked for by name); the plan of each source size is kept (most
  // collections have few)
  const norm = Float32Array.of(normalisation.scale, ...normalisation.mean, ...normalisation.std);
  const plans = new Map<string, Int32Array>();
  const planFor = (width: number, height: number, win: ResizeWindow) => {
    const key = `${width}x${height}`;
    let plan = plans.get(key);
    if (!plan) {
      if (plans.size >= MAX_PLANS) plans.clear();
      plan = packedTaps(width, height, win);
      plans.set(key, plan);
    }
    return plan;
  };
  const planes = new Int32Array(3);
  /** the resampled image into `out` at `offset`, as wide as the window says */
  const resample = async (bytes: Uint8Array, out: Float32Array, offset: number): Promise<{width: number; height: number; win: ResizeWindow}> => {
    const jpeg = kernel === 'auto' ? turboJpeg(bytes, decode) : null;
    if (jpeg) {
      let win: ResizeWindow;
      try {
        win = planWindow(spec, jpeg.width, jpeg.height);
      } catch (e) {
        // an image too small for the crop: a damaged one still says first that it is damaged
        decodeJpegNow(bytes, decode);
        throw e;
      }
      const plane = win.outW * win.outH;
      planes.set([offset + (bgr ? 2 * plane : 0), offset + plane, offset + (bgr ? 0 : 2 * plane)]);
      jpeg.decode((turbo) => turbo.decodeResize(bytes, jpeg.orientation, planFor(jpeg.width, jpeg.height, win), norm, out, planes, jpeg.limits));
      return {width: jpeg.width, height: jpeg.height, win};
    }
    const img = await decodeRgb(bytes, decode);
    const win = planWindow(spec, img.width, img.height);
    if (wasm && img.data.length <= WASM_MAX_SOURCE_BYTES) wasm.run(img.data, img.width, img.height, win, normalisation, bgr, out, offset);
    else resizeCropNormalize(img.data, img.width, img.height, win, lut, bgr, out, offset);
    return {width: img.width, height: img.height, win};
  };
  // a padded image is resampled at its own width, then copied into the wider tensor (a buffer
  // per image: a worker preprocesses several images at once)
  const exact = async (bytes: Uint8Array, out: Float32Array, offset: number) => {
    if (spec.resize.kind !== 'pad') return resample(bytes, out, offset);
    const scratch = new Float32Array(tensorSize);
    const r = await resample(bytes, scratch, 0);
    padRight(scratch, r.win.outW, outH, outW, out, offset);
    return r;
  };

  /** libvips resize (antialiased, JPEG shrink-on-load) to the planned size, then crop and normalise. */
  /** the smallest source size that JPEG shrink-on-load can halve and still cover the output */
  const [needH, needW] = spec.resize.kind === 'short' ? [spec.resize.size, spec.resize.size] : [spec.resize.height, spec.resize.width];
  const fast = (bytes: Uint8Array, out: Float32Array, offset: number) => withLibvipsTimeout(() => fastUnguarded(bytes, out, offset), decode);
  const fastUnguarded = async (bytes: Uint8Array, out: Float32Array, offset: number) => {
    const layout = sniffFormat(bytes) === 'jpeg' ? checkedJpegLayout(bytes, decode) : null;
    const shrinkable =
      layout !== null &&
      layout.components !== 4 &&
      (spec.resize.kind === 'short' ? Math.min(layout.width, layout.height) >= 2 * needH : layout.width >= 2 * needW && layout.height >= 2 * needH);
    if (!shrinkable) return exact(bytes, out, offset);
    const input = (await sharpInput(bytes, decode)).autoOrient();
    const meta = await input.metadata();
    // libvips resamples RGBA premultiplied, which changes colours OpenCV keeps: take the exact path;
    // so too where libvips reads another EXIF orientation than lcnet's reader (OpenCV's rules)
    if (meta.hasAlpha || (meta.orientation ?? 1) !== (layout.orientation ?? 1)) return exact(bytes, out, offset);
    const rotated = (meta.orientation ?? 1) >= 5;
    const width = rotated ? meta.height! : meta.width!;
    const height = rotated ? meta.width! : meta.height!;
    const win = planWindow(spec, width, height);
    const {data, info} = await input
      .removeAlpha()
      .toColourspace('srgb')
      .resize(win.dstW, win.dstH, {fit: 'fill', kernel: 'linear', fastShrinkOnLoad: true})
      .extract({left: win.cropX, top: win.cropY, width: win.outW, height: win.outH})
      .raw({depth: 'uchar'})
      .toBuffer({resolveWithObject: true});
    if (info.channels !== 3) throw new Error(`expected 3 colour channels, decoder gave ${info.channels}`);
    const plane = win.outW * win.outH;
    const pr = offset + (bgr ? 2 * plane : 0);
    const pg = offset + plane;
    const pb = offset + (bgr ? 0 : 2 * plane);
    for (let i = 0, p = 0; p < plane; i += 3, p++) {
      out[pr + p] = lut[data[i]!]!;
      out[pg + p] = lut[256 + data[i + 1]!]!;
      out[pb + p] = lut[512 + data[i + 2]!]!;
    }
    return {width, height};
  };

  // a padded image is a text line, a few dozen pixels high: shrink-on-load has nothing to gain
  return {tensorSize, run: mode === 'exact' || spec.resize.kind === 'pad' ? exact : fast};
}
