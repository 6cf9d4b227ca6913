/**
 * The fixed ImageNet-1k label space, read from `models/labels/` (see SOURCES.md there): class index
 * = position of the WNID in the sorted list of the 1000 ILSVRC2012 synsets, the class names in
 * PaddleClas form, and the ILSVRC2012 devkit id -> class index mapping. Every evaluation layout maps
 * its labels through this one table, never through whatever folders happen to exist.
 */

import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';

const IMAGENET_CLASSES = 1000;

export interface Synsets {
  /** sorted WNIDs; `wnids[i]` is class i */
  wnids: readonly string[];
  /** class names (`tench, Tinca tinca`); `names[i]` is class i */
  names: readonly string[];
  /** WNID -> class index */
  classOfWnid: ReadonlyMap<string, number>;
  /** devkit id k (1-based) -> class index, stored at `classOfDevkitId[k - 1]` */
  classOfDevkitId: readonly number[];
}

/** `models/labels/` of the installed package (this file lives in `dist/src/eval/`). */
export function defaultLabelsDir(): string {
  return fileURLToPath(new URL('../../../models/labels/', import.meta.url));
}

function lines(text: string): string[] {
  const out = text.split('\n').map((l) => l.replace(/\r$/, ''));
  if (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out;
}

/** Parses the three label files and checks them against each other; throws on any inconsistency. */
export function parseSynsets(labelList: string, wnidList: string, devkitList: string): Synsets {
  const names: string[] = [];
  for (const [i, line] of lines(labelList).entries()) {
    const m = /^(\d+) (.+)$/.exec(line);
    if (!m || Number(m[1]) !== i) throw new Error(`imagenet1k.txt line ${i + 1}: expected '${i} <name>'`);
    names.push(m[2]!);
  }
  const wnids = lines(wnidList);
  const classOfWnid = new Map<string, number>();
  for (const [i, w] of wnids.entries()) {
    if (!/^n\d{8}$/.test(w)) throw new Error(`imagenet1k_wnids.txt line ${i + 1}: '${w}' is not a WNID`);
    if (i > 0 && !(wnids[i - 1]! < w)) throw new Error(`imagenet1k_wnids.txt line ${i + 1}: WNIDs must be unique and sorted`);
    classOfWnid.set(w, i);
  }
  const classOfDevkitId: number[] = [];
  for (const [i, w] of lines(devkitList).entries()) {
    const c = classOfWnid.get(w);
    if (c === undefined) throw new Error(`ilsvrc2012_devkit_ids.txt line ${i + 1}: '${w}' is not one of the 1000 WNIDs`);
    classOfDevkitId.push(c);
  }
  if (names.length !== IMAGENET_CLASSES || wnids.length !== IMAGENET_CLASSES || classOfDevkitId.length !== IMAGENET_CLASSES) {
    throw new Error(`label files must hold ${IMAGENET_CLASSES} lines each (names ${names.length}, WNIDs ${wnids.length}, devkit ids ${classOfDevkitId.length})`);
  }
  if (new Set(classOfDevkitId).size !== IMAGENET_CLASSES) throw new Error('ilsvrc2012_devkit_ids.txt maps two devkit ids to the same WNID');
  return {wnids, names, classOfWnid, classOfDevkitId};
}

const cache = new Map<string, Promise<Synsets>>();

/** Loads (once per folder) and validates the label files in `dir`. */
export function loadSynsets(dir: string = defaultLabelsDir()): Promise<Synsets> {
  let p = cache.get(dir);
  if (!p) {
    p = Promise.all(['imagenet1k.txt', 'imagenet1k_wnids.txt', 'ilsvrc2012_devkit_ids.txt'].map((f) => readFile(join(dir, f), 'utf8'))).then(
      ([a, b, c]) => parseSynsets(a!, b!, c!),
    );
    p.catch(() => cache.delete(dir));
    cache.set(dir, p);
  }
  return p;
}
