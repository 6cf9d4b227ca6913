/**
 * Where the Kaggle and devkit label files and their images are looked for. Kaggle's archive keeps
 * `LOC_val_solution.csv` at its top and the images four levels down (`ILSVRC/Data/CLS-LOC/val`);
 * the devkit keeps `ILSVRC2012_validation_ground_truth.txt` in `ILSVRC2012_devkit_t12/data/` beside
 * a flat `ILSVRC2012_img_val/`. So a label file is searched in DIR, in those sub-folders of DIR,
 * then in up to four parent folders; the images in the first candidate folder that holds any.
 */

import {dirname, join} from 'node:path';
import {isFile, listImages} from './images.js';

export const KAGGLE_CSV = 'LOC_val_solution.csv';
export const DEVKIT_GROUND_TRUTH = 'ILSVRC2012_validation_ground_truth.txt';

export const KAGGLE_IMAGE_DIRS = ['ILSVRC/Data/CLS-LOC/val', 'Data/CLS-LOC/val', 'CLS-LOC/val', 'val', ''];
export const DEVKIT_IMAGE_DIRS = ['ILSVRC2012_img_val', 'val', ''];
const DEVKIT_LABEL_DIRS = ['', 'ILSVRC2012_devkit_t12/data', 'data'];
const MAX_LEVELS_UP = 4;

type LabelFileKind = 'kaggle' | 'devkit';

function labelDirs(kind: LabelFileKind): string[] {
  return kind === 'kaggle' ? [''] : DEVKIT_LABEL_DIRS;
}

export function labelFileName(kind: LabelFileKind): string {
  return kind === 'kaggle' ? KAGGLE_CSV : DEVKIT_GROUND_TRUTH;
}

/** The label file of `kind` in `dir` itself or its usual sub-folders, or null. */
export async function labelFileIn(dir: string, kind: LabelFileKind): Promise<string | null> {
  for (const sub of labelDirs(kind)) {
    const candidate = join(dir, sub, labelFileName(kind));
    if (await isFile(candidate)) return candidate;
  }
  return null;
}

/** The label file of `kind` in `root` or, failing that, in the nearest of its parents. */
export async function findLabelFile(root: string, kind: LabelFileKind): Promise<string | null> {
  let dir = root;
  for (let level = 0; level <= MAX_LEVELS_UP; level++) {
    const found = await labelFileIn(dir, kind);
    if (found) return found;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}

/** The first of `candidates` (relative to root) that holds images directly; root itself otherwise. */
export async function findImageDir(root: string, candidates: readonly string[]): Promise<string> {
  for (const sub of candidates) {
    const dir = join(root, sub);
    if ((await listImages(dir, false)).length > 0) return dir;
  }
  return root;
}
