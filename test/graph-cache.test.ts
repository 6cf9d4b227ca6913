import assert from 'node:assert/strict';
import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, utimesSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {imagenetConfig} from '../src/models/architecture.js';
import {buildLCNet} from '../src/models/builder.js';
import {GRAPH_FILE, SOURCE_FILE, WEIGHTS_FILE, type EntrySource} from '../src/pipeline/graph-cache.js';
import {InferenceSession} from '../src/pipeline/infer.js';

const SIZE = [32, 32] as const;

function modelBytes(seed: number): Uint8Array {
  return buildLCNet({config: imagenetConfig(0.25, 10, [...SIZE]), seed}).bytes;
}

/** Two images of a fixed pattern, and what a session gives for them. */
async function outputs(session: InferenceSession): Promise<number[]> {
  const x = new Float32Array(2 * 3 * SIZE[0] * SIZE[1]).map((_, i) => Math.sin(i * 0.37) * 2);
  const {values} = await session.run(x, 2, SIZE[0], SIZE[1]);
  return Array.from(values);
}

async function open(model: string | Uint8Array, graphCache?: string) {
  const session = await InferenceSession.create(model, 'x', 'probs', {threads: 1, graphCache});
  try {
    return {source: session.graphSource, out: await outputs(session)};
  } finally {
    await session.release();
  }
}

describe('optimised graphs kept on disk', function () {
  this.timeout(60000);
  let dir: string;
  let model: string;
  let graphs: string;
  const entries = () => (existsSync(graphs) ? readdirSync(graphs) : []);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lcnet-graphs-'));
    model = join(dir, 'model.onnx');
    graphs = join(dir, 'graphs');
    writeFileSync(model, modelBytes(1));
  });
  afterEach(() => rmSync(dir, {recursive: true, force: true}));

  it('saves the graph on first use and loads it next time, with the same outputs bit for bit', async () => {
    const plain = await open(model);
    const first = await open(model, graphs);
    assert.equal(first.source, 'model');
    assert.equal(entries().length, 1, 'one entry, no temporary folder left');
    assert.deepEqual(readdirSync(join(graphs, entries()[0]!)).sort(), [WEIGHTS_FILE, GRAPH_FILE, SOURCE_FILE]);
    const second = await open(model, graphs);
    assert.equal(second.source, 'cache');
    assert.deepEqual(first.out, plain.out);
    assert.deepEqual(second.out, plain.out);
  });

  it('misses when the model file changes, so a stale graph is never used, and removes the stale entry', async () => {
    await open(model, graphs);
    const [stale] = entries();
    // the same architecture and size with other weights, written over the same file
    writeFileSync(model, modelBytes(2));
    utimesSync(model, new Date(2030, 0, 1), new Date(2030, 0, 1));
    const plain = await open(model);
    const changed = await open(model, graphs);
    assert.equal(changed.source, 'model');
    assert.deepEqual(changed.out, plain.out);
    assert.equal(entries().length, 1);
    assert.notEqual(entries()[0], stale);
    assert.equal((await open(model, graphs)).source, 'cache');
  });

  it('keeps the entries of other models, runtimes and CPUs, and removes older formats and abandoned saves', async () => {
    await open(model, graphs);
    const [first] = entries();
    const source = JSON.parse(readFileSync(join(graphs, first!, SOURCE_FILE), 'utf8')) as EntrySource;
    assert.equal(source.model, realpathSync(model));
    const day = 24 * 3600 * 1000;
    const folder = (name: string, src?: EntrySource, ageMs = 0) => {
      const path = join(graphs, name);
      mkdirSync(path);
      writeFileSync(join(path, GRAPH_FILE), 'a graph');
      if (src) writeFileSync(join(path, SOURCE_FILE), JSON.stringify(src));
      const when = new Date(Date.now() - ageMs);
      utimesSync(path, when, when);
    };
    folder('other-runtime', {model: source.model, runtime: 'another runtime or CPU'});
    folder('other-model', {model: join(dir, 'another.onnx'), runtime: source.runtime});
    folder('older-format');
    folder('abandoned.123-0-0.tmp', undefined, 2 * day);
    folder('in-progress.456-0-0.tmp', undefined, day / 24);

    writeFileSync(model, modelBytes(2));
    utimesSync(model, new Date(2030, 0, 1), new Date(2030, 0, 1));
    assert.equal((await open(model, graphs)).source, 'model');
    const left = entries();
    assert.deepEqual(left.filter((e) => !/^[0-9a-f]{32}$/.test(e)).sort(), ['in-progress.456-0-0.tmp', 'other-model', 'other-runtime']);
    assert.equal(left.length, 4, left.join(', '));
    assert.ok(!left.includes(first!));
  });

  it('leaves one whole entry when two runs save the same graph at once', async () => {
    const plain = await open(model);
    // both look before either has saved: both save, and the second rename finds the entry made
    const [a, b] = await Promise.all([open(model, graphs), open(model, graphs)]);
    assert.deepEqual([a.source, b.source], ['model', 'model']);
    assert.equal(entries().length, 1, `no temporary folder left: ${entries().join(', ')}`);
    assert.deepEqual(a.out, plain.out);
    assert.deepEqual(b.out, plain.out);
    assert.equal((await open(model, graphs)).source, 'cache');
  });

  it('remakes an entry that cannot be loaded', async () => {
    await open(model, graphs);
    const entry = join(graphs, entries()[0]!);
    writeFileSync(join(entry, GRAPH_FILE), 'not a graph');
    const plain = await open(model);
    const again = await open(model, graphs);
    assert.equal(again.source, 'model');
    assert.deepEqual(again.out, plain.out);
    const next = await open(model, graphs);
    assert.equal(next.source, 'cache');
    assert.deepEqual(next.out, plain.out);
  });

  it('runs without saving where the folder cannot be made, and for a model given as bytes', async () => {
    writeFileSync(join(dir, 'file'), '');
    const plain = await open(model);
    const unwritable = await open(model, join(dir, 'file', 'graphs'));
    assert.equal(unwritable.source, 'model');
    assert.deepEqual(unwritable.out, plain.out);
    const bytes = await open(modelBytes(1), graphs);
    assert.equal(bytes.source, 'model');
    assert.deepEqual(bytes.out, plain.out);
    assert.deepEqual(entries(), []);
  });
});
