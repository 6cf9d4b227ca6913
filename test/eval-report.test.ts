/**
 * The three renderings of an evaluation report: fixed-width console text, Markdown tables, and
 * the full JSON; including a report over zero images (n/a, never NaN).
 */

import assert from 'node:assert/strict';
import {computeMetrics, type LabeledPrediction} from '../src/eval/metrics.js';
import {type EvalReport, REPORT_SCHEMA, REPORT_UNITS} from '../src/eval/report.js';
import {renderJson} from '../src/eval/report-json.js';
import {renderMarkdown} from '../src/eval/report-markdown.js';
import {renderText} from '../src/eval/report-text.js';

const names = ['tench, Tinca tinca', 'goldfish, Carassius auratus', 'a | piped name'];

function report(results: LabeledPrediction[], extra: Partial<EvalReport> = {}): EvalReport {
  return {
    schema: REPORT_SCHEMA,
    units: REPORT_UNITS,
    model: {name: 'PPLCNet_x1_0', path: null, synthetic: false, onnxSha256: 'ab12', resize: 'exact'},
    dataset: {
      root: '/data/val',
      kind: 'imagenet-1k',
      classes: 3,
      layout: 'caffe',
      labelSource: '/data/val/val.txt',
      images: results.length,
      unlabeledImages: ['stray.jpg'],
      missingImages: ['gone.JPEG'],
      unknownFolders: [],
      notes: ['labels: /data/val/val.txt (4 entries)'],
    },
    metrics: computeMetrics(results, {numClasses: 3, documented: {top1: 50, top5: null}, classNames: names, real: [[0], [], [2]]}),
    ...extra,
  };
}

const results: LabeledPrediction[] = [
  {relPath: 'ILSVRC2012_val_00000001.JPEG', label: 0, prediction: {topk: [{classId: 0, score: 0.9}, {classId: 1, score: 0.1}]}},
  {relPath: 'ILSVRC2012_val_00000002.JPEG', label: 1, prediction: {topk: [{classId: 2, score: 0.6}, {classId: 1, score: 0.4}]}},
  {relPath: 'ILSVRC2012_val_00000003.JPEG', label: 2, prediction: {error: 'truncated JPEG'}},
];

describe('eval report rendering', () => {
  it('renders aligned plain text with the comparison, classes, confusions, failures and notes', () => {
    const text = renderText(report(results));
    assert.ok(!text.includes('\x1b'), 'no terminal control codes');
    const lines = text.split('\n');
    const header = lines.find((l) => l.startsWith('metric'))!;
    const top1 = lines.find((l) => l.startsWith('top-1'))!;
    assert.ok(top1.includes('33.33%') && top1.includes('50.00%') && top1.includes('-16.67 pp'), top1);
    assert.equal(top1.indexOf('33.33%') + 6, header.indexOf('measured') + 'measured'.length, 'measured column right-aligned under its header');
    // top-k with k = min(5, classes), named as measured
    assert.ok(
      lines.some((l) => /^top-3\s+66\.67%.*\(k = 3: the model has 3 classes\)$/.test(l)),
      'top-3, with k explained',
    );
    assert.ok(!text.includes('top-5'), 'nothing is called top-5 when k is 3');
    assert.equal(lines[0], 'ImageNet-1k validation (caffe layout)');
    assert.ok(lines.some((l) => /^ {2}model {7}PPLCNet_x1_0$/.test(l)), 'the model is named');
    assert.ok(!/SYNTHETIC/.test(text));
    assert.ok(lines.some((l) => /^ReaL top-1\s+50\.00%/.test(l)));
    assert.ok(text.includes('1 failed (counted wrong)'));
    assert.ok(text.includes('ILSVRC2012_val_00000003.JPEG: truncated JPEG'));
    assert.ok(lines.some((l) => /^\s+1\s+1 goldfish\s+2 a \| piped name$/.test(l)), 'confusion row with short names');
    assert.ok(text.includes('unlabeled   1  stray.jpg'));
    assert.ok(text.includes('missing     1  gone.JPEG'));
    assert.ok(text.includes('labels: /data/val/val.txt (4 entries)'));
  });

  it('renders Markdown tables with escaped cells', () => {
    const md = renderMarkdown(report(results));
    assert.ok(md.startsWith('## ImageNet-1k validation (caffe layout)\n\nModel: `PPLCNet_x1_0`.\n'), md.slice(0, 100));
    assert.ok(md.includes('| top-3 | 66.67% |'), 'top-k named as measured');
    assert.ok(!md.includes('top-5'));
    assert.ok(md.includes('| metric | measured | documented | difference |\n|:---|---:|---:|---:|\n| top-1 | 33.33% | 50.00% | -16.67 pp |'));
    assert.ok(md.includes('| 1 | 1 goldfish | 2 a \\| piped name |'));
    assert.ok(md.includes('| ReaL top-1 (2 images with ReaL labels) | 50.00% |  |  |'));
  });

  it('titles a report by the dataset it read and names its model, with a warning for synthetic weights', () => {
    const folders = report(results, {
      model: {name: 'synthetic:PP-LCNet_x0_25_textline_ori', path: null, synthetic: true},
    });
    folders.dataset = {...folders.dataset, kind: 'class-folders', classes: 2, layout: 'imagefolder'};
    const text = renderText(folders);
    const lines = text.split('\n');
    assert.equal(lines[0], 'Evaluation on class folders (2 classes)');
    assert.match(lines[1]!, /^SYNTHETIC WEIGHTS: synthetic:PP-LCNet_x0_25_textline_ori .*meaningless/);
    assert.ok(!text.includes('ImageNet'));
    const md = renderMarkdown(folders);
    assert.ok(md.startsWith('## Evaluation on class folders (2 classes)\n\n**SYNTHETIC WEIGHTS:** `synthetic:PP-LCNet_x0_25_textline_ori`'), md.slice(0, 120));
    // a model given by its file is named with the path
    const file = report(results, {model: {name: 'my', path: '/models/my.onnx', synthetic: false}});
    assert.ok(renderText(file).split('\n').includes('  model       my (/models/my.onnx)'));
    assert.ok(renderMarkdown(file).includes('Model: `my` (`/models/my.onnx`).'));
    // a report written before the dataset kind was recorded: a neutral title, never ImageNet-1k by default
    const old = report(results, {model: undefined});
    delete old.dataset.kind;
    assert.equal(renderText(old).split('\n')[0], 'Evaluation (caffe layout)');
    assert.ok(renderText(old).includes('  model       not recorded'));
  });

  it('renders the whole report as JSON, per-image results included when present', () => {
    const r = report(results, {perImage: [{relPath: 'ILSVRC2012_val_00000003.JPEG', label: 2, topk: null, error: 'truncated JPEG'}]});
    const json = renderJson(r);
    assert.ok(json.endsWith('}\n'));
    assert.deepEqual(JSON.parse(json), r);
    // the report says what its numbers are
    assert.ok(JSON.parse(json).units.percent.includes('metrics.top1'));
    assert.deepEqual(JSON.parse(json).units.fraction, ['perImage[].topk[].score']);
  });

  it('renders a report over zero images as n/a without NaN', () => {
    const empty = report([]);
    for (const out of [renderText(empty), renderMarkdown(empty), renderJson(empty)]) assert.ok(!out.includes('NaN'));
    assert.ok(renderText(empty).split('\n').some((l) => /^top-1\s+n\/a\s+50\.00%\s+n\/a$/.test(l)));
    assert.equal(JSON.parse(renderJson(empty)).metrics.top1, null);
  });
});
