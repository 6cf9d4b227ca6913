/**
 * The evaluation part of a report: measured top-1/top-5 (and ImageNet-ReaL when present) beside
 * the documented figures, the most frequent confusions with thumbnails of the images behind
 * each, per-class accuracy sorted from the weakest class, and the images that failed.
 */

import {fmtDiff, fmtPercent, shortName} from '../eval/report.js';
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
  const name = (id: number) => shortName(v.names?.[id] ?? known.get(id) ?? null, id);
  const body: string[] = [];
  const id = (s: string) => `${v.id}-${s}`;

  body.push(`<section id="${id('summary')}"><h2>Evaluation: ${esc(baseName(v.input))}</h2>`);
  body.push(`<p class="muted">${esc(`${report.dataset.root} (${report.dataset.layout} layout)`)}</p>`);
  body.push(
    cards([
      ['top-1', fmtPercent(m.top1)],
      [`top-${m.top5K}`, fmtPercent(m.top5)],
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
    [`top-${m.top5K}`, `#${esc(fmtPercent(m.top5))}`, `#${esc(fmtPercent(doc?.top5 ?? null))}`, `#${esc(fmtDiff(diff?.top5 ?? null))}`],
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
        confusions.map((c, i) => [`<a href="#${id(`pair-${i}`)}">${esc(name(c.trueClass))}</a>`, esc(name(c.predicted)), `#${esc(fmtInt(c.count))}`]),
      ),
    );
    confusions.forEach((c, i) => {
      if (c.examples.length === 0) return;
      body.push(`<h3 id="${id(`pair-${i}`)}">${esc(name(c.trueClass))} taken for ${esc(name(c.predicted))} <span class="muted">(${esc(fmtInt(c.count))})</span></h3><div class="pair"><div class="grid">`);
      for (const e of c.examples) body.push(figure(thumbs, e, e, `<span class="muted">is ${esc(name(c.trueClass))}</span>`));
      body.push('</div>');
      if (c.reference) body.push(`<div class="grid">${figure(thumbs, c.reference, c.reference, `<span class="muted">a real ${esc(name(c.predicted))}</span>`)}</div>`);
      body.push('</div>');
    });
  }
  body.push('</section>');

  body.push(`<section id="${id('classes')}"><h2>Per-class accuracy</h2>`);
  if (classes) {
    const shown = classes.slice(0, v.maxRows);
    body.push(`<p class="muted">${esc(counted(classes.length, 'class', 'classes', fmtInt))}, weakest first${classes.length > shown.length ? `; the ${esc(fmtInt(shown.length))} weakest are listed` : ''}.</p>`);
    body.push(
      table(
        ['class', 'id', 'images', 'correct', 'top-1', ''],
        shown.map((c) => [esc(name(c.classId)), `#${c.classId}`, `#${esc(fmtInt(c.n))}`, `#${esc(fmtInt(c.correct))}`, `#${esc(fmtPercent(c.top1))}`, inlineBar(c.top1, 100, c.top1 < 50, 120)]),
      ),
    );
  } else {
    body.push('<p class="note">This report was written without <code>--per-image</code>: only its weakest classes are known, and confusions have no images. Run <code>lcnet eval ... -o report.json --per-image</code> for all of them.</p>');
    body.push(table(['class', 'id', 'images', 'correct', 'top-1'], m.worstClasses.map((c) => [esc(name(c.classId)), `#${c.classId}`, `#${c.n}`, `#${c.correct}`, `#${esc(fmtPercent(c.top1))}`])));
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
