/**
 * The native JPEG decoder: libjpeg-turbo behind a small Node-API addon (native/jpeg/), bit-exact
 * with OpenCV's cv::imdecode and about three times cheaper than libvips at ImageNet sizes. The
 * addon ships prebuilt in prebuilds/<platform>-<arch>/lcnet-jpeg.node; Node-API keeps one binary
 * loadable by every Node.js release. Where none loads (another platform, a damaged install),
 * JPEGs go through sharp as other formats do, with the same pixels, only slower.
 *
 * `LCNET_JPEG_DECODER=sharp` turns the addon's decoder off (to compare the two paths); `=libjpeg-turbo`
 * makes a missing addon an error instead of a silent fallback.
 */

import {NATIVE_PLATFORMS, nativeAddon, type NativeAddon} from './native-addon.js';

/** The decoding half of the native addon. */
export type JpegTurboAddon = Pick<NativeAddon, 'decodeInto' | 'decodeResize' | 'libjpegTurboVersion' | 'sourceDigest'>;

export type JpegDecoderName = 'libjpeg-turbo' | 'sharp';

let loaded: {addon: JpegTurboAddon | null; why: string} | undefined;

function load(): {addon: JpegTurboAddon | null; why: string} {
  const wanted = process.env.LCNET_JPEG_DECODER ?? 'auto';
  if (wanted === 'sharp') return {addon: null, why: 'LCNET_JPEG_DECODER=sharp'};
  if (wanted !== 'auto' && wanted !== 'libjpeg-turbo') throw new Error(`LCNET_JPEG_DECODER must be auto, libjpeg-turbo or sharp, not '${wanted}'`);
  const {addon, why} = nativeAddon();
  if (!addon && wanted === 'libjpeg-turbo') throw new Error(why);
  return {addon, why};
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

/**
 * What a user must be told once when the addon does not load here (another platform, an older
 * C library, a damaged install): JPEGs still get the same records, through sharp, only slower.
 * Null when the addon decodes JPEGs, or when LCNET_JPEG_DECODER=sharp asked for sharp.
 */
export function jpegDecoderNote(): string | null {
  if (process.env.LCNET_JPEG_DECODER === 'sharp') return null;
  let decoder: ReturnType<typeof jpegDecoder>;
  try {
    decoder = jpegDecoder();
  } catch {
    // LCNET_JPEG_DECODER=libjpeg-turbo without the addon, or a bad value: each image's record says why
    return null;
  }
  if (decoder.name === 'libjpeg-turbo') return null;
  return `note: JPEGs are decoded by sharp, not by lcnet's libjpeg-turbo decoder (${decoder.why}): the same predictions at about three times the decoding cost (${NATIVE_PLATFORMS})`;
}
