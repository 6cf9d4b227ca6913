import assert from 'node:assert/strict';
import {fnv1a, inShard, parseShard, shardFromEnvironment} from '../src/pipeline/shard.js';
import {parseLabels} from '../src/models/labels.js';
import {softmaxInPlace, topK} from '../src/pipeline/postprocess.js';

describe('postprocessing, shards and label files', () => {
  it('top-k ranks best first, breaks ties by class id, clamps k', () => {
    const row = Float32Array.from([0.1, 0.4, 0.4, 0.05, 0.05]);
    assert.deepEqual(topK(row, 3).map((c) => c.classId), [1, 2, 0]);
    assert.deepEqual(topK(row, 10).map((c) => c.classId), [1, 2, 0, 3, 4]);
    assert.deepEqual(topK(Float32Array.from([1, 1, 1]), 2).map((c) => c.classId), [0, 1]);
  });

  it('softmax is stable for large logits and sums to 1', () => {
    const row = Float32Array.from([1000, 1001, 999]);
    softmaxInPlace(row);
    assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-6);
    assert.ok(row[1]! > row[0]! && row[0]! > row[2]!);
  });

  it('parses K/N in both conventions: K mod N', () => {
    assert.deepEqual(parseShard('1/4'), {index: 1, count: 4});
    assert.deepEqual(parseShard('4/4'), {index: 0, count: 4});
    assert.deepEqual(parseShard('0/4'), {index: 0, count: 4});
    assert.deepEqual(parseShard(' 3 / 4 '), {index: 3, count: 4});
    assert.throws(() => parseShard('5/4'), /between 0 and N/);
    assert.throws(() => parseShard('1/0'), /at least 1/);
    assert.throws(() => parseShard('a/b'), /K\/N/);
  });

  it('--shard auto: K and N from a Kubernetes Indexed Job or a Slurm job array', () => {
    assert.deepEqual(parseShard('auto', {JOB_COMPLETION_INDEX: '2', LCNET_SHARD_COUNT: '4'}), {index: 2, count: 4});
    assert.deepEqual(shardFromEnvironment({JOB_COMPLETION_INDEX: '0', LCNET_SHARD_COUNT: '1'}), {index: 0, count: 1});
    assert.throws(() => shardFromEnvironment({JOB_COMPLETION_INDEX: '2'}), /LCNET_SHARD_COUNT is not/);
    assert.throws(() => shardFromEnvironment({JOB_COMPLETION_INDEX: '4', LCNET_SHARD_COUNT: '4'}), /does not name one of 4 parts/);
    assert.throws(() => shardFromEnvironment({JOB_COMPLETION_INDEX: 'x', LCNET_SHARD_COUNT: '4'}), /not a whole number/);
    // --array=0-7, 1-8 and 10-80:10 all give parts 0..7
    assert.deepEqual(shardFromEnvironment({SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_TASK_COUNT: '8', SLURM_ARRAY_TASK_MIN: '0'}), {index: 0, count: 8});
    assert.deepEqual(shardFromEnvironment({SLURM_ARRAY_TASK_ID: '8', SLURM_ARRAY_TASK_COUNT: '8', SLURM_ARRAY_TASK_MIN: '1'}), {index: 7, count: 8});
    assert.deepEqual(shardFromEnvironment({SLURM_ARRAY_TASK_ID: '30', SLURM_ARRAY_TASK_COUNT: '8', SLURM_ARRAY_TASK_MIN: '10', SLURM_ARRAY_TASK_STEP: '10'}), {index: 2, count: 8});
    assert.deepEqual(shardFromEnvironment({SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '4'}), {index: 3, count: 4});
    assert.throws(() => shardFromEnvironment({SLURM_ARRAY_TASK_ID: '35', SLURM_ARRAY_TASK_COUNT: '8', SLURM_ARRAY_TASK_MIN: '10', SLURM_ARRAY_TASK_STEP: '10'}), /not on the array's step/);
    assert.throws(() => shardFromEnvironment({SLURM_ARRAY_TASK_ID: '3'}), /SLURM_ARRAY_TASK_COUNT is not/);
    assert.throws(() => shardFromEnvironment({SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '2', JOB_COMPLETION_INDEX: '1'}), /both/);
    assert.throws(() => shardFromEnvironment({}), /neither JOB_COMPLETION_INDEX/);
  });

  it('assigns every path to exactly one shard, stably', () => {
    assert.equal(fnv1a(''), 0x811c9dc5);
    assert.equal(fnv1a('a'), 0xe40c292c);
    const paths = Array.from({length: 1000}, (_, i) => `dir/${i}.jpg`);
    const counts = [0, 1, 2, 3].map((index) => paths.filter((p) => inShard(p, {index, count: 4})).length);
    assert.equal(counts.reduce((a, b) => a + b, 0), 1000);
    assert.ok(counts.every((c) => c > 200 && c < 300), counts.join(','));
  });

  it('reads plain and indexed label lists without misreading names that start with digits', () => {
    assert.deepEqual(parseLabels('cat\ndog\n'), ['cat', 'dog']);
    assert.deepEqual(parseLabels('1 dog\n0 cat, feline\n'), ['cat, feline', 'dog']);
    assert.deepEqual(parseLabels('7 up\n3 musketeers\n'), ['7 up', '3 musketeers']);
    assert.deepEqual(parseLabels('\uFEFF0_degree\r\n180_degree\r\n'), ['0_degree', '180_degree']);
    assert.throws(() => parseLabels('\n\n'), /empty/);
  });
});
