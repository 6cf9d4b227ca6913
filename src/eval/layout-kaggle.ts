/**
 * The Kaggle "ImageNet Object Localization Challenge" layout: `LOC_val_solution.csv` with rows
 * `ImageId,PredictionString` in any order, where the first token of PredictionString is the WNID
 * of the image's class (the rest are boxes). Images sit in `ILSVRC/Data/CLS-LOC/val/` below the
 * CSV, or in DIR itself (see locate.ts).
 */

import {readFile} from 'node:fs/promises';
import {UsageError} from '../errors.js';
import type {EvalDataset} from './dataset.js';
import {findImageDir, findLabelFile, KAGGLE_CSV, KAGGLE_IMAGE_DIRS} from './locate.js';
import {pairByStem, stemPairedDataset} from './stem-pairing.js';
import type {Synsets} from './synsets.js';

/** ImageId -> class index. */
export function parseKaggleSolution(text: string, fileName: string, synsets: Synsets): Map<string, number> {
  const rows = text.replace(/^\uFEFF/, '').split('\n');
  if (rows[0]?.replace(/\r$/, '').trim() !== 'ImageId,PredictionString') {
    throw new UsageError(`${fileName}: expected the header 'ImageId,PredictionString'`);
  }
  const labels = new Map<string, number>();
  for (let i = 1; i < rows.length; i++) {
    const row = rows[i]!.replace(/\r$/, '').trim();
    if (row === '') continue;
    const m = /^([^,\s]+),\s*(\S+)/.exec(row);
    if (!m) throw new UsageError(`${fileName}:${i + 1}: expected 'ImageId,WNID ...', got '${row}'`);
    const id = m[1]!;
    const wnid = m[2]!;
    const cls = synsets.classOfWnid.get(wnid);
    if (cls === undefined) throw new UsageError(`${fileName}:${i + 1}: '${wnid}' is not one of the 1000 ImageNet-1k WNIDs`);
    if (labels.has(id)) throw new UsageError(`${fileName}:${i + 1}: ImageId '${id}' appears twice`);
    labels.set(id, cls);
  }
  if (labels.size === 0) throw new UsageError(`${fileName} holds no labels`);
  return labels;
}

export async function loadKaggle(root: string, csvFile: string | null, synsets: Synsets): Promise<EvalDataset> {
  const file = csvFile ?? (await findLabelFile(root, 'kaggle'));
  if (!file) throw new UsageError(`no ${KAGGLE_CSV} in ${root} or its parent folders; give it with --ground-truth`);
  const labels = parseKaggleSolution(await readFile(file, 'utf8'), file, synsets);
  const imageDir = await findImageDir(root, KAGGLE_IMAGE_DIRS);
  const paired = await pairByStem(root, imageDir, labels, (id) => id);
  return stemPairedDataset('kaggle', root, file, imageDir, paired, `labels: ${file} (${labels.size} rows)`);
}
