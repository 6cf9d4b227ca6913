/**
 * Cheap facts read from the first bytes of an image file, before any decoder runs: the container
 * format, and for JPEG the frame libjpeg will decode, its EXIF orientation and its scan count.
 */

import {app1Orientation, type ExifOrientation} from './exif-orientation.js';

export type ImageFormat = 'jpeg' | 'png' | 'gif' | 'webp' | 'tiff' | 'bmp' | 'avif' | 'heif' | 'unknown';

export function sniffFormat(b: Uint8Array): ImageFormat {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'png';
  if (b.length >= 6 && b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x38) return 'gif';
  if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return 'webp';
  if (b.length >= 4 && ((b[0] === 0x49 && b[1] === 0x49 && b[2] === 0x2a && b[3] === 0) || (b[0] === 0x4d && b[1] === 0x4d && b[2] === 0 && b[3] === 0x2a))) return 'tiff';
  if (b.length >= 2 && b[0] === 0x42 && b[1] === 0x4d) return 'bmp';
  if (b.length >= 12 && ascii(b, 4, 4) === 'ftyp') {
    const brand = ascii(b, 8, 4);
    if (brand === 'avif' || brand === 'avis') return 'avif';
    return 'heif';
  }
  return 'unknown';
}

function ascii(b: Uint8Array, start: number, len: number): string {
  return String.fromCharCode(...b.subarray(start, start + len));
}

export interface JpegLayout {
  width: number;
  height: number;
  components: number;
  /** bits per sample (SOF's P): libjpeg-turbo's 8-bit build reads 8 only */
  precision: number;
  /** the SOF marker's code (0xc0 baseline, 0xc2 progressive, ...) */
  sof: number;
  /** whether libjpeg sees an Adobe APP14 marker (its rule: "Adobe" and at least 12 bytes of data) */
  adobe: boolean;
  /** the EXIF orientation OpenCV applies (exif-orientation.ts: its rules), or null for none */
  orientation: number | null;
  /** the payloads of the APP1 segments before the first scan, in file order (what OpenCV reads EXIF from) */
  app1: Uint8Array[];
  /**
   * Bytes between markers before the first scan, which libjpeg skips with a warning: the image
   * then fails on both decoder paths (a warning fails an image), whatever its header says.
   */
  extraneous: boolean;
  /**
   * Whether the image comes in more than one scan (progressive, or a first scan without every
   * component): only then does a decoder read past the first scan, and only then can the number
   * of scans cost anything (libjpeg's has_multiple_scans, decided the same way in jdinput.c).
   */
  multiScan: boolean;
  /** why no decoder of lcnet's can read this JPEG, when its header says so; null when one can */
  unsupported: string | null;
}

/** SOF markers libjpeg-turbo decodes: Huffman baseline, extended and progressive, arithmetic sequential and progressive. */
const DECODABLE_SOF = new Set([0xc0, 0xc1, 0xc2, 0xc9, 0xca]);
/** SOF markers of processes libjpeg-turbo does not implement (lossless, hierarchical, JPEG extensions). */
const OTHER_SOF = new Set([0xc3, 0xc5, 0xc6, 0xc7, 0xc8, 0xcb, 0xcd, 0xce, 0xcf]);
/** Markers libjpeg reads a length for and skips or parses (besides SOFn and SOS). */
function hasLength(m: number): boolean {
  return m === 0xc4 || m === 0xcc || m === 0xdb || m === 0xdc || m === 0xdd || (m >= 0xe0 && m <= 0xef) || m === 0xfe;
}

/** Why libjpeg-turbo (8-bit) cannot decode a frame of this SOF, precision and component count. */
function unsupportedFrame(sof: number, precision: number, components: number): string | null {
  if (OTHER_SOF.has(sof)) return `unsupported JPEG: ${sof === 0xc3 || sof === 0xc7 || sof === 0xcb || sof === 0xcf ? 'lossless' : 'hierarchical'} coding (SOF${sof - 0xc0}) is not read`;
  if (precision !== 8) return `unsupported JPEG: ${precision}-bit samples (only 8-bit JPEGs are read)`;
  if (components !== 1 && components !== 3 && components !== 4) return `unsupported JPEG: ${components} colour components (1, 3 or 4 are read)`;
  return null;
}

/**
 * Reads a JPEG's markers up to its first scan the way libjpeg's marker reader (jdmarker.c
 * next_marker and read_markers) does, so that it finds the frame header libjpeg finds: bytes
 * other than a marker are skipped one by one (FF 00 is no marker), FF fill bytes before a marker
 * are skipped, and only the markers libjpeg skips by length are skipped by length. Null when
 * libjpeg would stop before a scan (no frame header, a second one, a second SOI, an unknown
 * marker, the end of the file): then libvips' verdict on the file is the record's.
 */
export function jpegLayout(b: Uint8Array): JpegLayout | null {
  if (sniffFormat(b) !== 'jpeg') return null;
  let pos = 2;
  let adobe = false;
  const app1: Uint8Array[] = [];
  let extraneous = false;
  let frame: {width: number; height: number; components: number; precision: number; sof: number} | null = null;
  for (;;) {
    // next_marker: skip to an FF, past fill FFs; FF 00 is stuffed data, not a marker
    let marker = -1;
    while (marker < 0) {
      const start = pos;
      while (pos < b.length && b[pos] !== 0xff) pos++;
      if (pos > start) extraneous = true;
      while (pos < b.length && b[pos] === 0xff) pos++;
      if (pos >= b.length) return null;
      const c = b[pos++]!;
      if (c === 0) extraneous = true;
      else marker = c;
    }
    if (marker === 0xda) {
      if (!frame || pos + 2 >= b.length) return null;
      const multiScan = frame.sof === 0xc2 || frame.sof === 0xca || b[pos + 2]! < frame.components;
      // built field by field: V8 copies a spread object on a slow path (10 us a call, measured; this runs twice an image)
      const {width, height, components, precision, sof} = frame;
      return {width, height, components, precision, sof, adobe, orientation: app1Orientation(app1), app1, extraneous, multiScan, unsupported: unsupportedFrame(sof, precision, components)};
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue;
    const isSof = DECODABLE_SOF.has(marker) || OTHER_SOF.has(marker);
    if (!isSof && !hasLength(marker)) return null;
    if (pos + 2 > b.length) return null;
    const len = (b[pos]! << 8) | b[pos + 1]!;
    // the table readers (get_dht, get_dqt, get_dri, get_dac) refuse a length under 2; skip_variable takes it as empty
    if (len < 2 && (marker === 0xc4 || marker === 0xcc || marker === 0xdb || marker === 0xdd)) return null;
    const end = Math.min(b.length, pos + len);
    if (isSof) {
      if (frame || pos + 8 > b.length) return null;
      frame = {precision: b[pos + 2]!, height: (b[pos + 3]! << 8) | b[pos + 4]!, width: (b[pos + 5]! << 8) | b[pos + 6]!, components: b[pos + 7]!, sof: marker};
      // libjpeg refuses an empty frame, or a length that does not fit its components
      if (frame.width === 0 || frame.height === 0 || frame.components === 0 || len !== 8 + 3 * frame.components) return null;
    } else if (marker === 0xee && len >= 14 && ascii(b, pos + 2, 5) === 'Adobe') {
      adobe = true;
    } else if (marker === 0xe1 && len >= 2) {
      app1.push(b.subarray(pos + 2, end));
    }
    pos += Math.max(len, 2);
  }
}

/**
 * The number of scans (SOS markers) libjpeg can meet in a JPEG, counted as the native decoder
 * counts them (jpeg_decode.c count_scans): marker segments are skipped by their length, and
 * anywhere else an FF DA pair starts a scan (every FF of entropy-coded data is followed by 00 or
 * a restart marker). Stops at EOI, or as soon as the count passes `limit`.
 */
export function jpegScanCount(b: Uint8Array, limit: number): number {
  let scans = 0;
  let i = 2;
  const bytes = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  while (i + 1 < b.length) {
    const ff = bytes.indexOf(0xff, i);
    if (ff < 0 || ff + 1 >= b.length) break;
    i = ff;
    const m = b[i + 1]!;
    if (m === 0xff) {
      i++;
      continue;
    }
    if (m === 0xd9) break;
    if (m === 0x00 || m === 0x01 || (m >= 0xd0 && m <= 0xd8)) {
      i += 2;
      continue;
    }
    if (m === 0xda && ++scans > limit) break;
    if (i + 3 >= b.length) break;
    const len = (b[i + 2]! << 8) | b[i + 3]!;
    i += 2 + Math.max(len, 2);
  }
  return scans;
}

/** The APP1 payloads OpenCV reads EXIF from (see JpegLayout.app1); null where libjpeg reads no frame. */
export function jpegApp1Payloads(file: Uint8Array): Uint8Array[] | null {
  return jpegLayout(file)?.app1 ?? null;
}

/** The orientation OpenCV applies to a whole JPEG file; null for none, or where it decodes no image. */
export function jpegFileOrientation(file: Uint8Array): ExifOrientation | null {
  return (jpegLayout(file)?.orientation ?? null) as ExifOrientation | null;
}
