/**
 * Markdown rendering of an EvalReport for documentation: a summary table comparing measured and
 * documented accuracy, then the lowest-accuracy classes and the most frequent confusions.
 */

import {type EvalReport, evalTitle, fmtDiff, fmtPercent, modelLine, shortName, topKLabel} from './report.js';
import {counted} from '../text/plural.js';

/** Escapes the characters that would break a Markdown table cell. */
function cell(s: string): string {
  return s.replaceAll('\\', '\\\\').replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function table(header: readonly string[], align: readonly ('l' | 'r')[], rows: readonly (readonly string[])[]): string[] {
  return [
    `| ${header.map(cell).join(' | ')} |`,
    `|${align.map((a) => (a === 'r' ? '---:' : ':---')).join('|')}|`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ];
}

export function renderMarkdown(report: EvalReport): string {
  const {dataset: d, metrics: m} = report;
  const doc = m.documented;
  const out: string[] = [`## ${evalTitle(d)}`, ''];
  if (report.model?.synthetic) out.push(`**SYNTHETIC WEIGHTS:** \`${report.model.name}\` was generated from a seed for tests and benchmarks; its accuracies are meaningless.`, '');
  out.push(report.model ? `Model: \`${report.model.name}\`${report.model.path ? ` (\`${report.model.path}\`)` : ''}.` : `Model: ${modelLine(undefined)}.`, '');
  out.push(
    `${counted(m.n, 'image')} counted (${d.images} labelled, ${m.failed.length} failed and ${m.onError === 'wrong' ? 'counted wrong' : 'excluded'}), layout \`${d.layout}\`; ` +
      `${counted(d.unlabeledImages.length, 'unlabeled image')}, ${counted(d.missingImages.length, 'label')} without an image.`,
    '',
  );
  const rows: string[][] = [
    ['top-1', fmtPercent(m.top1), doc ? fmtPercent(doc.top1) : '', m.difference ? fmtDiff(m.difference.top1) : ''],
    [topKLabel(m), fmtPercent(m.top5), doc ? fmtPercent(doc.top5) : '', m.difference ? fmtDiff(m.difference.top5) : ''],
    [`mean per-class top-1 (${counted(m.classesPresent, 'class', 'classes')})`, fmtPercent(m.meanPerClassTop1), '', ''],
  ];
  if (m.real) rows.push([`ReaL top-1 (${counted(m.real.counted, 'image')} with ReaL labels)`, fmtPercent(m.real.top1), '', '']);
  out.push(...table(['metric', 'measured', 'documented', 'difference'], ['l', 'r', 'r', 'r'], rows));
  if (m.worstClasses.length > 0) {
    out.push('', '### Lowest top-1 classes', '');
    out.push(
      ...table(
        ['class', 'name', 'images', 'correct', 'top-1'],
        ['r', 'l', 'r', 'r', 'r'],
        m.worstClasses.map((c) => [String(c.classId), shortName(c.name, c.classId), String(c.n), String(c.correct), fmtPercent(c.top1)]),
      ),
    );
  }
  if (m.confusions.length > 0) {
    out.push('', '### Most frequent confusions', '');
    out.push(
      ...table(
        ['count', 'true class', 'predicted class'],
        ['r', 'l', 'l'],
        m.confusions.map((c) => [String(c.count), `${c.trueClass} ${shortName(c.trueName, c.trueClass)}`, `${c.predicted} ${shortName(c.predictedName, c.predicted)}`]),
      ),
    );
  }
  return out.join('\n') + '\n';
}
