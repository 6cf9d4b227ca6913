import assert from 'node:assert/strict';
import {existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {convertPaddleDir} from '../src/models/paddle/convert.js';
import {decodePersonAttribute, decodeVehicleAttribute} from '../src/pipeline/postprocess/attributes.js';
import {csvHeader, fromCsvRow, layoutFromHeader, toCsvRow} from '../src/pipeline/output/codec.js';
import type {AttributeRecord, DecisionRecord} from '../src/pipeline/output/record.js';
import {parseCsv} from '../src/pipeline/output/csv.js';
import {runCli, tempDir} from './support/cli.js';
import {rawImage} from './support/images.js';
import {PERSON_LABELS, writeAttributeModel} from './support/attribute-model.js';
import {seededPulcParameters, X0_75_PROGRAM} from './support/pulc-weights.js';
import {SHARED, skipWithoutShared} from './support/shared-data.js';

const PERSON_EXISTS = join(SHARED, 'models', 'paddle', 'pulc-graphs', 'person_exists_infer');

async function writeImages(dir: string, n: number): Promise<string[]> {
  mkdirSync(dir, {recursive: true});
  const files: string[] = [];
  for (let i = 0; i < n; i++) {
    const file = join(dir, `img_${i}.png`);
    await rawImage(48 + 8 * i, 40 + 4 * i, i * 13).png().toFile(file);
    files.push(file);
  }
  return files;
}

const csvRows = (path: string) => parseCsv(readFileSync(path, 'utf8')).rows;
const jsonl = <T>(text: string) => text.trim().split('\n').map((l) => JSON.parse(l) as T);
const byFile = <T extends {file: string}>(rs: T[]) => [...rs].sort((a, b) => a.file.localeCompare(b.file));

describe('PULC heads: record codec', function () {
  it('writes and reads back yes/no and attribute rows, the vehicle string cut into colour and type', function () {
    const id = {size: 10, mtime: '2026-01-01T00:00:00.000Z'};
    const decision: DecisionRecord = {file: 'a.jpg', model: 'person_exists', decision: {class_id: 0, label: 'nobody', score: 0.75}, threshold: 0.5, ...id};
    const header = csvHeader({kind: 'thresh'});
    assert.deepEqual(header, ['file', 'model', 'class_id', 'label', 'score', 'threshold', 'error', 'size', 'mtime']);
    assert.deepEqual(layoutFromHeader(header), {kind: 'thresh'});
    const row = toCsvRow(decision, {kind: 'thresh'}).map(String);
    assert.deepEqual(fromCsvRow(row, {kind: 'thresh'}), decision);

    const labels = ['yellow', 'orange', 'green', 'gray', 'red', 'blue', 'white', 'golden', 'brown', 'black', 'sedan', 'suv', 'van', 'hatchback', 'mpv', 'pickup', 'bus', 'truck', 'estate'];
    const res = new Float32Array(19).fill(0.125);
    res[4] = 0.875;
    const decoded = decodeVehicleAttribute(res, {kind: 'vehicle-attribute', colorThreshold: 0.5, typeThreshold: 0.5});
    const probabilities = Object.fromEntries(labels.map((l, i) => [l, res[i]!]));
    const vehicle: AttributeRecord = {file: 'v.jpg', model: 'vehicle_attribute', attributes: decoded.attributes, output: decoded.output, probabilities, ...id};
    const layout = {kind: 'vehicle-attribute' as const, labels};
    const vrow = toCsvRow(vehicle, layout).map(String);
    assert.deepEqual(vrow.slice(2, 5), ['Color: (red, prob: 0.875)', 'Type unknown', '0 0 0 0 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0']);
    assert.deepEqual(layoutFromHeader(csvHeader(layout)), layout);
    assert.deepEqual(fromCsvRow(vrow, layout), vehicle);
    assert.throws(() => toCsvRow(decision, layout), /only vehicle-attribute records/);
  });
});

describe('PULC models through the CLI: download --from, classify, resume, merge', function () {
  this.timeout(180000);
  let work: string;
  let env: Record<string, string>;
  let images: string;
  let files: string[];

  before(async function () {
    work = tempDir('lcnet-pulc-');
    env = {LCNET_HOME: join(work, 'home')};
    images = join(work, 'images');
    files = await writeImages(images, 6);
    // the attribute model, used by several tests below
    writeAttributeModel(join(work, 'person_attribute_infer'));
    const d = await runCli(['download', 'person_attribute', '--from', join(work, 'person_attribute_infer')], {env});
    assert.equal(d.code, 0, d.stderr);
  });

  after(function () {
    if (work) rmSync(work, {recursive: true, force: true});
  });

  it('the real person_exists graph (seeded weights): yes/no records with score and threshold, --threshold, CSV, resume and merge', async function () {
    skipWithoutShared(this, PERSON_EXISTS);
    skipWithoutShared(this, X0_75_PROGRAM);
    const dir = join(work, 'person_exists_infer');
    mkdirSync(dir);
    // the graph is used in place; only the seeded weights are written
    symlinkSync(join(PERSON_EXISTS, 'inference.pdmodel'), join(dir, 'inference.pdmodel'));
    const pdmodel = readFileSync(join(PERSON_EXISTS, 'inference.pdmodel'));
    writeFileSync(join(dir, 'inference.pdiparams'), seededPulcParameters(pdmodel, 2, 7).params);
    const d = await runCli(['download', 'person_exists', '--from', dir, '--json'], {env});
    assert.equal(d.code, 0, d.stderr);
    assert.equal(JSON.parse(d.stdout).task, 'person-exists');

    const out = join(work, 'people.csv');
    const c = await runCli(['classify', images, '-m', 'PULC_person_exists', '-o', out, '--no-progress'], {env});
    assert.equal(c.code, 0, c.stderr);
    const rows = csvRows(out);
    assert.deepEqual(rows[0], ['file', 'model', 'class_id', 'label', 'score', 'threshold', 'error', 'size', 'mtime']);
    assert.equal(rows.length, 1 + files.length);
    for (const r of rows.slice(1)) {
      assert.equal(r[1], 'person_exists');
      assert.equal(r[3], ['nobody', 'someone'][Number(r[2])]);
      assert.ok(Number(r[4]) >= 0.5, 'the score of the answer given is at least 1/2 at threshold 0.5');
      assert.equal(r[5], '0.5');
    }

    // the same files at another threshold: p(someone) is the score of class 1, 1 - score of class 0
    const j = await runCli(['classify', images, '-m', 'person_exists', '--threshold', '0.9794', '--no-progress'], {env});
    assert.equal(j.code, 0, j.stderr);
    const strict = byFile(jsonl<DecisionRecord>(j.stdout));
    const loose = byFile(rows.slice(1).map((r) => ({file: r[0]!, p1: r[2] === '1' ? Number(r[4]) : 1 - Number(r[4])})));
    strict.forEach((r, i) => {
      assert.equal(r.threshold, 0.9794);
      const p1 = loose[i]!.p1;
      assert.equal(r.decision.class_id, p1 < 0.9794 ? 0 : 1, `${r.file}: p(someone) ${p1}`);
    });
    const bad = await runCli(['classify', images, '-m', 'person_exists', '--threshold', 'high'], {env});
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--threshold must be a number/);
    const topk = await runCli(['classify', images, '-m', 'synthetic:PPLCNet_x0_25', '--threshold', '0.5'], {env});
    assert.equal(topk.code, 2);
    assert.match(topk.stderr, /--threshold applies to yes\/no and attribute models/);

    // resume: half the files, then all; merge two shards back into one CSV
    const resumed = join(work, 'resumed.csv');
    assert.equal((await runCli(['classify', images, '-m', 'person_exists', '-o', resumed, '--shard', '1/2', '--no-progress'], {env})).code, 0);
    const first = csvRows(resumed).length - 1;
    assert.ok(first > 0 && first < files.length);
    const r2 = await runCli(['classify', images, '-m', 'person_exists', '-o', resumed, '--resume', '--no-progress'], {env});
    assert.equal(r2.code, 0, r2.stderr);
    assert.match(r2.stderr, new RegExp(`${first} already done`));
    assert.deepEqual(byFile(csvRows(resumed).slice(1).map((r) => ({file: r[0]!, r}))).map((x) => x.r.slice(0, 6)), byFile(rows.slice(1).map((r) => ({file: r[0]!, r}))).map((x) => x.r.slice(0, 6)));
    const shard2 = join(work, 'shard2.jsonl');
    assert.equal((await runCli(['classify', images, '-m', 'person_exists', '-o', shard2, '--shard', '2/2', '--no-progress'], {env})).code, 0);
    const half = join(work, 'shard1.csv');
    assert.equal((await runCli(['classify', images, '-m', 'person_exists', '-o', half, '--shard', '1/2', '--no-progress'], {env})).code, 0);
    const merged = join(work, 'merged.csv');
    const m = await runCli(['merge', half, shard2, '-o', merged], {env});
    assert.equal(m.code, 0, m.stderr);
    assert.deepEqual(csvRows(merged)[0], rows[0]);
    assert.deepEqual(byFile(csvRows(merged).slice(1).map((r) => ({file: r[0]!, r}))).map((x) => x.r.slice(0, 6)), byFile(rows.slice(1).map((r) => ({file: r[0]!, r}))).map((x) => x.r.slice(0, 6)));

    // an output written for another head is not resumed with this one
    const other = await runCli(['classify', images, '-m', 'synthetic:PPLCNet_x0_25', '-o', out, '--resume', '--no-progress'], {env});
    assert.notEqual(other.code, 0);
    assert.match(other.stderr, /other CSV columns \(thresh output\)/);
  });

  it('the real text_image_orientation graph (seeded weights): top-k records with the PULC labels', async function () {
    const graph = join(SHARED, 'models', 'paddle', 'pulc-graphs', 'text_image_orientation_infer');
    skipWithoutShared(this, graph);
    skipWithoutShared(this, X0_75_PROGRAM);
    const dir = join(work, 'text_image_orientation_infer');
    mkdirSync(dir);
    symlinkSync(join(graph, 'inference.pdmodel'), join(dir, 'inference.pdmodel'));
    writeFileSync(join(dir, 'inference.pdiparams'), seededPulcParameters(readFileSync(join(graph, 'inference.pdmodel')), 4, 9).params);
    const d = await runCli(['download', 'PULC_text_image_orientation', '--from', dir, '--json'], {env});
    assert.equal(d.code, 0, d.stderr);
    const installed = JSON.parse(d.stdout) as {name: string; task: string; classes: number};
    assert.deepEqual([installed.name, installed.task, installed.classes], ['text_image_orientation', 'text-image-orientation', 4]);
    const out = join(work, 'rotation.csv');
    const c = await runCli(['classify', images, '-m', 'text_image_orientation', '-k', '2', '-o', out, '--no-progress'], {env});
    assert.equal(c.code, 0, c.stderr);
    const rows = csvRows(out);
    assert.deepEqual(rows[0], ['file', 'model', 'class_1', 'label_1', 'score_1', 'class_2', 'label_2', 'score_2', 'error', 'size', 'mtime']);
    assert.equal(rows.length, 1 + files.length);
    for (const r of rows.slice(1)) {
      assert.equal(r[3], ['0', '90', '180', '270'][Number(r[2])]);
      assert.equal(r[6], ['0', '90', '180', '270'][Number(r[5])]);
      assert.ok(Number(r[4]) >= Number(r[7]));
    }
  });

  it('a person_attribute model: PaddleClas attributes, output and raw probabilities in JSONL, JSON and CSV, with resume and merge', async function () {
    const d = await runCli(['download', 'person_attribute', '--from', join(work, 'person_attribute_infer'), '--json'], {env});
    assert.equal(d.code, 0, d.stderr);
    assert.equal(JSON.parse(d.stdout).classes, 26);

    const j = await runCli(['classify', images, '-m', 'person_attribute', '--no-progress'], {env});
    assert.equal(j.code, 0, j.stderr);
    const records = byFile(jsonl<AttributeRecord>(j.stdout));
    assert.equal(records.length, files.length);
    const spec = {kind: 'person-attribute' as const, threshold: 0.5, glassesThreshold: 0.3, holdThreshold: 0.6};
    const differentAnswers = new Set<string>();
    for (const r of records) {
      assert.deepEqual(Object.keys(r.probabilities), PERSON_LABELS);
      const probs = PERSON_LABELS.map((l) => r.probabilities[l]!);
      assert.ok(probs.every((p) => p > 0 && p < 1));
      // decoded from the probabilities themselves: no second sigmoid anywhere
      const again = decodePersonAttribute(probs, spec);
      assert.deepEqual(r.attributes, again.attributes);
      assert.deepEqual(r.output, again.output);
      differentAnswers.add(JSON.stringify(r.output));
    }
    assert.ok(differentAnswers.size > 1, 'the images get different attributes');

    const json = join(work, 'attrs.json');
    assert.equal((await runCli(['classify', images, '-m', 'person_attribute', '-o', json, '--no-progress'], {env})).code, 0);
    assert.deepEqual(byFile(JSON.parse(readFileSync(json, 'utf8')) as AttributeRecord[]), records);

    const csv = join(work, 'attrs.csv');
    assert.equal((await runCli(['classify', images, '-m', 'person_attribute', '-o', csv, '--shard', '1/2', '--no-progress'], {env})).code, 0);
    const part = csvRows(csv).length - 1;
    const r2 = await runCli(['classify', images, '-m', 'person_attribute', '-o', csv, '--resume', '--no-progress'], {env});
    assert.equal(r2.code, 0, r2.stderr);
    assert.match(r2.stderr, new RegExp(`${part} already done`));
    const rows = csvRows(csv);
    assert.deepEqual(rows[0]!.slice(0, 13), ['file', 'model', 'gender', 'age', 'direction', 'glasses', 'hat', 'hold_objects', 'bag', 'upper', 'lower', 'boots', 'output']);
    assert.deepEqual(rows[0]!.slice(13, 39), PERSON_LABELS.map((l) => `p:${l}`));
    assert.equal(rows.length, 1 + files.length);
    const fromCsv = byFile(rows.slice(1).map((r) => ({file: r[0]!, attributes: r.slice(2, 12), output: r[12]!.split(' ').map(Number)})));
    assert.deepEqual(fromCsv, records.map((r) => ({file: r.file, attributes: r.attributes, output: r.output})));

    // merge a CSV shard and a JSON Lines shard into JSON Lines: the records come back whole
    const s1 = join(work, 'a1.csv');
    const s2 = join(work, 'a2.jsonl');
    assert.equal((await runCli(['classify', images, '-m', 'person_attribute', '-o', s1, '--shard', '1/2', '--no-progress'], {env})).code, 0);
    assert.equal((await runCli(['classify', images, '-m', 'person_attribute', '-o', s2, '--shard', '2/2', '--no-progress'], {env})).code, 0);
    const merged = join(work, 'attrs-merged.jsonl');
    const m = await runCli(['merge', s1, s2, '-o', merged], {env});
    assert.equal(m.code, 0, m.stderr);
    const back = byFile(jsonl<AttributeRecord>(readFileSync(merged, 'utf8')));
    assert.deepEqual(
      back.map((r) => ({...r, size: null, mtime: null})),
      records.map((r) => ({...r, size: null, mtime: null})),
    );
    const mergedCsv = join(work, 'attrs-merged.csv');
    assert.equal((await runCli(['merge', s2, s1, '-o', mergedCsv], {env})).code, 0);
    assert.deepEqual(csvRows(mergedCsv)[0], rows[0]);
    assert.equal(csvRows(mergedCsv).length, rows.length);
  });

  it('an attribute model installed from an .onnx file (catalogue name): no softmax over its sigmoid outputs', async function () {
    const dir = join(work, 'attr-onnx');
    writeAttributeModel(dir);
    const converted = await convertPaddleDir(dir);
    const onnx = join(work, 'person_attribute.onnx');
    writeFileSync(onnx, converted.onnx);
    const home = {LCNET_HOME: join(work, 'home-onnx')};
    const d = await runCli(['download', 'person_attribute', '--from', onnx], {env: home});
    assert.equal(d.code, 0, d.stderr);
    const c = await runCli(['classify', files[0]!, '-m', 'person_attribute', '--no-progress'], {env: home});
    assert.equal(c.code, 0, c.stderr);
    const [record] = jsonl<AttributeRecord>(c.stdout);
    const sum = Object.values(record!.probabilities).reduce((a, b) => a + b, 0);
    assert.ok(sum > 1.5, `26 independent probabilities, not a distribution (sum ${sum})`);
    // the same network installed from its Paddle folder gives the same probabilities
    const fromDir = {LCNET_HOME: join(work, 'home-dir')};
    assert.equal((await runCli(['download', 'person_attribute', '--from', dir], {env: fromDir})).code, 0);
    const j = await runCli(['classify', files[0]!, '-m', 'person_attribute', '--no-progress'], {env: fromDir});
    assert.equal(j.code, 0, j.stderr);
    assert.deepEqual(jsonl<AttributeRecord>(j.stdout)[0]!.probabilities, record!.probabilities);
  });

  it('eval: a model outside ImageNet on folders named by its labels; a yes/no model by its decision; an attribute model is refused', async function () {
    const dataset = join(work, 'eval');
    mkdirSync(join(dataset, '0_degree'), {recursive: true});
    mkdirSync(join(dataset, '180_degree'), {recursive: true});
    for (const [i, f] of files.entries()) writeFileSync(join(dataset, i % 2 ? '180_degree' : '0_degree', `e${i}.png`), readFileSync(f));
    const e = await runCli(['eval', '--imagenet-val', dataset, '-m', 'synthetic:PPLCNet_x0_25_textline', '--json', '--no-progress'], {env});
    assert.equal(e.code, 0, e.stderr);
    type Report = {dataset: {images: number; notes: string[]}; metrics: {n: number; correctTop1: number; top5K: number; classesPresent: number; worstClasses: {name: string}[]}};
    const report = JSON.parse(e.stdout) as Report;
    assert.equal(report.dataset.images, files.length);
    assert.equal(report.metrics.n, files.length);
    assert.equal(report.metrics.classesPresent, 2);
    assert.equal(report.metrics.top5K, 2);
    assert.deepEqual(report.metrics.worstClasses.map((c) => c.name).sort(), ['0_degree', '180_degree']);

    // the yes/no model: its answer at the published threshold is its top-1 (folders by index here)
    if (existsSync(join(env.LCNET_HOME!, 'models', 'person_exists'))) {
      console.log('      eval of the yes/no model by its decision');
      const byIndex = join(work, 'eval-yesno');
      mkdirSync(join(byIndex, '0'), {recursive: true});
      mkdirSync(join(byIndex, 'someone'), {recursive: true});
      for (const [i, f] of files.entries()) writeFileSync(join(byIndex, i % 2 ? 'someone' : '0', `y${i}.png`), readFileSync(f));
      const y = await runCli(['eval', '--imagenet-val', byIndex, '-m', 'person_exists', '--json', '--no-progress'], {env});
      assert.equal(y.code, 0, y.stderr);
      const yr = JSON.parse(y.stdout) as Report;
      assert.equal(yr.metrics.n, files.length);
      const answers = readFileSync(join(work, 'people.csv'), 'utf8');
      // as many right as the classify run's decisions say
      const rows = parseCsv(answers).rows.slice(1);
      const right = rows.filter((r) => Number(/img_(\d+)/.exec(r[0]!)![1]) % 2 === Number(r[2])).length;
      assert.equal(yr.metrics.correctTop1, right);
    }

    const refused = await runCli(['eval', '--imagenet-val', dataset, '-m', 'person_attribute', '--no-progress'], {env});
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /does not support attribute models/);
    const noReal = await runCli(['eval', '--imagenet-val', dataset, '-m', 'synthetic:PPLCNet_x0_25_textline', '--real', join(dataset, 'real.json'), '--no-progress'], {env});
    assert.equal(noReal.code, 2);
    assert.match(noReal.stderr, /--layout, --ground-truth and --real do not apply/);
  });

  it('bench: PP-LCNetV2 from the architecture definition, and an installed PULC model on images', async function () {
    const v2 = await runCli(['bench', '--model', 'synthetic:PPLCNetV2_base', '--iterations', '1', '--warmup', '0', '--threads', '1', '--batch-size', '1', '--json'], {env});
    assert.equal(v2.code, 0, v2.stderr);
    const report = JSON.parse(v2.stdout) as {model: {name: string; inputSize: number[]}; configs: {images: number}[]};
    assert.deepEqual([report.model.name, report.model.inputSize], ['synthetic:PPLCNetV2_base', [224, 224]]);
    assert.equal(report.configs.length, 1);
    const attr = await runCli(['bench', '--model', 'person_attribute', '--images', images, '--limit', '6', '--iterations', '2', '--warmup', '0', '--threads', '1', '--batch-size', '2', '--json'], {env});
    assert.equal(attr.code, 0, attr.stderr);
    const r = JSON.parse(attr.stdout) as {model: {name: string; inputSize: number[]}; images: number | null};
    assert.deepEqual([r.model.name, r.model.inputSize], ['person_attribute', [256, 192]]);
  });
});
