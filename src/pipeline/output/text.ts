/**
 * The human form of records: one line per file, what `lcnet classify` prints on a terminal and
 * `--format text` asks for anywhere. The file as its record names it, then by kind of model:
 *
 *   photos/cat.jpg    tabby 0.62, tiger cat 0.21, Egyptian cat 0.09
 *   cams/0001.jpg     yes (someone) 0.97
 *   crops/090004.jpg  Male, Age18-60, Back, Backpack, Upper: LongSleeve UpperPlaid, Lower: Trousers, No boots
 *   cars/0002.jpg     color yellow 0.99, type hatchback 0.97
 *   bad.jpg           error: not an image (...)
 *
 * Labels are cut at their first comma: ImageNet's names list synonyms after it ("tench, Tinca
 * tinca"), which would run into the next class. Records stream out as they are made, so the file
 * column cannot be sized on the longest name of the run: it grows to the longest name seen so far,
 * up to a cap, and a longer name is written whole and followed by two spaces, never cut. The form
 * is for reading, not for reading back: --resume and lcnet merge take JSON Lines, JSON or CSV.
 */

import {displayWidth, printable} from './display-width.js';
import {isAttributes, isDecision, isError, type ClassScore, type OutputRecord} from './record.js';

/** Columns the file column grows to at most. */
export const MAX_NAME_WIDTH = 50;

/** Columns between the file and what follows. */
const GAP = 2;

/**
 * A score with two decimals, as PaddleClas and Ultralytics print them; below 0.01 with three
 * (0.004), and below that `<0.001`, so that a small score never reads as a bare 0.00.
 */
export function formatScore(score: number): string {
  if (score === 0) return '0';
  if (score >= 0.0095) return score.toFixed(2);
  if (score >= 0.0005) return score.toFixed(3);
  return '<0.001';
}

/** A label's first name (the text before its first comma). */
export function shortLabel(label: string): string {
  const cut = label.indexOf(',');
  const name = (cut < 0 ? label : label.slice(0, cut)).trim();
  return name === '' ? label.trim() : name;
}

const classScore = (c: ClassScore) => `${shortLabel(c.label)} ${formatScore(c.score)}`;

/** PaddleClas's `Glasses: True` as `Glasses`; `Glasses: False` left out; runs of spaces made one. */
function compactAttribute(a: string): string | null {
  const flag = /^(.*\S):\s*(True|False)$/.exec(a.trim());
  if (flag) return flag[2] === 'True' ? flag[1]! : null;
  return a.trim().replace(/\s+/g, ' ');
}

/** The vehicle string, `Color: (yellow, prob: 0.98934...), Type: (...)`, as `color yellow 0.99, type ...`. */
function compactVehicle(s: string): string {
  return s.replace(/\b(Color|Type): \(([^,()]+), prob: ([-+.\deE]+)\)/g, (_, what: string, name: string, p: string) => `${what.toLowerCase()} ${name} ${formatScore(Number(p))}`);
}

/** What a line says after the file name. */
export function recordText(r: OutputRecord): string {
  if (isError(r)) return `error: ${r.error}`;
  if (isDecision(r)) return `${r.decision.class_id === 1 ? 'yes' : 'no'} (${shortLabel(r.decision.label)}) ${formatScore(r.decision.score)}`;
  if (isAttributes(r)) {
    if (typeof r.attributes === 'string') return compactVehicle(r.attributes);
    return r.attributes.map(compactAttribute).filter((a) => a !== null).join(', ');
  }
  return r.predictions.map(classScore).join(', ');
}

/** Lines for a stream of records, the file column growing with the names seen (up to `maxNameWidth`). */
export class TextLines {
  private width = 0;

  constructor(private readonly maxNameWidth = MAX_NAME_WIDTH) {}

  /** The lines of a batch of records, each ending in a newline, aligned with each other and with earlier batches. */
  lines(records: readonly OutputRecord[]): string {
    const names = records.map((r) => printable(r.file));
    for (const name of names) this.width = Math.max(this.width, Math.min(this.maxNameWidth, displayWidth(name)));
    let text = '';
    records.forEach((r, i) => {
      const name = names[i]!;
      const pad = Math.max(GAP, this.width + GAP - displayWidth(name));
      text += `${name}${' '.repeat(pad)}${printable(recordText(r))}\n`;
    });
    return text;
  }
}
