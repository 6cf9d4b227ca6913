/**
 * The catalogue of official PP-LCNet archives (`models/catalogue.json`): typed loading with
 * validation, lookup by name (exact, then case-insensitive) and the default model.
 * `LCNET_CATALOGUE` may point at another file of the same form, e.g. one listing an internal mirror.
 */

import {readFileSync} from 'node:fs';
import type {PreprocessSpec} from '../manifest.js';
import {CATALOGUE_FILE} from '../paths.js';
import {parsePreprocess} from '../preprocess-spec.js';
import {checkCatalogueExtras, type CatalogueExtras} from '../pulc-catalogue.js';

export interface CatalogueEntry extends CatalogueExtras {
  name: string;
  /** paddle2: PaddleClas ProgramDesc (.pdmodel); paddle3: PaddleX PIR JSON (.json) + inference.yml */
  format: 'paddle2' | 'paddle3';
  /** archive addresses, tried in order */
  urls: string[];
  task: string;
  /** network input [height, width] */
  inputSize: [number, number];
  preprocess: PreprocessSpec;
  /**
   * where class names come from: lcnet's ImageNet list, the archive's inference.yml, or a list
   * shipped with lcnet (`models/labels/<labels>.txt`, e.g. `pulc/person_exists`)
   */
  labels: string;
  accuracy: {top1: number | null; top5: number | null; dataset: string | null; source: string | null};
  paramsM: number | null;
  flopsM: number | null;
  note?: string;
}

export interface Catalogue {
  default: string;
  models: CatalogueEntry[];
  /** file it was read from */
  path: string;
}

export function defaultCataloguePath(env: NodeJS.ProcessEnv = process.env): string {
  return env.LCNET_CATALOGUE || CATALOGUE_FILE;
}

function fail(path: string, where: string, what: string): never {
  throw new Error(`${path}: ${where}: ${what}`);
}

function isNumberOrNull(v: unknown): v is number | null {
  return v === null || (typeof v === 'number' && Number.isFinite(v));
}

function isStringOrNull(v: unknown): v is string | null {
  return v === null || typeof v === 'string';
}

function isPositiveInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v > 0;
}

function checkEntry(e: unknown, i: number, path: string): CatalogueEntry {
  const o = e as Record<string, unknown> | null;
  const where = `models[${i}]`;
  if (!o || typeof o !== 'object') fail(path, where, 'must be an object');
  if (typeof o.name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(o.name)) fail(path, where, 'name must be a model name');
  const at = `${where} (${o.name})`;
  if (o.format !== 'paddle2' && o.format !== 'paddle3') fail(path, at, "format must be 'paddle2' or 'paddle3'");
  if (!Array.isArray(o.urls) || o.urls.length === 0 || !o.urls.every((u) => typeof u === 'string' && /^(https?|file):\/\//.test(u))) {
    fail(path, at, 'urls must be a non-empty list of http(s) or file addresses');
  }
  if (typeof o.task !== 'string' || o.task === '') fail(path, at, 'task must be a string');
  if (!Array.isArray(o.inputSize) || o.inputSize.length !== 2 || !o.inputSize.every(isPositiveInt)) fail(path, at, 'inputSize must be [height, width]');
  parsePreprocess(o.preprocess, `${path}: ${at}`);
  if (typeof o.labels !== 'string' || !/^[a-z0-9][a-z0-9_./-]*$/i.test(o.labels) || o.labels.includes('..')) {
    fail(path, at, "labels must be 'imagenet1k', 'inference.yml' or the name of a list in models/labels");
  }
  const a = o.accuracy as Record<string, unknown> | undefined;
  if (!a || !isNumberOrNull(a.top1) || !isNumberOrNull(a.top5) || !isStringOrNull(a.dataset) || !isStringOrNull(a.source)) {
    fail(path, at, 'accuracy must be {top1, top5, dataset, source} (values may be null)');
  }
  if (!isNumberOrNull(o.paramsM) || !isNumberOrNull(o.flopsM)) fail(path, at, 'paramsM and flopsM must be numbers or null');
  if (o.note !== undefined && typeof o.note !== 'string') fail(path, at, 'note must be a string');
  checkCatalogueExtras(o, (what) => fail(path, at, what));
  return o as unknown as CatalogueEntry;
}

/** Validates parsed catalogue JSON; `path` is used in error messages. */
export function parseCatalogue(json: unknown, path: string): Catalogue {
  const o = json as Record<string, unknown> | null;
  if (!o || typeof o !== 'object' || !Array.isArray(o.models)) fail(path, 'top level', 'must be an object with a models list');
  const models = o.models.map((e, i) => checkEntry(e, i, path));
  const seen = new Set<string>();
  for (const m of models) {
    for (const key of [m.name, ...(m.aliases ?? [])].map((n) => n.toLowerCase())) {
      if (seen.has(key)) fail(path, m.name, `${key} is listed twice (names and aliases are compared case-insensitively)`);
      seen.add(key);
    }
  }
  if (typeof o.default !== 'string' || !models.some((m) => m.name === o.default)) fail(path, 'default', 'must name a listed model');
  return {default: o.default, models, path};
}

const loaded = new Map<string, Catalogue>();

/** Reads and validates the catalogue (cached per path). */
export function loadCatalogue(path: string = defaultCataloguePath()): Catalogue {
  const hit = loaded.get(path);
  if (hit) return hit;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read the model catalogue ${path}: ${(e as Error).message}`);
  }
  const cat = parseCatalogue(json, path);
  loaded.set(path, cat);
  return cat;
}

/** The entry called `name`: an exact match, else the only case-insensitive match, else one with that alias. */
export function findEntry(cat: Catalogue, name: string): CatalogueEntry | undefined {
  const lower = name.toLowerCase();
  return (
    cat.models.find((m) => m.name === name) ??
    cat.models.find((m) => m.name.toLowerCase() === lower) ??
    cat.models.find((m) => (m.aliases ?? []).some((a) => a.toLowerCase() === lower))
  );
}
