/**
 * The models a name that names nothing was probably meant to name: the closest catalogue names
 * (aliases count, and suggest the name they stand for) and, for `--model`, the models installed
 * in the store (`LCNET_HOME/models`), among them those installed with `download --from`.
 */

import {existsSync, readdirSync} from 'node:fs';
import type {Catalogue} from './download/catalogue.js';
import {closestNames} from './similar-names.js';
import {isInstalled, modelsRoot} from './store.js';

/** Names of the models installed in the store of `home`. */
export function installedNames(home: string): string[] {
  const root = modelsRoot(home);
  if (!existsSync(root)) return [];
  return readdirSync(root).filter((name) => !name.startsWith('.') && isInstalled(name, home));
}

export interface SuggestOptions {
  /** also the models installed in this store (what `--model` accepts; `download NAME` takes catalogue names only) */
  home?: string;
}

export function suggestModels(query: string, cat: Catalogue, {home}: SuggestOptions = {}): string[] {
  const canonical = new Map<string, string>();
  for (const m of cat.models) for (const spelling of [m.name, ...(m.aliases ?? [])]) canonical.set(spelling, m.name);
  if (home !== undefined) for (const name of installedNames(home)) if (!canonical.has(name)) canonical.set(name, name);
  return closestNames(query, canonical.keys(), {nameOf: (s) => canonical.get(s) ?? s});
}
