/**
 * The evaluation dataset model shared by every layout loader: one labelled item per image, plus
 * everything that could not be paired (images without a label, labels without an image, class
 * folders outside the 1000 synsets), so nothing is dropped silently. Also the small path helpers
 * the loaders share: relative paths use `/`, order is by UTF-16 code unit (locale independent).
 */

import {relative, sep} from 'node:path';

export const LAYOUTS = ['paddleclas', 'caffe', 'imagefolder', 'kaggle', 'devkit', 'imagenetv2'] as const;
export type LayoutName = (typeof LAYOUTS)[number];

export function isLayoutName(s: string): s is LayoutName {
  return (LAYOUTS as readonly string[]).includes(s);
}

export interface DatasetItem {
  /** absolute path of the image */
  file: string;
  /** path relative to the dataset root, `/`-separated */
  relPath: string;
  /** class index 0..999 in sorted-WNID order */
  label: number;
}

export interface EvalDataset {
  layout: LayoutName;
  /** absolute dataset root (the DIR the user gave) */
  root: string;
  /** the label file used, or null for folder layouts */
  labelSource: string | null;
  /** sorted by relPath */
  items: DatasetItem[];
  /** images found that no label refers to (relative to root, sorted) */
  unlabeledImages: string[];
  /** label entries whose image was not found, as the label file names them (sorted) */
  missingImages: string[];
  /** class folders that are not one of the 1000 classes (their images are in unlabeledImages) */
  unknownFolders: string[];
  /** human-readable facts about how the dataset was read */
  notes: string[];
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `/`-separated path of `file` relative to `root`. */
export function relPosix(root: string, file: string): string {
  const r = relative(root, file);
  return sep === '/' ? r : r.split(sep).join('/');
}

/** Splits off the extension: `a/b.JPEG` -> [`a/b`, `jpeg`]; no extension -> [path, '']. */
export function splitExtension(path: string): [string, string] {
  const slash = path.lastIndexOf('/');
  const dot = path.lastIndexOf('.');
  if (dot <= slash + 1) return [path, ''];
  return [path.slice(0, dot), path.slice(dot + 1).toLowerCase()];
}

/** Key under which a path matches another that differs only in the case of its extension. */
export function matchKey(path: string): string {
  const [stem, ext] = splitExtension(path);
  return ext === '' ? stem : `${stem}.${ext}`;
}

/** The 1-based val index of `ILSVRC2012_val_00000042.JPEG` (42), or null for other names. */
export function valIndexOf(relPath: string): number | null {
  const base = relPath.slice(relPath.lastIndexOf('/') + 1);
  const m = /^ILSVRC2012_val_(\d{8})(\.[^.]*)?$/i.exec(base);
  if (!m) return null;
  const n = Number(m[1]);
  return n >= 1 ? n : null;
}

/** `ILSVRC2012_val_00000042.JPEG` for 42. */
export function valFileName(index: number): string {
  return `ILSVRC2012_val_${String(index).padStart(8, '0')}.JPEG`;
}

/** First `limit` entries of a list, with `… and N more` when it is longer. */
export function preview(list: readonly string[], limit = 5): string {
  if (list.length <= limit) return list.join(', ');
  return `${list.slice(0, limit).join(', ')} … and ${list.length - limit} more`;
}
