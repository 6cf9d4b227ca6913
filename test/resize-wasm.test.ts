import assert from 'node:assert/strict';
import {imagenetPreprocess} from '../src/models/manifest.js';
import {planWindow} from '../src/pipeline/preprocess.js';
import {normalizationTable, resizeCropNormalize} from '../src/pipeline/resize-linear.js';
import {WasmResizer} from '../src/pipeline/resize-wasm.js';
import {SeededRandom} from '../src/models/seeded-weights.js';

describe('WebAssembly resize kernel', () => {
  it('is available in this runtime', () => {
    assert.ok(WasmResizer.create(), 'native/resize_linear.wasm should load (WebAssembly SIMD)');
  });

  it('gives exactly the bits of the JS reference for random images, sizes, crops and channel orders', () => {
    const wasm = WasmResizer.create()!;
    const rng = new SeededRandom(42);
    const base = imagenetPreprocess();
    const specs = [
      base,
      {...base, resize: {kind: 'stretch' as const, width: 160, height: 80}, crop: null, scale: 1 / 255},
      {...base, resize: {kind: 'short' as const, size: 37}, crop: {width: 30, height: 21}, channels: 'bgr' as const},
    ];
    for (let trial = 0; trial < 40; trial++) {
      const spec = specs[trial % specs.length]!;
      const width = 1 + Math.floor(rng.uniform() * 700);
      const height = 1 + Math.floor(rng.uniform() * 500);
      const src = new Uint8Array(width * height * 3);
      for (let i = 0; i < src.length; i++) src[i] = Math.floor(rng.uniform() * 256);
      const win = planWindow(spec, width, height);
      const size = 3 * win.outW * win.outH;
      const js = new Float32Array(size + 7);
      const wa = new Float32Array(size + 7);
      const bgr = spec.channels === 'bgr';
      resizeCropNormalize(src, width, height, win, normalizationTable(spec.scale, spec.mean, spec.std), bgr, js, 7);
      wasm.run(src, width, height, win, spec, bgr, wa, 7);
      assert.deepEqual(wa, js, `${width}x${height} -> ${JSON.stringify(win)}`);
    }
  });
});
