/**
 * Decoding an encoded image to 8-bit RGB the way the PaddleClas reference does (OpenCV
 * `imdecode(..., IMREAD_COLOR)` then BGR->RGB): EXIF orientation applied, embedded ICC profiles
 * ignored, alpha dropped without compositing, greyscale replicated to three channels, 16-bit
 * reduced to 8-bit, CMYK converted with OpenCV's own formula. JPEGs go to libjpeg-turbo, the
 * decoder OpenCV uses (jpeg-turbo.ts), which writes straight into memory the caller gives; other
 * formats, and JPEGs where the addon is missing, to libvips (sharp); BMP, which libvips cannot
 * read, has its own decoder.
 */

import type {Sharp} from 'sharp';
import {libvips} from './libvips.js';
import {BmpError, decodeBmp} from './bmp.js';
import {jpegLayout, jpegScanCount, sniffFormat, type ImageFormat, type JpegLayout} from './image-format.js';
import {jpegTurbo, type JpegDecoderName, type JpegTurboAddon} from './jpeg-turbo.js';
import {DEFAULT_DECODE_TIMEOUT_S, jpegMemoryLimit, MAX_JPEG_SCANS} from './limits.js';
import {looksLikePathList} from './path-list.js';
import {orientRgb} from './orient.js';
import type {RgbImage} from './rgb-image.js';

export {DEFAULT_MAX_PIXELS} from './limits.js';

export class DecodeError extends Error {}

/** The error of a file named as an input that holds a list of paths, such as list.txt. */
const NOT_AN_IMAGE_BUT_A_LIST = 'not an image but a list of paths (to classify the files it names: lcnet classify --files-from FILE, or the filesFrom option)';
const PIXEL_LIMIT = 'image exceeds the pixel limit (--max-pixels)';
const TOO_MANY_SCANS = `JPEG with more than ${MAX_JPEG_SCANS} scans: refused unread (a normal progressive JPEG has about 10)`;
const OUT_OF_MEMORY = 'image needs more memory to decode than its size allows: refused';
const AMBIGUOUS_HEADER = 'corrupt JPEG: its header describes two different images';

function timedOut(seconds: number): string {
  return `decoding took longer than ${seconds} s of CPU (--decode-timeout): abandoned`;
}

export interface DecodeOptions {
  maxPixels: number;
  /** CPU seconds one decode may take (default DEFAULT_DECODE_TIMEOUT_S); 0 for no limit */
  timeoutSeconds?: number;
  /** 'sharp' sends JPEGs to libvips even where libjpeg-turbo loads (to compare the two) */
  jpegDecoder?: JpegDecoderName;
}

function timeoutOf(opts: DecodeOptions): number {
  return opts.timeoutSeconds ?? DEFAULT_DECODE_TIMEOUT_S;
}

/** sharp on `bytes` with lcnet's limits: the pixel limit, warnings as errors, the time budget. */
export async function sharpInput(bytes: Uint8Array, opts: DecodeOptions): Promise<Sharp> {
  const input = (await libvips())(bytes, {ignoreIcc: true, limitInputPixels: opts.maxPixels, failOn: 'warning'});
  // libvips counts whole seconds, 0 meaning none
  const seconds = timeoutOf(opts);
  return seconds > 0 ? input.timeout({seconds: Math.max(1, Math.ceil(seconds))}) : input;
}

/**
 * The verdict both decoder paths give a JPEG before either decodes it, from its header alone: a
 * frame lcnet's decoders cannot read, an image past the pixel limit, too many scans. Null when the
 * header cannot be read the way libjpeg reads it (libvips' verdict is then the record's).
 */
export function checkedJpegLayout(bytes: Uint8Array, opts: DecodeOptions): JpegLayout | null {
  const layout = jpegLayout(bytes);
  if (!layout) return null;
  if (layout.unsupported) throw new DecodeError(layout.unsupported);
  if (layout.width * layout.height > opts.maxPixels) throw new DecodeError(PIXEL_LIMIT);
  if (layout.multiScan && jpegScanCount(bytes, MAX_JPEG_SCANS) > MAX_JPEG_SCANS) throw new DecodeError(TOO_MANY_SCANS);
  if (HUFFMAN_SOF.has(layout.sof) && bytes.length * 8 < Math.ceil(layout.width / 8) * Math.ceil(layout.height / 8)) throw new DecodeError(damaged('jpeg', 'data', bytes));
  return layout;
}

/**
 * Huffman-coded frames (baseline, extended, progressive). Each 8x8 block of the full-resolution
 * component costs at least one bit (its DC code) in the first scan that holds it, so a file with
 * fewer bits than that component has blocks runs out of data: libjpeg warns, and the image fails
 * on both paths. Saying so from the header spares a progressive file of a kilobyte that claims
 * 16k x 16k the coefficient buffers libvips would fill (768 MiB, 15 s) before failing it.
 * Arithmetic coding can spend less than a bit a block, so it is not judged this way.
 */
const HUFFMAN_SOF = new Set([0xc0, 0xc1, 0xc2]);

/** OpenCV icvCvt_CMYK2BGR_8u_C4C3R on libjpeg's raw CMYK output, from libvips' inverted one. */
function cmykToRgbLikeOpenCV(cmyk: Uint8Array, width: number, height: number): RgbImage {
  const out = new Uint8Array(width * height * 3);
  const flip = 255;
  for (let i = 0, o = 0; o < out.length; i += 4, o += 3) {
    const c = cmyk[i]! ^ flip;
    const m = cmyk[i + 1]! ^ flip;
    const y = cmyk[i + 2]! ^ flip;
    const k = cmyk[i + 3]! ^ flip;
    out[o] = k - (((255 - c) * k) >> 8);
    out[o + 1] = k - (((255 - m) * k) >> 8);
    out[o + 2] = k - (((255 - y) * k) >> 8);
  }
  return {data: out, width, height};
}

/** libtiff's TIFFReadRGBA CMYK conversion, which OpenCV's TIFF reader uses. */
function cmykToRgbLikeLibtiff(cmyk: Uint8Array, width: number, height: number): RgbImage {
  const out = new Uint8Array(width * height * 3);
  for (let i = 0, o = 0; o < out.length; i += 4, o += 3) {
    const k = 255 - cmyk[i + 3]!;
    out[o] = Math.floor((k * (255 - cmyk[i]!)) / 255);
    out[o + 1] = Math.floor((k * (255 - cmyk[i + 1]!)) / 255);
    out[o + 2] = Math.floor((k * (255 - cmyk[i + 2]!)) / 255);
  }
  return {data: out, width, height};
}

async function decodeCmyk(bytes: Uint8Array, opts: DecodeOptions, convert: (raw: Uint8Array, w: number, h: number) => RgbImage): Promise<RgbImage> {
  const {data, info} = await (await sharpInput(bytes, opts)).autoOrient().pipelineColourspace('cmyk').toColourspace('cmyk').raw().toBuffer({resolveWithObject: true});
  if (info.channels !== 4) throw new DecodeError(`expected 4 CMYK channels, decoder gave ${info.channels}`);
  return convert(data, info.width, info.height);
}

/** A JPEG libjpeg-turbo is to decode: its size once turned upright, and the call that decodes it. */
export interface TurboJpeg {
  width: number;
  height: number;
  /** EXIF orientation, 1-8 */
  orientation: number;
  /**
   * What the decode may cost, for the addon: [stored width, stored height, scans, CPU seconds,
   * libjpeg's memory]. The addon refuses the file if libjpeg reads another size from the header.
   */
  limits: Float64Array;
  /** runs `decode` (an addon call) on this JPEG, its failures turned into the records' errors */
  decode(run: (turbo: JpegTurboAddon) => void): void;
}

/** The record's reason for each error code of the addon's. */
function addonFailure(code: string | undefined, bytes: Uint8Array, opts: DecodeOptions): string | null {
  switch (code) {
    case 'ERR_LCNET_JPEG_HEADER':
      return damaged('jpeg', 'header', bytes);
    case 'ERR_LCNET_JPEG_DATA':
      return damaged('jpeg', 'data', bytes);
    case 'ERR_LCNET_JPEG_SCANS':
      return TOO_MANY_SCANS;
    case 'ERR_LCNET_JPEG_TIMEOUT':
      return timedOut(timeoutOf(opts));
    case 'ERR_LCNET_JPEG_MEMORY':
      return OUT_OF_MEMORY;
    case 'ERR_LCNET_JPEG_LAYOUT':
      return AMBIGUOUS_HEADER;
    default:
      return null;
  }
}

/**
 * What libjpeg-turbo makes of `bytes`, or null when it is no JPEG or not one for this decoder (no
 * addon, or a header lcnet cannot parse: libvips' verdict on it is the record's). An image over
 * the pixel limit, with too many scans or of a kind no decoder reads is refused here, before any
 * decoding.
 */
export function turboJpeg(bytes: Uint8Array, opts: DecodeOptions): TurboJpeg | null {
  if (opts.jpegDecoder === 'sharp' || sniffFormat(bytes) !== 'jpeg') return null;
  const turbo = jpegTurbo();
  const layout = turbo ? checkedJpegLayout(bytes, opts) : null;
  if (!turbo || !layout) return null;
  const orientation = layout.orientation ?? 1;
  const [width, height] = orientation >= 5 ? [layout.height, layout.width] : [layout.width, layout.height];
  return {
    width,
    height,
    orientation,
    limits: Float64Array.of(layout.width, layout.height, MAX_JPEG_SCANS, timeoutOf(opts), jpegMemoryLimit(opts.maxPixels)),
    decode(run) {
      try {
        run(turbo);
      } catch (e) {
        const reason = addonFailure((e as NodeJS.ErrnoException).code, bytes, opts);
        if (reason) throw new DecodeError(reason);
        throw e;
      }
    },
  };
}

/** A JPEG decoded by libjpeg-turbo, synchronously; null when `turboJpeg` says it is not one for it. */
export function decodeJpegNow(bytes: Uint8Array, opts: DecodeOptions): RgbImage | null {
  const jpeg = turboJpeg(bytes, opts);
  if (!jpeg) return null;
  const data = new Uint8Array(jpeg.width * jpeg.height * 3);
  jpeg.decode((turbo) => turbo.decodeInto(bytes, jpeg.orientation, data, jpeg.limits));
  return {data, width: jpeg.width, height: jpeg.height};
}

export async function decodeRgb(bytes: Uint8Array, opts: DecodeOptions): Promise<RgbImage> {
  return (bytes.length > 0 ? decodeJpegNow(bytes, opts) : null) ?? decodeWithLibvips(bytes, opts);
}

/** Every format but BMP through libvips (sharp), JPEGs included: the path where no addon loads. */
export async function decodeWithLibvips(bytes: Uint8Array, opts: DecodeOptions): Promise<RgbImage> {
  return withLibvipsTimeout(() => decodeAnyWithLibvips(bytes, opts), opts);
}

/** Runs a libvips pipeline built with `sharpInput`; its timeout becomes the record's reason. */
export async function withLibvipsTimeout<T>(run: () => Promise<T>, opts: DecodeOptions): Promise<T> {
  try {
    return await run();
  } catch (e) {
    // sharp's timeout(): libvips stopped the decode once its time was up
    if (!(e instanceof DecodeError) && /^timeout:/i.test(e instanceof Error ? e.message : '')) throw new DecodeError(timedOut(timeoutOf(opts)));
    throw e;
  }
}

async function decodeAnyWithLibvips(bytes: Uint8Array, opts: DecodeOptions): Promise<RgbImage> {
  if (bytes.length === 0) throw new DecodeError('empty file');
  const format = sniffFormat(bytes);
  if (format === 'bmp') return decodeBmp(bytes, opts.maxPixels);
  if (format === 'unknown') throw new DecodeError(looksLikePathList(bytes) ? NOT_AN_IMAGE_BUT_A_LIST : 'not an image (unrecognised file format)');
  if (format === 'jpeg') {
    const layout = checkedJpegLayout(bytes, opts);
    if (layout) return decodeJpegWithLibvips(bytes, layout, opts);
  } else if (format === 'tiff') {
    const meta = await (await sharpInput(bytes, opts)).metadata();
    if (meta.space === 'cmyk') return decodeCmyk(bytes, opts, cmykToRgbLikeLibtiff);
  }
  const {data, info} = await (await sharpInput(bytes, opts)).autoOrient().removeAlpha().toColourspace('srgb').raw({depth: 'uchar'}).toBuffer({resolveWithObject: true});
  if (info.channels !== 3) throw new DecodeError(`unsupported ${FORMAT_NAMES[format]}: ${info.channels} colour channels`);
  return {data, width: info.width, height: info.height};
}

/**
 * A JPEG whose header lcnet reads, through libvips, as the native decoder decodes it: libjpeg's
 * raw CMYK converted with OpenCV's formula, and the orientation lcnet's EXIF reader gives (the
 * same for both paths, OpenCV's rules) applied after decoding, never libvips' own reading of it.
 */
async function decodeJpegWithLibvips(bytes: Uint8Array, layout: JpegLayout, opts: DecodeOptions): Promise<RgbImage> {
  let image: RgbImage;
  if (layout.components === 4) {
    // libvips inverts every four-component JPEG, Adobe marker or not (measured: the same bytes
    // with and without APP14 give the same output); OpenCV works on libjpeg's raw output, so undo it
    const {data, info} = await (await sharpInput(bytes, opts)).pipelineColourspace('cmyk').toColourspace('cmyk').raw().toBuffer({resolveWithObject: true});
    if (info.channels !== 4) throw new DecodeError(`unsupported JPEG: ${info.channels} colour components`);
    image = cmykToRgbLikeOpenCV(data, info.width, info.height);
  } else {
    const {data, info} = await (await sharpInput(bytes, opts)).toColourspace('srgb').raw({depth: 'uchar'}).toBuffer({resolveWithObject: true});
    if (info.channels !== 3) throw new DecodeError(`unsupported JPEG: ${info.channels} colour components`);
    image = {data, width: info.width, height: info.height};
  }
  return orientRgb(image, layout.orientation ?? 1);
}

const FORMAT_NAMES: Record<ImageFormat, string> = {
  jpeg: 'JPEG',
  png: 'PNG',
  gif: 'GIF',
  webp: 'WebP',
  tiff: 'TIFF',
  bmp: 'BMP',
  avif: 'AVIF',
  heif: 'HEIF',
  unknown: 'image',
};

/** Whether the file stops before its format's end marker: a JPEG without EOI, a PNG without IEND. */
function endsEarly(bytes: Uint8Array, format: ImageFormat): boolean {
  const tail = Buffer.from(bytes.subarray(Math.max(0, bytes.length - 1024)));
  if (format === 'jpeg') return tail.indexOf(Buffer.from([0xff, 0xd9])) < 0;
  if (format === 'png') return tail.indexOf(Buffer.from('IEND')) < 0;
  if (format === 'gif') return bytes[bytes.length - 1] !== 0x3b;
  if (format === 'webp' && bytes.length >= 8) return new DataView(bytes.buffer, bytes.byteOffset, 8).getUint32(4, true) + 8 > bytes.length;
  return false;
}

/**
 * The error record of an image that could not be decoded. Our own checks say what they found.
 * For sharp's failures only sharp's own, fixed wording is used, never libvips' detail: libvips
 * keeps one error buffer for every thread, so its detail can belong to another image decoded at
 * the same moment, and a record must not depend on what else was being decoded. What the file's
 * bytes show (its format, whether it stops early) says the rest.
 */
export function describeDecodeError(e: unknown, bytes?: Uint8Array): string {
  if (e instanceof DecodeError) return e.message;
  const msg = e instanceof Error ? e.message : String(e);
  // sharp's words, and the BMP decoder's: every decoder's refusal reads the same
  if (/exceeds (the )?pixel limit/i.test(msg)) return PIXEL_LIMIT;
  // the BMP decoder is lcnet's own: its words depend on the file only
  if (e instanceof BmpError) return e.message;
  if (/unsupported image format/i.test(msg)) return 'not an image (unsupported format)';
  const format = bytes ? sniffFormat(bytes) : 'unknown';
  return damaged(format, /corrupt header/i.test(msg) ? 'header' : 'data', bytes);
}

/** What a decoder's failure on a damaged file says, whichever decoder failed. */
function damaged(format: ImageFormat, where: 'header' | 'data', bytes: Uint8Array | undefined): string {
  const name = FORMAT_NAMES[format];
  if (bytes && endsEarly(bytes, format)) return `truncated ${name}: the file ends before the image does`;
  if (where === 'header') return `corrupt ${name}: its header cannot be read`;
  return `corrupt ${name}: the decoder reported damaged data`;
}

/** Decoded size of an image in megapixels, from its header; 0 when it cannot be told. */
export async function megapixelsOf(bytes: Uint8Array): Promise<number> {
  const format = sniffFormat(bytes);
  if (format === 'jpeg') {
    const l = jpegLayout(bytes);
    if (l) return (l.width * l.height) / 1e6;
  }
  if (format === 'png' && bytes.length >= 24) {
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return (dv.getUint32(16) * dv.getUint32(20)) / 1e6;
  }
  if (format === 'bmp' && bytes.length >= 26) {
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return (Math.abs(dv.getInt32(18, true)) * Math.abs(dv.getInt32(22, true))) / 1e6;
  }
  if (format === 'unknown') return 0;
  try {
    const m = await (await libvips())(bytes).metadata();
    return ((m.width ?? 0) * (m.height ?? 0)) / 1e6;
  } catch {
    return 0;
  }
}
