/**
 * Layout detection and the single entry point that turns `--imagenet-val DIR [--layout L]
 * [--ground-truth FILE]` into an EvalDataset. Detection looks at DIR itself first (label files, WNID or
 * index class folders); only when DIR shows nothing does it look for a Kaggle CSV or devkit ground
 * truth in parent folders. More than one candidate is an error that names them and `--layout`.
 * A `--ground-truth` file decides the layout by its form when `--layout` is not given.
 */

import {open} from 'node:fs/promises';
import {basename, join, resolve} from 'node:path';
import {UsageError} from '../errors.js';
import {type EvalDataset, LAYOUTS, type LayoutName} from './dataset.js';
import {isDirectory, isFile, listFolders} from './images.js';
import {INDEX_FOLDER, loadImageFolder, loadImageNetV2, WNID_FOLDER} from './layout-folders.js';
import {loadDevkit} from './layout-devkit.js';
import {loadKaggle} from './layout-kaggle.js';
import {loadListLayout} from './layout-list.js';
import {findLabelFile, labelFileIn, labelFileName} from './locate.js';
import type {Synsets} from './synsets.js';

const PADDLECLAS_LIST = 'val_list.txt';
const CAFFE_LIST = 'val.txt';

export interface DetectedLayout {
  layout: LayoutName;
  /** what was seen, for messages */
  evidence: string;
  labelsFile: string | null;
}

/** Every layout DIR itself shows evidence of. */
async function candidatesIn(root: string): Promise<DetectedLayout[]> {
  const found: DetectedLayout[] = [];
  for (const [layout, name] of [['paddleclas', PADDLECLAS_LIST], ['caffe', CAFFE_LIST]] as const) {
    if (await isFile(join(root, name))) found.push({layout, evidence: name, labelsFile: join(root, name)});
  }
  for (const kind of ['kaggle', 'devkit'] as const) {
    const file = await labelFileIn(root, kind);
    if (file) found.push({layout: kind, evidence: file.slice(root.length + 1), labelsFile: file});
  }
  const folders = await listFolders(root);
  const wnidFolders = folders.filter((f) => WNID_FOLDER.test(f)).length;
  const indexFolders = folders.filter((f) => INDEX_FOLDER.test(f)).length;
  if (wnidFolders > 0) found.push({layout: 'imagefolder', evidence: `${wnidFolders} WNID class folder(s) like n01440764/`, labelsFile: null});
  if (indexFolders > 0) found.push({layout: 'imagenetv2', evidence: `${indexFolders} class-index folder(s) like 0/..999/`, labelsFile: null});
  return found;
}

/** The layout a `--ground-truth` file implies, read from its name and first non-blank line. */
async function layoutOfLabelFile(file: string): Promise<LayoutName> {
  const handle = await open(file, 'r');
  let head: string;
  try {
    const buf = Buffer.alloc(4096);
    const {bytesRead} = await handle.read(buf, 0, buf.length, 0);
    head = buf.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '');
  } finally {
    await handle.close();
  }
  const first = head.split('\n').map((l) => l.trim()).find((l) => l !== '') ?? '';
  if (first.startsWith('ImageId,')) return 'kaggle';
  if (/^\d+$/.test(first)) return 'devkit';
  const m = /^(.*\S)\s+-?\d+$/.exec(first);
  if (!m) throw new UsageError(`cannot tell the form of ${file}: expected '<path> <class index>' lines, devkit ids or a Kaggle CSV; choose with --layout`);
  return basename(file) === PADDLECLAS_LIST || m[1]!.includes('/') ? 'paddleclas' : 'caffe';
}

/** Picks the layout of `root` (an absolute folder); throws a UsageError naming the choices when unsure. */
export async function detectLayout(root: string): Promise<DetectedLayout> {
  const here = await candidatesIn(root);
  if (here.length === 1) return here[0]!;
  if (here.length > 1) {
    const list = here.map((c) => `${c.layout} (${c.evidence})`).join(', ');
    throw new UsageError(`cannot tell the layout of ${root}: it looks like ${list}. Choose one with --layout ${here.map((c) => c.layout).join('|')}`);
  }
  const above: DetectedLayout[] = [];
  for (const kind of ['kaggle', 'devkit'] as const) {
    const file = await findLabelFile(root, kind);
    if (file) above.push({layout: kind, evidence: file, labelsFile: file});
  }
  if (above.length === 1) return above[0]!;
  if (above.length > 1) {
    throw new UsageError(`cannot tell the layout of ${root}: parent folders hold both ${above.map((c) => c.evidence).join(' and ')}. Choose one with --layout kaggle|devkit`);
  }
  const hint = (await isDirectory(join(root, 'val'))) ? ` (${join(root, 'val')} exists: is that the validation folder?)` : '';
  throw new UsageError(
    `no ImageNet validation layout found in ${root}${hint}: expected ${PADDLECLAS_LIST}, ${CAFFE_LIST}, ${labelFileName('kaggle')}, ${labelFileName('devkit')}, ` +
      `class folders named by WNID (n01440764/) or by index (0/..999/). Give the labels with --ground-truth FILE or choose with --layout ${LAYOUTS.join('|')}`,
  );
}

export interface DatasetOptions {
  dir: string;
  layout?: LayoutName;
  labelsFile?: string;
}

/** Reads the validation set at `opts.dir` in the given or detected layout. */
export async function loadDataset(opts: DatasetOptions, synsets: Synsets): Promise<EvalDataset> {
  const root = resolve(opts.dir);
  if (!(await isDirectory(root))) throw new UsageError(`${opts.dir} is not a folder`);
  const labelsFile = opts.labelsFile === undefined ? null : resolve(opts.labelsFile);
  if (labelsFile !== null && !(await isFile(labelsFile))) throw new UsageError(`labels file ${opts.labelsFile} not found`);

  let layout: LayoutName;
  let labels = labelsFile;
  if (opts.layout !== undefined) {
    layout = opts.layout;
  } else if (labelsFile !== null) {
    layout = await layoutOfLabelFile(labelsFile);
  } else {
    const found = await detectLayout(root);
    layout = found.layout;
    labels = found.labelsFile;
  }
  const numClasses = synsets.wnids.length;
  switch (layout) {
    case 'paddleclas':
    case 'caffe': {
      const list = labels ?? join(root, layout === 'paddleclas' ? PADDLECLAS_LIST : CAFFE_LIST);
      if (!(await isFile(list))) throw new UsageError(`no ${basename(list)} in ${root}; give the list with --ground-truth`);
      return loadListLayout(layout, root, list, numClasses);
    }
    case 'kaggle':
      return loadKaggle(root, labels, synsets);
    case 'devkit':
      return loadDevkit(root, labels, synsets);
    case 'imagefolder':
    case 'imagenetv2':
      if (labelsFile !== null) throw new UsageError(`--ground-truth does not apply to the ${layout} layout: its class folders are the labels`);
      return layout === 'imagefolder' ? loadImageFolder(root, synsets) : loadImageNetV2(root, numClasses);
  }
}
