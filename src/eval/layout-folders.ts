/**
 * The class-folder layouts: `DIR/<class>/...images`. torchvision/timm ImageFolder names the folders
 * by WNID (`n01440764`), mapped through the fixed list of 1000 synsets (never by numbering the
 * folders that happen to exist); ImageNetV2 names them by class index `0`..`999`. Folders that name
 * no known class are reported, and their images, like images directly in DIR, count as unlabeled.
 */

import {join} from 'node:path';
import {compareStrings, type DatasetItem, type EvalDataset} from './dataset.js';
import {listFolders, listImages} from './images.js';
import type {Synsets} from './synsets.js';

export const WNID_FOLDER = /^n\d{8}$/i;
export const INDEX_FOLDER = /^\d+$/;

/** Class of a folder name, `unknown` for a class-like name outside the label space, null otherwise. */
type FolderClassifier = (name: string) => number | 'unknown' | null;

export async function loadClassFolders(layout: 'imagefolder' | 'imagenetv2', root: string, classify: FolderClassifier, numClasses: number): Promise<EvalDataset> {
  const items: DatasetItem[] = [];
  const unlabeledImages = await listImages(root, false);
  const unknownFolders: string[] = [];
  const otherFolders: string[] = [];
  const present = new Set<number>();
  for (const folder of await listFolders(root)) {
    const cls = classify(folder);
    const images = (await listImages(join(root, folder), true)).map((name) => `${folder}/${name}`);
    if (typeof cls === 'number') {
      present.add(cls);
      for (const relPath of images) items.push({file: join(root, relPath), relPath, label: cls});
      continue;
    }
    (cls === 'unknown' ? unknownFolders : otherFolders).push(folder);
    unlabeledImages.push(...images);
  }
  items.sort((a, b) => compareStrings(a.relPath, b.relPath));
  const notes = [`class folders: ${present.size} of ${numClasses} classes present`];
  if (unknownFolders.length > 0) notes.push(`${unknownFolders.length} folder(s) name no ImageNet-1k class: ${unknownFolders.join(', ')}`);
  if (otherFolders.length > 0) notes.push(`${otherFolders.length} folder(s) are not class folders: ${otherFolders.join(', ')}`);
  return {layout, root, labelSource: null, items, unlabeledImages: unlabeledImages.sort(compareStrings), missingImages: [], unknownFolders, notes};
}

export function loadImageFolder(root: string, synsets: Synsets): Promise<EvalDataset> {
  const classify: FolderClassifier = (name) => {
    if (!WNID_FOLDER.test(name)) return null;
    return synsets.classOfWnid.get(name.toLowerCase()) ?? 'unknown';
  };
  return loadClassFolders('imagefolder', root, classify, synsets.wnids.length);
}

export function loadImageNetV2(root: string, numClasses: number): Promise<EvalDataset> {
  const classify: FolderClassifier = (name) => {
    if (!INDEX_FOLDER.test(name)) return null;
    const n = Number(name);
    return n < numClasses ? n : 'unknown';
  };
  return loadClassFolders('imagenetv2', root, classify, numClasses);
}
