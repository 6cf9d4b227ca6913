import assert from 'node:assert/strict';
import {copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import sharp from 'sharp';
import type {BenchReport} from '../src/bench/sweep.js';
import type {EvalReport} from '../src/eval/report.js';
import {fmtPercent} from '../src/eval/report.js';
import {imagenetConfig} from '../src/models/architecture.js';
import {buildLCNet} from '../src/models/builder.js';
import {runCli, tempDir} from './support/cli.js';
import {all, checkSelfContained, cssOf, cssRules, type Doc, inlineThumbnails, number, parsePage, text} from './support/report-page.js';
import {link, sampleImages, write} from './support/eval-fixtures.js';
import {writeBadInputs} from './support/images.js';
import {skipWithoutShared, VAL_SAMPLE_DIR} from './support/shared-data.js';

const MODEL = 'synthetic:PPLCNet_x0_25';

interface JsonRecord {
  file: string;
  predictions?: {class_id: number; label: string; score: number}[];
  error?: string;
}

/** Summary cards as {label: value}. */
function cardsOf(d: Doc, scope: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of all(d, `${scope} .card`)) out[text(c.querySelector('span'))] = number(text(c.querySelector('b')));
  return out;
}

describe('lcnet report (from the outputs of the real pipeline)', function () {
  this.timeout(120000);
  let dir: string;
  let jsonl: string;
  let records: JsonRecord[];

  after(() => dir && rmSync(dir, {recursive: true, force: true}));

  before(async function () {
    skipWithoutShared(this, VAL_SAMPLE_DIR);
    dir = tempDir('lcnet-report-');
    const bad = join(dir, 'bad');
    mkdirSync(bad);
    await writeBadInputs(bad);
    // names that must be shown, never run or break out of an attribute
    writeFileSync(join(bad, '<script>.jpg'), 'not an image <script>alert(1)</script>\n');
    copyFileSync(join(VAL_SAMPLE_DIR, 'ILSVRC2012_val_00000001.JPEG'), join(bad, '<img src=x onerror=alert(1)>" q=\'.jpg'));
    jsonl = join(dir, 'preds.jsonl');
    const r = await runCli(['classify', VAL_SAMPLE_DIR, bad, '-m', MODEL, '-o', jsonl]);
    assert.equal(r.code, 1, r.stderr);
    records = readFileSync(jsonl, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as JsonRecord);
    assert.equal(records.length, 107);
  });

  it('writes one self-contained page: counts, classes sorted by count, thumbnails by score, errors by reason', async () => {
    const out = join(dir, 'report.html');
    const r = await runCli(['report', jsonl, '-o', out, '--per-class', '5']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /wrote .*report\.html.*107 records/);
    const {html, document: d} = parsePage(out);
    checkSelfContained(d, html);

    const predicted = records.filter((x) => x.predictions);
    const failed = records.filter((x) => x.error);
    assert.ok(failed.length >= 5, 'the bad inputs failed');
    assert.deepEqual(cardsOf(d, '#summary'), {
      records: 107,
      classified: predicted.length,
      errors: failed.length,
      classes: new Set(predicted.map((x) => x.predictions![0]!.class_id)).size,
      'low confidence': predicted.filter((x) => x.predictions![0]!.score < 0.5 || x.predictions![0]!.score - x.predictions![1]!.score < 0.1).length,
    });

    // classes by count, most first; their counts add up to the predictions
    const rows = all(d, '#classes tbody tr');
    const counts = rows.map((tr) => number(text(tr.querySelectorAll('td')[2])));
    assert.equal(rows.length, cardsOf(d, '#summary').classes);
    assert.equal(counts.reduce((a, b) => a + b, 0), predicted.length);
    assert.deepEqual(counts, [...counts].sort((a, b) => b - a));
    const byLabel = new Map<string, JsonRecord[]>();
    for (const x of predicted) byLabel.set(x.predictions![0]!.label, [...(byLabel.get(x.predictions![0]!.label) ?? []), x]);
    for (const tr of rows) {
      const a = tr.querySelector('a')!;
      const label = text(a);
      const section = d.getElementById(a.getAttribute('href')!.slice(1))!;
      const figures = [...section.querySelectorAll('figure')];
      const expected = byLabel.get(label)!;
      assert.equal(number(text(tr.querySelectorAll('td')[2])), expected.length, label);
      assert.equal(figures.length, Math.min(5, expected.length), `${label}: at most --per-class thumbnails`);
      const scores = figures.map((f) => Number(text(f.querySelector('.score'))));
      assert.deepEqual(scores, [...scores].sort((x, y) => y - x), `${label}: best score first`);
      const best = Math.max(...expected.map((x) => x.predictions![0]!.score));
      assert.equal(scores[0], Number(best.toFixed(3)));
    }
    // every predicted image is readable here: real thumbnails, inline, each written once as a CSS class
    assert.equal(all(d, 'img').length, 0);
    const inline = inlineThumbnails(d, html);
    assert.ok(inline.shown > inline.distinct && inline.distinct > 0, 'thumbnails shown more than once are written once');
    assert.equal(all(d, '.ph').length, 0);

    // errors grouped by reason; the counts add up
    const reasons = all(d, '#errors > table tbody tr');
    assert.equal(reasons.map((tr) => number(text(tr.querySelectorAll('td')[1]))).reduce((a, b) => a + b, 0), failed.length);
    assert.equal(new Set(reasons.map((tr) => text(tr))).size, reasons.length);
    const errorFiles = all(d, '#errors td.path').map(text);
    assert.deepEqual(errorFiles.sort(), failed.map((x) => x.file).sort());

    // hostile names are text, shown as they are
    assert.ok(errorFiles.some((f) => f.endsWith('/<script>.jpg')));
    const hostile = records.find((x) => x.file.includes('onerror'))!;
    assert.ok(hostile.predictions, 'the hostile name is a real image');
    assert.ok(all(d, 'figure .name').some((e) => text(e) === '<img src=x onerror=alert(1)>" q=\'.jpg' && e.getAttribute('title') === hostile.file));
    assert.ok(!html.includes('<img src=x'));

    // the histogram counts every prediction
    const bars = all(d, '#scores svg rect title').map((t) => number(text(t).split(': ')[1]!));
    assert.equal(bars.length, 20);
    assert.equal(bars.reduce((a, b) => a + b, 0), predicted.length);
  });

  it('names the model of the records in the header and the summary, and warns prominently of synthetic weights', async () => {
    const out = join(dir, 'synthetic.html');
    const r = await runCli(['report', jsonl, '-o', out, '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /warning: SYNTHETIC WEIGHTS: synthetic:PPLCNet_x0_25 .*meaningless/);
    assert.deepEqual(JSON.parse(r.stdout).models, [{name: MODEL, synthetic: true}]);
    const {html, document: d} = parsePage(out);
    assert.equal(text(d.querySelector('header .models')), `Model: ${MODEL}`);
    const warning = d.querySelector('header .synthetic');
    assert.match(text(warning), /^SYNTHETIC WEIGHTS: synthetic:PPLCNet_x0_25 was generated from a seed .*meaningless/);
    assert.equal(warning!.getAttribute('role'), 'alert');
    // prominent: a coloured box with a thick bar, in bold
    const css = cssOf(cssRules(html), '.synthetic');
    assert.match(css.get('border-left') ?? '', /^6px solid/);
    assert.equal(css.get('font-weight'), '600');
    assert.match(text(d.querySelector('title')), /SYNTHETIC/);
    assert.equal(text(d.querySelector('#summary .model-line')), `Records of ${MODEL}.`);
  });

  it('names a real model without a warning; says when records of several models are counted together', async () => {
    const record = (file: string, model: string) => JSON.stringify({file, model, predictions: [{class_id: 1, label: 'goldfish', score: 0.9}], size: 1, mtime: null});
    const real = join(dir, 'real.jsonl');
    writeFileSync(real, [record('a.jpg', 'PPLCNet_x1_0'), record('b.jpg', 'PPLCNet_x1_0')].join('\n') + '\n');
    const out = join(dir, 'real.html');
    const r = await runCli(['report', real, '-o', out, '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /SYNTHETIC/);
    assert.deepEqual(JSON.parse(r.stdout).models, [{name: 'PPLCNet_x1_0', synthetic: false}]);
    const {document: d} = parsePage(out);
    assert.equal(text(d.querySelector('header .models')), 'Model: PPLCNet_x1_0');
    assert.equal(all(d, '.synthetic').length, 0);
    assert.doesNotMatch(text(d.querySelector('title')), /SYNTHETIC/);

    const mixed = join(dir, 'mixed.jsonl');
    writeFileSync(mixed, [record('c.jpg', 'PPLCNet_x0_5'), record('d.jpg', MODEL), record('e.jpg', MODEL)].join('\n') + '\n');
    const out2 = join(dir, 'mixed.html');
    assert.equal((await runCli(['report', real, mixed, '-o', out2])).code, 0);
    const {document: m} = parsePage(out2);
    assert.equal(text(m.querySelector('header .models')), `Models: PPLCNet_x1_0 (2 records); ${MODEL} (2 records); PPLCNet_x0_5 (1 record)`);
    assert.equal(all(m, 'header .synthetic').length, 1, 'one warning, for the synthetic model');
    assert.match(text(m.querySelector('#summary .note.model-line')), /^These records name 3 models, counted together here/);
  });

  it('warns when the model the records name is installed here with synthetic weights', async () => {
    const home = tempDir('lcnet-home-');
    try {
      const onnx = join(home, 'seeded.onnx');
      writeFileSync(onnx, buildLCNet({config: imagenetConfig(0.25, 3, [64, 64]), seed: 3}).bytes);
      writeFileSync(join(home, 'labels.txt'), 'a\nb\nc\n');
      const installed = await runCli(['download', '--from', onnx, '--labels', join(home, 'labels.txt'), '--name', 'PPLCNet_x1_0'], {env: {LCNET_HOME: home}});
      assert.equal(installed.code, 0, installed.stderr);
      // records naming it, written elsewhere: only this machine's store says the weights are synthetic
      const records = join(dir, 'seeded.jsonl');
      writeFileSync(records, JSON.stringify({file: 'a.jpg', model: 'PPLCNet_x1_0', predictions: [{class_id: 0, label: 'a', score: 0.9}], size: 1, mtime: null}) + '\n');
      const out = join(dir, 'seeded.html');
      const r = await runCli(['report', records, '-o', out, '--json'], {env: {LCNET_HOME: home}});
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout).models, [{name: 'PPLCNet_x1_0', synthetic: true}]);
      const {document: d} = parsePage(out);
      assert.match(text(d.querySelector('header .synthetic')), /the model PPLCNet_x1_0 installed in this machine's model store was generated from a seed/);
      // the same records with a store that does not hold it: nothing to say
      const r2 = await runCli(['report', records, '-o', join(dir, 'seeded2.html'), '--json']);
      assert.deepEqual(JSON.parse(r2.stdout).models, [{name: 'PPLCNet_x1_0', synthetic: false}]);
    } finally {
      rmSync(home, {recursive: true, force: true});
    }
  });

  it('lays captions out to wrap at separators, never at the extension dot or inside a score; class labels wrap, with their full name', async () => {
    const out = join(dir, 'layout.html');
    const r = await runCli(['report', jsonl, '-o', out]);
    assert.equal(r.code, 0, r.stderr);
    const {html, document: d} = parsePage(out);
    const css = cssRules(html);
    // a caption is as wide as its thumbnail (it never widens the figure) and breaks no word in two
    const caption = cssOf(css, 'figcaption');
    assert.equal(caption.get('width'), '0');
    assert.equal(caption.get('min-width'), '100%');
    assert.ok(!/break-all/.test(html), 'nothing breaks between any two letters (word-break: break-all)');
    // a file name: a part too long for the caption is cut with an ellipsis, never wrapped inside
    const name = cssOf(css, 'figcaption .name');
    assert.deepEqual([name.get('overflow'), name.get('text-overflow'), name.get('overflow-wrap')], ['hidden', 'ellipsis', 'normal']);
    for (const selector of ['.score', '.nowrap']) assert.equal(cssOf(css, selector).get('white-space'), 'nowrap', selector);

    const names = all(d, 'figcaption .name');
    assert.ok(names.length > 50, `${names.length} names`);
    for (const n of names) {
      const title = n.getAttribute('title')!;
      const shown = text(n);
      assert.ok(title.endsWith(`/${shown}`), `${title}: the tooltip holds the whole path of ${shown}`);
      // a name wraps only after _ - . or a space inside its stem: the extension stays with the part before it
      const parts = n.innerHTML.split('<wbr>');
      for (const part of parts.slice(0, -1)) assert.match(part, /[_\-. ]$/, `${shown}: breaks after a separator`);
      const dot = shown.lastIndexOf('.');
      if (dot > 0) assert.ok(parts[parts.length - 1]!.length > shown.length - dot, `${shown}: its extension is not a part of its own`);
    }
    const one = names.find((n) => text(n) === 'ILSVRC2012_val_00000002.JPEG')!;
    assert.equal(one.innerHTML, 'ILSVRC2012_<wbr>val_<wbr>00000002.JPEG');

    // every score in a caption is one unbreakable element, the runner-up's too
    let seconds = 0;
    for (const c of all(d, 'figcaption')) {
      for (const e of c.querySelectorAll('.score, .nowrap')) assert.match(text(e), /^\d\.\d{3}$/);
      const outside = c.innerHTML
        .replace(/<span class="name"[^>]*>.*?<\/span>/, ' ')
        .replace(/<span class="(score|nowrap)">[^<]*<\/span>/g, ' ')
        .replace(/<[^>]+>/g, ' ');
      assert.doesNotMatch(outside, /\d\.\d/, `${text(c)}: a score outside an unbreakable element`);
      if (c.querySelector('.nowrap')) seconds++;
    }
    assert.ok(seconds > 0, 'low-confidence captions with a runner-up were checked');

    // the class table: labels wrap between words (never inside one), their full name in the tooltip
    const labels = all(d, '#classes td.label');
    assert.equal(labels.length, all(d, '#classes tbody tr').length);
    for (const td of labels) assert.equal(td.getAttribute('title'), text(td));
    const label = cssOf(css, 'td.label');
    assert.equal(label.get('overflow-wrap'), 'break-word');
    assert.ok(label.get('min-width'), 'a label column is never squeezed to a letter a line');
  });

  it('reads several parts in any format into a folder report; missing images get a placeholder; unknown records are listed', async () => {
    const csv = join(dir, 'part1.csv');
    const json = join(dir, 'part2.json');
    for (const [shard, out] of [
      ['1/2', csv],
      ['2/2', json],
    ] as const) {
      const r = await runCli(['classify', VAL_SAMPLE_DIR, join(dir, 'bad'), '-m', MODEL, '-o', out, '--shard', shard, '--topk', '2']);
      assert.ok(r.code === 0 || r.code === 1, r.stderr);
    }
    // a part with a moved image and records of kinds this version does not write
    const extra = join(dir, 'part3.jsonl');
    const lines = [
      {file: join(dir, 'moved-away.jpg'), model: 'm', predictions: [{class_id: 7, label: 'cock', score: 0.9}], size: 1, mtime: null},
      {file: join(dir, 'yes.jpg'), model: 'PP-LCNet_x1_0_person_exists', decision: {class_id: 1, label: 'someone', score: 0.8}, threshold: 0.5, size: 1, mtime: null},
      {file: join(dir, 'attr.jpg'), model: 'PP-LCNet_x1_0_vehicle_attribute', attributes: 'Color: (red, prob: 0.9), Type: (suv, prob: 0.8)', output: [1], probabilities: {red: 0.9}, size: 1, mtime: null},
      {file: join(dir, 'odd.jpg'), model: 'm', something: 'else'},
    ];
    writeFileSync(extra, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');

    const out = join(dir, 'folder-report');
    const r = await runCli(['report', csv, json, extra, '-o', out, '--progress']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /1 record is not an lcnet record this version can show; it is counted and listed in the report/);
    const page = join(out, 'index.html');
    const {html, document: d} = parsePage(page);
    checkSelfContained(d, html);
    const cards = cardsOf(d, '#summary');
    assert.equal(cards.records, 107 + lines.length);
    assert.equal(cards.classified, records.filter((x) => x.predictions).length + 2);
    assert.equal(cards['attribute records'], 1);
    assert.equal(cards['unrecognised records'], 1);
    // the shards do not overlap: nothing is said of repeated files
    assert.equal(cards['repeated files'], undefined);
    assert.doesNotMatch(r.stderr, /recorded before/);
    assert.match(text(d.querySelector('#unknown tbody')), /odd\.jpg.*something/);
    assert.ok(all(d, '#classes td a').some((a) => text(a) === 'someone'), 'a yes/no decision counts as its class');
    assert.deepEqual(
      all(d, '#attributes tbody tr').map((tr) => text(tr.querySelector('td'))),
      ['Color: red', 'Type: suv'],
    );

    // thumbnails are files beside the page, each one there
    const thumbs = all(d, 'img').map((i) => i.getAttribute('src')!);
    assert.ok(thumbs.length > 0);
    for (const src of thumbs) {
      assert.match(src, /^thumbnails\/[0-9a-f]{20}\.jpg$/);
      assert.ok(existsSync(join(out, src)), src);
    }
    // each <img> knows its thumbnail's size (the page lays out before the images load)
    for (const img of all(d, 'img').slice(0, 20)) {
      const m = await sharp(join(out, img.getAttribute('src')!)).metadata();
      assert.deepEqual([img.getAttribute('width'), img.getAttribute('height')], [String(m.width), String(m.height)]);
    }
    assert.equal(readdirSync(join(out, 'thumbnails')).length, new Set(thumbs).size);
    // the moved image: a placeholder in its class section, and the report still written
    const moved = all(d, 'figure').find((f) => text(f.querySelector('.name')) === 'moved-away.jpg')!;
    assert.ok(moved, 'the moved image is shown');
    assert.equal(moved.querySelector('img'), null);
    assert.equal(text(moved.querySelector('.ph')), 'no preview');

    // an existing report is refused, then replaced with --overwrite
    const again = await runCli(['report', csv, '-o', out]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /--overwrite/);
    assert.equal((await runCli(['report', csv, '-o', out, '--overwrite'])).code, 0);
  });

  it('says how many records name a file recorded before when its inputs overlap, and counts them all', async () => {
    const record = (file: string, label: string, mtime: string | null) => ({file, model: 'm', predictions: [{class_id: label.length, label, score: 0.9}], size: 1, mtime});
    const first = join(dir, 'overlap-1.jsonl');
    const second = join(dir, 'overlap-2.jsonl');
    writeFileSync(first, ['photos/a.jpg', 'photos/b.jpg', 'photos/c.jpg'].map((f) => JSON.stringify(record(f, 'cat', null))).join('\n') + '\n');
    // b.jpg again under another spelling of its path, c.jpg classified again, d.jpg new
    writeFileSync(second, [record('./photos/b.jpg', 'cat', null), record('photos/c.jpg', 'dog', '2026-12-01T00:00:00.000Z'), record('photos/d.jpg', 'dog', null)].map((l) => JSON.stringify(l)).join('\n') + '\n');
    const out = join(dir, 'overlap.html');
    const r = await runCli(['report', first, second, '-o', out, '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /warning: 2 records name files recorded before in the inputs .*lcnet merge/);
    assert.equal(JSON.parse(r.stdout).repeated, 2);
    const {document: d} = parsePage(out);
    const cards = cardsOf(d, '#summary');
    assert.equal(cards.records, 6);
    assert.equal(cards['repeated files'], 2);
    assert.match(text(d.querySelector('#summary p')), /every record is counted/);
  });

  it('refuses what is not lcnet output, and bad thresholds', async () => {
    const notOurs = join(dir, 'notes.csv');
    writeFileSync(notOurs, 'a,b,c\n1,2,3\n');
    const r = await runCli(['report', notOurs, '-o', join(dir, 'x.html')]);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /not look like lcnet CSV/);
    assert.ok(!existsSync(join(dir, 'x.html')));
    const t = await runCli(['report', jsonl, '-o', join(dir, 'y.html'), '--low-confidence', '2']);
    assert.equal(t.code, 2);
    assert.match(t.stderr, /--low-confidence must be a number from 0 to 1/);
  });

  it('shows an evaluation: accuracies with the documented figures, per-class accuracy, confusions with their images', async () => {
    const flat = join(dir, 'val');
    const images = sampleImages();
    for (const img of images) await link(img.path, join(flat, img.name));
    await write(join(flat, 'val.txt'), images.map((i) => `${i.name} ${i.label}`).join('\n') + '\n');
    const evalJson = join(dir, 'eval.json');
    const e = await runCli(['eval', '--imagenet-val', flat, '-m', MODEL, '--per-image', '--output', evalJson]);
    assert.equal(e.code, 0, e.stderr);
    const report = JSON.parse(readFileSync(evalJson, 'utf8')) as EvalReport;

    const out = join(dir, 'eval.html');
    const r = await runCli(['report', evalJson, '-o', out]);
    assert.equal(r.code, 0, r.stderr);
    const {html, document: d} = parsePage(out);
    checkSelfContained(d, html);
    // what was evaluated, by which model: synthetic, so the header and the section say so
    assert.equal(text(d.querySelector('#eval1-summary h2')), 'ImageNet-1k validation (caffe layout)');
    assert.match(text(d.querySelector('#eval1-summary .model-line')), /^Model: synthetic:PPLCNet_x0_25: SYNTHETIC weights/);
    assert.match(text(d.querySelector('header .synthetic')), /SYNTHETIC WEIGHTS: synthetic:PPLCNet_x0_25/);
    assert.match(text(d.querySelector('header .models')), /synthetic:PPLCNet_x0_25/);
    const cards = all(d, '#eval1-summary .card').map((c) => [text(c.querySelector('span')), text(c.querySelector('b'))]);
    assert.deepEqual(cards.slice(0, 2), [
      ['top-1', fmtPercent(report.metrics.top1)],
      ['top-5', fmtPercent(report.metrics.top5)],
    ]);
    const firstRow = all(d, '#eval1-summary tbody tr')[0]!;
    assert.equal(text(firstRow.querySelectorAll('td')[1]), fmtPercent(report.metrics.top1));
    // per-class: one row per class present, weakest first, images add up
    const classRows = all(d, '#eval1-classes tbody tr').map((tr) => [...tr.querySelectorAll('td')].map((td) => text(td)));
    assert.equal(classRows.length, report.metrics.classesPresent);
    assert.equal(classRows.reduce((n, row) => n + number(row[2]!), 0), report.metrics.n);
    const acc = classRows.map((row) => Number(row[4]!.replace('%', '')));
    assert.deepEqual(acc, [...acc].sort((a, b) => a - b));
    assert.equal(classRows.reduce((n, row) => n + number(row[3]!), 0), report.metrics.correctTop1);
    // confusions: the most frequent first, each with the images behind it
    const pairs = all(d, '#eval1-confusions tbody tr');
    assert.ok(pairs.length > 0);
    const top = report.metrics.confusions[0]!;
    assert.equal(number(text(pairs[0]!.querySelectorAll('td')[2])), top.count);
    const target = d.getElementById(pairs[0]!.querySelector('a')!.getAttribute('href')!.slice(1))!;
    const figures = [...target.nextElementSibling!.querySelectorAll('figure')];
    assert.ok(figures.length >= Math.min(top.count, 4));
    assert.ok(figures.every((f) => f.querySelector('.th')));
    inlineThumbnails(d, html);
    // the confusions are cards side by side in one wrapping container, each as wide as its images
    // (30 confusions of one image each are a few rows, not 30 full-width blocks)
    const pairHeadings = all(d, '#eval1-confusions h3');
    assert.equal(pairHeadings.length, pairs.length);
    for (const h of pairHeadings) assert.ok(h.closest('.confusions > .confusion'), `${text(h)}: a card in the grid`);
    assert.equal(all(d, '#eval1-confusions figure').length, all(d, '#eval1-confusions .confusions > .confusion figure').length);
    const css = cssRules(html);
    const grid = cssOf(css, '.confusions');
    assert.deepEqual([grid.get('display'), grid.get('flex-wrap')], ['flex', 'wrap']);
    const heading = cssOf(css, '.confusion h3');
    assert.deepEqual([heading.get('width'), heading.get('min-width')], ['0', '100%'], 'a heading never widens its card');
    // classes shown by their first name, every name in the tooltip
    const classCells = all(d, '#eval1-classes td.label');
    for (const td of classCells) assert.ok(td.getAttribute('title')!.startsWith(text(td)), text(td));
    assert.ok(classCells.some((td) => td.getAttribute('title')!.length > text(td).length), 'some class has more names than the one shown');
  });

  it('draws a benchmark sweep: images/s and p99 per configuration, and the stage costs', async () => {
    const b = await runCli(['bench', '--model', MODEL, '--images', VAL_SAMPLE_DIR, '--limit', '8', '--threads', '1', '--batch-size', '1,4', '--iterations', '2', '--warmup', '0', '--json']);
    assert.equal(b.code, 0, b.stderr);
    const benchJson = join(dir, 'bench.json');
    writeFileSync(benchJson, b.stdout);
    const bench = JSON.parse(b.stdout) as BenchReport;
    const out = join(dir, 'bench.html');
    const r = await runCli(['report', benchJson, jsonl, '-o', out]);
    assert.equal(r.code, 0, r.stderr);
    const {html, document: d} = parsePage(out);
    checkSelfContained(d, html);
    assert.ok(d.getElementById('summary'), 'the predictions part is there too');
    const charts = all(d, '#bench1-sweep svg');
    assert.equal(charts.length, 2);
    for (const svg of charts) assert.equal(svg.querySelectorAll('rect').length, bench.configs.length);
    const rows = all(d, '#bench1-sweep tbody tr').map((tr) => [...tr.querySelectorAll('td')].map((td) => text(td)));
    assert.deepEqual(
      rows.map((row) => [Number(row[2]), row[3], row[6]]),
      bench.configs.map((c) => [c.batchSize, c.imagesPerSecond.toFixed(1), c.latencyMs.p99.toFixed(1)]),
    );
    const stages = all(d, '#bench1-stages tbody tr');
    assert.equal(stages.length, bench.configs.length);
    assert.match(text(d.querySelector('#bench1-summary .note')), /bottleneck/);
    // the bench's model, whose speed means something: said so in its warning
    assert.match(text(d.querySelector('header .models')), /synthetic:PPLCNet_x0_25 \(\d+ records, benchmark bench\.json\)/);
    assert.match(text(d.querySelector('header .synthetic')), /SYNTHETIC WEIGHTS: synthetic:PPLCNet_x0_25 .*meaningless/);
  });
});
