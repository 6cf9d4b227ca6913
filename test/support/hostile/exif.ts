/**
 * EXIF APP1 segments built field by field, so that each field can be wrong on its own: the
 * "Exif\0\0" magic, the TIFF byte order and magic number, where IFD0 is, how many entries an IFD
 * claims, an entry's type and count, and where each IFD says the next one is.
 */

import {APP1, segment, type Segment} from './jpeg-segments.js';

export const ORIENTATION = 0x0112;
export const EXIF_IFD_POINTER = 0x8769;
export const SHORT = 3;
export const LONG = 4;

export interface IfdEntry {
  tag: number;
  type: number;
  count: number;
  /** the 4-byte value field: a number written as the type's width (1, 2 or 4 bytes) in the file's byte order */
  value: number;
}

export interface Ifd {
  entries: IfdEntry[];
  /** the entry count written (default: the number of entries) */
  count?: number;
  /** offset of the next IFD from the TIFF header; default 0 (none) */
  next?: number;
}

export interface ExifSpec {
  magic?: string;
  /** 'MM' (big-endian), 'II' (little-endian) or any two other characters (then written big-endian) */
  order?: string;
  tiffMagic?: number;
  /** where IFD0 is said to be (default: right after the 8-byte TIFF header) */
  ifd0?: number;
  /** laid out one after another from offset 8 */
  ifds: Ifd[];
}

/** Where the `i`th IFD of `spec` is written, from the TIFF header. */
export function ifdOffset(spec: ExifSpec, i: number): number {
  let at = 8;
  for (let k = 0; k < i; k++) at += 2 + 12 * spec.ifds[k]!.entries.length + 4;
  return at;
}

function widthOf(type: number): number {
  if (type === 3 || type === 8) return 2;
  if (type === 1 || type === 2 || type === 6 || type === 7) return 1;
  return 4;
}

/** The TIFF structure of `spec` (what follows the magic). */
export function tiffBytes(spec: ExifSpec): Buffer {
  const order = spec.order ?? 'MM';
  const little = order === 'II';
  const size = ifdOffset(spec, spec.ifds.length);
  const b = Buffer.alloc(size);
  const u16 = (v: number, at: number) => (little ? b.writeUInt16LE(v & 0xffff, at) : b.writeUInt16BE(v & 0xffff, at));
  const u32 = (v: number, at: number) => (little ? b.writeUInt32LE(v >>> 0, at) : b.writeUInt32BE(v >>> 0, at));
  b.write(order.padEnd(2).slice(0, 2), 0, 'latin1');
  u16(spec.tiffMagic ?? 42, 2);
  u32(spec.ifd0 ?? 8, 4);
  spec.ifds.forEach((ifd, i) => {
    const at = ifdOffset(spec, i);
    u16(ifd.count ?? ifd.entries.length, at);
    ifd.entries.forEach((e, k) => {
      const p = at + 2 + 12 * k;
      u16(e.tag, p);
      u16(e.type, p + 2);
      u32(e.count, p + 4);
      const w = widthOf(e.type);
      if (w === 1) b[p + 8] = e.value & 0xff;
      else if (w === 2) u16(e.value, p + 8);
      else u32(e.value, p + 8);
    });
    u32(ifd.next ?? 0, at + 2 + 12 * ifd.entries.length);
  });
  return b;
}

export function exifSegment(spec: ExifSpec, marker = APP1): Segment {
  return segment(marker, Buffer.concat([Buffer.from(spec.magic ?? 'Exif\0\0', 'latin1'), tiffBytes(spec)]));
}

/** IFD0 holding just an orientation, as a SHORT. */
export function orientationExif(orientation: number, order = 'MM'): ExifSpec {
  return {order, ifds: [{entries: [{tag: ORIENTATION, type: SHORT, count: 1, value: orientation}]}]};
}
