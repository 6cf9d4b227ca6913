/**
 * Evaluation of a model outside ImageNet (a PULC yes/no or orientation model, any single-label
 * model whose class names lcnet knows): class folders named by the model's labels
 * (`DIR/someone/`, `DIR/nobody/`) or by class index (`DIR/0/`, `DIR/1/`).
 */

import {UsageError} from '../errors.js';
import type {EvalDataset} from './dataset.js';
import {INDEX_FOLDER, loadClassFolders} from './layout-folders.js';

export async function loadLabelFolders(root: string, labels: readonly string[]): Promise<EvalDataset> {
  const dataset = await readLabelFolders(root, labels);
  if (dataset.items.length === 0) {
    const named = labels.length <= 6 ? labels.join(', ') : `${labels.slice(0, 6).join(', ')}, ...`;
    throw new UsageError(`${root} has no images in class folders named by the model's labels (${named}) or by class index; a model outside ImageNet-1k is evaluated on such folders`);
  }
  return dataset;
}

function readLabelFolders(root: string, labels: readonly string[]): Promise<EvalDataset> {
  const byName = new Map(labels.map((l, i) => [l.toLowerCase(), i]));
  return loadClassFolders(
    'imagefolder',
    root,
    (name) => {
      const named = byName.get(name.toLowerCase());
      if (named !== undefined) return named;
      if (!INDEX_FOLDER.test(name)) return 'unknown';
      const n = Number(name);
      return n < labels.length ? n : 'unknown';
    },
    labels.length,
  ).then((d) => ({...d, notes: [`class folders named by the model's ${labels.length} labels (${labels.slice(0, 4).join(', ')}${labels.length > 4 ? ', ...' : ''}) or indices`, ...d.notes]}));
}
