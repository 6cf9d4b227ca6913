/**
 * The predictions part of a report: summary figures, the histogram of top-1 scores, classes by
 * count (each with a strip of its best-scored images), one section per class with its thumbnails
 * sorted by score, low-confidence images, errors grouped by reason, attribute values, and the
 * records the report could not read.
 */

import {classesByCount, type Aggregate, type AggregateOptions, type ClassStats} from './aggregate.js';
import {esc, slug} from './escape.js';
import {cards, figure, fmtInt, fmtPct, fmtScore, histogramSvg, inlineBar, scoreSpan, strip, table, type ThumbView} from './html.js';
import {counted} from '../text/plural.js';

/** thumbnails in the strip beside each class in the class table */
const STRIP = 6;

export interface PredictionsView {
  aggregate: Aggregate;
  options: AggregateOptions;
  /** the path to read for a record's file (relative paths against --root) */
  pathOf: (file: string) => string;
  /** how many classes get a section of their own (the most frequent ones) */
  maxClassSections: number;
}

/** Every image the predictions part shows, as paths to read. */
export function predictionImages(v: PredictionsView): string[] {
  const out: string[] = [];
  const classes = classesByCount(v.aggregate);
  classes.forEach((c, i) => {
    const best = c.best.sorted();
    for (const e of i < v.maxClassSections ? best : best.slice(0, STRIP)) out.push(v.pathOf(e.file));
  });
  for (const e of v.aggregate.lowConfidence.examples.sorted()) out.push(v.pathOf(e.file));
  for (const a of v.aggregate.attributeValues.values()) for (const f of a.files) out.push(v.pathOf(f));
  return out;
}

export interface PredictionsPart {
  nav: {href: string; text: string}[];
  body: string[];
}

export function renderPredictions(v: PredictionsView, thumbs: ThumbView): PredictionsPart {
  const a = v.aggregate;
  const o = v.options;
  const classes = classesByCount(a);
  const nav: {href: string; text: string}[] = [{href: 'summary', text: 'Summary'}];
  const body: string[] = [];
  const fig = (file: string, caption: string) => figure(thumbs, v.pathOf(file), file, caption);

  body.push('<section id="summary"><h2>Summary</h2>');
  const summary: [string, string][] = [
    ['records', fmtInt(a.records)],
    ['classified', fmtInt(a.predictions)],
    ['errors', fmtInt(a.errors)],
    ['classes', fmtInt(a.classes.size)],
    [`low confidence`, fmtInt(a.lowConfidence.count)],
  ];
  if (a.attributes) summary.push(['attribute records', fmtInt(a.attributes)]);
  if (a.unknown) summary.push(['unrecognised records', fmtInt(a.unknown)]);
  if (a.repeated) summary.push(['repeated files', fmtInt(a.repeated)]);
  body.push(cards(summary));
  if (a.repeated) body.push(`<p class="muted">${esc(repeatedNote(a.repeated))}</p>`);
  body.push(modelsNote(a.models));
  body.push('</section>');

  if (a.predictions > 0) {
    nav.push({href: 'scores', text: 'Scores'});
    body.push('<section id="scores"><h2>Top-1 scores</h2>');
    body.push(histogramSvg(a.histogram, {lo: 0, hi: 1, xLabel: 'top-1 score', marker: {at: o.lowConfidence, label: `low confidence < ${o.lowConfidence}`}}));
    body.push('</section>');
  }

  if (classes.length > 0) {
    nav.push({href: 'classes', text: 'Classes'});
    body.push(`<section id="classes"><h2>Classes by count</h2><p class="muted">${esc(counted(classes.length, 'class', 'classes', fmtInt))} as top-1. Click a class to see its images, best scores first.</p>`);
    const maxCount = classes[0]!.count;
    body.push(
      table(
        ['#', 'class', 'images', 'share', '', 'mean top-1', 'best scored'],
        classes.map((c, i) => [
          `#${i + 1}`,
          {label: c.label, html: i < v.maxClassSections ? `<a href="#${slug('class', i)}">${esc(c.label)}</a>` : esc(c.label)},
          `#${esc(fmtInt(c.count))}`,
          `#${esc(fmtPct(c.count, a.predictions))}`,
          inlineBar(c.count, maxCount),
          `#${esc(fmtScore(c.scoreSum / c.count))}`,
          strip(
            thumbs,
            c.best
              .sorted()
              .slice(0, STRIP)
              .map((e) => ({key: v.pathOf(e.file), file: e.file})),
          ),
        ]),
      ),
    );
    if (classes.length > v.maxClassSections) body.push(`<p class="muted">The ${esc(fmtInt(v.maxClassSections))} most frequent classes have a section below.</p>`);
    body.push('</section>');
    classes.slice(0, v.maxClassSections).forEach((c, i) => body.push(classSection(c, i, a.predictions, fig)));
  }

  if (a.predictions > 0) {
    nav.push({href: 'low', text: `Low confidence (${fmtInt(a.lowConfidence.count)})`});
    body.push(
      `<section id="low"><h2>Low confidence</h2><p class="muted">${esc(counted(a.lowConfidence.count, 'image', 'images', fmtInt))} whose top-1 score is below ${esc(o.lowConfidence)} or within ${esc(o.margin)} of the second class.${
        a.lowConfidence.count > a.lowConfidence.examples.size ? ` The ${esc(fmtInt(a.lowConfidence.examples.size))} lowest are shown.` : ''
      }</p>`,
    );
    body.push('<div class="grid">');
    for (const e of a.lowConfidence.examples.sorted()) {
      const second = e.second ? `<br><span class="muted">2nd: <span class="label">${esc(e.second.label)}</span> ${scoreSpan(e.second.score, 'nowrap')}</span>` : '';
      body.push(fig(e.file, `<span class="label">${esc(e.label ?? '')}</span> ${scoreSpan(e.score)}${second}`));
    }
    body.push('</div></section>');
  }

  if (a.errors > 0) {
    nav.push({href: 'errors', text: `Errors (${fmtInt(a.errors)})`});
    const reasons = [...a.errorReasons.values()].sort((x, y) => y.count - x.count || (x.reason < y.reason ? -1 : 1));
    body.push(`<section id="errors"><h2>Errors</h2><p class="muted">${esc(counted(a.errors, 'file', 'files', fmtInt))} ${a.errors === 1 ? 'has' : 'have'} no prediction, for ${esc(counted(reasons.length, 'reason', 'reasons', fmtInt))} (numbers in messages shown as N).</p>`);
    body.push(table(['reason', 'files'], reasons.map((r, i) => [`<a href="#${slug('error', i)}">${esc(r.reason)}</a>`, `#${esc(fmtInt(r.count))}`])));
    reasons.forEach((r, i) => {
      body.push(`<h3 id="${slug('error', i)}">${esc(r.reason)} <span class="muted">(${esc(fmtInt(r.count))})</span></h3>`);
      body.push(table(['file'], r.files.map((f) => [esc(f)])).replace(/<td>/g, '<td class="path">'));
      if (r.count > r.files.length) body.push(`<p class="muted">and ${esc(fmtInt(r.count - r.files.length))} more</p>`);
    });
    body.push('</section>');
  }

  if (a.attributes > 0) {
    nav.push({href: 'attributes', text: 'Attributes'});
    const values = [...a.attributeValues.entries()].sort((x, y) => y[1].count - x[1].count || (x[0] < y[0] ? -1 : 1));
    body.push(`<section id="attributes"><h2>Attribute values</h2><p class="muted">${esc(fmtInt(a.attributes))} attribute records.</p>`);
    body.push(
      table(
        ['value', 'images', 'share', 'examples'],
        values.map(([name, s]) => [{label: name}, `#${esc(fmtInt(s.count))}`, `#${esc(fmtPct(s.count, a.attributes))}`, strip(thumbs, s.files.slice(0, STRIP).map((f) => ({key: v.pathOf(f), file: f})))]),
      ),
    );
    body.push('</section>');
  }

  if (a.unknown > 0) {
    nav.push({href: 'unknown', text: `Unrecognised (${fmtInt(a.unknown)})`});
    body.push(`<section id="unknown"><h2>Unrecognised records</h2><p class="muted">${esc(counted(a.unknown, 'record', 'records', fmtInt))} this version of lcnet cannot show.</p>`);
    body.push(table(['input', 'line', 'file', 'what'], a.unknownRecords.map((u) => [esc(u.input), `#${u.line}`, esc(u.file ?? ''), esc(u.what)])));
    body.push('</section>');
  }
  return {nav, body};
}

function classSection(c: ClassStats, i: number, total: number, fig: (file: string, caption: string) => string): string {
  const best = c.best.sorted();
  const parts = [
    `<section id="${slug('class', i)}"><h3>${esc(c.label)} <span class="muted">class ${esc(c.classId)} · ${esc(fmtInt(c.count))} image${c.count === 1 ? "" : "s"} (${esc(fmtPct(c.count, total))})${
      c.count > best.length ? ` · best ${esc(best.length)} shown` : ''
    } · <a href="#classes">all classes</a></span></h3>`,
    '<div class="grid">',
  ];
  for (const e of best) parts.push(fig(e.file, scoreSpan(e.score)));
  parts.push('</div></section>');
  return parts.join('');
}

/** Which model made the records; records of several models are counted together, and the page says so. */
function modelsNote(models: ReadonlyMap<string, number>): string {
  const names = [...models].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1));
  if (names.length === 0) return '<p class="muted model-line">The records name no model.</p>';
  if (names.length === 1) return `<p class="muted model-line">Records of <b class="model-name">${esc(names[0]![0])}</b>.</p>`;
  const list = names.map(([name, n]) => `<b class="model-name">${esc(name)}</b> (${esc(fmtInt(n))})`).join(', ');
  return `<p class="note model-line">These records name ${esc(names.length)} models, counted together here: ${list}. <code>lcnet merge --model NAME</code> keeps the records of one.</p>`;
}

/** What the report says of records that name a file recorded before (overlapping inputs). */
export function repeatedNote(repeated: number): string {
  return `${fmtInt(repeated)} record${repeated === 1 ? ' names a file' : 's name files'} recorded before in the inputs (overlapping outputs?); every record is counted: \`lcnet merge\` keeps one record per file.`;
}
