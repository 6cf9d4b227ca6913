/**
 * The native JPEG decoder: libjpeg-turbo behind a small Node-API addon (native/jpeg/), bit-exact
 * with OpenCV's cv::imdecode and about three times cheaper than libvips at ImageNet sizes. The
 * addon ships prebuilt in prebuilds/<platform>-<arch>/lcnet-jpeg.node; Node-API keeps one binary
 * loadable by every Node.js release. Where none loads (another platform, a damaged install),
 * JPEGs go through sharp as other formats do, with the same pixels, only slower.
 *
 * `LCNET_JPEG_DECODER=sharp` turns the addon off (to compare the two paths); `=libjpeg-turbo`
 * makes a missing addon an error instead of a silent fallback.
 */

import {createRequire} from 'node:module';
import {fileURLToPath} from 'node:url';

export interface JpegTurboAddon {
  /**
   * Decodes `jpeg` as interleaved RGB into `target` (exactly width x height x 3 bytes of the
   * image as `orientation`, an EXIF value 1-8, turns it). Throws an Error whose `code` is
   * ERR_LCNET_JPEG_HEADER (the header cannot be read) or ERR_LCNET_JPEG_DATA (the data is
   * damaged, or libjpeg warned about it).
   */
  decodeInto(jpeg: Uint8Array, orientation: number, target: Uint8Array): void;
  /**
   * Decodes `jpeg` and resamples it in one call (native/resize_linear.c, the WebAssembly kernel's
   * source), writing the network's input into `out`. plan: [width, height, outW, outH, then the
   * x taps (first, second, weight) and the y taps of resize-linear.ts]; norm: scale, mean[3],
   * std[3]; planes: where the R, G and B planes start in `out`. Throws as decodeInto does.
   */
  decodeResize(jpeg: Uint8Array, orientation: number, plan: Int32Array, norm: Float32Array, out: Float32Array, planes: Int32Array): void;
  /** e.g. "2001005" for 2.1.5 */
  libjpegTurboVersion: string;
}

export type JpegDecoderName = 'libjpeg-turbo' | 'sharp';

const PREBUILD = fileURLToPath(new URL(`../../../prebuilds/${process.platform}-${process.arch}/lcnet-jpeg.node`, import.meta.url));

let loaded: {addon: JpegTurboAddon | null; why: string} | undefined;

function load(): {addon: JpegTurboAddon | null; why: string} {
  const wanted = process.env.LCNET_JPEG_DECODER ?? 'auto';
  if (wanted === 'sharp') return {addon: null, why: 'LCNET_JPEG_DECODER=sharp'};
  if (wanted !== 'auto' && wanted !== 'libjpeg-turbo') throw new Error(`LCNET_JPEG_DECODER must be auto, libjpeg-turbo or sharp, not '${wanted}'`);
  try {
    return {addon: createRequire(import.meta.url)(PREBUILD) as JpegTurboAddon, why: ''};
  } catch (e) {
    const why = `no prebuilt libjpeg-turbo decoder loads on ${process.platform}-${process.arch}: ${(e as Error).message.split('\n')[0]}`;
    if (wanted === 'libjpeg-turbo') throw new Error(why);
    return {addon: null, why};
  }
}

/** The addon, or null when JPEGs are decoded by sharp (see `jpegDecoder()` for why). */
export function jpegTurbo(): JpegTurboAddon | null {
  loaded ??= load();
  return loaded.addon;
}

/** Which decoder reads JPEGs in this process, and why sharp does when it is sharp. */
export function jpegDecoder(): {name: JpegDecoderName; version: string; why: string} {
  const addon = jpegTurbo();
  if (!addon) return {name: 'sharp', version: '', why: loaded!.why};
  const v = Number(addon.libjpegTurboVersion);
  return {name: 'libjpeg-turbo', version: `${Math.floor(v / 1e6)}.${Math.floor(v / 1e3) % 1000}.${v % 1000}`, why: ''};
}
