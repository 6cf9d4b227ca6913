/**
 * `--resize fast` (libvips shrinking a large JPEG while decoding) turns every EXIF orientation
 * upright, as the exact path does. The images are grids of flat colour cells, not square and
 * with no symmetry, each stored turned or mirrored so that its EXIF orientation (2-8) brings it
 * back to the same upright picture: every orientation must then give the tensor of the upright
 * image, and its cells must hold the upright picture's colours where they are.
 */

import assert from 'node:assert/strict';
import {readFileSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import sharp from 'sharp';
import {imagenetPreprocess} from '../src/models/manifest.js';
import {encodeModel} from '../src/onnx/encode.js';
import {attr, OnnxGraph} from '../src/onnx/graph.js';
import {createPreprocessor, type ResizeMode} from '../src/pipeline/preprocess.js';
import type {PredictionRecord} from '../src/pipeline/output/record.js';
import {runCli, tempDir} from './support/cli.js';

/** The upright picture: 4 x 3 cells of 192 px, 768 x 576, short side over twice 256 so that fast mode shrinks it. */
const CELL = 192;
const COLS = 4;
const ROWS = 3;
const WIDTH = CELL * COLS;
const HEIGHT = CELL * ROWS;
const COLOURS: [number, number, number][] = [
  [230, 25, 25],
  [25, 200, 40],
  [30, 40, 220],
  [240, 220, 30],
  [20, 210, 210],
  [210, 30, 210],
  [128, 128, 128],
  [20, 20, 20],
  [245, 245, 245],
  [200, 120, 40],
  [90, 40, 140],
  [150, 220, 120],
];

interface Rgb {
  data: Buffer;
  width: number;
  height: number;
}

function upright(): Rgb {
  const data = Buffer.alloc(WIDTH * HEIGHT * 3);
  for (let y = 0; y < HEIGHT; y++)
    for (let x = 0; x < WIDTH; x++) data.set(COLOURS[Math.floor(y / CELL) * COLS + Math.floor(x / CELL)]!, (y * WIDTH + x) * 3);
  return {data, width: WIDTH, height: HEIGHT};
}

/**
 * What a viewer shows for a stored image with EXIF orientation `o` (TIFF/EXIF: 2 mirrored left to
 * right, 3 turned 180 degrees, 4 mirrored top to bottom, 5 mirrored along the main diagonal, 6
 * turned 90 degrees clockwise, 7 mirrored along the other diagonal, 8 turned 90 degrees
 * anticlockwise).
 */
function shown(s: Rgb, o: number): Rgb {
  const [w, h] = o >= 5 ? [s.height, s.width] : [s.width, s.height];
  const sw = s.width;
  const sh = s.height;
  const from: (x: number, y: number) => [number, number] = [
    (x: number, y: number): [number, number] => [x, y],
    (x: number, y: number): [number, number] => [sw - 1 - x, y],
    (x: number, y: number): [number, number] => [sw - 1 - x, sh - 1 - y],
    (x: number, y: number): [number, number] => [x, sh - 1 - y],
    (x: number, y: number): [number, number] => [y, x],
    (x: number, y: number): [number, number] => [y, sh - 1 - x],
    (x: number, y: number): [number, number] => [sw - 1 - y, sh - 1 - x],
    (x: number, y: number): [number, number] => [sw - 1 - y, x],
  ][o - 1]!;
  const data = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const [fx, fy] = from(x, y);
      s.data.copy(data, (y * w + x) * 3, (fy * sw + fx) * 3, (fy * sw + fx) * 3 + 3);
    }
  return {data, width: w, height: h};
}

/** The stored pixels that orientation `o` shows as `picture` (6 and 8 undo each other; the others undo themselves). */
const storedFor = (picture: Rgb, o: number): Rgb => shown(picture, o === 6 ? 8 : o === 8 ? 6 : o);

/** `picture` stored for orientation `o`, as a JPEG carrying that orientation in its EXIF. */
async function orientedJpeg(picture: Rgb, o: number): Promise<Buffer> {
  const s = storedFor(picture, o);
  const jpeg = sharp(s.data, {raw: {width: s.width, height: s.height, channels: 3}}).jpeg({quality: 100, chromaSubsampling: '4:4:4'});
  return (o === 1 ? jpeg : jpeg.withMetadata({orientation: o})).toBuffer();
}

const SPEC = imagenetPreprocess();
const OUT = 224;

async function tensorOf(bytes: Buffer, mode: ResizeMode): Promise<Float32Array> {
  const pre = createPreprocessor(SPEC, mode, {maxPixels: 268402689});
  const out = new Float32Array(pre.tensorSize);
  await pre.run(bytes, out, 0);
  return out;
}

function maxDifference(a: Float32Array, b: Float32Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

/**
 * Where the tensor's pixels fall in the upright picture (resize of the short side to 256, centre
 * crop of 224): for each pixel well inside a cell, the cell's normalised colour, else null.
 */
function expectedColours(): (number[] | null)[] {
  const scale = 256 / HEIGHT;
  const resizedW = Math.round(WIDTH * scale);
  const left = (resizedW - OUT) >> 1;
  const top = (256 - OUT) >> 1;
  const out: (number[] | null)[] = [];
  for (let ty = 0; ty < OUT; ty++)
    for (let tx = 0; tx < OUT; tx++) {
      const x = (tx + left + 0.5) / scale - 0.5;
      const y = (ty + top + 0.5) / scale - 0.5;
      // away from the cell edges, where resampling mixes two colours
      const inside = (v: number) => v % CELL > 12 && v % CELL < CELL - 12;
      if (!inside(x) || !inside(y)) {
        out.push(null);
        continue;
      }
      const c = COLOURS[Math.floor(y / CELL) * COLS + Math.floor(x / CELL)]!;
      out.push(c.map((v, k) => (v * SPEC.scale - SPEC.mean[k]!) / SPEC.std[k]!));
    }
  return out;
}

describe('--resize fast applies EXIF orientations 2-8', function () {
  this.timeout(60000);
  const picture = upright();
  const jpegs = new Map<number, Buffer>();

  before(async () => {
    for (let o = 1; o <= 8; o++) jpegs.set(o, await orientedJpeg(picture, o));
  });

  it('the test images: each orientation decodes upright on the exact path', async () => {
    const reference = await tensorOf(jpegs.get(1)!, 'exact');
    for (let o = 2; o <= 8; o++) {
      const exact = await tensorOf(jpegs.get(o)!, 'exact');
      assert.ok(maxDifference(exact, reference) < 0.02, `orientation ${o}: ${maxDifference(exact, reference)}`);
    }
  });

  it('gives every orientation the tensor of the upright image, with the cell colours where the upright picture has them', async () => {
    const uprightFast = await tensorOf(jpegs.get(1)!, 'fast');
    // fast mode did shrink these images: it differs from the exact transform
    assert.ok(maxDifference(uprightFast, await tensorOf(jpegs.get(1)!, 'exact')) > 0.01, 'the fast path was not taken');
    const expected = expectedColours();
    const plane = OUT * OUT;
    const wrong: string[] = [];
    for (let o = 1; o <= 8; o++) {
      const fast = await tensorOf(jpegs.get(o)!, 'fast');
      const d = maxDifference(fast, uprightFast);
      // every pixel well inside a cell holds that cell's colour
      let worst = 0;
      let checked = 0;
      for (let p = 0; p < plane; p++) {
        const want = expected[p];
        if (!want) continue;
        for (let k = 0; k < 3; k++) worst = Math.max(worst, Math.abs(fast[k * plane + p]! - want[k]!));
        checked++;
      }
      assert.ok(checked > plane / 2, `${checked} pixels checked`);
      if (d >= 0.02 || worst > 0.05) wrong.push(`orientation ${o}: up to ${d.toFixed(3)} from the upright image's tensor, ${worst.toFixed(3)} from its cell colours`);
    }
    assert.deepEqual(wrong, []);
  });
});

/**
 * A model that shows the CLI's tensor: the mean of each channel over a 4 x 4 grid of 56 px cells
 * of the 224 x 224 input, 48 outputs, which lcnet turns into scores with a softmax. Two images
 * with the same scores had the same cell means.
 */
function cellMeansModel(): Uint8Array {
  const g = new OnnxGraph('cell-means');
  g.inputs.push({name: 'x', elemType: 'float32', shape: ['batch', 3, OUT, OUT]});
  const pooled = g.node('AveragePool', ['x'], {kernel_shape: attr.ints([56, 56]), strides: attr.ints([56, 56])});
  g.node('Flatten', [pooled], {axis: attr.int(1)}, ['cells']);
  g.outputs.push({name: 'cells', elemType: 'float32', shape: ['batch', 48]});
  return encodeModel(g, {producer: 'test', producerVersion: '0', metadata: {}});
}

describe('--resize fast applies EXIF orientations 2-8: lcnet classify', function () {
  this.timeout(120000);
  let dir: string;

  before(async () => {
    dir = tempDir();
    const picture = upright();
    for (let o = 1; o <= 8; o++) writeFileSync(join(dir, `o${o}.jpg`), await orientedJpeg(picture, o));
    writeFileSync(join(dir, 'cells.onnx'), cellMeansModel());
    writeFileSync(join(dir, 'cells.txt'), Array.from({length: 48}, (_, i) => `cell ${i}`).join('\n') + '\n');
  });

  after(() => rmSync(dir, {recursive: true, force: true}));

  it('every orientation gives the cell means of the upright image', async () => {
    const run = async (resize: ResizeMode) => {
      const out = join(dir, `${resize}.jsonl`);
      const r = await runCli(['classify', dir, '-m', join(dir, 'cells.onnx'), '--labels', join(dir, 'cells.txt'), '--resize', resize, '--topk', '48', '--threads', '1', '--workers', '1', '--no-progress', '-o', out]);
      assert.equal(r.code, 0, r.stderr);
      const records = readFileSync(out, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as PredictionRecord);
      assert.deepEqual(records.map((rec) => rec.file.slice(dir.length + 1)), ['o1.jpg', 'o2.jpg', 'o3.jpg', 'o4.jpg', 'o5.jpg', 'o6.jpg', 'o7.jpg', 'o8.jpg']);
      // log-scores: the cell means less a constant, one per image
      return records.map((rec) => {
        const log = new Array<number>(48);
        for (const p of rec.predictions) log[p.class_id] = Math.log(p.score);
        return log;
      });
    };
    const fast = await run('fast');
    const exact = await run('exact');
    const gap = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));
    // fast mode did shrink these images: its upright tensor is not the exact one
    assert.ok(gap(fast[0]!, exact[0]!) > 1e-3, 'the fast path was not taken');
    const wrong = fast.flatMap((f, i) => (gap(f, fast[0]!) < 0.02 ? [] : [`orientation ${i + 1}: cell means up to ${gap(f, fast[0]!).toFixed(3)} from the upright image's`]));
    assert.deepEqual(wrong, []);
  });
});
