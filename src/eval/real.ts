/**
 * ImageNet-ReaL labels (Beyer et al. 2020, `real.json`): a JSON array with one list per val image
 * in val order, list i holding every class judged correct for `ILSVRC2012_val_%08d` number i + 1.
 * Empty lists mean the image got no ReaL label; the metrics skip them and say how many.
 */

import {readFile} from 'node:fs/promises';
import {UsageError} from '../errors.js';

function parseRealLabels(text: string, fileName: string, numClasses: number): number[][] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${fileName} is not valid JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(data)) throw new UsageError(`${fileName}: expected a JSON array of label lists`);
  return data.map((entry: unknown, i) => {
    const ok = Array.isArray(entry) && entry.every((c) => Number.isInteger(c) && (c as number) >= 0 && (c as number) < numClasses);
    if (!ok) throw new UsageError(`${fileName}: entry ${i} (val image ${i + 1}) must be a list of class indices 0..${numClasses - 1}`);
    return entry as number[];
  });
}

export async function loadRealLabels(file: string, numClasses: number): Promise<number[][]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ReaL labels ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseRealLabels(text, file, numClasses);
}
