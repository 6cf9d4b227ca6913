/**
 * The ILSVRC2012 devkit layout: `ILSVRC2012_validation_ground_truth.txt`, whose line i holds the
 * devkit class id (1..1000, NOT the sorted-WNID class index) of `ILSVRC2012_val_%08d.JPEG` number i.
 * Ids are mapped to class indices through the devkit id -> WNID table in `models/labels/`.
 */

import {readFile} from 'node:fs/promises';
import {UsageError} from '../errors.js';
import {type EvalDataset, splitExtension, valFileName} from './dataset.js';
import {DEVKIT_GROUND_TRUTH, DEVKIT_IMAGE_DIRS, findImageDir, findLabelFile} from './locate.js';
import {pairByStem, stemPairedDataset} from './stem-pairing.js';
import type {Synsets} from './synsets.js';
import {counted} from '../text/plural.js';

/** Image stem (`ILSVRC2012_val_00000001`) -> class index. */
export function parseDevkitGroundTruth(text: string, fileName: string, synsets: Synsets): Map<string, number> {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, '').trim());
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) throw new UsageError(`${fileName} holds no labels`);
  const labels = new Map<string, number>();
  for (const [i, line] of lines.entries()) {
    const id = /^\d+$/.test(line) ? Number(line) : NaN;
    const cls = synsets.classOfDevkitId[id - 1];
    if (cls === undefined) {
      throw new UsageError(`${fileName}:${i + 1}: expected a devkit class id 1..${synsets.classOfDevkitId.length}, got '${line}'`);
    }
    labels.set(splitExtension(valFileName(i + 1))[0], cls);
  }
  return labels;
}

export async function loadDevkit(root: string, groundTruthFile: string | null, synsets: Synsets): Promise<EvalDataset> {
  const file = groundTruthFile ?? (await findLabelFile(root, 'devkit'));
  if (!file) throw new UsageError(`no ${DEVKIT_GROUND_TRUTH} in ${root}, its devkit folder or its parent folders; give it with --ground-truth`);
  const labels = parseDevkitGroundTruth(await readFile(file, 'utf8'), file, synsets);
  const imageDir = await findImageDir(root, DEVKIT_IMAGE_DIRS);
  const paired = await pairByStem(root, imageDir, labels, (stem) => `${stem}.JPEG`);
  return stemPairedDataset('devkit', root, file, imageDir, paired, `labels: ${file} (${counted(labels.size, 'image')}, devkit ids mapped via models/labels/ilsvrc2012_devkit_ids.txt)`);
}
