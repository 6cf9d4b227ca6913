import assert from 'node:assert/strict';
import {runCli} from './support/cli.js';
import {skipWithoutShared, VAL_SAMPLE_DIR} from './support/shared-data.js';
import type {BenchReport} from '../src/bench/sweep.js';
import {percentiles} from '../src/bench/stats.js';
import {verdict} from '../src/bench/sweep.js';

function checkConsistent(r: BenchReport): void {
  for (const c of r.configs) {
    assert.ok(c.images > 0 && c.seconds > 0 && c.imagesPerSecond > 0, JSON.stringify(c));
    // images/s x time = images
    assert.ok(Math.abs(c.imagesPerSecond * c.seconds - c.images) < 1e-6 * c.images, `${c.imagesPerSecond} x ${c.seconds} != ${c.images}`);
    const l = c.latencyMs;
    assert.ok(l.p50 > 0 && l.p50 <= l.p90 && l.p90 <= l.p99 && l.p99 <= l.max, JSON.stringify(l));
    assert.ok(c.stageCpuMsPerImage.infer > 0);
    assert.ok(c.machineLimitImagesPerSecond > 0 && c.peakRssBytes > 0);
  }
}

describe('lcnet bench', function () {
  this.timeout(120000);

  it('computes percentiles by nearest rank and names the bottleneck stage', () => {
    assert.deepEqual(percentiles([5, 1, 3, 2, 4]), {p50: 3, p90: 5, p99: 5, max: 5});
    assert.deepEqual(percentiles([]), {p50: 0, p90: 0, p99: 0, max: 0});
    const v = verdict(
      [
        {threads: 1, sessions: 1, batchSize: 8, mode: 'end-to-end', images: 80, seconds: 1, imagesPerSecond: 80, latencyMs: {p50: 1, p90: 1, p99: 1, max: 1}, stageCpuMsPerImage: {read: 0.1, preprocess: 5, infer: 4, postprocess: 0.1}, machineLimitImagesPerSecond: 100, peakRssBytes: 1, failed: 0},
        {threads: 2, sessions: 2, batchSize: 8, mode: 'end-to-end', images: 90, seconds: 1, imagesPerSecond: 90, latencyMs: {p50: 1, p90: 1, p99: 1, max: 1}, stageCpuMsPerImage: {read: 0.1, preprocess: 3, infer: 6, postprocess: 0.1}, machineLimitImagesPerSecond: 120, peakRssBytes: 1, failed: 0},
      ],
      2,
    );
    assert.match(v, /^bottleneck: inference \(6\.00 of 9\.20 CPU ms per image, 65%\); best: 2 threads in 2 sessions, batch 8: 90\.0 images\/s = 75% of this machine's limit \(120 images\/s on 2 cores\)$/);
  });

  it('sweeps every thread count x batch size on synthetic tensors, with a labelled generated model', async () => {
    const r = await runCli(['bench', '--model', 'synthetic:PPLCNet_x0_25', '--threads', '1,2', '--batch-size', '1,4', '--iterations', '3', '--warmup', '1', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /SYNTHETIC/);
    const report = JSON.parse(r.stdout) as BenchReport;
    assert.equal(report.schema, 'lcnet-bench/1');
    assert.equal(report.model.synthetic, true);
    assert.equal(report.images, null);
    assert.deepEqual(report.configs.map((c) => [c.threads, c.batchSize]), [[1, 1], [1, 4], [2, 1], [2, 4]]);
    for (const c of report.configs) {
      assert.equal(c.mode, 'inference');
      assert.equal(c.images, 3 * c.batchSize);
      assert.equal(c.stageCpuMsPerImage.preprocess, null);
    }
    checkConsistent(report);
    assert.match(report.verdict, /^bottleneck: inference/);
  });

  it('without --model and before any download, stands in a generated default-architecture model', async () => {
    const r = await runCli(['bench', '--iterations', '2', '--warmup', '0', '--threads', '1']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /synthetic:PPLCNet_x1_0 \(SYNTHETIC weights: speed is representative, predictions are not\)/);
    assert.match(r.stdout, /bottleneck:/);
  });

  it('measures the whole pipeline and every stage on real images', async function () {
    skipWithoutShared(this, VAL_SAMPLE_DIR);
    const r = await runCli(['bench', '--model', 'synthetic:PPLCNet_x0_25', '--images', VAL_SAMPLE_DIR, '--limit', '24', '--threads', '1', '--batch-size', '4,8', '--iterations', '4', '--warmup', '1', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as BenchReport;
    assert.deepEqual(report.images, {source: 'files', count: 24, failed: 0});
    assert.deepEqual(report.configs.map((c) => c.batchSize), [4, 8]);
    for (const c of report.configs) {
      assert.equal(c.mode, 'end-to-end');
      assert.equal(c.images, 4 * c.batchSize);
      const s = c.stageCpuMsPerImage;
      assert.ok(s.read! > 0 && s.preprocess! > 0 && s.postprocess! > 0);
      const sum = s.read! + s.preprocess! + s.infer + s.postprocess!;
      assert.ok(Math.abs(c.machineLimitImagesPerSecond - (report.machine.cores * 1000) / sum) < 1e-6);
    }
    checkConsistent(report);
    // which decoder read the JPEGs, and the sharp path measured beside it in the same run
    const host = report.host!;
    if (`${process.platform}-${process.arch}` === 'linux-x64') {
      assert.equal(host.jpegDecoder.name, 'libjpeg-turbo');
      assert.ok(host.preprocessSharpMs! > 0);
    }
    const sharp = await runCli(['bench', '--model', 'synthetic:PPLCNet_x0_25', '--images', VAL_SAMPLE_DIR, '--limit', '8', '--threads', '1', '--iterations', '2', '--warmup', '0', '--json'], {env: {LCNET_JPEG_DECODER: 'sharp'}});
    assert.equal(sharp.code, 0, sharp.stderr);
    const viaSharp = (JSON.parse(sharp.stdout) as BenchReport).host!;
    assert.deepEqual([viaSharp.jpegDecoder.name, viaSharp.preprocessSharpMs], ['sharp', null]);
    const text = await runCli(['bench', '--model', 'synthetic:PPLCNet_x0_25', '--images', VAL_SAMPLE_DIR, '--limit', '8', '--threads', '1', '--iterations', '2', '--warmup', '0']);
    assert.match(text.stdout, new RegExp(`JPEG decoder: ${host.jpegDecoder.name}`));
    assert.doesNotMatch(text.stdout, /prebuilt for/);
    // through sharp, the text says where the native decoder runs and that the predictions are the same
    const sharpText = await runCli(['bench', '--model', 'synthetic:PPLCNet_x0_25', '--images', VAL_SAMPLE_DIR, '--limit', '8', '--threads', '1', '--iterations', '2', '--warmup', '0'], {env: {LCNET_JPEG_DECODER: 'sharp'}});
    assert.match(sharpText.stdout, /JPEG decoder: sharp \(LCNET_JPEG_DECODER=sharp\)/);
    assert.match(sharpText.stdout, /\(the native JPEG decoder is prebuilt for linux-x64 and linux-arm64 with glibc 2\.17 or later; elsewhere sharp gives the same predictions, only slower\)/);
  });

  it('rejects malformed lists', async () => {
    const r = await runCli(['bench', '--threads', '1,x', '--model', 'synthetic:PPLCNet_x0_25']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Expected an integer but received: x/);
    assert.match(r.stderr, /--threads/);
    const zero = await runCli(['bench', '--batch-size', '8,0', '--model', 'synthetic:PPLCNet_x0_25']);
    assert.equal(zero.code, 2);
    assert.match(zero.stderr, /greater than or equal to 1/);
    // --workers is the pipeline's own flag, with its limit
    const workers = await runCli(['bench', '--workers', '100', '--model', 'synthetic:PPLCNet_x0_25']);
    assert.equal(workers.code, 2);
    assert.match(workers.stderr, /less than or equal to 64/);
  });
});
