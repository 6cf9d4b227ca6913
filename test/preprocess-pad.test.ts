import assert from 'node:assert/strict';
import {imagenetPreprocess, type PreprocessSpec} from '../src/models/manifest.js';
import {createPreprocessor, padRight, pixelOrderNormalisation, planWindow, type ResizeKernel} from '../src/pipeline/preprocess.js';
import {rawImage} from './support/images.js';

const DECODE = {maxPixels: 268402689};

/** PaddleOCR's classifier input: height 48, at most 192 wide, (x / 255 - 0.5) / 0.5. */
const PAD: PreprocessSpec = {resize: {kind: 'pad', width: 192, height: 48}, crop: null, scale: 1 / 255, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], channels: 'rgb'};

async function tensor(spec: PreprocessSpec, bytes: Uint8Array, kernel: ResizeKernel = 'auto', fill = 0): Promise<Float32Array> {
  const pre = createPreprocessor(spec, 'exact', DECODE, kernel);
  // a batch buffer holds the previous batch's values: fill it with something else than zeros
  const out = new Float32Array(pre.tensorSize + 5).fill(fill);
  await pre.run(bytes, out, 5);
  return out.subarray(5);
}

describe('preprocessing: resize to a height and pad (PaddleOCR text lines)', () => {
  it("plans PaddleOCR's width, ceil(48 * w / h) capped at 192, with no crop", () => {
    const width = (w: number, h: number) => {
      const win = planWindow(PAD, w, h);
      assert.deepEqual([win.dstH, win.outH, win.cropX, win.cropY, win.outW], [48, 48, 0, 0, win.dstW]);
      return win.dstW;
    };
    assert.equal(width(100, 48), 100);
    assert.equal(width(50, 30), 80);
    // a ceiling, not a rounding: 48 * 13 / 7 = 89.14
    assert.equal(width(13, 7), 90);
    assert.equal(width(10, 3), 160);
    assert.equal(width(291, 36), 192);
    assert.equal(width(600, 40), 192);
    assert.throws(() => planWindow({...PAD, crop: {width: 10, height: 10}}, 100, 48), /pad resize takes no crop/);
  });

  it('copies the planes into the wider tensor and zeroes the columns to their right', () => {
    const src = Float32Array.from({length: 3 * 2 * 2}, (_, i) => i + 1);
    const out = new Float32Array(1 + 3 * 2 * 3).fill(9);
    padRight(src, 2, 2, 3, out, 1);
    assert.deepEqual(Array.from(out), [9, 1, 2, 0, 3, 4, 0, 5, 6, 0, 7, 8, 0, 9, 10, 0, 11, 12, 0]);
  });

  for (const [what, encode, kernels] of [
    ['PNG', (w: number, h: number) => rawImage(w, h, 3).png().toBuffer(), ['js', 'wasm'] as ResizeKernel[]],
    ['JPEG (libjpeg-turbo, resampled in the decoding call)', (w: number, h: number) => rawImage(w, h, 5).jpeg({quality: 90}).toBuffer(), ['auto'] as ResizeKernel[]],
  ] as const) {
    it(`gives a short ${what} line its stretch to its own width, then zeros; a long one a stretch to 192x48`, async () => {
      for (const kernel of kernels) {
        const short = await encode(70, 30);
        const padded = await tensor(PAD, short, kernel, Number.NaN);
        const own = await tensor({...PAD, resize: {kind: 'stretch', width: 112, height: 48}}, short, kernel);
        for (let c = 0; c < 3; c++)
          for (let y = 0; y < 48; y++) {
            const row = padded.subarray((c * 48 + y) * 192, (c * 48 + y + 1) * 192);
            assert.deepEqual(Array.from(row.subarray(0, 112)), Array.from(own.subarray((c * 48 + y) * 112, (c * 48 + y + 1) * 112)), `${kernel} plane ${c} row ${y}`);
            assert.ok(row.subarray(112).every((v) => v === 0), `${kernel} plane ${c} row ${y}: padding`);
          }
        const long = await encode(400, 40);
        assert.deepEqual(await tensor(PAD, long, kernel), await tensor({...PAD, resize: {kind: 'stretch', width: 192, height: 48}}, long, kernel), kernel);
      }
    });
  }

  it('--resize fast pads exactly as exact does (a text line is too small for shrink-on-load to gain anything)', async () => {
    const jpeg = await rawImage(1200, 400, 9).jpeg({quality: 90}).toBuffer();
    const fast = createPreprocessor(PAD, 'fast', DECODE);
    const out = new Float32Array(fast.tensorSize).fill(Number.NaN);
    await fast.run(jpeg, out, 0);
    assert.deepEqual(out, await tensor(PAD, jpeg));
  });

  it('applies mean and std in the network channel order: BGR planes get the B, G, R values', async () => {
    const png = await rawImage(24, 24, 7).png().toBuffer();
    const stretch = {resize: {kind: 'stretch' as const, width: 8, height: 8}, crop: null, scale: 1 / 255};
    const rgb = await tensor({...imagenetPreprocess(), ...stretch, mean: [0, 0, 0], std: [1, 1, 1], channels: 'rgb'}, png);
    const mean: [number, number, number] = [0.1, 0.2, 0.3];
    const std: [number, number, number] = [0.5, 1, 2];
    assert.deepEqual(pixelOrderNormalisation({...imagenetPreprocess(), mean, std, channels: 'bgr'}), {scale: imagenetPreprocess().scale, mean: [0.3, 0.2, 0.1], std: [2, 1, 0.5]});
    const bgr = await tensor({...imagenetPreprocess(), ...stretch, mean, std, channels: 'bgr'}, png);
    const plane = 64;
    // plane 0 of a BGR tensor is blue (plane 2 of RGB), normalised with mean[0] and std[0]
    for (const [to, from] of [
      [0, 2],
      [1, 1],
      [2, 0],
    ] as const) {
      for (let i = 0; i < plane; i++) {
        const expected = Math.fround(Math.fround(rgb[from * plane + i]! - Math.fround(mean[to])) / Math.fround(std[to]));
        assert.ok(Math.abs(bgr[to * plane + i]! - expected) < 1e-6, `plane ${to} value ${i}: ${bgr[to * plane + i]} vs ${expected}`);
      }
    }
  });
});
