import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {imagenetPreprocess} from '../src/models/manifest.js';
import {createPreprocessor, type ResizeMode} from '../src/pipeline/preprocess.js';
import {PREPROCESS_FIXTURES, skipWithoutShared} from './support/shared-data.js';

interface FixtureIndex {
  files: {image: string; tensor: string; shape: number[]}[];
}

/** The targets of the foundation issue, in normalised units. */
const TARGET = {mean: 0.01, max: 0.05};

function compare(ours: Float32Array, reference: Float32Array): {max: number; mean: number} {
  let max = 0;
  let sum = 0;
  for (let i = 0; i < reference.length; i++) {
    const d = Math.abs(ours[i]! - reference[i]!);
    sum += d;
    if (d > max) max = d;
  }
  return {max, mean: sum / reference.length};
}

async function measure(mode: ResizeMode) {
  const index = JSON.parse(readFileSync(join(PREPROCESS_FIXTURES, 'index.json'), 'utf8')) as FixtureIndex;
  const pre = createPreprocessor(imagenetPreprocess(), mode, {maxPixels: 268402689});
  const rows: {image: string; max: number; mean: number}[] = [];
  for (const f of index.files) {
    const bytes = readFileSync(join(PREPROCESS_FIXTURES, f.image));
    const refBytes = readFileSync(join(PREPROCESS_FIXTURES, f.tensor));
    const reference = new Float32Array(refBytes.buffer, refBytes.byteOffset, refBytes.byteLength / 4);
    assert.equal(reference.length, f.shape.reduce((a, b) => a * b, 1));
    const ours = new Float32Array(pre.tensorSize);
    await pre.run(bytes, ours, 0);
    rows.push({image: f.image, ...compare(ours, reference)});
  }
  console.log(`      ${mode} preprocessing vs the PaddleClas/OpenCV reference tensors (normalised units):`);
  for (const r of rows) console.log(`        ${r.image.padEnd(40)} max ${r.max.toExponential(2)}  mean ${r.mean.toExponential(2)}`);
  return rows;
}

describe('preprocessing against the reference fixtures', function () {
  before(function () {
    skipWithoutShared(this, PREPROCESS_FIXTURES);
  });

  it('exact mode reproduces every reference tensor bit for bit (greyscale, EXIF 6, RGBA, CMYK, 16-bit, 3000x2250)', async () => {
    const rows = await measure('exact');
    assert.equal(rows.length, 8);
    for (const r of rows) {
      assert.ok(r.max <= TARGET.max && r.mean <= TARGET.mean, `${r.image}: max ${r.max} mean ${r.mean}`);
      assert.equal(r.max, 0, `${r.image} differs from the reference by up to ${r.max}`);
    }
  });

  it('fast mode shrinks only large JPEGs, staying close to the reference, and is exact elsewhere', async () => {
    const rows = await measure('fast');
    for (const r of rows) {
      if (r.image === 'large_3000x2250.jpg') assert.ok(r.mean < 0.05 && r.max < 1 && r.max > 0, `${r.image}: max ${r.max} mean ${r.mean}`);
      // too small to shrink while decoding, or not a JPEG: the exact path
      else assert.equal(r.max, 0, r.image);
    }
  });
});
