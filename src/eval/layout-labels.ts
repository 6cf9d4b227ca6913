/**
 * Evaluation of a model outside ImageNet (a PULC yes/no or orientation model, any single-label
 * model whose class names lcnet knows): class folders named by the model's labels
 * (`DIR/someone/`, `DIR/nobody/`) or by class index (`DIR/0/`, `DIR/1/`).
 */

import type {EvalDataset} from './dataset.js';
import {INDEX_FOLDER, loadClassFolders} from './layout-folders.js';

export function loadLabelFolders(root: string, labels: readonly string[]): Promise<EvalDataset> {
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
