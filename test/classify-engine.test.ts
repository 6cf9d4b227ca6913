import assert from 'node:assert/strict';
import {readdirSync} from 'node:fs';
import {join} from 'node:path';
import {runClassify, type BatchDone} from '../src/pipeline/classify-run.js';
import type {OutputRecord} from '../src/pipeline/output/record.js';
import type {WalkEntry} from '../src/pipeline/walk.js';
import {resolveModel} from '../src/models/resolve.js';
import {skipWithoutShared, VAL_SAMPLE_DIR} from './support/shared-data.js';

describe('the classify engine', function () {
  this.timeout(60000);

  it('sends a run\'s first batch with one image, so the first record comes before a full batch is through the network; the rest are full', async function () {
    skipWithoutShared(this, VAL_SAMPLE_DIR);
    const files = readdirSync(VAL_SAMPLE_DIR).sort().slice(0, 20);
    const entries = async function* (): AsyncGenerator<WalkEntry> {
      for (const f of files) yield {kind: 'file', path: join(VAL_SAMPLE_DIR, f), display: f};
    };
    const model = await resolveModel({spec: 'synthetic:PPLCNet_x0_25'});
    const batches: BatchDone[] = [];
    const records: OutputRecord[] = [];
    const pipeline = {batchSize: 8, sessions: 1, threads: 1, workers: 1, resize: 'exact' as const, maxPixels: 268402689, decodeTimeout: 30, topk: 1};
    await runClassify(entries(), model, pipeline, {write: (r) => void records.push(...r)}, {onBatch: (b) => void batches.push(b)});
    assert.deepEqual(batches.map((b) => b.images), [1, 8, 8, 3]);
    assert.deepEqual(records.map((r) => r.file), files);
  });
});
