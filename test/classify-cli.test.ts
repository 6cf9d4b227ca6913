import assert from 'node:assert/strict';
import {createServer} from 'node:http';
import type {AddressInfo} from 'node:net';
import {copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {imagenetConfig} from '../src/models/architecture.js';
import {buildLCNet} from '../src/models/builder.js';
import {parseCsv} from '../src/pipeline/output/csv.js';
import type {OutputRecord, PredictionRecord} from '../src/pipeline/output/record.js';
import {runCli, tempDir} from './support/cli.js';
import {unrunnableModel} from './support/onnx-models.js';
import {rawImage, writeBadInputs} from './support/images.js';
import {ROOT, skipWithoutShared, VAL_SAMPLE_DIR} from './support/shared-data.js';
import {signal} from './support/wait.js';

const MODEL = 'synthetic:PPLCNet_x0_25';
const jsonl = (text: string) => text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as OutputRecord);

describe('lcnet classify (end to end through the CLI)', function () {
  this.timeout(120000);
  let dir: string;
  let fullRun: OutputRecord[];

  before(async function () {
    skipWithoutShared(this, VAL_SAMPLE_DIR);
    dir = tempDir();
    const r = await runCli(['classify', VAL_SAMPLE_DIR, '-m', MODEL]);
    assert.equal(r.code, 0, r.stderr);
    fullRun = jsonl(r.stdout);
  });

  after(() => {
    if (dir) rmSync(dir, {recursive: true, force: true});
  });

  /** 400 files (the 100 val images four times), long enough a run to interrupt */
  const manyImages = () => {
    const many = join(dir, 'many');
    if (existsSync(many)) return many;
    mkdirSync(many);
    const names = readdirSync(VAL_SAMPLE_DIR).filter((n) => n.endsWith('.JPEG')).sort();
    for (let copy = 0; copy < 4; copy++) for (const n of names) copyFileSync(join(VAL_SAMPLE_DIR, n), join(many, `c${copy}_${n}`));
    return many;
  };

  it('classifies the 100 val images: one record each, in sorted order, top 5 with ImageNet labels, a synthetic warning', async () => {
    const names = readdirSync(VAL_SAMPLE_DIR).filter((n) => n.endsWith('.JPEG')).sort();
    assert.deepEqual(fullRun.map((r) => r.file), names.map((n) => join(VAL_SAMPLE_DIR, n)));
    for (const r of fullRun as PredictionRecord[]) {
      assert.equal(r.model, MODEL);
      assert.equal(r.predictions.length, 5);
      for (let i = 1; i < 5; i++) assert.ok(r.predictions[i - 1]!.score >= r.predictions[i]!.score);
      assert.ok(r.predictions.every((p) => p.class_id >= 0 && p.class_id < 1000 && p.label.length > 0));
    }
    assert.ok(new Set(fullRun.map((r) => JSON.stringify((r as PredictionRecord).predictions))).size > 90, 'predictions depend on the image');
    const again = await runCli(['classify', VAL_SAMPLE_DIR, '-m', MODEL, '--topk', '1', '--batch-size', '3', '--threads', '1']);
    assert.match(again.stderr, /SYNTHETIC weights/);
    assert.match(again.stderr, /100 files, 100 classified, 0 failed/);
    const top1 = jsonl(again.stdout) as PredictionRecord[];
    // batch size and threads do not change results
    top1.forEach((r, i) => {
      assert.equal(r.predictions.length, 1);
      assert.equal(r.predictions[0]!.class_id, (fullRun[i] as PredictionRecord).predictions[0]!.class_id);
      assert.ok(Math.abs(r.predictions[0]!.score - (fullRun[i] as PredictionRecord).predictions[0]!.score) < 1e-5);
    });
  });

  it('writes JSON and CSV files holding the same records, and a JSON summary', async () => {
    const json = join(dir, 'out.json');
    const csv = join(dir, 'out.csv');
    const a = await runCli(['classify', VAL_SAMPLE_DIR, '-m', MODEL, '-o', json, '--json']);
    assert.equal(a.code, 0, a.stderr);
    const summary = JSON.parse(a.stdout) as {files: number; failed: number; imagesPerSecond: number; format: string};
    assert.equal(summary.files, 100);
    assert.equal(summary.failed, 0);
    assert.equal(summary.format, 'json');
    assert.ok(summary.imagesPerSecond > 0);
    assert.deepEqual(JSON.parse(readFileSync(json, 'utf8')), fullRun);
    const b = await runCli(['classify', VAL_SAMPLE_DIR, '-m', MODEL, '-o', csv]);
    assert.equal(b.code, 0, b.stderr);
    const rows = parseCsv(readFileSync(csv, 'utf8')).rows;
    assert.equal(rows.length, 101);
    rows.slice(1).forEach((row, i) => {
      const r = fullRun[i] as PredictionRecord;
      assert.equal(row[0], r.file);
      assert.equal(Number(row[2]), r.predictions[0]!.class_id);
      assert.equal(row[3], r.predictions[0]!.label);
      assert.equal(Number(row[4]), r.predictions[0]!.score);
    });
  });

  it('gives every bad input its own error record, keeps going, and exits 1', async () => {
    const bad = join(dir, 'bad');
    mkdirSync(bad);
    const expected = await writeBadInputs(bad);
    copyFileSync(join(VAL_SAMPLE_DIR, 'ILSVRC2012_val_00000001.JPEG'), join(bad, 'good.jpg'));
    await rawImage(1000, 1000).png().toFile(join(bad, 'huge.png'));
    const r = await runCli(['classify', bad, join(dir, 'no-such-dir'), '-m', MODEL, '--max-pixels', '200000']);
    assert.equal(r.code, 1, r.stderr);
    const records = jsonl(r.stdout);
    const byName = new Map(records.map((x) => [x.file.split('/').pop()!, x]));
    assert.equal(records.length, Object.keys(expected).length + 3);
    assert.equal(new Set(records.map((x) => x.file)).size, records.length, 'each file exactly once');
    for (const [name, reason] of Object.entries(expected)) {
      const rec = byName.get(name)!;
      assert.ok('error' in rec, `${name} should fail`);
      assert.match(rec.error, reason, `${name}: ${rec.error}`);
    }
    assert.ok('predictions' in byName.get('good.jpg')!);
    assert.match((byName.get('huge.png') as {error: string}).error, /pixel limit/);
    assert.match((byName.get('no-such-dir') as {error: string}).error, /no such file or directory/);
    assert.match(r.stderr, /failed/);
  });

  it('on SIGINT leaves a valid JSON array that is a prefix of the full run, and --resume completes it', async () => {
    const many = manyImages();
    const out = join(dir, 'interrupted.json');
    const args = ['classify', many, '-m', 'synthetic:PPLCNet_x1_0', '--batch-size', '2', '--threads', '1', '--workers', '1'];
    let sent = false;
    const interrupted = await runCli([...args, '-o', out], {
      onStart: (child) => {
        const timer = setInterval(() => {
          let lines = 0;
          try {
            lines = readFileSync(out, 'utf8').split('\n').length;
          } catch {
            return;
          }
          if (lines > 20 && !sent) {
            sent = true;
            child.kill('SIGINT');
            clearInterval(timer);
          }
        }, 20);
        child.on('close', () => clearInterval(timer));
      },
    });
    assert.ok(sent, 'the run ended before it could be interrupted');
    assert.equal(interrupted.code, 130, interrupted.stderr);
    assert.match(interrupted.stderr, /interrupted/);
    const partial = JSON.parse(readFileSync(out, 'utf8')) as OutputRecord[];
    assert.ok(partial.length > 0 && partial.length < 400, `${partial.length} records`);

    const complete = await runCli([...args, '-o', join(dir, 'complete.jsonl')]);
    assert.equal(complete.code, 0, complete.stderr);
    const full = jsonl(readFileSync(join(dir, 'complete.jsonl'), 'utf8'));
    assert.equal(full.length, 400);
    assert.deepEqual(partial, full.slice(0, partial.length));

    const resumed = await runCli([...args, '-o', out, '--resume']);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stderr, new RegExp(`${partial.length} already done`));
    assert.deepEqual(JSON.parse(readFileSync(out, 'utf8')), full);
  });

  it('a second SIGINT ends the run at once by the signal, with the JSON array still closed', async () => {
    const many = manyImages();
    const out = join(dir, 'twice.json');
    let sent = false;
    const r = await runCli(['classify', many, '-m', 'synthetic:PPLCNet_x1_0', '--batch-size', '2', '-o', out], {
      onStart: (child) => {
        const timer = setInterval(() => {
          let size = 0;
          try {
            size = readFileSync(out).length;
          } catch {
            return;
          }
          if (size > 2000 && !sent) {
            sent = true;
            clearInterval(timer);
            // the second once the first is seen: the run has printed its notice
            let told = '';
            let again = false;
            child.stderr!.on('data', (d: Buffer | string) => {
              told += String(d);
              if (again || !told.includes('interrupted:')) return;
              again = true;
              child.kill('SIGINT');
            });
            child.kill('SIGINT');
          }
        }, 20);
        child.on('close', () => clearInterval(timer));
      },
    });
    assert.ok(sent, 'the run ended before it could be interrupted');
    assert.ok(r.signal === 'SIGINT' || r.code === 130, `ended by ${r.signal ?? r.code}: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /terminate called|Napi::Error|Aborted/);
    const records = JSON.parse(readFileSync(out, 'utf8')) as OutputRecord[];
    assert.ok(records.length > 0 && records.length < 400);
  });

  it('--resume skips unchanged files, redoes changed ones; --retry-errors redoes failed ones; one record per file', async () => {
    const folder = join(dir, 'retry');
    mkdirSync(folder);
    copyFileSync(join(VAL_SAMPLE_DIR, 'ILSVRC2012_val_00000004.JPEG'), join(folder, 'a.jpg'));
    writeFileSync(join(folder, 'b.jpg'), readFileSync(join(VAL_SAMPLE_DIR, 'ILSVRC2012_val_00000005.JPEG')).subarray(0, 3000));
    const out = join(dir, 'retry.csv');
    const rows = () => parseCsv(readFileSync(out, 'utf8')).rows.slice(1).map((r) => [r[0]!.split('/').pop(), r[r.length - 3] === '' ? 'ok' : 'error']);
    const first = await runCli(['classify', folder, '-m', MODEL, '-o', out]);
    assert.equal(first.code, 1, first.stderr);
    const plain = await runCli(['classify', folder, '-m', MODEL, '-o', out, '--resume']);
    assert.equal(plain.code, 0, plain.stderr);
    assert.match(plain.stderr, /0 files, 0 classified, 0 failed, 2 already done/);
    // the damaged file is tried again, and fails again: its error record is replaced
    const retried = await runCli(['classify', folder, '-m', MODEL, '-o', out, '--resume', '--retry-errors']);
    assert.equal(retried.code, 1, retried.stderr);
    assert.match(retried.stderr, /1 file, 0 classified, 1 failed, 1 already done/);
    assert.deepEqual(rows(), [['a.jpg', 'ok'], ['b.jpg', 'error']]);
    // the damaged file is repaired: its size and mtime change, so a plain resume redoes it
    copyFileSync(join(VAL_SAMPLE_DIR, 'ILSVRC2012_val_00000005.JPEG'), join(folder, 'b.jpg'));
    // a modification time of our choosing, with a sub-millisecond part above one half: the record
    // carries it truncated to the millisecond, whatever the copied file's own timestamp was
    utimesSync(join(folder, 'b.jpg'), 1_700_000_000, 1_700_000_000.1237);
    const repaired = await runCli(['classify', folder, '-m', MODEL, '-o', out, '--resume']);
    assert.equal(repaired.code, 0, repaired.stderr);
    assert.match(repaired.stderr, /1 file, 1 classified, 0 failed, 1 already done/);
    assert.deepEqual(rows(), [['a.jpg', 'ok'], ['b.jpg', 'ok']]);
    const [, size, mtime] = parseCsv(readFileSync(out, 'utf8')).rows[2]!.slice(-3);
    assert.equal(Number(size), statSync(join(folder, 'b.jpg')).size);
    assert.equal(mtime, '2023-11-14T22:13:20.123Z');
    const usage = await runCli(['classify', folder, '-m', MODEL, '--retry-errors']);
    assert.equal(usage.code, 2);
  });

  it('splits work into shards that cover every file exactly once, in both numbering conventions', async () => {
    const parts: string[][] = [];
    for (const k of ['1/3', '2/3', '3/3']) {
      const r = await runCli(['classify', VAL_SAMPLE_DIR, '-m', MODEL, '--shard', k, '--topk', '1']);
      assert.equal(r.code, 0, r.stderr);
      parts.push(jsonl(r.stdout).map((x) => x.file));
    }
    const all = parts.flat();
    assert.equal(all.length, 100);
    assert.equal(new Set(all).size, 100);
    assert.ok(parts.every((p) => p.length > 10));
    const zero = await runCli(['classify', VAL_SAMPLE_DIR, '-m', MODEL, '--shard', '0/3', '--topk', '1']);
    assert.deepEqual(jsonl(zero.stdout).map((x) => x.file), parts[2]);
  });

  it('uses an .onnx file with a label file in either form', async () => {
    const onnx = join(dir, 'ten.onnx');
    writeFileSync(onnx, buildLCNet({config: imagenetConfig(0.25, 10), seed: 5}).bytes);
    const plain = join(dir, 'plain.txt');
    const indexed = join(dir, 'indexed.txt');
    const names = Array.from({length: 10}, (_, i) => `thing ${i}`);
    writeFileSync(plain, names.join('\n') + '\n');
    writeFileSync(indexed, names.map((_, i) => `${9 - i} ${names[9 - i]}`).join('\n'));
    const image = join(VAL_SAMPLE_DIR, 'ILSVRC2012_val_00000003.JPEG');
    const a = await runCli(['classify', image, '-m', onnx, '--labels', plain, '-k', '3']);
    const b = await runCli(['classify', image, '-m', onnx, '--labels', indexed, '-k', '3']);
    assert.equal(a.code, 0, a.stderr);
    assert.match(a.stderr, /SYNTHETIC/);
    assert.equal(a.stdout, b.stdout);
    const rec = jsonl(a.stdout)[0] as PredictionRecord;
    assert.equal(rec.model, 'ten');
    for (const p of rec.predictions) assert.equal(p.label, `thing ${p.class_id}`);
    const wrong = join(dir, 'wrong.txt');
    writeFileSync(wrong, 'a\nb\n');
    const c = await runCli(['classify', image, '-m', onnx, '--labels', wrong]);
    assert.equal(c.code, 2);
    assert.match(c.stderr, /model ten has 10 classes but .*wrong\.txt names 2/);
  });

  it('without network, a missing default model fails with advice naming lcnet download --from, and a synthetic model that runs', async () => {
    const catalogue = JSON.parse(readFileSync(join(ROOT, 'models', 'catalogue.json'), 'utf8')) as {default: string; models: {name: string; urls: string[]}[]};
    for (const m of catalogue.models) m.urls = ['http://127.0.0.1:9/unreachable.tar'];
    const path = join(dir, 'offline-catalogue.json');
    writeFileSync(path, JSON.stringify(catalogue));
    const r = await runCli(['classify', join(VAL_SAMPLE_DIR, 'ILSVRC2012_val_00000001.JPEG')], {env: {LCNET_CATALOGUE: path, LCNET_DOWNLOAD_RETRIES: '0'}});
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, new RegExp(catalogue.default));
    assert.match(r.stderr, /lcnet download .*--from/);
    // the model it suggests for a try runs as it is, still offline
    const trial = /without weights, give classify, eval or bench -m (synthetic:\S+): random weights, the same speed, meaningless labels/.exec(r.stderr.replace(/\s*\n\s*(›\s*)?/g, ' '));
    assert.ok(trial, r.stderr);
    const tried = await runCli(['classify', join(VAL_SAMPLE_DIR, 'ILSVRC2012_val_00000001.JPEG'), '-m', trial[1]!], {env: {LCNET_CATALOGUE: path, LCNET_DOWNLOAD_RETRIES: '0'}});
    assert.equal(tried.code, 0, tried.stderr);
    assert.equal(tried.stdout.trim().split('\n').length, 1);
    assert.equal(r.stdout, '');
  });

  it('Ctrl-C during a first-use download exits 130 and leaves no lock or partial file behind', async () => {
    // a server that sends the headers and then a trickle, never finishing
    const downloading = signal();
    const server = createServer((_req, res) => {
      res.writeHead(200, {'content-length': String(50_000_000)});
      res.write(Buffer.alloc(1024), () => downloading.fire());
      const timer = setInterval(() => res.write(Buffer.alloc(1024)), 50);
      res.on('close', () => clearInterval(timer));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const catalogue = JSON.parse(readFileSync(join(ROOT, 'models', 'catalogue.json'), 'utf8')) as {models: {urls: string[]}[]};
      for (const m of catalogue.models) m.urls = [`http://127.0.0.1:${port}/model.tar`];
      const path = join(dir, 'slow-catalogue.json');
      writeFileSync(path, JSON.stringify(catalogue));
      const home = join(dir, 'home-interrupted');
      mkdirSync(home);
      const r = await runCli(['classify', join(VAL_SAMPLE_DIR, 'ILSVRC2012_val_00000001.JPEG')], {
        env: {LCNET_CATALOGUE: path, LCNET_HOME: home},
        onStart: (child) => void downloading.promise.then(() => child.kill('SIGINT')),
      });
      assert.equal(r.code, 130, r.stderr);
      const left = readdirSync(home, {recursive: true}).map(String);
      assert.ok(!left.some((f) => f.endsWith('.lock') || f.endsWith('.part')), `left behind: ${left.join(', ')}`);
      assert.ok(!left.some((f) => f.startsWith('models/')), 'nothing installed');
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('stops quietly when the reader of standard output goes away (lcnet classify ... | head)', async () => {
    const r = await runCli(['classify', manyImages(), '-m', MODEL, '--format', 'json'], {
      // the reader takes the first records and closes its end
      onStart: (child) => child.stdout!.once('data', () => child.stdout!.destroy()),
    });
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /standard output was closed by its reader: stopped/);
    assert.doesNotMatch(r.stderr, /classification failed|EPIPE|Error/);
  });

  it('fails with exit 3 and no records when the runtime cannot load the model', async () => {
    const onnx = join(dir, 'broken.onnx');
    writeFileSync(onnx, unrunnableModel(1000, 224));
    const r = await runCli(['classify', VAL_SAMPLE_DIR, '-m', onnx]);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /cannot load the model/);
    assert.equal(r.stdout, '');
  });

  it('reports usage errors, an unknown model among them, with exit 2', async () => {
    const out = join(dir, 'exists.jsonl');
    writeFileSync(out, '{"file":"x"}\n');
    const cases: [string[], number, RegExp][] = [
      [['classify', VAL_SAMPLE_DIR, '-m', MODEL, '-o', out], 2, /already exists: use --resume/],
      [['classify', VAL_SAMPLE_DIR, '-m', MODEL, '--resume'], 2, /--resume needs --output/],
      [['classify', VAL_SAMPLE_DIR, '-m', MODEL, '--json'], 2, /need --output/],
      [['classify', VAL_SAMPLE_DIR, '-m', MODEL, '--shard', '5/4'], 2, /K must be between 0 and N/],
      [['classify', VAL_SAMPLE_DIR, '--no-such-flag'], 2, /Nonexistent flag/],
      [['classify'], 2, /give the images to classify: PATHS/],
      [['classify', VAL_SAMPLE_DIR, '-m', 'NoSuchModel'], 2, /unknown model 'NoSuchModel'/],
      [['classify', VAL_SAMPLE_DIR, '-m', 'PPLCNet_x0_5', '--offline'], 2, /Nonexistent flag/],
    ];
    for (const [args, code, message] of cases) {
      const r = await runCli(args);
      assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message, args.join(' '));
    }
  });
});
