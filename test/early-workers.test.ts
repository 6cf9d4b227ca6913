import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {mkdtempSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {resolveModel} from '../src/models/resolve.js';
import {runClassify} from '../src/pipeline/classify-run.js';
import {earlyWaiting, startEarly} from '../src/pipeline/early-workers.js';
import type {OutputRecord} from '../src/pipeline/output/record.js';
import type {WalkEntry} from '../src/pipeline/walk.js';
import {skipWithoutShared, VAL_SAMPLE_DIR} from './support/shared-data.js';

describe('workers started before the command is loaded', function () {
  this.timeout(60000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'lcnet-early-'))));
  after(() => rmSync(dir, {recursive: true, force: true}));

  /** A module file (workers inherit the options of a script given with -e) that starts early workers, then runs `code`. */
  function childScript(code: string): string {
    const module = fileURLToPath(new URL('../src/pipeline/early-workers.js', import.meta.url));
    const path = join(dir, `child-${Math.random().toString(36).slice(2)}.mjs`);
    writeFileSync(path, `import {startEarly} from ${JSON.stringify(pathToFileURL(module).href)};\n${code}\n`);
    return path;
  }

  async function classify(files: string[]): Promise<OutputRecord[]> {
    const entries = async function* (): AsyncGenerator<WalkEntry> {
      for (const f of files) yield {kind: 'file', path: join(VAL_SAMPLE_DIR, f), display: f};
    };
    const model = await resolveModel({spec: 'synthetic:PPLCNet_x0_25'});
    const records: OutputRecord[] = [];
    const pipeline = {batchSize: 8, sessions: 2, threads: 1, workers: 1, resize: 'exact' as const, maxPixels: 268402689, decodeTimeout: 30, topk: 3};
    await runClassify(entries(), model, pipeline, {write: (r) => void records.push(...r)});
    return records;
  }

  it('are taken by the pools, get their configuration, and give the same records as workers spawned then', async function () {
    skipWithoutShared(this, VAL_SAMPLE_DIR);
    const files = readdirSync(VAL_SAMPLE_DIR).sort().slice(0, 30);
    const spawned = await classify(files);
    startEarly('infer');
    startEarly('preprocess');
    assert.equal(earlyWaiting('infer'), 1);
    assert.equal(earlyWaiting('preprocess'), 1);
    // the decoder gets its first jobs right behind its configuration: none may be lost
    const early = await classify(files);
    assert.equal(earlyWaiting('infer'), 0);
    assert.equal(earlyWaiting('preprocess'), 0);
    assert.deepEqual(early, spawned);
  });

  it('let a process that ends while they start (a usage error) end cleanly, never inside onnxruntime', () => {
    // a worker stopped inside onnxruntime's binding aborts the process, so exit must wait for it
    // to leave: ending at moments spread over its start-up hits it inside onnxruntime somewhere
    for (let delayMs = 0; delayMs <= 480; delayMs += 40) {
      const script = childScript(`startEarly('infer'); startEarly('preprocess'); setTimeout(() => process.exit(2), ${delayMs});`);
      const r = spawnSync(process.execPath, [script], {timeout: 30000, encoding: 'utf8'});
      assert.equal(r.signal, null, r.stderr);
      assert.equal(r.status, 2, r.stderr);
    }
  });

  it('do not keep the process alive when no command takes them', () => {
    const r = spawnSync(process.execPath, [childScript("startEarly('infer'); startEarly('preprocess');")], {timeout: 30000, encoding: 'utf8'});
    assert.equal(r.error, undefined, 'the process ended by itself');
    assert.equal(r.status, 0, r.stderr);
  });
});
