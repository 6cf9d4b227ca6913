/**
 * Pairs label records keyed by image name without extension (Kaggle `ImageId`, devkit val index)
 * with the image files of one flat folder, whatever their extension. Images no record names,
 * records no image matches, and a second image with the same name (`x.JPEG` beside `x.png`) are
 * reported, never dropped.
 */

import {join} from 'node:path';
import {compareStrings, type DatasetItem, type EvalDataset, type LayoutName, relPosix, splitExtension} from './dataset.js';
import {listImages} from './images.js';

export interface StemPairing {
  items: DatasetItem[];
  unlabeledImages: string[];
  missingImages: string[];
  notes: string[];
}

/**
 * `labels` maps a name stem to its class; `missingName` says how to report a stem without an image.
 * Items and lists come back sorted by path relative to `root`.
 */
export async function pairByStem(root: string, imageDir: string, labels: ReadonlyMap<string, number>, missingName: (stem: string) => string): Promise<StemPairing> {
  const items: DatasetItem[] = [];
  const unlabeledImages: string[] = [];
  const duplicates: string[] = [];
  const found = new Set<string>();
  for (const name of await listImages(imageDir, false)) {
    const file = join(imageDir, name);
    const relPath = relPosix(root, file);
    const stem = splitExtension(name)[0];
    const label = labels.get(stem);
    if (label === undefined) {
      unlabeledImages.push(relPath);
    } else if (found.has(stem)) {
      duplicates.push(relPath);
      unlabeledImages.push(relPath);
    } else {
      found.add(stem);
      items.push({file, relPath, label});
    }
  }
  const missingImages = [...labels.keys()].filter((stem) => !found.has(stem)).map(missingName);
  const notes = duplicates.length > 0 ? [`${duplicates.length} image(s) share a name with another image and were not evaluated: ${duplicates.join(', ')}`] : [];
  items.sort((a, b) => compareStrings(a.relPath, b.relPath));
  return {items, unlabeledImages: unlabeledImages.sort(compareStrings), missingImages: missingImages.sort(compareStrings), notes};
}

/** The dataset of a layout whose labels are paired with one flat image folder by name stem. */
export function stemPairedDataset(layout: LayoutName, root: string, labelSource: string, imageDir: string, paired: StemPairing, labelNote: string): EvalDataset {
  return {
    layout,
    root,
    labelSource,
    items: paired.items,
    unlabeledImages: paired.unlabeledImages,
    missingImages: paired.missingImages,
    unknownFolders: [],
    notes: [labelNote, `images: ${imageDir}`, ...paired.notes],
  };
}
