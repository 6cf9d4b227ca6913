/**
 * `--max-pixels N` takes an image of exactly N pixels and refuses one of N + 1 with an error
 * record, on every decoding path: JPEGs through the libjpeg-turbo addon (the default) and through
 * sharp (LCNET_JPEG_DECODER=sharp), PNGs through sharp, BMPs through lcnet's own decoder, and a
 * large JPEG through `--resize fast` (libvips shrinking it while decoding).
 */

import assert from 'node:assert/strict';
import {mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {imagenetPreprocess} from '../src/models/manifest.js';
import {decodeRgb, describeDecodeError, type DecodeOptions} from '../src/pipeline/decode.js';
import {jpegDecoder} from '../src/pipeline/jpeg-turbo.js';
import {createPreprocessor, type ResizeMode} from '../src/pipeline/preprocess.js';
import type {OutputRecord} from '../src/pipeline/output/record.js';
import {runCli, tempDir} from './support/cli.js';
import {bmp24, gradient, rawImage} from './support/images.js';

const W = 64;
const H = 48;
const PIXELS = W * H; // 3072
const REFUSED = /pixel limit/;

/** What decoding `bytes` under `opts` gives: 'ok' or the error its record would carry. */
async function outcome(run: () => Promise<unknown>, bytes: Uint8Array): Promise<string> {
  try {
    await run();
    return 'ok';
  } catch (e) {
    return describeDecodeError(e, bytes);
  }
}

describe('--max-pixels at its boundary: decoding', () => {
  let jpeg: Buffer;
  let rotatedJpeg: Buffer;
  let png: Buffer;
  let bmp: Buffer;
  let largeJpeg: Buffer;

  before(async () => {
    jpeg = await rawImage(W, H).jpeg().toBuffer();
    // stored 48x64, shown 64x48: the same number of pixels either way
    rotatedJpeg = await rawImage(H, W).jpeg().withMetadata({orientation: 6}).toBuffer();
    png = await rawImage(W, H).png().toBuffer();
    bmp = bmp24(W, H, gradient(W, H));
    // large enough for --resize fast to shrink it while decoding (its short side is twice 256)
    largeJpeg = await rawImage(640, 512).jpeg().toBuffer();
  });

  const decoders: [string, DecodeOptions['jpegDecoder']][] = [
    ['the libjpeg-turbo addon', undefined],
    ['sharp', 'sharp'],
  ];
  for (const [name, decoder] of decoders) {
    it(`JPEG through ${name}: ${PIXELS} pixels are taken at --max-pixels ${PIXELS}, refused at ${PIXELS - 1}`, async function () {
      if (decoder === undefined && jpegDecoder().name !== 'libjpeg-turbo') {
        console.log(`      (skipped: the libjpeg-turbo addon does not load here: ${jpegDecoder().why})`);
        this.skip();
      }
      for (const bytes of [jpeg, rotatedJpeg]) {
        const at = (maxPixels: number) => ({maxPixels, jpegDecoder: decoder});
        assert.equal(await outcome(() => decodeRgb(bytes, at(PIXELS)), bytes), 'ok');
        assert.match(await outcome(() => decodeRgb(bytes, at(PIXELS - 1)), bytes), REFUSED);
        // the preprocessing the workers run: JPEGs that the addon reads are decoded and resized in one call
        for (const mode of ['exact', 'fast'] as ResizeMode[]) {
          const run = (maxPixels: number) => () => {
            const pre = createPreprocessor(imagenetPreprocess(), mode, at(maxPixels));
            return pre.run(bytes, new Float32Array(pre.tensorSize), 0);
          };
          assert.equal(await outcome(run(PIXELS), bytes), 'ok', `${mode}`);
          assert.match(await outcome(run(PIXELS - 1), bytes), REFUSED, `${mode}`);
        }
      }
    });
  }

  it(`PNG (sharp) and BMP (lcnet's decoder): ${PIXELS} pixels are taken at --max-pixels ${PIXELS}, refused at ${PIXELS - 1}`, async () => {
    for (const bytes of [png, bmp]) {
      assert.equal(await outcome(() => decodeRgb(bytes, {maxPixels: PIXELS}), bytes), 'ok');
      assert.match(await outcome(() => decodeRgb(bytes, {maxPixels: PIXELS - 1}), bytes), REFUSED);
    }
  });

  it('a JPEG that --resize fast shrinks while decoding: taken at exactly its pixels, refused at one fewer', async () => {
    const pixels = 640 * 512;
    for (const decoder of [undefined, 'sharp'] as const) {
      const run = (maxPixels: number) => () => {
        const pre = createPreprocessor(imagenetPreprocess(), 'fast', {maxPixels, jpegDecoder: decoder});
        return pre.run(largeJpeg, new Float32Array(pre.tensorSize), 0);
      };
      assert.equal(await outcome(run(pixels), largeJpeg), 'ok');
      assert.match(await outcome(run(pixels - 1), largeJpeg), REFUSED);
    }
  });
});

describe('--max-pixels at its boundary: lcnet classify', function () {
  this.timeout(120000);
  let dir: string;
  let images: string;

  before(async () => {
    dir = tempDir();
    images = join(dir, 'images');
    mkdirSync(images);
    writeFileSync(join(images, 'a.jpg'), await rawImage(W, H, 1).jpeg().toBuffer());
    writeFileSync(join(images, 'b.png'), await rawImage(W, H, 2).png().toBuffer());
    writeFileSync(join(images, 'c.bmp'), bmp24(W, H, gradient(W, H, 3)));
  });

  after(() => rmSync(dir, {recursive: true, force: true}));

  for (const [name, env] of [
    ['the libjpeg-turbo addon (default)', {}],
    ['sharp (LCNET_JPEG_DECODER=sharp)', {LCNET_JPEG_DECODER: 'sharp'}],
  ] as [string, Record<string, string>][]) {
    it(`JPEGs through ${name}, PNG and BMP: --max-pixels ${PIXELS} classifies the ${W}x${H} images, ${PIXELS - 1} gives each an error record`, async () => {
      const run = async (maxPixels: number) => {
        const out = join(dir, `out-${maxPixels}-${env.LCNET_JPEG_DECODER ?? 'default'}.jsonl`);
        const r = await runCli(['classify', images, '-m', 'synthetic:PPLCNet_x0_25', '--max-pixels', String(maxPixels), '--threads', '1', '--workers', '1', '--topk', '1', '--no-progress', '-o', out], {env});
        const records = readFileSync(out, 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as OutputRecord);
        return {code: r.code, stderr: r.stderr, errors: records.map((rec) => ('error' in rec ? rec.error : 'ok'))};
      };
      const taken = await run(PIXELS);
      assert.equal(taken.code, 0, taken.stderr);
      assert.deepEqual(taken.errors, ['ok', 'ok', 'ok']);
      const refused = await run(PIXELS - 1);
      assert.equal(refused.code, 1, refused.stderr);
      // a JPEG, a PNG and a BMP say it in the same words, whichever decoder read them
      assert.deepEqual(refused.errors, Array(3).fill('image exceeds the pixel limit (--max-pixels)'));
    });
  }
});
