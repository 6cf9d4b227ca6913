import assert from 'node:assert/strict';
import {readFileSync, rmSync} from 'node:fs';
import {join} from 'node:path';
import sharp from 'sharp';
import {decodeBmp} from '../src/pipeline/bmp.js';
import {decodeRgb, describeDecodeError} from '../src/pipeline/decode.js';
import {jpegLayout, sniffFormat} from '../src/pipeline/image-format.js';
import {tempDir} from './support/cli.js';
import {bmp24, gradient, rawImage, writeBadInputs} from './support/images.js';

const opts = {maxPixels: 268402689};

describe('decoding images like the reference', () => {
  it('decodes every supported container to 8-bit RGB of the right size', async () => {
    const w = 40;
    const h = 30;
    const pixels = gradient(w, h, 3);
    const encoded: Record<string, Buffer> = {
      png: await rawImage(w, h, 3).png().toBuffer(),
      webp: await rawImage(w, h, 3).webp({lossless: true}).toBuffer(),
      tiff: await rawImage(w, h, 3).tiff({compression: 'lzw'}).toBuffer(),
      gif: await rawImage(w, h, 3).gif().toBuffer(),
      avif: await rawImage(w, h, 3).avif({lossless: true}).toBuffer(),
      jpeg: await rawImage(w, h, 3).jpeg({quality: 95}).toBuffer(),
      bmp: bmp24(w, h, pixels),
    };
    for (const [format, bytes] of Object.entries(encoded)) {
      assert.equal(sniffFormat(bytes), format);
      const img = await decodeRgb(bytes, opts);
      assert.equal(img.width, w, format);
      assert.equal(img.height, h, format);
      assert.equal(img.data.length, w * h * 3, format);
    }
    // lossless ones are exact
    for (const format of ['png', 'webp', 'tiff', 'bmp']) assert.deepEqual(Buffer.from((await decodeRgb(encoded[format]!, opts)).data), pixels, format);
  });

  it('drops alpha without compositing, replicates grey, reduces 16-bit to its high byte', async () => {
    const rgba = Buffer.from([10, 20, 30, 0, 200, 100, 50, 128]);
    const png = await sharp(rgba, {raw: {width: 2, height: 1, channels: 4}}).png().toBuffer();
    assert.deepEqual(Array.from((await decodeRgb(png, opts)).data), [10, 20, 30, 200, 100, 50]);
    const greyAlpha = await sharp(Buffer.from([77, 0, 180, 255]), {raw: {width: 2, height: 1, channels: 2}}).png().toBuffer();
    assert.deepEqual(Array.from((await decodeRgb(greyAlpha, opts)).data), [77, 77, 77, 180, 180, 180]);
    // a 16-bit greyscale PNG: OpenCV keeps the high byte of each sample
    const png16 = await sharp(new Uint16Array([0xff12, 0x01fe, 0x8080]), {raw: {width: 3, height: 1, channels: 1}})
      .toColourspace('grey16')
      .png()
      .toBuffer();
    assert.equal((await sharp(png16).metadata()).depth, 'ushort');
    assert.deepEqual(Array.from((await decodeRgb(png16, opts)).data), [0xff, 0xff, 0xff, 0x01, 0x01, 0x01, 0x80, 0x80, 0x80]);
  });

  it('applies EXIF orientation', async () => {
    const jpeg = await rawImage(40, 20).jpeg().withMetadata({orientation: 6}).toBuffer();
    const img = await decodeRgb(jpeg, opts);
    assert.deepEqual([img.width, img.height], [20, 40]);
  });

  it('reads EXIF orientation from the JPEG header and takes the short path only for upright YCbCr', async () => {
    for (const o of [1, 3, 6, 8]) {
      const jpeg = await rawImage(8, 4).jpeg().withMetadata({orientation: o}).toBuffer();
      assert.equal(jpegLayout(jpeg)?.orientation, o);
    }
    const plain = await rawImage(33, 17, 9).jpeg({quality: 90}).toBuffer();
    assert.equal(jpegLayout(plain)?.orientation, null);
    // the short path gives what the full pipeline gives
    const full = await sharp(plain, {ignoreIcc: true}).autoOrient().removeAlpha().toColourspace('srgb').raw().toBuffer();
    assert.deepEqual(Buffer.from((await decodeRgb(plain, opts)).data), full);
  });

  it('recognises CMYK JPEGs and their Adobe marker', async () => {
    const cmyk = await rawImage(16, 16).jpeg().toColourspace('cmyk').toBuffer();
    const layout = jpegLayout(cmyk);
    assert.equal(layout?.components, 4);
    const img = await decodeRgb(cmyk, opts);
    assert.equal(img.data.length, 16 * 16 * 3);
    assert.equal(jpegLayout(await rawImage(8, 8).jpeg().toBuffer())?.components, 3);
  });

  it('decodes palette, bit-field and top-down BMPs and refuses RLE clearly, in the record too', async () => {
    // 2x2, 8-bit palette, bottom-up
    const pal = Buffer.alloc(54 + 256 * 4 + 8);
    pal.write('BM', 0, 'ascii');
    pal.writeUInt32LE(54 + 1024, 10);
    pal.writeUInt32LE(40, 14);
    pal.writeInt32LE(2, 18);
    pal.writeInt32LE(2, 22);
    pal.writeUInt16LE(1, 26);
    pal.writeUInt16LE(8, 28);
    pal.writeUInt32LE(256, 46);
    pal.set([30, 20, 10, 0], 54 + 4); // index 1 = rgb(10,20,30)
    pal.set([3, 2, 1, 0], 54 + 8); // index 2 = rgb(1,2,3)
    pal.set([1, 2, 0, 0], 54 + 1024); // bottom row: 1, 2
    pal.set([2, 1, 0, 0], 54 + 1024 + 4); // top row: 2, 1
    assert.deepEqual(Array.from(decodeBmp(pal, 1e9).data), [1, 2, 3, 10, 20, 30, 10, 20, 30, 1, 2, 3]);
    // 1x2 32-bit BI_BITFIELDS, top-down
    const bf = Buffer.alloc(54 + 12 + 8);
    bf.write('BM', 0, 'ascii');
    bf.writeUInt32LE(66, 10);
    bf.writeUInt32LE(40, 14);
    bf.writeInt32LE(1, 18);
    bf.writeInt32LE(-2, 22);
    bf.writeUInt16LE(1, 26);
    bf.writeUInt16LE(32, 28);
    bf.writeUInt32LE(3, 30);
    bf.writeUInt32LE(0x00ff0000, 54);
    bf.writeUInt32LE(0x0000ff00, 58);
    bf.writeUInt32LE(0x000000ff, 62);
    bf.writeUInt32LE(0x00112233, 66);
    bf.writeUInt32LE(0x00445566, 70);
    assert.deepEqual(Array.from(decodeBmp(bf, 1e9).data), [0x11, 0x22, 0x33, 0x44, 0x55, 0x66]);
    const rle = Buffer.from(pal);
    rle.writeUInt32LE(1, 30);
    assert.throws(() => decodeBmp(rle, 1e9), /unsupported BMP compression 1/);
    assert.throws(() => decodeBmp(pal.subarray(0, 60), 1e9), /truncated/);
    assert.throws(() => decodeBmp(pal, 3), /exceeds the pixel limit/);
    // a record says what lcnet's own decoder found, not that the file is damaged
    const recorded = (bytes: Uint8Array, maxPixels: number) => decodeRgb(bytes, {maxPixels}).then(() => 'ok', (e: unknown) => describeDecodeError(e, bytes));
    assert.match(await recorded(rle, 1e9), /^unsupported BMP compression 1 /);
    assert.equal(await recorded(pal, 3), 'image exceeds the pixel limit (--max-pixels)');
  });

  it('turns every bad input into a clear error, never a crash', async () => {
    const dir = tempDir();
    try {
      const expected = await writeBadInputs(dir);
      for (const [name, reason] of Object.entries(expected)) {
        await assert.rejects(
          decodeRgb(readFileSync(join(dir, name)), opts).catch((e: unknown) => {
            throw new Error(describeDecodeError(e, readFileSync(join(dir, name))));
          }),
          reason,
          name,
        );
      }
    } finally {
      rmSync(dir, {recursive: true, force: true});
    }
  });

  it('describes a failed decode from the bytes, never from libvips detail another thread may have written', async () => {
    const jpeg = await rawImage(64, 48).jpeg().toBuffer();
    const png = await rawImage(64, 48).png().toBuffer();
    // the same failure gives the same record whatever libvips said
    for (const said of ['Warning treated as error due to failOn setting', 'VipsJpeg: premature end of JPEG image', 'VipsPng: libpng read error']) {
      assert.equal(describeDecodeError(new Error(said), jpeg.subarray(0, 400)), 'truncated JPEG: the file ends before the image does');
      assert.equal(describeDecodeError(new Error(said), png.subarray(0, 300)), 'truncated PNG: the file ends before the image does');
      const damaged = Buffer.from(jpeg);
      damaged.fill(0x55, 200, 400);
      assert.equal(describeDecodeError(new Error(said), damaged), 'corrupt JPEG: the decoder reported damaged data');
    }
    assert.equal(describeDecodeError(new Error('Input buffer has corrupt header: VipsJpeg: premature end of JPEG image'), png.subarray(0, 40).fill(0, 30)), 'truncated PNG: the file ends before the image does');
    assert.equal(describeDecodeError(new Error('Input buffer has corrupt header: anything'), Buffer.concat([jpeg.subarray(0, 20), jpeg.subarray(-2)])), 'corrupt JPEG: its header cannot be read');
    assert.equal(describeDecodeError(new Error('Input image exceeds pixel limit')), 'image exceeds the pixel limit (--max-pixels)');
  });

  it('enforces the pixel limit', async () => {
    const png = await rawImage(100, 100).png().toBuffer();
    await assert.rejects(
      decodeRgb(png, {maxPixels: 5000}).catch((e: unknown) => {
        throw new Error(describeDecodeError(e));
      }),
      /pixel limit/,
    );
  });
});
