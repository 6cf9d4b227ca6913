/**
 * The list layouts: a text file of `relative/path.JPEG 65` lines (class index in sorted-WNID
 * order). PaddleClas names it `val_list.txt` and its paths usually carry a folder (`val/...`);
 * Caffe names it `val.txt` with bare file names in a flat folder. Paths are resolved against the
 * dataset root or, if more of them are found that way, against the list file's own folder. Only the
 * folders the list refers to are scanned, so a root that also holds `train/` costs nothing.
 */

import {readFile} from 'node:fs/promises';
import {dirname, join, posix, resolve} from 'node:path';
import {UsageError} from '../errors.js';
import {compareStrings, type DatasetItem, type EvalDataset, matchKey, relPosix} from './dataset.js';
import {listImages} from './images.js';
import {counted} from '../text/plural.js';

export interface ListEntry {
  /** the path as written (`/`-separated) */
  path: string;
  label: number;
  /** 1-based line number */
  line: number;
}

/** Parses `path label` lines; blank lines are skipped, anything else malformed is an error. */
export function parseLabelList(text: string, fileName: string, numClasses: number): ListEntry[] {
  const entries: ListEntry[] = [];
  const seen = new Map<string, number>();
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.replace(/\r$/, '').trim();
    if (line === '') continue;
    const m = /^(.*\S)\s+(-?\d+)$/.exec(line);
    if (!m) throw new UsageError(`${fileName}:${i + 1}: expected '<path> <class index>', got '${line}'`);
    const label = Number(m[2]);
    if (label < 0 || label >= numClasses) {
      throw new UsageError(
        `${fileName}:${i + 1}: class index ${label} is outside 0..${numClasses - 1} (labels must be 0-based in sorted-WNID order; a list with 1..1000 uses another convention)`,
      );
    }
    const path = posix.normalize(m[1]!.replaceAll('\\', '/'));
    const key = matchKey(path);
    const earlier = seen.get(key);
    if (earlier !== undefined) throw new UsageError(`${fileName}:${i + 1}: '${path}' is already listed on line ${earlier}`);
    seen.set(key, i + 1);
    entries.push({path, label, line: i + 1});
  }
  if (entries.length === 0) throw new UsageError(`${fileName} holds no labels`);
  return entries;
}

interface Resolution {
  base: string;
  /** match key of the image path relative to base -> relative path on disk */
  onDisk: Map<string, string>;
  matched: number;
}

/** Lists the images in the folders the entries name, below `base`, and counts the entries found. */
async function resolveAgainst(base: string, entries: readonly ListEntry[]): Promise<Resolution> {
  const onDisk = new Map<string, string>();
  const folders = [...new Set(entries.map((e) => posix.dirname(e.path)))].sort(compareStrings);
  for (const folder of folders) {
    for (const name of await listImages(join(base, folder), false)) {
      const rel = folder === '.' ? name : `${folder}/${name}`;
      onDisk.set(matchKey(rel), rel);
    }
  }
  const matched = entries.filter((e) => onDisk.has(matchKey(e.path))).length;
  return {base, onDisk, matched};
}

export async function loadListLayout(layout: 'paddleclas' | 'caffe', root: string, listFile: string, numClasses: number): Promise<EvalDataset> {
  const entries = parseLabelList(await readFile(listFile, 'utf8'), listFile, numClasses);
  let best = await resolveAgainst(root, entries);
  const listDir = dirname(resolve(listFile));
  if (listDir !== root && best.matched < entries.length) {
    const other = await resolveAgainst(listDir, entries);
    if (other.matched > best.matched) best = other;
  }
  const items: DatasetItem[] = [];
  const missingImages: string[] = [];
  const used = new Set<string>();
  for (const e of entries) {
    const rel = best.onDisk.get(matchKey(e.path));
    if (rel === undefined) {
      missingImages.push(e.path);
      continue;
    }
    used.add(rel);
    const file = join(best.base, rel);
    items.push({file, relPath: relPosix(root, file), label: e.label});
  }
  const unlabeledImages = [...best.onDisk.values()]
    .filter((rel) => !used.has(rel))
    .map((rel) => relPosix(root, join(best.base, rel)))
    .sort(compareStrings);
  items.sort((a, b) => compareStrings(a.relPath, b.relPath));
  return {
    layout,
    root,
    labelSource: listFile,
    items,
    unlabeledImages,
    missingImages: missingImages.sort(compareStrings),
    unknownFolders: [],
    notes: [
      `labels: ${listFile} (${counted(entries.length, 'entry', 'entries')}); paths resolved against ${best.base}`,
      `images are looked for only in the folders the list names (${new Set(entries.map((e) => posix.dirname(e.path))).size})`,
    ],
  };
}
