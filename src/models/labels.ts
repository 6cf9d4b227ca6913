/**
 * Label lists, in the two forms users bring (reference §8): a plain list (line i names class i)
 * or the PaddleClas form `0 tench, Tinca tinca` (index, space, name). A file is read as indexed
 * only when every line has a leading index and the indices are exactly 0..n-1; otherwise every
 * line is a name, so a plain list whose names start with digits is never misread.
 */

import {readFile} from 'node:fs/promises';
import {IMAGENET_LABELS_FILE} from './paths.js';

export function parseLabels(text: string): string[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  if (lines.length === 0) throw new Error('the label file is empty');
  const indexed = lines.map((l) => /^(\d+)[ \t]+(.*\S)\s*$/.exec(l));
  if (indexed.every((m) => m !== null)) {
    const out: string[] = new Array(lines.length);
    for (const m of indexed) {
      const i = Number(m![1]);
      if (i >= lines.length || out[i] !== undefined) return lines.map((l) => l.trim());
      out[i] = m![2]!;
    }
    return out;
  }
  return lines.map((l) => l.trim());
}

export async function readLabels(path: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new Error(`cannot read labels ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseLabels(text);
}

let imagenet: Promise<string[]> | undefined;

/** The 1000 ImageNet-1k class names in sorted-WNID order (PaddleClas imagenet1k_label_list). */
export function imagenetLabels(): Promise<string[]> {
  imagenet ??= readLabels(IMAGENET_LABELS_FILE);
  return imagenet;
}
