/**
 * README.md's examples, run as written. Every command line in README's shell blocks either runs
 * here, offline, through a `lcnet` on PATH in a folder holding what it names (photos, scans,
 * val, outputs to report on, ...) with the models it names installed from seeds, or is listed
 * with the reason it cannot run here (an absolute path of the reader's machine, an archive
 * ../shared does not hold). A download from the network runs too: it must fail the way README
 * says, with advice. An example added to README fails this test until it is listed below, and an
 * example listed here but gone from README fails it too. The library snippet runs as well.
 */

import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import sharp from 'sharp';
import {imagenetConfig} from '../src/models/architecture.js';
import {buildLCNet} from '../src/models/builder.js';
import {loadCatalogue} from '../src/models/download/catalogue.js';
import {writeAttributeModel} from './support/attribute-model.js';
import {BIN, tempDir} from './support/cli.js';
import {seededPulcParameters, X0_75_PROGRAM} from './support/pulc-weights.js';
import {ROOT, SHARED, skipWithoutShared, VAL_SAMPLE_DIR} from './support/shared-data.js';

const README = join(ROOT, 'README.md');
const TEXTLINE_DIR = join(SHARED, 'models', 'paddle', 'PP-LCNet_x0_25_textline_ori');
const PULC_GRAPHS = join(SHARED, 'models', 'paddle', 'pulc-graphs');
const IMAGENET_META = join(SHARED, 'imagenet', 'meta');

/** What running one README example must give. */
interface Runs {
  /** the exit status README promises (default 0) */
  code?: number;
  /** a pattern stderr must match */
  stderr?: RegExp;
  /** a check of what the example wrote, in its folder */
  check?: (dir: string, stdout: string) => void;
  /** files of the folder that must not exist before the example (its new output; others read them) */
  absent?: string[];
  /** run with an empty model store (a download example) */
  emptyStore?: boolean;
  /**
   * The command actually run, when the example's own would take too long for a unit test
   * (benchmarks): only its iteration counts may differ, which the test checks.
   */
  shortened?: string;
}
type Example = Runs | {skip: string};

const lines = (dir: string, file: string): string[] => readFileSync(join(dir, file), 'utf8').trim().split('\n');
const PHOTOS = 4;

/** Every example in README, by its command line (comment removed). */
const EXAMPLES: Record<string, Example> = {
  'lcnet classify ./photos -o preds.csv': {check: (d) => assert.equal(lines(d, 'preds.csv').length, 1 + PHOTOS)},
  'lcnet classify ./photos': {check: (_, out) => assert.equal(out.trim().split('\n').length, PHOTOS)},
  "lcnet classify 'scans/**/*.png' --topk 1 > top1.jsonl": {check: (d) => assert.equal(lines(d, 'top1.jsonl').length, 2)},
  'lcnet classify ./photos -o preds.jsonl --resume': {check: (d) => assert.equal(lines(d, 'preds.jsonl').length, PHOTOS)},
  'lcnet classify ./photos -o preds.jsonl --resume --retry-errors': {check: (d) => assert.equal(lines(d, 'preds.jsonl').length, PHOTOS)},
  "find /data -name '*.jpg' -print0 | lcnet classify - -o preds.jsonl": {skip: '/data is a folder of the reader'},
  'lcnet classify /data -o part2.jsonl --shard 2/4': {skip: '/data is a folder of the reader'},
  'lcnet classify /data -o out-$JOB_COMPLETION_INDEX.jsonl --shard auto': {skip: '/data is a folder of the reader'},
  'lcnet classify --files-from list.txt -o preds.jsonl': {absent: ['preds.jsonl'], check: (d) => assert.equal(lines(d, 'preds.jsonl').length, PHOTOS)},
  'lcnet bench --files-from list.txt --limit 200': {shortened: 'lcnet bench --files-from list.txt --limit 200 --iterations 2 --warmup 1'},
  'lcnet classify ./crops -m my.onnx --labels labels.txt': {check: (_, out) => assert.equal(out.trim().split('\n').length, 2)},
  'lcnet classify ./lines -m PP-LCNet_x0_25_textline_ori': {check: (_, out) => assert.equal(out.trim().split('\n').length, 4)},
  'lcnet merge out-*.jsonl -o all.csv': {check: (d) => assert.equal(lines(d, 'all.csv').length, 1 + PHOTOS)},
  'lcnet merge /out/part-*.jsonl -o all.csv --files files.txt --gaps gaps.txt': {skip: '/out is a folder of the reader'},
  'lcnet classify - -o rerun.jsonl < gaps.txt': {check: (d) => assert.equal(lines(d, 'rerun.jsonl').length, 2)},
  'lcnet download --list': {check: (_, out) => assert.match(out, /PPLCNet_x1_0/)},
  'lcnet download PPLCNet_x1_0': {emptyStore: true, code: 3, stderr: /--from/},
  'lcnet download PPLCNet_x1_0 --from ./PPLCNet_x1_0_infer.tar': {skip: 'the official PPLCNet_x1_0 archive is not in ../shared'},
  'lcnet download PP-LCNet_x0_25_textline_ori --from ./PP-LCNet_x0_25_textline_ori': {emptyStore: true},
  'lcnet download --from model.onnx --labels labels.txt --name my-model': {emptyStore: true},
  'lcnet download --from ./ch_ppocr_mobile_v2.0_cls_infer --labels cls-labels.txt --input-size 192x48 --fit pad --scale 1/255 --mean 0.5 --std 0.5 --channels bgr': {emptyStore: true},
  'lcnet eval --imagenet-val /data/imagenet/val --model PPLCNet_x1_0': {skip: 'the 50,000 ImageNet validation images are not here'},
  'lcnet eval --imagenet-val ./val --real real.json -o report.json --per-image': {check: (d) => assert.ok(existsSync(join(d, 'report.json')))},
  'lcnet eval --imagenet-val ./val --layout caffe --ground-truth val.txt --markdown': {check: (_, out) => assert.match(out, /\|/)},
  'lcnet bench --threads 1,2,4': {shortened: 'lcnet bench --threads 1,2,4 --iterations 2 --warmup 1'},
  'lcnet bench --images ./photos --batch-size 1,8,32 --json': {
    shortened: 'lcnet bench --images ./photos --batch-size 1,8,32 --json --iterations 2 --warmup 1',
    check: (_, out) => assert.ok(JSON.parse(out)),
  },
  'lcnet bench --images ./val --iterations 50 --warmup 5': {shortened: 'lcnet bench --images ./val --iterations 2 --warmup 1'},
  'lcnet report preds.jsonl -o report.html': {check: (d) => assert.ok(existsSync(join(d, 'report.html')))},
  'lcnet report out-*.jsonl -o report/ --per-class 24': {check: (d) => assert.ok(existsSync(join(d, 'report', 'index.html')))},
  'lcnet report eval.json bench.json -o results.html': {check: (d) => assert.ok(existsSync(join(d, 'results.html')))},
  'lcnet report out-*.jsonl -o report.html --json': {check: (_, out) => assert.ok(JSON.parse(out))},
  'lcnet classify ./cams -m person_exists -o people.csv': {check: (d) => assert.equal(lines(d, 'people.csv').length, 3)},
  'lcnet classify ./cams -m person_exists --threshold 0.9794 -o people.jsonl': {check: (d) => assert.equal(lines(d, 'people.jsonl').length, 2)},
  'lcnet classify ./scans -m text_image_orientation -k 1 -o rotation.csv': {check: (d) => assert.equal(lines(d, 'rotation.csv').length, 3)},
  'lcnet classify ./crops -m person_attribute -o people-attributes.csv': {check: (d) => assert.equal(lines(d, 'people-attributes.csv').length, 3)},
  'lcnet classify ./cars -m vehicle_attribute -o cars.jsonl': {check: (d) => assert.equal(lines(d, 'cars.jsonl').length, 2)},
  'lcnet classify ./tables -m table_attribute -o tables.json': {check: (d) => assert.equal((JSON.parse(readFileSync(join(d, 'tables.json'), 'utf8')) as unknown[]).length, 2)},
};

/** The lines of README's shell blocks (not the js one) that run lcnet, without their comments. */
function readmeCommands(text: string): string[] {
  const found: string[] = [];
  let fence: string | null = null;
  // a line ending in a backslash goes on on the next one, as in a shell
  for (const line of text.replace(/\\\n\s*/g, '').split('\n')) {
    const open = /^```(\w*)\s*$/.exec(line);
    if (open) {
      fence = fence === null ? open[1]! : null;
      continue;
    }
    if (fence === null || !['', 'sh', 'bash', 'console'].includes(fence)) continue;
    const command = line.replace(/\s+#\s.*$/, '').trim();
    if (/(^|\|\s*)lcnet\s/.test(command)) found.push(command);
  }
  return found;
}

/** README's library snippet: the one js block that imports the package. */
function librarySnippet(text: string): string {
  const blocks = [...text.matchAll(/^```js\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
  const snippet = blocks.find((b) => /from '[^']+';/.test(b) && b.includes('createClassifier'));
  assert.ok(snippet, 'README has a js block that imports createClassifier');
  return snippet;
}

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {cwd, env, stdio: ['ignore', 'pipe', 'pipe']});
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({code, stdout, stderr}));
  });
}

describe('README: every example runs as written', function () {
  this.timeout(120_000);
  let work: string;
  /** the folder each example starts from a copy of */
  let template: string;
  let home: string;
  let env: NodeJS.ProcessEnv;
  const readme = readFileSync(README, 'utf8');

  /** `lcnet ARGS` with the test's environment, for the fixtures. */
  const lcnet = async (args: string[], cwd = template, extra: NodeJS.ProcessEnv = {}): Promise<Ran> => {
    const r = await run(process.execPath, [BIN, ...args], cwd, {...env, ...extra});
    assert.equal(r.code, 0, `lcnet ${args.join(' ')}: ${r.stderr}`);
    return r;
  };

  before(async function () {
    this.timeout(300_000);
    skipWithoutShared(this);
    skipWithoutShared(this, X0_75_PROGRAM);
    work = tempDir('lcnet-readme-');
    template = join(work, 'template');
    home = join(work, 'home');
    mkdirSync(template);

    // `lcnet` on PATH is this checkout's; the network is closed: every catalogue address is a
    // port nothing listens on, so a download fails at once, as it does offline
    const bin = join(work, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'lcnet'), `#!/bin/sh\nexec '${process.execPath}' '${BIN}' "$@"\n`);
    chmodSync(join(bin, 'lcnet'), 0o755);
    const catalogue = loadCatalogue();
    const closed = {...catalogue, models: catalogue.models.map((m) => ({...m, urls: [`http://127.0.0.1:9/${m.name}_infer.tar`]}))};
    writeFileSync(join(work, 'catalogue.json'), JSON.stringify(closed));
    env = {};
    for (const [k, v] of Object.entries(process.env)) if (!/_proxy$/i.test(k)) env[k] = v;
    Object.assign(env, {
      PATH: `${bin}:${process.env.PATH ?? ''}`,
      LCNET_HOME: home,
      LCNET_MODEL: '',
      LCNET_CATALOGUE: join(work, 'catalogue.json'),
      LCNET_DOWNLOAD_RETRIES: '0',
      NO_COLOR: '1',
    });

    // the inputs the examples name
    const val = readdirSync(VAL_SAMPLE_DIR).sort().slice(0, 10);
    const put = (folder: string, names: string[]) => {
      mkdirSync(join(template, folder), {recursive: true});
      for (const n of names) copyFileSync(join(VAL_SAMPLE_DIR, n), join(template, folder, n));
    };
    put('photos', val.slice(0, PHOTOS));
    put('crops', val.slice(4, 6));
    put('cams', val.slice(6, 8));
    put('cars', val.slice(7, 9));
    put('tables', val.slice(8, 10));
    put('val', val);
    put('more', [val[0]!]);
    copyFileSync(join(template, 'more', val[0]!), join(template, 'more', 'cat.jpg'));
    rmSync(join(template, 'more', val[0]!));
    mkdirSync(join(template, 'scans', '2026'), {recursive: true});
    for (const n of val.slice(0, 2)) await sharp(join(VAL_SAMPLE_DIR, n)).png().toFile(join(template, 'scans', '2026', n.replace('.JPEG', '.png')));
    mkdirSync(join(template, 'lines'));
    const textlines = readdirSync(join(SHARED, 'fixtures', 'textline')).filter((n) => /\.(png|jpg)$/.test(n)).sort().slice(0, 4);
    for (const n of textlines) copyFileSync(join(SHARED, 'fixtures', 'textline', n), join(template, 'lines', n));
    // the ground truth of the ten val images, flat (caffe), beside the folder and in it
    const truth = readFileSync(join(IMAGENET_META, 'val.txt'), 'utf8').split('\n').filter((l) => val.includes(l.split(' ')[0]!));
    assert.equal(truth.length, val.length);
    writeFileSync(join(template, 'val.txt'), truth.join('\n') + '\n');
    copyFileSync(join(template, 'val.txt'), join(template, 'val', 'val.txt'));
    copyFileSync(join(IMAGENET_META, 'real.json'), join(template, 'real.json'));
    writeFileSync(join(template, 'list.txt'), val.slice(0, PHOTOS).map((n) => `photos/${n}`).join('\n') + '\n');
    writeFileSync(join(template, 'gaps.txt'), val.slice(4, 6).map((n) => `crops/${n}`).join('\n') + '\n');
    // "a model converted elsewhere": a small network of 10 classes, with its labels
    const small = buildLCNet({config: imagenetConfig(0.25, 10), seed: 3, name: 'my'}).bytes;
    writeFileSync(join(template, 'my.onnx'), small);
    writeFileSync(join(template, 'model.onnx'), small);
    writeFileSync(join(template, 'labels.txt'), Array.from({length: 10}, (_, i) => `class ${i}`).join('\n') + '\n');
    symlinkSync(TEXTLINE_DIR, join(template, 'PP-LCNet_x0_25_textline_ori'));
    symlinkSync(join(SHARED, 'models', 'paddle', 'ch_ppocr_mobile_v2.0_cls_infer'), join(template, 'ch_ppocr_mobile_v2.0_cls_infer'));
    writeFileSync(join(template, 'cls-labels.txt'), '0\n180\n');

    // the models the examples name, installed from seeds (official weights cannot be fetched here)
    const models = join(work, 'models');
    mkdirSync(models);
    writeFileSync(join(models, 'x1_0.onnx'), buildLCNet({config: imagenetConfig(1), seed: 0, name: 'PPLCNet_x1_0'}).bytes);
    await lcnet(['download', '--from', join(models, 'x1_0.onnx'), '--labels', join(ROOT, 'models', 'labels', 'imagenet1k.txt'), '--name', 'PPLCNet_x1_0']);
    await lcnet(['download', 'PP-LCNet_x0_25_textline_ori', '--from', TEXTLINE_DIR]);
    for (const [name, classes] of [['person_exists', 2], ['text_image_orientation', 4]] as const) {
      const dir = join(models, name);
      mkdirSync(dir);
      const pdmodel = join(PULC_GRAPHS, `${name}_infer`, 'inference.pdmodel');
      symlinkSync(pdmodel, join(dir, 'inference.pdmodel'));
      writeFileSync(join(dir, 'inference.pdiparams'), seededPulcParameters(readFileSync(pdmodel), classes, 5).params);
      await lcnet(['download', name, '--from', dir]);
    }
    const attributes = [
      ['person_attribute', {outputs: 26, height: 256, width: 192}],
      ['vehicle_attribute', {outputs: 19, height: 192, width: 256}],
      ['table_attribute', {outputs: 6, height: 224, width: 224}],
    ] as const;
    for (const [name, shape] of attributes) {
      writeAttributeModel(join(models, name), shape);
      await lcnet(['download', name, '--from', join(models, name)]);
    }

    // outputs the merge and report examples read
    await lcnet(['classify', './photos', '-o', 'preds.jsonl', '--no-progress']);
    await lcnet(['classify', './photos', '-o', 'out-1.jsonl', '--shard', '1/2', '--no-progress']);
    await lcnet(['classify', './photos', '-o', 'out-2.jsonl', '--shard', '2/2', '--no-progress']);
    await lcnet(['eval', '--imagenet-val', './val', '-o', 'eval.json', '--per-image', '--no-progress']);
    writeFileSync(join(template, 'bench.json'), (await lcnet(['bench', '--json', '--iterations', '2', '--warmup', '1'])).stdout);
  });

  after(function () {
    if (work) rmSync(work, {recursive: true, force: true});
  });

  it('lists every example README has, and only those', function () {
    const commands = readmeCommands(readme);
    assert.ok(commands.length >= 20, `README's examples were not found (${commands.length})`);
    assert.deepEqual(commands.filter((c) => !(c in EXAMPLES)), [], 'README examples this test does not know: list them in EXAMPLES');
    assert.deepEqual(Object.keys(EXAMPLES).filter((c) => !commands.includes(c)), [], 'examples no longer in README: remove them from EXAMPLES');
  });

  for (const [command, example] of Object.entries(EXAMPLES)) {
    it(command, async function () {
      if ('skip' in example) {
        console.log(`      (not run here: ${example.skip})`);
        this.skip();
      }
      const ran = example.shortened ?? command;
      if (example.shortened) {
        const counts = /\s--(iterations|warmup)\s+\d+/g;
        assert.equal(example.shortened.replace(counts, ''), command.replace(counts, ''), 'a shortened example changes only its iteration counts');
      }
      const dir = join(work, `example-${Object.keys(EXAMPLES).indexOf(command)}`);
      cpSync(template, dir, {recursive: true, verbatimSymlinks: true});
      for (const f of example.absent ?? []) rmSync(join(dir, f));
      const store = example.emptyStore ? join(dir, '.empty-store') : home;
      const r = await run('bash', ['-c', ran], dir, {...env, LCNET_HOME: store});
      assert.equal(r.code, example.code ?? 0, `${ran}\n${r.stderr}`);
      if (example.stderr) assert.match(r.stderr, example.stderr);
      example.check?.(dir, r.stdout);
      rmSync(dir, {recursive: true, force: true});
    });
  }

  it('the library snippet runs and prints a class per image', async function () {
    const name = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {name: string}).name;
    const snippet = librarySnippet(readme);
    assert.match(snippet, new RegExp(`from '${name}'`), 'the snippet imports the package by its name');
    // the package imports itself by name from a file inside it (Node's self-reference)
    const scope = join(ROOT, 'dist', 'readme-snippet');
    mkdirSync(scope, {recursive: true});
    const file = join(scope, `snippet-${process.pid}.mjs`);
    writeFileSync(file, snippet);
    try {
      const r = await run(process.execPath, [file], template, env);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.trim().split('\n').length, PHOTOS + 1, r.stdout);
    } finally {
      rmSync(file, {force: true});
    }
  });
});
