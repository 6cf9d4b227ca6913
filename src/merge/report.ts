/** What a merge found, as the summary line and warnings on stderr, or as JSON. */

import type {OutputFormat} from '../pipeline/output/record.js';

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
    lines.push(`note: ${r.otherModels.records} records of other models (${r.otherModels.models.join(', ')}) were left out: --model keeps those of ${r.models[0]!}`);
  }
  if (r.inputTopk.length > 1 && r.topk > r.inputTopk[0]!) {
    lines.push(`note: the inputs were written with different top-k (${r.inputTopk.join(', ')}): records keep the predictions they have, up to ${r.topk}`);
  }
  if (r.conflicting > 0) lines.push(`warning: ${r.conflicting} duplicate records disagree with the record kept for their file${eg(r.examples.conflicting)}`);
  if (r.gaps) {
    const rerun = r.gapsFile ? `; they are listed in ${r.gapsFile}: classify them with lcnet classify - -o rerun.jsonl < ${r.gapsFile}` : ' (--gaps FILE lists them)';
    lines.push(`warning: ${r.gaps} listed files have no record${eg(r.examples.gaps)}${rerun}`);
  }
  if (r.extras) lines.push(`note: ${r.extras} records are for files the --files list does not name${eg(r.examples.extras)}`);
  return lines.map((l) => `lcnet: ${l}`);
}

export function summaryLine(r: MergeReport): string {
  const parts = [
    `${r.records} records read`,
    `${r.files} files written`,
    `${r.duplicates} duplicates (${r.conflicting} conflicting)`,
    `${r.errors} error records`,
  ];
  if (r.gaps !== null) parts.push(`${r.gaps} gaps`, `${r.extras} extras`);
  if (r.otherModels.records > 0) parts.push(`${r.otherModels.records} of other models left out`);
  const models = r.models.length === 1 ? `model ${r.models[0]}` : 'no model';
  return `lcnet: merged ${r.inputs} inputs: ${parts.join(', ')}; ${models}, top ${r.topk}, ${r.format}${r.output ? ` to ${r.output}` : ''}`;
}

export function reportJson(r: MergeReport): string {
  return JSON.stringify(r, null, 2) + '\n';
}
