/**
 * JSON rendering of an EvalReport: the whole report (every unlabeled and missing name, every
 * failure, per-image predictions when they were collected), pretty-printed, newline-terminated.
 */

import type {EvalReport} from './report.js';

export function renderJson(report: EvalReport): string {
  return JSON.stringify(report, null, 2) + '\n';
}
