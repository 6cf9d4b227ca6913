/**
 * A few hostile files of the other formats lcnet reads (PNG, GIF, WebP, TIFF, BMP), each beside
 * one valid file of its format: impossible or huge sizes over tiny data, bad checksums, loops,
 * offsets past the end, cut files and unsupported variants.
 */

import {crc32, deflateSync} from 'node:zlib';
import {bmp24, gradient, rawImage} from '../images.js';
import {hostile, type HostileFile} from './hostile-file.js';

interface Chunk {
  type: string;
  data: Buffer;
  /** a CRC to write instead of the right one */
  crc?: number;
}

function pngChunks(png: Buffer): Chunk[] {
  const chunks: Chunk[] = [];
  for (let p = 8; p < png.length; ) {
    const length = png.readUInt32BE(p);
    chunks.push({type: png.toString('latin1', p + 4, p + 8), data: Buffer.from(png.subarray(p + 8, p + 8 + length))});
    p += 12 + length;
  }
  return chunks;
}

function writePng(chunks: Chunk[]): Buffer {
  const parts: Buffer[] = [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])];
  for (const c of chunks) {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(c.data.length, 0);
    head.write(c.type, 4, 'latin1');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(c.crc ?? crc32(Buffer.concat([head.subarray(4), c.data])), 0);
    parts.push(head, c.data, crc);
  }
  return Buffer.concat(parts);
}

function ihdr(width: number, height: number, depth = 8, colour = 2, interlace = 0): Chunk {
  const data = Buffer.alloc(13);
  data.writeUInt32BE(width >>> 0, 0);
  data.writeUInt32BE(height >>> 0, 4);
  data.set([depth, colour, 0, 0, interlace], 8);
  return {type: 'IHDR', data};
}

async function pngFiles(): Promise<HostileFile[]> {
  const valid = pngChunks(await rawImage(48, 32, 7).png().toBuffer());
  const f = (variant: string, bytes: Buffer) => hostile('png', variant, bytes, 'png');
  const swap = (type: string, replacement: Chunk | null, chunks = valid) =>
    writePng(chunks.flatMap((c) => (c.type === type ? (replacement ? [replacement] : []) : [c])));
  const idat = valid.find((c) => c.type === 'IDAT')!;
  const whole = writePng(valid);
  const iend = whole.length - 12;
  return [
    f('valid', whole),
    f('truncated-in-idat', whole.subarray(0, iend - 40)),
    f('no-iend', whole.subarray(0, iend)),
    f('ihdr-crc-wrong', swap('IHDR', {...valid[0]!, crc: 0})),
    f('idat-crc-wrong', swap('IDAT', {...idat, crc: 0})),
    f('width-0', swap('IHDR', ihdr(0, 32))),
    f('height-0', swap('IHDR', ihdr(48, 0))),
    f('width-2147483647', swap('IHDR', ihdr(0x7fffffff, 32))),
    f('width-4294967295', swap('IHDR', ihdr(0xffffffff, 32))),
    f('20000x20000-small-idat', swap('IHDR', ihdr(20000, 20000))),
    f('16000x16000-small-idat', swap('IHDR', ihdr(16000, 16000))),
    f('bit-depth-3', swap('IHDR', ihdr(48, 32, 3))),
    f('colour-type-5', swap('IHDR', ihdr(48, 32, 8, 5))),
    f('interlace-2', swap('IHDR', ihdr(48, 32, 8, 2, 2))),
    f('idat-not-zlib', swap('IDAT', {type: 'IDAT', data: Buffer.from('definitely not a zlib stream')})),
    f('no-idat', swap('IDAT', null)),
    f('two-ihdr', writePng([valid[0]!, ihdr(4800, 3200), ...valid.slice(1)])),
    f('zero-2000x2000-deflated', writePng([ihdr(2000, 2000), {type: 'IDAT', data: deflateSync(Buffer.alloc(2000 * (1 + 6000)), {level: 9})}, {type: 'IEND', data: Buffer.alloc(0)}])),
  ];
}

/** A GIF89a with a two-colour table and one frame of `frame` size whose LZW data is `lzw`. */
function gif(screen: [number, number], frame: [number, number, number, number], lzw: number[] | null): Buffer {
  const b: number[] = [...Buffer.from('GIF89a', 'latin1')];
  const u16 = (v: number) => b.push(v & 0xff, (v >> 8) & 0xff);
  u16(screen[0]);
  u16(screen[1]);
  b.push(0x80, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff);
  if (lzw) {
    b.push(0x2c);
    frame.forEach(u16);
    b.push(0, ...lzw);
  }
  b.push(0x3b);
  return Buffer.from(b);
}

function gifFiles(): HostileFile[] {
  // a 1x1 frame of colour 0: code size 2, then clear, 0, end (0x44 0x01), then the block end
  const pixel = [2, 2, 0x44, 0x01, 0];
  const f = (variant: string, bytes: Buffer) => hostile('gif', variant, bytes, 'gif');
  const valid = gif([1, 1], [0, 0, 1, 1], pixel);
  return [
    f('valid-1x1', valid),
    f('screen-65535x65535-frame-1x1', gif([65535, 65535], [0, 0, 1, 1], pixel)),
    f('screen-16000x16000-frame-1x1', gif([16000, 16000], [0, 0, 1, 1], pixel)),
    f('frame-65535x65535-one-pixel-of-data', gif([1, 1], [0, 0, 65535, 65535], pixel)),
    f('frame-outside-screen', gif([1, 1], [60000, 60000, 1, 1], pixel)),
    f('lzw-code-size-12', gif([1, 1], [0, 0, 1, 1], [12, ...pixel.slice(1)])),
    f('no-frame', gif([1, 1], [0, 0, 1, 1], null)),
    f('truncated', valid.subarray(0, valid.length - 4)),
  ];
}

async function webpFiles(): Promise<HostileFile[]> {
  const valid = await rawImage(48, 32, 8).webp({quality: 80}).toBuffer();
  if (valid.toString('latin1', 12, 16) !== 'VP8 ') throw new Error('sharp no longer writes a simple lossy WebP');
  const f = (variant: string, bytes: Buffer) => hostile('webp', variant, bytes, 'webp');
  const patched = (change: (b: Buffer) => void) => {
    const b = Buffer.from(valid);
    change(b);
    return b;
  };
  // the VP8 key frame header: 3 tag bytes, 9d 01 2a, then 14-bit width and height
  const size = (w: number, h: number) => (b: Buffer) => {
    b.writeUInt16LE(w, 26);
    b.writeUInt16LE(h, 28);
  };
  return [
    f('valid', valid),
    f('riff-size-4294967280', patched((b) => b.writeUInt32LE(0xfffffff0, 4))),
    f('riff-size-12', patched((b) => b.writeUInt32LE(12, 4))),
    f('chunk-size-4294967280', patched((b) => b.writeUInt32LE(0xfffffff0, 16))),
    f('vp8-16383x16383', patched(size(16383, 16383))),
    f('vp8-0x0', patched(size(0, 0))),
    f('truncated-half', valid.subarray(0, valid.length >> 1)),
  ];
}

interface TiffSpec {
  width: number;
  height: number;
  bits: number;
  compression: number;
  photometric: number;
  samples: number;
  stripOffset?: number;
  stripBytes?: number;
  next?: number;
  ifdAt?: number;
  count?: number;
  pixels?: Buffer;
}

/** A little-endian baseline TIFF of one strip: header, one IFD, BitsPerSample values, pixels. */
function tiff(spec: TiffSpec): Buffer {
  const entries: [number, number, number, number][] = [
    [256, 4, 1, spec.width],
    [257, 4, 1, spec.height],
    [258, 3, 3, 122],
    [259, 3, 1, spec.compression],
    [262, 3, 1, spec.photometric],
    [273, 4, 1, spec.stripOffset ?? 128],
    [277, 3, 1, spec.samples],
    [278, 4, 1, spec.height],
    [279, 4, 1, spec.stripBytes ?? spec.width * spec.height * 3],
  ];
  const pixels = spec.pixels ?? gradient(48, 32, 9);
  const b = Buffer.alloc(128 + pixels.length);
  b.write('II', 0, 'latin1');
  b.writeUInt16LE(42, 2);
  b.writeUInt32LE(spec.ifdAt ?? 8, 4);
  b.writeUInt16LE(spec.count ?? entries.length, 8);
  entries.forEach(([tag, type, count, value], i) => {
    const p = 10 + 12 * i;
    b.writeUInt16LE(tag, p);
    b.writeUInt16LE(type, p + 2);
    b.writeUInt32LE(count, p + 4);
    if (type === 3 && count === 1) b.writeUInt16LE(value, p + 8);
    else b.writeUInt32LE(value >>> 0, p + 8);
  });
  b.writeUInt32LE(spec.next ?? 0, 10 + 12 * entries.length);
  for (let i = 0; i < 3; i++) b.writeUInt16LE(spec.bits, 122 + 2 * i);
  pixels.copy(b, 128);
  return b;
}

function tiffFiles(): HostileFile[] {
  const valid: TiffSpec = {width: 48, height: 32, bits: 8, compression: 1, photometric: 2, samples: 3};
  const f = (variant: string, change: Partial<TiffSpec>) => hostile('tiff', variant, tiff({...valid, ...change}), 'tif');
  return [
    f('valid', {}),
    f('ifd-next-is-itself', {next: 8}),
    f('ifd-offset-past-end', {ifdAt: 0xfffffff0}),
    f('entry-count-65535', {count: 65535}),
    f('strip-offset-past-end', {stripOffset: 0x7ffffff0}),
    f('strip-byte-count-huge', {stripBytes: 0xfffffff0}),
    f('65535x65535', {width: 65535, height: 65535}),
    f('16000x16000-one-small-strip', {width: 16000, height: 16000, stripBytes: 4608}),
    f('bits-per-sample-3', {bits: 3}),
    f('compression-50000', {compression: 50000}),
    f('photometric-cmyk-3-samples', {photometric: 5}),
    f('samples-per-pixel-0', {samples: 0}),
    f('strip-cut-short', {pixels: gradient(48, 32, 9).subarray(0, 1000)}),
  ];
}

function bmpFiles(): HostileFile[] {
  const valid = bmp24(48, 32, gradient(48, 32, 10));
  const f = (variant: string, change: (b: Buffer) => unknown) => {
    const b = Buffer.from(valid);
    const changed = change(b);
    return hostile('bmp', variant, Buffer.isBuffer(changed) ? changed : b, 'bmp');
  };
  return [
    f('valid', () => {}),
    f('width-negative', (b) => b.writeInt32LE(-48, 18)),
    f('height-int32-min', (b) => b.writeInt32LE(-0x80000000, 22)),
    f('bits-per-pixel-7', (b) => b.writeUInt16LE(7, 28)),
    f('pixel-offset-past-end', (b) => b.writeUInt32LE(0x7ffffff0, 10)),
    f('rows-cut-short', (b) => b.subarray(0, b.length - 500)),
    f('os2-header-12', (b) => b.writeUInt32LE(12, 14)),
    f('header-size-0', (b) => b.writeUInt32LE(0, 14)),
    f('rle8', (b) => {
      b.writeUInt16LE(8, 28);
      b.writeUInt32LE(1, 30);
    }),
    f('50000x50000', (b) => {
      b.writeInt32LE(50000, 18);
      b.writeInt32LE(50000, 22);
    }),
    f('16383x16383-no-pixels', (b) => {
      b.writeInt32LE(16383, 18);
      b.writeInt32LE(16383, 22);
    }),
    f('palette-count-4294967295', (b) => {
      b.writeUInt16LE(8, 28);
      b.writeUInt32LE(0xffffffff, 46);
    }),
  ];
}

export async function otherFormatFiles(): Promise<HostileFile[]> {
  return [...(await pngFiles()), ...gifFiles(), ...(await webpFiles()), ...tiffFiles(), ...bmpFiles()];
}
