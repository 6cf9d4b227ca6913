/** What a merge found, as the summary line and warnings on stderr, or as JSON. */

import type {OutputFormat} from '../pipeline/output/record.js';
import {counted, isAre} from '../text/plural.js';

export interface MergeReport {
  /** input files read (glob patterns expanded) */
  inputs: number;
  /** complete records read from all inputs */
  records: number;
  /** files written: one record each */
  files: number;
  /** records left out because another record of the same file was kept */
  duplicates: number;
  /** of those, records that differ from the one kept (predictions or error) */
  conflicting: number;
  /** records written that are errors */
  errors: number;
  /** with --files: paths in the list (each once), else null */
  listed: number | null;
  /** with --files: listed files that have no record, else null */
  gaps: number | null;
  /** with --files: files with a record that the list does not name, else null */
  extras: number | null;
  /** the model the records written come from (none when there are none): a merge keeps one model */
  models: string[];
  /** records left out because they are of another model than --model names, and those models */
  otherModels: {records: number; models: string[]};
  output: string | null;
  format: OutputFormat;
  topk: number;
  /** the top-k of each input, each value once: records keep the predictions they were written with */
  inputTopk: number[];
  /** the --gaps file, and whether it is NUL-separated (a path holds a newline) */
  gapsFile: string | null;
  gapsNulSeparated: boolean;
  /** inputs read only up to their last complete record (an interrupted run) */
  truncated: string[];
  /** a few of the files behind each count, for the warnings */
  examples: {conflicting: string[]; gaps: string[]; extras: string[]};
}

/** Whether the merge is clean: every listed file has a record and no two records of a file disagree. */
export function isClean(r: MergeReport): boolean {
  return !r.gaps && r.conflicting === 0;
}

const eg = (files: string[]) => (files.length ? `, e.g. ${files.map((f) => JSON.stringify(f)).join(', ')}` : '');

/** Warnings for stderr, one per line, before the summary. */
export function reportWarnings(r: MergeReport): string[] {
  const lines: string[] = [];
  if (r.otherModels.records > 0) {
    lines.push(`note: ${counted(r.otherModels.records, 'record')} of other models (${r.otherModels.models.join(', ')}) ${r.otherModels.records === 1 ? 'was' : 'were'} left out: --model keeps those of ${r.models[0]!}`);
  }
  if (r.inputTopk.length > 1 && r.topk > r.inputTopk[0]!) {
    lines.push(`note: the inputs were written with different top-k (${r.inputTopk.join(', ')}): records keep the predictions they have, up to ${r.topk}`);
  }
  if (r.conflicting > 0) lines.push(`warning: ${counted(r.conflicting, 'duplicate record')} ${r.conflicting === 1 ? 'disagrees' : 'disagree'} with the record kept for ${r.conflicting === 1 ? 'its' : 'their'} file${eg(r.examples.conflicting)}`);
  if (r.gaps) {
    const rerun = r.gapsFile ? `; ${r.gaps === 1 ? 'it is' : 'they are'} listed in ${r.gapsFile}: classify ${r.gaps === 1 ? 'it' : 'them'} with lcnet classify - -o rerun.jsonl < ${r.gapsFile}` : ` (--gaps FILE lists ${r.gaps === 1 ? 'it' : 'them'})`;
    lines.push(`warning: ${counted(r.gaps, 'listed file')} ${r.gaps === 1 ? 'has' : 'have'} no record${eg(r.examples.gaps)}${rerun}`);
  }
  if (r.extras) lines.push(`note: ${counted(r.extras, 'record')} ${isAre(r.extras)} for files the --files list does not name${eg(r.examples.extras)}`);
  return lines.map((l) => `lcnet: ${l}`);
}

export function summaryLine(r: MergeReport): string {
  const parts = [
    `${counted(r.records, 'record')} read`,
    `${counted(r.files, 'file')} written`,
    `${counted(r.duplicates, 'duplicate')} (${r.conflicting} conflicting)`,
    counted(r.errors, 'error record'),
  ];
  if (r.gaps !== null) parts.push(counted(r.gaps, 'gap'), counted(r.extras ?? 0, 'extra'));
  if (r.otherModels.records > 0) parts.push(`${r.otherModels.records} of other models left out`);
  const models = r.models.length === 1 ? `model ${r.models[0]}` : 'no model';
  return `lcnet: merged ${counted(r.inputs, 'input')}: ${parts.join(', ')}; ${models}, top ${r.topk}, ${r.format}${r.output ? ` to ${r.output}` : ''}`;
}

export function reportJson(r: MergeReport): string {
  return JSON.stringify(r, null, 2) + '\n';
}
