/**
 * Fixtures for the eval tests: where `../shared` is, the 100 sample val images with their ground
 * truth (read here independently of src/eval), temporary dataset folders built from them by
 * symbolic links, and a deterministic fake predictor whose answer depends only on an image's bytes.
 */

import {createHash} from 'node:crypto';
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs';
import {mkdir, symlink, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import type {Prediction, ScoredClass} from '../../src/eval/metrics.js';
import type {Predictor} from '../../src/eval/run.js';

import {ROOT as REPO_ROOT, SHARED} from './shared-data.js';

export {REPO_ROOT, SHARED};
export const META = join(SHARED, 'imagenet', 'meta');
export const VAL_SAMPLE = join(SHARED, 'imagenet', 'val-sample');
export const LABELS_DIR = join(REPO_ROOT, 'models', 'labels');

export function haveShared(): boolean {
  return existsSync(VAL_SAMPLE) && existsSync(META);
}

export const SKIP_MESSAGE = `skipped: ${SHARED} (the read-only ImageNet sample and metadata) is not present`;

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export interface SampleImage {
  /** `ILSVRC2012_val_00000001.JPEG` */
  name: string;
  path: string;
  /** class index from ../shared/imagenet/meta/val.txt */
  label: number;
  hash: string;
}

/** The 100 sample images, sorted by name, with their labels from the shared val.txt. */
export function sampleImages(): SampleImage[] {
  const truth = new Map<string, number>();
  for (const line of readFileSync(join(META, 'val.txt'), 'utf8').split('\n')) {
    const [name, label] = line.trim().split(/\s+/);
    if (name && label) truth.set(name, Number(label));
  }
  return readdirSync(VAL_SAMPLE)
    .filter((n) => n.endsWith('.JPEG'))
    .sort()
    .map((name) => {
      const path = join(VAL_SAMPLE, name);
      const label = truth.get(name);
      if (label === undefined) throw new Error(`no ground truth for ${name}`);
      return {name, path, label, hash: sha256(readFileSync(path))};
    });
}

/** Sorted WNIDs, line i = class i, read straight from models/labels. */
export function wnidList(): string[] {
  return readFileSync(join(LABELS_DIR, 'imagenet1k_wnids.txt'), 'utf8').trim().split('\n');
}

export function makeTempDir(tag: string): string {
  return mkdtempSync(join(tmpdir(), `lcnet-eval-${tag}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, {recursive: true, force: true});
}

/** Symbolic link `dest` -> `src`, creating dest's folder. */
export async function link(src: string, dest: string): Promise<void> {
  await mkdir(dirname(dest), {recursive: true});
  await symlink(src, dest);
}

export async function write(dest: string, text: string): Promise<void> {
  await mkdir(dirname(dest), {recursive: true});
  await writeFile(dest, text);
}

/**
 * What the fake predictor answers for an image with these bytes' hash: an error for ~5 % of images;
 * otherwise five classes where the true class (looked up by hash, so only the content matters) is
 * first for 40 %, second to fifth for 40 % and absent for 20 %.
 */
export function fakePrediction(hash: string, truthByHash: ReadonlyMap<string, number>, numClasses: number): Prediction {
  const h = Buffer.from(hash, 'hex');
  if (h[1]! < 13) return {error: `fake decode failure ${hash.slice(0, 8)}`};
  const label = truthByHash.get(hash);
  const ids: number[] = [];
  for (let j = 2; ids.length < 5; j += 2) {
    const c = (h[j % 32]! * 256 + h[(j + 1) % 32]! + j) % numClasses;
    if (c !== label && !ids.includes(c)) ids.push(c);
  }
  const slot = h[0]! % 10;
  if (label !== undefined && slot < 8) ids.splice(slot < 4 ? 0 : slot - 3, 0, label);
  const scores = [0.5, 0.2, 0.1, 0.05, 0.02];
  return {topk: ids.slice(0, 5).map((classId, i): ScoredClass => ({classId, score: scores[i]!}))};
}

/** A Predictor that reads each file, answers with fakePrediction, and reports in reverse order. */
export function fakePredictor(truthByHash: ReadonlyMap<string, number>, numClasses = 1000): Predictor {
  return async (files, onResult) => {
    for (let i = files.length - 1; i >= 0; i--) {
      await new Promise<void>((r) => setImmediate(r));
      onResult(i, fakePrediction(sha256(readFileSync(files[i]!)), truthByHash, numClasses));
    }
  };
}
