/** Generates test images of every awkward kind with sharp, into a temp folder. */

import {writeFileSync} from 'node:fs';
import {join} from 'node:path';
import sharp from 'sharp';

/** A w x h RGB gradient, distinct per seed. */
export function gradient(width: number, height: number, seed = 0): Buffer {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      data[i] = (x * 7 + seed * 31) & 255;
      data[i + 1] = (y * 5 + seed * 17) & 255;
      data[i + 2] = (x * y + seed * 11) & 255;
    }
  return data;
}

export function rawImage(width: number, height: number, seed = 0) {
  return sharp(gradient(width, height, seed), {raw: {width, height, channels: 3}});
}

/** A minimal 24-bit bottom-up BMP (BITMAPINFOHEADER). */
export function bmp24(width: number, height: number, rgb: Buffer): Buffer {
  const stride = Math.ceil((width * 3) / 4) * 4;
  const size = 54 + stride * height;
  const b = Buffer.alloc(size);
  b.write('BM', 0, 'ascii');
  b.writeUInt32LE(size, 2);
  b.writeUInt32LE(54, 10);
  b.writeUInt32LE(40, 14);
  b.writeInt32LE(width, 18);
  b.writeInt32LE(height, 22);
  b.writeUInt16LE(1, 26);
  b.writeUInt16LE(24, 28);
  for (let y = 0; y < height; y++) {
    const row = 54 + (height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const s = (y * width + x) * 3;
      b[row + x * 3] = rgb[s + 2]!;
      b[row + x * 3 + 1] = rgb[s + 1]!;
      b[row + x * 3 + 2] = rgb[s]!;
    }
  }
  return b;
}

/** Writes one file of every bad kind into `dir`; returns their names and the reason expected. */
export async function writeBadInputs(dir: string): Promise<Record<string, RegExp>> {
  const jpeg = await rawImage(64, 48).jpeg().toBuffer();
  const files: Record<string, [Buffer | string, RegExp]> = {
    'empty.jpg': [Buffer.alloc(0), /empty file/],
    'truncated.jpg': [jpeg.subarray(0, Math.floor(jpeg.length / 2)), /truncated|corrupt|premature|end of/i],
    'garbage.png': [Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('this is not really a png at all')]), /corrupt|invalid|png|read/i],
    'notes.jpg': ['just some text, not an image\n', /not an image/],
    'header-only.jpg': [Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), /./],
  };
  for (const [name, [content]] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return Object.fromEntries(Object.entries(files).map(([k, [, re]]) => [k, re]));
}
