import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {Readable} from 'node:stream';
import {createClassifier, isError, isPrediction, NoInputsError, type Classifier, type OutputRecord, type PredictionRecord} from '../src/index.js';
import {OptionError, UsageError} from '../src/index.js';
import {runCli, tempDir} from './support/cli.js';
import {rawImage} from './support/images.js';
import {ROOT} from './support/shared-data.js';
import {until} from './support/wait.js';

const MODEL = 'synthetic:PPLCNet_x0_25';

/** The first ```js block of the README's "Library API" section. */
function readmeExample(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Library API'));
  const m = /```js\n([\s\S]*?)```/.exec(section);
  assert.ok(m, 'README has a js example under "## Library API"');
  return m[1]!;
}

/** The npm package's name, under which programs import the library. */
const PACKAGE = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {name: string}).name;

/** A folder a program would use the package from: node_modules/pplcnet is this checkout. */
function appDir(): string {
  const app = tempDir('lcnet-app-');
  mkdirSync(join(app, 'node_modules'));
  symlinkSync(ROOT, join(app, 'node_modules', PACKAGE), 'dir');
  return app;
}

async function collectAll(records: AsyncIterable<OutputRecord>): Promise<OutputRecord[]> {
  const out: OutputRecord[] = [];
  for await (const r of records) out.push(r);
  return out;
}

const summaryOf = (records: OutputRecord[]) => records.map((r) => (isPrediction(r) ? `${r.file}: ${r.predictions.map((p) => p.class_id).join(',')}` : `${r.file}: ERROR`));

describe('library API: createClassifier', function () {
  this.timeout(120000);
  let dir: string;
  let classifier: Classifier;
  const files = ['photos/a.png', 'photos/b.jpg', 'photos/sub/c.png', 'more/cat.jpg'];

  before(async () => {
    dir = tempDir();
    for (const [i, f] of files.entries()) {
      mkdirSync(join(dir, f, '..'), {recursive: true});
      const img = rawImage(90 + 10 * i, 70 + 5 * i, i);
      writeFileSync(join(dir, f), f.endsWith('.png') ? await img.png().toBuffer() : await img.jpeg().toBuffer());
    }
    writeFileSync(join(dir, 'photos', 'broken.jpg'), 'not an image');
    classifier = await createClassifier({model: MODEL, topk: 3, threads: 1, workers: 1, batchSize: 2});
  });

  after(async () => {
    await classifier.close();
    rmSync(dir, {recursive: true, force: true});
  });

  it('runs the README example as written, importing the package by name', async () => {
    const app = appDir();
    try {
      writeFileSync(join(app, 'example.mjs'), readmeExample());
      mkdirSync(join(app, 'photos'));
      mkdirSync(join(app, 'more'));
      for (const f of ['photos/a.png', 'photos/b.jpg', 'more/cat.jpg']) writeFileSync(join(app, f), readFileSync(join(dir, f)));
      const r = spawnSync(process.execPath, ['example.mjs'], {
        cwd: app,
        encoding: 'utf8',
        env: {...process.env, LCNET_MODEL: MODEL, LCNET_THREADS: '1', LCNET_HOME: join(app, 'home')},
      });
      assert.equal(r.status, 0, r.stderr);
      // the example tells what a user should be told: here, that the weights are synthetic
      assert.match(r.stderr, /SYNTHETIC weights/);
      const lines = r.stdout.trim().split('\n');
      assert.deepEqual(
        lines.map((l) => l.split(' ')[0]),
        ['photos/a.png', 'photos/b.jpg', 'more/cat.jpg'],
      );
      for (const l of lines) assert.match(l, / \d(\.\d+)?(e-\d+)?$/);
    } finally {
      rmSync(app, {recursive: true, force: true});
    }
  });

  it('type-checks a TypeScript program against the published declarations', function () {
    const app = appDir();
    try {
      writeFileSync(
        join(app, 'main.ts'),
        `import {createClassifier, type OutputRecord, type ClassifyOptions} from '${PACKAGE}';
const c = await createClassifier({model: 'synthetic:PPLCNet_x0_25', batchSize: 4, resize: 'exact'});
const opts: ClassifyOptions = {topk: 2, shard: '1/2', skip: (f) => f.size === 0};
const all: OutputRecord[] = [];
for await (const r of c.classify([new Uint8Array(4), {name: 'x.jpg', data: new Uint8Array(4)}, 'dir'], opts)) all.push(r);
const first = all[0];
if (first && 'predictions' in first) console.log(first.predictions[0]?.label.toUpperCase(), first.size, first.mtime);
console.log(c.model.input.width, c.model.input.height, c.model.inputSize[0], c.warnings.length);
await c.close();
`,
      );
      writeFileSync(join(app, 'bad.ts'), `import {createClassifier} from '${PACKAGE}';\nawait createClassifier({batchSize: '8'});\n`);
      const tsconfig = (files: string[]) => ({
        compilerOptions: {module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, noEmit: true, types: ['node'], typeRoots: [join(ROOT, 'node_modules', '@types')]},
        files,
      });
      writeFileSync(join(app, 'package.json'), '{"type": "module"}');
      const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
      writeFileSync(join(app, 'tsconfig.json'), JSON.stringify(tsconfig(['main.ts'])));
      const good = spawnSync(process.execPath, [tsc, '-p', app], {encoding: 'utf8'});
      assert.equal(good.status, 0, good.stdout + good.stderr);
      // and the types do catch mistakes
      writeFileSync(join(app, 'tsconfig.json'), JSON.stringify(tsconfig(['bad.ts'])));
      const bad = spawnSync(process.execPath, [tsc, '-p', app], {encoding: 'utf8'});
      assert.notEqual(bad.status, 0);
      assert.match(bad.stdout, /bad.ts\(2,\d+\): error TS2322/);
    } finally {
      rmSync(app, {recursive: true, force: true});
    }
  });

  it('gives the same records as lcnet classify, in input order, one per file', async () => {
    const records: OutputRecord[] = [];
    for await (const r of classifier.classify(join(dir, 'photos'))) records.push(r);
    const cli = await runCli(['classify', join(dir, 'photos'), '-m', MODEL, '--topk', '3', '--threads', '1']);
    assert.equal(cli.code, 1, cli.stderr);
    const fromCli = cli.stdout.trim().split('\n').map((l) => JSON.parse(l) as OutputRecord);
    assert.deepEqual(records, fromCli);
    assert.deepEqual(
      records.map((r) => r.file.slice(dir.length + 1)),
      ['photos/a.png', 'photos/b.jpg', 'photos/broken.jpg', 'photos/sub/c.png'],
    );
    assert.ok(isError(records[2]!));
  });

  it('classifies bytes like the files they came from, with names, mixed with paths in input order', async () => {
    const paths = files.map((f) => join(dir, f));
    const fromFiles: OutputRecord[] = [];
    for await (const r of classifier.classify(paths, {expand: false})) fromFiles.push(r);
    const inputs = [readFileSync(paths[0]!), paths[1]!, {name: 'upload.png', data: readFileSync(paths[2]!)}, readFileSync(paths[3]!)];
    const mixed: OutputRecord[] = [];
    for await (const r of classifier.classify(inputs)) mixed.push(r);
    assert.deepEqual(
      mixed.map((r) => r.file),
      ['<bytes 0>', paths[1], 'upload.png', '<bytes 3>'],
    );
    assert.deepEqual(
      mixed.map((r) => (r as PredictionRecord).predictions),
      fromFiles.map((r) => (r as PredictionRecord).predictions),
    );
    assert.equal(mixed[0]!.size, readFileSync(paths[0]!).length);
    assert.equal(mixed[0]!.mtime, null);
  });

  it('takes async iterables, per-call topk, shards, skip and expand: false', async () => {
    async function* source() {
      for (const f of files) yield join(dir, f);
    }
    const two: OutputRecord[] = [];
    for await (const r of classifier.classify(source(), {topk: 1})) two.push(r);
    assert.equal(two.length, 4);
    assert.ok(two.every((r) => isPrediction(r) && r.predictions.length === 1));

    const parts: string[][] = [];
    for (const shard of ['0/3', '1/3', {index: 2, count: 3}]) {
      const got: string[] = [];
      for await (const r of classifier.classify(join(dir, 'photos'), {shard})) got.push(r.file);
      parts.push(got);
    }
    assert.deepEqual(parts.flat().sort(), [...parts.flat()].sort());
    assert.equal(new Set(parts.flat()).size, 4);

    await assert.rejects(collectAll(classifier.classify(join(dir, 'photos'), {shard: {index: 4, count: 4}})), /not one of count parts/);
    await assert.rejects(collectAll(classifier.classify(join(dir, 'photos'), {shard: '5/4'})), /between 0 and N/);
    const skipped: string[] = [];
    for await (const r of classifier.classify(join(dir, 'photos'), {skip: (f) => f.file.endsWith('.png')})) skipped.push(r.file.slice(dir.length + 1));
    assert.deepEqual(skipped, ['photos/b.jpg', 'photos/broken.jpg']);

    // expand: false takes a string as one file path: no glob, no walk
    const literal: OutputRecord[] = [];
    for await (const r of classifier.classify([join(dir, 'photos', '*.png')], {expand: false})) literal.push(r);
    assert.equal(literal.length, 1);
    assert.match((literal[0] as {error: string}).error, /no such file/);
  });

  it('inputs that match nothing reject with a NoInputsError naming them; an empty shard of a non-empty collection does not', async () => {
    mkdirSync(join(dir, 'empty'), {recursive: true});
    writeFileSync(join(dir, 'empty', 'notes.txt'), 'not an image');
    const nothing = classifier.classify([join(dir, 'empty'), join(dir, 'nowhere', '*.jpg')]);
    await assert.rejects(collectAll(nothing), (e: Error) => {
      assert.ok(e instanceof NoInputsError && e instanceof UsageError, String(e));
      assert.equal(e.message, `no images found in ${join(dir, 'empty')}, ${join(dir, 'nowhere', '*.jpg')} (extensions tried: jpg, jpeg, png, webp, gif, tif, tiff, avif, bmp)`);
      return true;
    });
    assert.equal(nothing.inputs.found, 0);
    await assert.rejects(collectAll(classifier.classify(join(dir, 'photos'), {extensions: 'jgp'})), /no images found in .*photos \(extensions tried: jgp\)$/);
    // a pattern that matches nothing keeps its error record when other inputs match
    const some = await collectAll(classifier.classify([join(dir, 'nowhere', '*.jpg'), join(dir, 'more')]));
    assert.deepEqual(some.map((r) => (isError(r) ? `${r.file}: ${r.error}` : r.file)), [`${join(dir, 'nowhere', '*.jpg')}: no files match this pattern`, join(dir, 'more', 'cat.jpg')]);
    // no input at all is nothing to do, not a mistake
    assert.deepEqual(await collectAll(classifier.classify([])), []);
    // one file, two shards: one of them is empty, and says so through its counts
    const counts = [];
    for (const shard of ['0/2', '1/2']) {
      const run = classifier.classify(join(dir, 'more'), {shard});
      const records = await collectAll(run);
      counts.push({...run.inputs, records: records.length});
    }
    assert.deepEqual(counts.map((c) => c.found), [1, 1]);
    assert.deepEqual(counts.map((c) => c.inShard).sort(), [0, 1]);
    assert.deepEqual(counts.map((c) => c.records), counts.map((c) => c.inShard));
  });

  it('lets calls take turns, and survives a loop left early', async () => {
    const photos = join(dir, 'photos');
    const collect = async (n = Infinity) => {
      const out: OutputRecord[] = [];
      for await (const r of classifier.classify(photos)) {
        out.push(r);
        if (out.length >= n) break;
      }
      return out;
    };
    const alone = await collect();
    const [a, b, c] = await Promise.all([collect(), collect(1), collect()]);
    assert.deepEqual(summaryOf(a), summaryOf(alone));
    assert.deepEqual(summaryOf(b), summaryOf(alone).slice(0, 1));
    assert.deepEqual(summaryOf(c), summaryOf(alone));
    const run = classifier.classify(photos);
    for await (const r of run) void r;
    assert.equal(run.summary.files, 4);
    assert.equal(run.summary.failed, 1);
    await assert.rejects(async () => {
      for await (const r of run) void r;
    }, /iterated once/);
  });

  it('gives the same records a batch at a time with batches(), at most batchSize images each (4 by default)', async () => {
    const photos = join(dir, 'photos');
    const one = await collectAll(classifier.classify(photos));
    const run = classifier.classify(photos);
    const batches: (readonly OutputRecord[])[] = [];
    for await (const b of run.batches()) batches.push(b);
    assert.deepEqual(batches.flat(), one);
    assert.ok(batches.every((b) => b.length > 0 && b.filter(isPrediction).length <= 2));
    assert.equal(run.summary.files, 4);
    await assert.rejects(collectAll(run), /iterated once/);

    // inputs that are all there at once fill whole batches: the run's first holds one image
    const bytes = files.map((f) => readFileSync(join(dir, f)));
    const sizes: number[] = [];
    for await (const b of classifier.classify([...bytes, bytes[0]!]).batches()) sizes.push(b.length);
    assert.deepEqual(sizes, [1, 2, 2]);

    // the default batch size is 4
    const defaults = await createClassifier({model: MODEL, threads: 1, workers: 1});
    try {
      assert.equal(defaults.pipeline.batchSize, 4);
      const nine: number[] = [];
      for await (const b of defaults.classify([...bytes, ...bytes, bytes[0]!]).batches()) nine.push(b.length);
      assert.deepEqual(nine, [1, 4, 4]);
    } finally {
      await defaults.close();
    }
  });

  it('a source that fails part-way rejects the iteration and leaves later records exact', async () => {
    const paths = files.map((f) => join(dir, f));
    // large images still decoding when the source fails: they must not land in the next run's batch
    const large = await Promise.all([0, 1, 2, 3, 4].map((i) => rawImage(1800, 1400, 50 + i).jpeg().toBuffer()));
    const c = await createClassifier({model: MODEL, threads: 1, workers: 2, batchSize: 8});
    try {
      const reference = summaryOf(await collectAll(c.classify(paths, {expand: false})));
      for (let trial = 0; trial < 6; trial++) {
        async function* failing() {
          yield* large;
          throw new Error('the source broke');
        }
        await assert.rejects(collectAll(c.classify(failing())), /the source broke/);
        assert.deepEqual(summaryOf(await collectAll(c.classify(paths, {expand: false}))), reference, `trial ${trial}`);
      }
      await assert.rejects(collectAll(c.classify([readFileSync(paths[0]!), 42 as unknown as string])), /input 1 is number/);
    } finally {
      await c.close();
    }
  });

  it('does not hold back records while a source is slow; close() during a pause ends the iteration', async () => {
    const paths = files.map((f) => join(dir, f));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    async function* slow() {
      yield paths[0]!;
      await gate;
      yield paths[1]!;
    }
    const c = await createClassifier({model: MODEL, threads: 1, workers: 1, batchSize: 8});
    const seen: string[] = [];
    const iteration = (async () => {
      for await (const r of c.classify(slow(), {expand: false})) seen.push(r.file);
    })();
    await until(() => seen.length > 0, 'the first record');
    assert.deepEqual(seen, [paths[0]], 'the first record came while the source waited');
    await c.close();
    await iteration;
    assert.deepEqual(seen, [paths[0]]);
    release();
  });

  it('takes path lists in files (filesFrom, as --files-from): after the inputs, each file once; refuses a list it cannot read', async () => {
    const at = (f: string) => join(dir, f);
    writeFileSync(at('list.txt'), `${at('more/cat.jpg')}\n${at('photos/a.png')}\n`);
    const got = await collectAll(classifier.classify(at('photos/a.png'), {filesFrom: at('list.txt')}));
    assert.deepEqual(got.map((r) => r.file), [at('photos/a.png'), at('more/cat.jpg')]);
    const fromStdin = await collectAll(classifier.classify([], {filesFrom: ['-', at('list.txt')], stdin: Readable.from([`${at('photos/b.jpg')}\n`])}));
    assert.deepEqual(fromStdin.map((r) => r.file), [at('photos/b.jpg'), at('more/cat.jpg'), at('photos/a.png')]);
    await assert.rejects(collectAll(classifier.classify([], {filesFrom: at('none.txt')})), (e) => e instanceof OptionError && e.message === `filesFrom ${at('none.txt')}: no such file or directory`);
    writeFileSync(at('empty.txt'), '');
    await assert.rejects(collectAll(classifier.classify([], {filesFrom: at('empty.txt')})), (e) => e instanceof NoInputsError && e.message === `no images found in the path list ${at('empty.txt')}`);
  });

  it('gives the input size as {width, height}, as the CLI prints it (width x height); inputSize stays [height, width]', async () => {
    // the text-line model takes wide images: 160 wide, 80 high
    const wide = await createClassifier({model: 'synthetic:PP-LCNet_x0_25_textline_ori', threads: 1, workers: 1});
    try {
      assert.deepEqual(wide.model.input, {width: 160, height: 80});
      assert.deepEqual(wide.model.inputSize, [80, 160]);
      const listed = await runCli(['download', '--list']);
      assert.match(listed.stdout, /PP-LCNet_x0_25_textline_ori\s+\S+\s+160x80\s/);
    } finally {
      await wide.close();
    }
  });

  it('rejects a model it cannot find, and classify after close', async () => {
    await assert.rejects(createClassifier({model: 'PPLCNet_x9_9', download: false}), /unknown model 'PPLCNet_x9_9'/);
    await assert.rejects(createClassifier({model: MODEL, batchSize: 0}), /batchSize must be/);
    // a threshold is for yes/no and attribute models: a top-k model refuses it as a usage error
    // ... named as the library's option, not as the CLI's flag
    await assert.rejects(
      createClassifier({model: MODEL, threshold: 0.5}),
      (e) => e instanceof UsageError && /^threshold applies to yes\/no and attribute models; this model ranks classes \(use topk\)$/.test(e.message),
    );
    await assert.rejects(createClassifier({model: MODEL, threshold: 2}), (e) => e instanceof OptionError && e.message === 'threshold must be between 0 and 1, got 2' && e.options.join() === 'threshold');
    await assert.rejects(createClassifier({model: MODEL, stretch: true, resizeShort: 256}), (e) => e instanceof OptionError && /^stretch and resizeShort exclude each other: choose one$/.test(e.message));
    await assert.rejects(createClassifier({model: MODEL, labels: join(dir, 'no-such-labels.txt')}), (e) => e instanceof OptionError && /^labels \S+no-such-labels\.txt: /.test(e.message));
    await assert.rejects(collectAll(classifier.classify(join(dir, 'photos'), {shard: '3'})), (e) => e instanceof OptionError && /^shard takes K\/N \(for example 1\/4 or 0\/4\) or auto, got '3'$/.test(e.message));
    await assert.rejects(collectAll(classifier.classify(join(dir, 'photos'), {extensions: ','})), (e) => e instanceof OptionError && /^extensions needs at least one extension, or \* for every file$/.test(e.message));
    const c = await createClassifier({model: MODEL, threads: 1, workers: 1});
    await c.close();
    await assert.rejects(async () => {
      for await (const r of c.classify(join(dir, 'photos'))) void r;
    }, /closed/);
  });
});
