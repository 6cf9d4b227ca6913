/**
 * Plain-text rendering of an EvalReport for the console: fixed-width columns, no colour, no
 * terminal control codes, so it reads the same in a terminal, a log file or CI output.
 */

import {preview} from './dataset.js';
import {type EvalReport, evalTitle, fmtDiff, fmtPercent, modelLine, shortName, topKLabel} from './report.js';
import {counted} from '../text/plural.js';

const NAME_WIDTH = 28;

function fit(s: string, width: number): string {
  return s.length <= width ? s.padEnd(width) : `${s.slice(0, width - 1)}…`;
}

function row(cells: readonly string[], widths: readonly number[]): string {
  // a negative width left-aligns (and truncates) the cell, a positive one right-aligns it
  return cells
    .map((c, i) => {
      const w = widths[i]!;
      return w < 0 ? fit(c, -w) : c.padStart(w);
    })
    .join('  ')
    .trimEnd();
}

export function renderText(report: EvalReport): string {
  const {dataset: d, metrics: m} = report;
  const out: string[] = [];
  const failedHow = m.onError === 'wrong' ? 'counted wrong' : 'excluded';
  out.push(evalTitle(d));
  if (report.model?.synthetic) out.push(`SYNTHETIC WEIGHTS: ${report.model.name} was generated from a seed for tests and benchmarks; its accuracies are meaningless`);
  out.push(`  model       ${modelLine(report.model)}`);
  out.push(`  root        ${d.root}`);
  out.push(`  layout      ${d.layout}${d.labelSource ? `  (labels: ${d.labelSource})` : ''}`);
  out.push(`  images      ${d.images} labelled, ${m.n} counted, ${m.failed.length} failed (${failedHow})`);
  out.push(`  unlabeled   ${d.unlabeledImages.length}${d.unlabeledImages.length > 0 ? `  ${preview(d.unlabeledImages)}` : ''}`);
  out.push(`  missing     ${d.missingImages.length}${d.missingImages.length > 0 ? `  ${preview(d.missingImages)}` : ''}`);
  if (d.unknownFolders.length > 0) out.push(`  unknown     ${counted(d.unknownFolders.length, 'class folder')}: ${preview(d.unknownFolders)}`);
  out.push('');

  const w = [-22, 9, 11, 10];
  const doc = m.documented;
  out.push(row(['metric', 'measured', 'documented', 'diff'], w));
  out.push(row(['top-1', fmtPercent(m.top1), doc ? fmtPercent(doc.top1) : '-', m.difference ? fmtDiff(m.difference.top1) : '-'], w));
  // k = min(5, classes): a model with fewer classes is measured at top-k, and says so
  const topK = row([topKLabel(m), fmtPercent(m.top5), doc ? fmtPercent(doc.top5) : '-', m.difference ? fmtDiff(m.difference.top5) : '-'], w);
  out.push(m.top5K < 5 ? `${topK}  (k = ${m.top5K}: the model has ${m.top5K} classes)` : topK);
  out.push(row(['mean per-class top-1', fmtPercent(m.meanPerClassTop1), '-', '-'], w) + `  (${counted(m.classesPresent, 'class', 'classes')} present)`);
  if (m.real) {
    const r = m.real;
    out.push(row(['ReaL top-1', fmtPercent(r.top1), '-', '-'], w) + `  (${r.counted} counted, ${r.skippedEmpty} without ReaL label, ${r.skippedUnmatched} unmatched)`);
  }
  if (m.shortPredictions > 0) out.push(`  ${counted(m.shortPredictions, 'prediction')} had fewer than ${counted(m.top5K, 'class', 'classes')}`);

  if (m.worstClasses.length > 0) {
    const cw = [5, -NAME_WIDTH, 5, 7, 7];
    out.push('', 'Lowest top-1 classes');
    out.push(row(['class', 'name', 'n', 'correct', 'top-1'], cw));
    for (const c of m.worstClasses) out.push(row([String(c.classId), shortName(c.name, c.classId), String(c.n), String(c.correct), fmtPercent(c.top1)], cw));
  }
  if (m.confusions.length > 0) {
    const fw = [5, -NAME_WIDTH, -NAME_WIDTH];
    out.push('', 'Most frequent confusions (true -> predicted)');
    out.push(row(['count', 'true', 'predicted'], fw));
    for (const c of m.confusions) {
      out.push(row([String(c.count), `${c.trueClass} ${shortName(c.trueName, c.trueClass)}`, `${c.predicted} ${shortName(c.predictedName, c.predicted)}`], fw));
    }
  }
  if (m.failed.length > 0) {
    out.push('', `Failed images (${m.failed.length})`);
    for (const f of m.failed.slice(0, 10)) out.push(`  ${f.relPath}: ${f.error}`);
    if (m.failed.length > 10) out.push(`  … and ${m.failed.length - 10} more (see the JSON report)`);
  }
  if (d.notes.length > 0) {
    out.push('', 'Notes');
    for (const note of d.notes) out.push(`  ${note}`);
  }
  return out.join('\n') + '\n';
}
