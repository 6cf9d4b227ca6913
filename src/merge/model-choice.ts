/**
 * Which model's records a merge keeps. A merged output holds the records of one model: a file
 * classified by two would otherwise keep whichever record the rules choose, and the output would
 * answer for two models at once. So inputs holding records of more than one model are refused,
 * at the first record of a second model, unless `--model` names the one to keep; the records of
 * the others are then left out, and counted for the report.
 */

import {UsageError} from '../errors.js';
import type {OutputRecord} from '../pipeline/output/record.js';

export class ModelChoice {
  /** records left out because they are of another model than `--model` */
  dropped = 0;
  /** the models of those records */
  readonly others = new Set<string>();
  /** the model of the records kept so far, and where its first record stands */
  private kept: string | null = null;
  private firstAt = '';

  /** `wanted`: the model `--model` names, or undefined to keep the one model the inputs hold */
  constructor(private readonly wanted?: string) {}

  /** The model of the records kept, or null when none was. */
  get model(): string | null {
    return this.kept;
  }

  /**
   * Pass 1: whether `record` (at `line` of the input `path`) is kept. Without `--model`, the first
   * record of a second model is refused with a UsageError naming both models and where they are.
   */
  admit(record: OutputRecord, path: string, line: number): boolean {
    if (record.model === this.kept) return true;
    if (this.wanted !== undefined) {
      if (record.model === this.wanted) {
        this.kept = record.model;
        return true;
      }
      this.dropped++;
      this.others.add(record.model);
      return false;
    }
    if (this.kept === null) {
      this.kept = record.model;
      this.firstAt = `${path}, line ${line}`;
      return true;
    }
    throw new UsageError(
      `the inputs hold records of more than one model: ${this.kept} (${this.firstAt}) and ${record.model} (${path}, line ${line}); merge the outputs of one model, or keep the records of one with --model NAME`,
    );
  }

  /** Pass 2: whether `record` is of the model kept (every record is, without `--model`). */
  keeps(record: OutputRecord): boolean {
    return this.wanted === undefined || record.model === this.wanted;
  }

  /** After pass 1: refuses a `--model` that names none of the models the inputs hold. */
  check(): void {
    if (this.wanted === undefined || this.kept !== null || this.dropped === 0) return;
    throw new UsageError(`no record of model ${this.wanted} in the inputs: they hold records of ${[...this.others].sort().join(', ')} (--model names the model whose records are kept)`);
  }
}
