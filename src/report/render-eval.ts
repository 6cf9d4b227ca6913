/**
 * The evaluation part of a report: measured top-1/top-5 (and ImageNet-ReaL when present) beside
 * the documented figures, the most frequent confusions with thumbnails of the images behind
 * each, per-class accuracy sorted from the weakest class, and the images that failed.
 */

import {evalTitle, fmtDiff, fmtPercent, modelLine, shortName, topKLabel} from '../eval/report.js';
import {esc} from './escape.js';
import type {EvalSummary} from './eval-summary.js';
import {baseName, cards, figure, fmtInt, inlineBar, table, type ThumbView} from './html.js';
import {counted} from '../text/plural.js';

export interface EvalView {
  summary: EvalSummary;
  /** the input it was read from */
  input: string;
  /** class names (ImageNet-1k), or null */
  names: readonly string[] | null;
  /** prefix of its section ids, unique in the page */
  id: string;
  maxRows: number;
}

export function renderEval(v: EvalView, thumbs: ThumbView): {nav: {href: string; text: string}[]; body: string[]} {
  const {report, classes, confusions, failed} = v.summary;
  const m = report.metrics;
  const known = new Map<number, string | null>();
  for (const c of m.worstClasses) known.set(c.classId, c.name);
  for (const c of m.confusions) {
    known.set(c.trueClass, c.trueName);
    known.set(c.predicted, c.predictedName);
  }
  // ImageNet-1k's names only for an ImageNet-1k evaluation: a report of another model names its
  // own classes (dataset.labels, and the names in its lists; a report older than dataset.kind is
  // taken for ImageNet only when its own names agree)
  const d = report.dataset;
  const own = d.labels ?? null;
  const imagenet = d.kind === 'class-folders' || own ? null : v.names;
  const names = imagenet && [...known].every(([k, n]) => n === null || imagenet[k] === n) ? imagenet : null;
  const fullName = (id: number) => own?.[id] ?? known.get(id) ?? names?.[id] ?? null;
  const name = (id: number) => shortName(fullName(id), id);
  /** a class in a table: its short name, the full one (every synonym) in the tooltip */
  const classCell = (id: number, html?: string) => ({label: name(id), title: fullName(id) ?? name(id), html});
  const body: string[] = [];
  const id = (s: string) => `${v.id}-${s}`;

  body.push(`<section id="${id('summary')}"><h2>${esc(evalTitle(report.dataset))}</h2>`);
  body.push(`<p class="muted">${esc(baseName(v.input))}: ${esc(`${report.dataset.root} (${report.dataset.layout} layout)`)}</p>`);
  const model = report.model;
  body.push(
    model
      ? `<p class="${model.synthetic ? 'synthetic' : 'muted'} model-line">Model: <b class="model-name">${esc(model.name)}</b>${model.path ? ` (${esc(model.path)})` : ''}${model.synthetic ? ': SYNTHETIC weights, generated from a seed; these accuracies are meaningless' : ''}</p>`
      : `<p class="muted model-line">Model: ${esc(modelLine(undefined))} in this report</p>`,
  );
  body.push(
    cards([
      ['top-1', fmtPercent(m.top1)],
      [topKLabel(m), fmtPercent(m.top5)],
      ...(m.real ? ([['ReaL top-1', fmtPercent(m.real.top1)]] as [string, string][]) : []),
      ['images counted', fmtInt(m.n)],
      ['failed', fmtInt(m.failed.length)],
      ['classes present', fmtInt(m.classesPresent)],
    ]),
  );
  const doc = m.documented;
  const diff = m.difference;
  const rows: string[][] = [
    ['top-1', `#${esc(fmtPercent(m.top1))}`, `#${esc(fmtPercent(doc?.top1 ?? null))}`, `#${esc(fmtDiff(diff?.top1 ?? null))}`],
    [topKLabel(m), `#${esc(fmtPercent(m.top5))}`, `#${esc(fmtPercent(doc?.top5 ?? null))}`, `#${esc(fmtDiff(diff?.top5 ?? null))}`],
    ['mean per-class top-1', `#${esc(fmtPercent(m.meanPerClassTop1))}`, '#', '#'],
  ];
  if (m.real) rows.push([`ReaL top-1 (${esc(counted(m.real.counted, 'image', 'images', fmtInt))})`, `#${esc(fmtPercent(m.real.top1))}`, '#', '#']);
  body.push(table(['metric', 'measured', 'documented', 'difference'], rows));
  if (!doc) body.push('<p class="muted">No documented accuracy is known for this model.</p>');
  if (m.onError === 'exclude' && m.failed.length) body.push('<p class="muted">Failed images are left out of the accuracies (--on-error exclude).</p>');
  body.push('</section>');

  body.push(`<section id="${id('confusions')}"><h2>Most frequent confusions</h2>`);
  if (confusions.length === 0) body.push('<p class="muted">No confusions.</p>');
  else {
    body.push(
      table(
        ['true class', 'taken for', 'images'],
        confusions.map((c, i) => [
          classCell(c.trueClass, c.examples.length ? `<a href="#${id(`pair-${i}`)}">${esc(name(c.trueClass))}</a>` : undefined),
          classCell(c.predicted),
          `#${esc(fmtInt(c.count))}`,
        ]),
      ),
    );
    // each confusion is a card as wide as its images, the cards side by side: 30 confusions of
    // one image each take a few rows, not 30 full-width blocks
    const shown = confusions.map((c, i) => ({c, i})).filter(({c}) => c.examples.length > 0);
    if (shown.length) body.push('<div class="confusions">');
    for (const {c, i} of shown) {
      body.push(`<div class="confusion"><h3 id="${id(`pair-${i}`)}">${esc(name(c.trueClass))} taken for ${esc(name(c.predicted))} <span class="muted">(${esc(fmtInt(c.count))})</span></h3><div class="pair"><div class="grid">`);
      for (const e of c.examples) body.push(figure(thumbs, e, e, `<span class="muted">is ${esc(name(c.trueClass))}</span>`));
      body.push('</div>');
      if (c.reference) body.push(`<div class="grid">${figure(thumbs, c.reference, c.reference, `<span class="muted">a real ${esc(name(c.predicted))}</span>`)}</div>`);
      body.push('</div></div>');
    }
    if (shown.length) body.push('</div>');
  }
  body.push('</section>');

  body.push(`<section id="${id('classes')}"><h2>Per-class accuracy</h2>`);
  if (classes) {
    const shown = classes.slice(0, v.maxRows);
    body.push(`<p class="muted">${esc(counted(classes.length, 'class', 'classes', fmtInt))}, weakest first${classes.length > shown.length ? `; the ${esc(fmtInt(shown.length))} weakest are listed` : ''}.</p>`);
    body.push(
      table(
        ['class', 'id', 'images', 'correct', 'top-1', ''],
        shown.map((c) => [classCell(c.classId), `#${c.classId}`, `#${esc(fmtInt(c.n))}`, `#${esc(fmtInt(c.correct))}`, `#${esc(fmtPercent(c.top1))}`, inlineBar(c.top1, 100, c.top1 < 50, 120)]),
      ),
    );
  } else {
    body.push('<p class="note">This report was written without <code>--per-image</code>: only its weakest classes are known, and confusions have no images. Run <code>lcnet eval ... -o report.json --per-image</code> for all of them.</p>');
    body.push(table(['class', 'id', 'images', 'correct', 'top-1'], m.worstClasses.map((c) => [classCell(c.classId), `#${c.classId}`, `#${c.n}`, `#${c.correct}`, `#${esc(fmtPercent(c.top1))}`])));
  }
  body.push('</section>');

  const nav = [
    {href: id('summary'), text: `Eval ${baseName(v.input)}`},
    {href: id('confusions'), text: 'Confusions'},
    {href: id('classes'), text: 'Per class'},
  ];
  if (m.failed.length) {
    nav.push({href: id('failed'), text: `Failed (${fmtInt(m.failed.length)})`});
    body.push(`<section id="${id('failed')}"><h2>Failed images</h2>`);
    body.push(table(['image', 'error'], failed.map((f) => [esc(f.relPath), esc(f.error)])).replace(/<tr><td>/g, '<tr><td class="path">'));
    if (m.failed.length > failed.length) body.push(`<p class="muted">and ${esc(fmtInt(m.failed.length - failed.length))} more</p>`);
    body.push('</section>');
  }
  return {nav, body};
}
