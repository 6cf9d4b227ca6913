import assert from 'node:assert/strict';
import {imagenetPreprocess} from '../src/models/manifest.js';
import {planWindow, pythonRound} from '../src/pipeline/preprocess.js';
import {linearTaps, normalizationTable, resizeCropNormalize, roundHalfEven} from '../src/pipeline/resize-linear.js';

describe('OpenCV-compatible resize and PaddleClas geometry', () => {
  it('rounds half to even like Python and cvRound', () => {
    assert.deepEqual([0.5, 1.5, 2.5, -0.5, -1.5, 2.4, 2.6].map(pythonRound), [0, 2, 2, -0, -2, 2, 3]);
    assert.deepEqual([0.5, 1.5, 2.5, 3.5].map(roundHalfEven), [0, 2, 2, 4]);
  });

  it('plans resize-short-256 and the centre crop like PaddleClas', () => {
    const spec = imagenetPreprocess();
    assert.deepEqual(planWindow(spec, 500, 375), {dstW: 341, dstH: 256, cropX: 58, cropY: 16, outW: 224, outH: 224});
    assert.deepEqual(planWindow(spec, 375, 500), {dstW: 256, dstH: 341, cropX: 16, cropY: 58, outW: 224, outH: 224});
    // 256 * 640 / 480 = 341.33; 256 * 600 / 400 = 384 exactly
    assert.equal(planWindow(spec, 640, 480).dstW, 341);
    assert.equal(planWindow(spec, 600, 400).dstW, 384);
    // half-way cases round to even: 512 * 256 / 1024 ... and 100x1, a tiny image is upscaled
    assert.deepEqual(planWindow(spec, 10, 10), {dstW: 256, dstH: 256, cropX: 16, cropY: 16, outW: 224, outH: 224});
    const stretch = {...spec, resize: {kind: 'stretch' as const, width: 160, height: 80}, crop: null};
    assert.deepEqual(planWindow(stretch, 37, 900), {dstW: 160, dstH: 80, cropX: 0, cropY: 0, outW: 160, outH: 80});
  });

  it('computes OpenCV taps: half-pixel centres, clamped borders, 11-bit weights', () => {
    // downscale 4 -> 2: centres at 0.5 and 2.5, equal weights
    const down = linearTaps(4, 2, 0, 2, 1);
    assert.deepEqual(Array.from(down.first), [0, 2]);
    assert.deepEqual(Array.from(down.second), [1, 3]);
    assert.deepEqual(Array.from(down.weight), [1024, 1024]);
    // upscale 2 -> 4: positions -0.25 (clamped), 0.25, 0.75, 1.25 (clamped)
    const up = linearTaps(2, 4, 0, 4, 3);
    assert.deepEqual(Array.from(up.first), [0, 0, 0, 3]);
    assert.deepEqual(Array.from(up.second), [0, 3, 3, 3]);
    assert.deepEqual(Array.from(up.weight), [2048, 1536, 512, 2048]);
  });

  it('normalises with numpy float32 arithmetic', () => {
    const lut = normalizationTable(0.00392157, [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]);
    const f = Math.fround;
    const expected = f(f(f(200 * f(0.00392157)) - f(0.456)) / f(0.224));
    assert.equal(lut[256 + 200], expected);
  });

  it('resamples a constant image to the same constant and a gradient monotonically', () => {
    const w = 7;
    const h = 5;
    const src = new Uint8Array(w * h * 3);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) src.set([100, x * 40, 255 - y * 50], (y * w + x) * 3);
    const identity = new Float32Array(768);
    for (let i = 0; i < 768; i++) identity[i] = i % 256;
    const out = new Float32Array(3 * 4 * 3);
    resizeCropNormalize(src, w, h, {dstW: 4, dstH: 3, cropX: 0, cropY: 0, outW: 4, outH: 3}, identity, false, out, 0);
    const plane = 12;
    for (let i = 0; i < plane; i++) assert.equal(out[i], 100);
    for (let y = 0; y < 3; y++) for (let x = 1; x < 4; x++) assert.ok(out[plane + y * 4 + x]! > out[plane + y * 4 + x - 1]!);
    for (let x = 0; x < 4; x++) assert.ok(out[2 * plane + 2 * 4 + x]! < out[2 * plane + x]!);
    // BGR order swaps the first and last planes
    const bgr = new Float32Array(36);
    resizeCropNormalize(src, w, h, {dstW: 4, dstH: 3, cropX: 0, cropY: 0, outW: 4, outH: 3}, identity, true, bgr, 0);
    assert.deepEqual(Array.from(bgr.subarray(0, 12)), Array.from(out.subarray(24, 36)));
    assert.deepEqual(Array.from(bgr.subarray(24, 36)), Array.from(out.subarray(0, 12)));
  });
});
