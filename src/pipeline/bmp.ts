/**
 * A small BMP decoder (libvips, and so sharp, has no BMP loader): Windows BMP v3-v5 headers,
 * uncompressed 1/4/8-bit palette, 16/24/32-bit, and BI_BITFIELDS masks; bottom-up and top-down
 * rows. Decodes to interleaved 8-bit RGB, dropping alpha as OpenCV does. RLE is refused clearly.
 * Hand-written on purpose: the result must equal OpenCV's imdecode bit for bit, which no BMP
 * package promises.
 */

import type {RgbImage} from './rgb-image.js';

export class BmpError extends Error {}

export function decodeBmp(b: Uint8Array, maxPixels: number): RgbImage {
  if (b.length < 26 || b[0] !== 0x42 || b[1] !== 0x4d) throw new BmpError('not a BMP file');
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const dataOffset = dv.getUint32(10, true);
  const headerSize = dv.getUint32(14, true);
  if (headerSize < 40) throw new BmpError(`unsupported BMP header (${headerSize} bytes): OS/2 bitmaps are not supported`);
  if (b.length < 14 + headerSize) throw new BmpError('truncated BMP header');
  const width = dv.getInt32(18, true);
  const rawHeight = dv.getInt32(22, true);
  const bpp = dv.getUint16(28, true);
  const compression = dv.getUint32(30, true);
  const topDown = rawHeight < 0;
  const height = Math.abs(rawHeight);
  if (width <= 0 || height <= 0) throw new BmpError(`invalid BMP size ${width}x${rawHeight}`);
  if (width * height > maxPixels) throw new BmpError(`image of ${width}x${height} pixels exceeds the pixel limit of ${maxPixels}`);
  if (compression !== 0 && compression !== 3 && compression !== 6) throw new BmpError(`unsupported BMP compression ${compression} (RLE, JPEG and PNG inside BMP are not supported)`);

  let masks: [number, number, number] | null = null;
  if (compression === 3 || compression === 6) {
    const at = headerSize >= 52 ? 14 + 40 : 14 + headerSize;
    if (b.length < at + 12) throw new BmpError('truncated BMP bit masks');
    masks = [dv.getUint32(at, true), dv.getUint32(at + 4, true), dv.getUint32(at + 8, true)];
  } else if (bpp === 16) {
    masks = [0x7c00, 0x03e0, 0x001f];
  } else if (bpp === 32) {
    masks = [0x00ff0000, 0x0000ff00, 0x000000ff];
  }

  let palette: Uint8Array | null = null;
  if (bpp <= 8) {
    if (![1, 4, 8].includes(bpp)) throw new BmpError(`unsupported BMP bit depth ${bpp}`);
    const colours = dv.getUint32(46, true) || 1 << bpp;
    const at = 14 + headerSize;
    if (b.length < at + colours * 4) throw new BmpError('truncated BMP palette');
    palette = b.subarray(at, at + colours * 4);
  } else if (![16, 24, 32].includes(bpp)) {
    throw new BmpError(`unsupported BMP bit depth ${bpp}`);
  }

  const stride = Math.floor((width * bpp + 31) / 32) * 4;
  if (dataOffset + stride * height > b.length) throw new BmpError('truncated BMP pixel data');
  const out = new Uint8Array(width * height * 3);
  const field = masks?.map(maskShape) ?? null;
  for (let y = 0; y < height; y++) {
    const row = dataOffset + (topDown ? y : height - 1 - y) * stride;
    let o = y * width * 3;
    for (let x = 0; x < width; x++, o += 3) {
      if (palette) {
        const bit = x * bpp;
        const byte = b[row + (bit >> 3)]!;
        const index = bpp === 8 ? byte : (byte >> (8 - bpp - (bit & 7))) & ((1 << bpp) - 1);
        const p = index * 4;
        if (p + 2 >= palette.length) throw new BmpError(`BMP palette index ${index} out of range`);
        out[o] = palette[p + 2]!;
        out[o + 1] = palette[p + 1]!;
        out[o + 2] = palette[p]!;
      } else if (bpp === 24 && !masks) {
        const p = row + x * 3;
        out[o] = b[p + 2]!;
        out[o + 1] = b[p + 1]!;
        out[o + 2] = b[p]!;
      } else {
        const p = row + (x * bpp) / 8;
        const v = bpp === 16 ? dv.getUint16(p, true) : dv.getUint32(p, true);
        out[o] = extract(v, field![0]!);
        out[o + 1] = extract(v, field![1]!);
        out[o + 2] = extract(v, field![2]!);
      }
    }
  }
  return {data: out, width, height};
}

interface MaskShape {
  mask: number;
  shift: number;
  bits: number;
}

function maskShape(mask: number): MaskShape {
  if (mask === 0) return {mask: 0, shift: 0, bits: 0};
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  let bits = 0;
  while (bits + shift < 32 && ((mask >>> (shift + bits)) & 1) === 1) bits++;
  return {mask, shift, bits};
}

/** Scales a masked field to 8 bits the way OpenCV's BMP reader does: by shifting, not rounding. */
function extract(v: number, f: MaskShape): number {
  if (f.mask === 0) return 0;
  const raw = ((v & f.mask) >>> 0) >>> f.shift;
  return f.bits >= 8 ? raw >>> (f.bits - 8) : (raw << (8 - f.bits)) & 0xff;
}
