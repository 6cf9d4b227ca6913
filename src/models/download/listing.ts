/** `lcnet download --list`: the catalogue with what is installed, plus installed models not in it. */

import {listInstalled, lcnetHome, modelDir} from '../store.js';
import type {Catalogue, CatalogueEntry} from './catalogue.js';
import type {HeadKind} from '../head-spec.js';
import type {PublishedMetric} from '../pulc-catalogue.js';

export interface ListedModel {
  name: string;
  format: CatalogueEntry['format'] | null;
  task: string;
  inputSize: [number, number];
  top1: number | null;
  top5: number | null;
  paramsM: number | null;
  flopsM: number | null;
  urls: string[];
  default: boolean;
  inCatalogue: boolean;
  installed: boolean;
  /** folder of the installed model */
  dir: string | null;
  note?: string;
  /** how its outputs are read (top-k unless said) */
  head?: HeadKind;
  aliases?: string[];
  /** the published metric, for models whose figure is not a top-1 */
  metric?: PublishedMetric;
}

/** Catalogue entries (in catalogue order) then other installed models (by name). */
export async function listModels(cat: Catalogue, home = lcnetHome()): Promise<ListedModel[]> {
  const installed = await listInstalled(home);
  const byName = new Map(installed.map((m) => [m.name, m]));
  const out: ListedModel[] = cat.models.map((e) => ({
    name: e.name,
    format: e.format,
    task: e.task,
    inputSize: e.inputSize,
    top1: e.accuracy.top1,
    top5: e.accuracy.top5,
    paramsM: e.paramsM,
    flopsM: e.flopsM,
    urls: e.urls,
    default: e.name === cat.default,
    inCatalogue: true,
    installed: byName.has(e.name),
    dir: byName.has(e.name) ? modelDir(e.name, home) : null,
    ...(e.note ? {note: e.note} : {}),
    ...(e.postprocess ? {head: e.postprocess.kind} : {}),
    ...(e.aliases ? {aliases: e.aliases} : {}),
    ...(e.metric ? {metric: e.metric} : {}),
  }));
  const listed = new Set(cat.models.map((e) => e.name));
  for (const m of installed) {
    if (listed.has(m.name)) continue;
    out.push({
      name: m.name,
      format: m.source.kind === 'paddle2' || m.source.kind === 'paddle3' ? m.source.kind : null,
      task: m.task,
      inputSize: m.inputSize,
      top1: null,
      top5: null,
      paramsM: null,
      flopsM: null,
      urls: m.source.url ? [m.source.url] : [],
      default: false,
      inCatalogue: false,
      installed: true,
      dir: modelDir(m.name, home),
      ...(m.postprocess ? {head: m.postprocess.kind} : {}),
    });
  }
  return out;
}
