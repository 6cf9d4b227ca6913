/**
 * `lcnet download --list` by task: the catalogue's models grouped under their task, tasks in the
 * order the catalogue first names them, each with what its records hold.
 */

import type {HeadKind} from './head-spec.js';

export interface Groupable {
  name: string;
  task: string;
  head?: HeadKind;
}

export const HEAD_DESCRIPTION: Record<HeadKind, string> = {
  topk: 'ranked classes',
  thresh: 'yes/no decision with score and threshold',
  'person-attribute': 'person attributes',
  'vehicle-attribute': 'vehicle colour and type',
  'table-attribute': 'table image attributes',
};

export function groupByTask<T extends Groupable>(models: T[]): {task: string; head: HeadKind; models: T[]}[] {
  const groups = new Map<string, {task: string; head: HeadKind; models: T[]}>();
  for (const m of models) {
    let g = groups.get(m.task);
    if (!g) groups.set(m.task, (g = {task: m.task, head: m.head ?? 'topk', models: []}));
    g.models.push(m);
  }
  return [...groups.values()];
}
