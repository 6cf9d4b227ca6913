/**
 * The end-of-run lines of `lcnet classify` (src/terminal/classify-summary.ts), the per-image stage
 * times they print (src/pipeline/stage-speed.ts), and the choice of the records' form
 * (src/cli/record-format.ts).
 */

import assert from 'node:assert/strict';
import {emptySummary, type RunSummary} from '../src/pipeline/classify-engine.js';
import {stageSpeed} from '../src/pipeline/stage-speed.js';
import {chooseRecordFormat, recordsOnTerminal} from '../src/cli/record-format.js';
import {classifySummaryLines, formatMs, modelNamed, speedLine, type SummaryModel} from '../src/terminal/classify-summary.js';
import {NO_SHARD} from '../src/pipeline/shard.js';

const PIPELINE = {workers: 1, sessions: 2, threads: 1};

function run(): RunSummary {
  const s = emptySummary();
  Object.assign(s, {files: 10, succeeded: 9, failed: 1, seconds: 2, imagesPerSecond: 5});
  // 9 images decoded, 12 through the network (three batches of 4: a slot that failed to decode runs too)
  Object.assign(s.stages, {readMs: 4.5, preprocessMs: 27, inferMs: 66, postprocessMs: 0.5, waitMs: 100, batches: 3, decoded: 9, inferred: 12});
  return s;
}

const catalogue: SummaryModel = {name: 'PPLCNet_x1_0', synthetic: false, manifest: {source: {kind: 'paddle2', url: 'https://example.invalid/x.tar'}}};

describe('classify summary: per-image stage times', () => {
  it('divides each stage by the images that went through it, postprocessing by the records', () => {
    assert.deepEqual(stageSpeed(run().stages, 10), {readMs: 0.5, preprocessMs: 3, inferMs: 5.5, postprocessMs: 0.05});
  });

  it('has no figure for a stage no image reached', () => {
    const s = emptySummary();
    s.stages.postprocessMs = 0.2;
    assert.deepEqual(stageSpeed(s.stages, 2), {readMs: null, preprocessMs: null, inferMs: null, postprocessMs: 0.1});
    assert.equal(speedLine(stageSpeed(s.stages, 2), PIPELINE), null);
  });

  it('prints one decimal, two below 0.1 ms', () => {
    assert.deepEqual([12.345, 1.25, 0.1, 0.049, 0].map(formatMs), ['12.3', '1.3', '0.1', '0.05', '0.00']);
  });

  it('prints the speed line in the order of the stages, with the threads they overlap on', () => {
    assert.equal(
      speedLine(stageSpeed(run().stages, 10), PIPELINE),
      "lcnet: speed: 0.5 ms read, 3.0 ms decode+preprocess, 5.5 ms inference, 0.05 ms postprocess per image (wall time on each stage's thread; the stages overlap on 1 decoding and 2 inference threads)",
    );
  });
});

describe('classify summary: the lines', () => {
  it('counts, rate and the model, then the speed line', () => {
    assert.deepEqual(classifySummaryLines({summary: run(), skipped: 0, shard: NO_SHARD, model: catalogue, pipeline: PIPELINE}), [
      'lcnet: 10 files, 9 classified, 1 failed in 2.0 s (5.0 images/s), model PPLCNet_x1_0',
      speedLine(stageSpeed(run().stages, 10), PIPELINE),
    ]);
  });

  it('says what was already done, the shard and an interruption before the model', () => {
    const s = run();
    s.interrupted = true;
    const [line] = classifySummaryLines({summary: s, skipped: 3, shard: {index: 1, count: 4}, model: catalogue, pipeline: PIPELINE});
    assert.equal(line, 'lcnet: 10 files, 9 classified, 1 failed, 3 already done (shard 1/4) in 2.0 s (5.0 images/s), interrupted, model PPLCNet_x1_0');
  });

  it('shows the shard as typed, and one file as one file', () => {
    const s = {...run(), files: 1, succeeded: 1, failed: 0};
    const [line] = classifySummaryLines({summary: s, skipped: 0, shard: {index: 0, count: 2}, shardText: '2/2', model: catalogue, pipeline: PIPELINE});
    assert.match(line!, /^lcnet: 1 file, 1 classified, 0 failed \(shard 2\/2\) in /);
  });

  it('a run with nothing decoded has no speed line', () => {
    const s = emptySummary();
    assert.equal(classifySummaryLines({summary: s, skipped: 2, shard: NO_SHARD, model: catalogue, pipeline: PIPELINE}).length, 1);
  });

  it('names a synthetic model with a warning about its labels, and an .onnx model with its file', () => {
    assert.equal(
      modelNamed({name: 'synthetic:PPLCNet_x1_0', synthetic: true, manifest: {source: {kind: 'synthetic'}}}),
      'synthetic:PPLCNet_x1_0 (synthetic weights: its labels are meaningless)',
    );
    assert.equal(modelNamed({name: 'my', synthetic: false, manifest: {source: {kind: 'onnx', from: 'models/my.onnx'}}}), 'my (models/my.onnx)');
    assert.equal(modelNamed(catalogue), 'PPLCNet_x1_0');
  });
});

describe('the form of the records', () => {
  it('text on a terminal, JSON Lines on a pipe or file, the --output extension, else --format anywhere', () => {
    assert.equal(chooseRecordFormat({terminal: true}), 'text');
    assert.equal(chooseRecordFormat({terminal: false}), 'jsonl');
    assert.equal(chooseRecordFormat({terminal: true, output: 'out.csv'}), 'csv');
    assert.equal(chooseRecordFormat({terminal: true, output: 'out.txt'}), 'jsonl');
    assert.equal(chooseRecordFormat({terminal: true, format: 'jsonl'}), 'jsonl');
    assert.equal(chooseRecordFormat({terminal: false, format: 'text'}), 'text');
    assert.equal(chooseRecordFormat({terminal: false, format: 'text', output: 'out.jsonl'}), 'text');
  });

  it('refuses to resume text, which lcnet cannot read back', () => {
    assert.throws(() => chooseRecordFormat({terminal: false, format: 'text', output: 'out.txt', resume: true}), /--format text cannot be resumed/);
  });

  it('records go to the terminal only without --output', () => {
    assert.equal(recordsOnTerminal({terminal: true}), true);
    assert.equal(recordsOnTerminal({terminal: true, output: 'x.jsonl'}), false);
    assert.equal(recordsOnTerminal({terminal: false}), false);
  });
});
