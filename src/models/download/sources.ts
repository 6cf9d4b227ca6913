/**
 * What to install and from where: resolves the NAME argument, `--name` and `--from` into a model
 * name, its catalogue entry (if any) and a source: catalogue addresses, another URL, a local
 * archive, an extracted Paddle model folder or an ONNX file.
 */

import {stat} from 'node:fs/promises';
import {basename, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {UsageError} from '../../errors.js';
import {validModelName} from '../store.js';
import {orList} from '../similar-names.js';
import {suggestModels} from '../suggest-models.js';
import {findEntry, type Catalogue, type CatalogueEntry} from './catalogue.js';

export type ModelSource =
  /** addresses tried in order (catalogue entry or `--from URL`) */
  | {kind: 'urls'; urls: string[]}
  /** a local .tar / .tar.gz archive */
  | {kind: 'archive'; path: string}
  /** an extracted Paddle inference model folder */
  | {kind: 'dir'; path: string}
  /** an ONNX model converted elsewhere */
  | {kind: 'onnx'; path: string};

export interface InstallPlan {
  /** the name the model is installed under */
  name: string;
  entry: CatalogueEntry | undefined;
  source: ModelSource;
}

/** Model name suggested by a file or folder name: `PPLCNet_x1_0_infer.tar` -> `PPLCNet_x1_0`. */
export function nameFromPath(path: string): string {
  const clean = path.replace(/[?#].*$/, '').replace(/[\\/]+$/, '');
  return basename(clean)
    .replace(/\.(tar\.gz|tgz|tar|onnx)$/i, '')
    .replace(/_infer$/i, '');
}

function isUrl(s: string): boolean {
  return /^https?:\/\//i.test(s);
}

async function classifyLocal(path: string, given: string): Promise<ModelSource> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new UsageError(`--from ${given}: no such file or folder`);
  }
  if (info.isDirectory()) return {kind: 'dir', path};
  if (!info.isFile()) throw new UsageError(`--from ${given} is neither a file nor a folder`);
  return /\.onnx$/i.test(path) ? {kind: 'onnx', path} : {kind: 'archive', path};
}

/** Turns a `file:` address or a local path into an absolute path. */
export function localPath(s: string): string {
  return resolve(/^file:/i.test(s) ? fileURLToPath(s) : s);
}

function unknownModel(cat: Catalogue, name: string): UsageError {
  const near = suggestModels(name, cat);
  const hint = near.length > 0 ? ` Did you mean ${orList(near)}?` : '';
  return new UsageError(
    `'${name}' is not in the catalogue.${hint} See 'lcnet download --list'; to install your own model use 'lcnet download --from DIR|FILE|URL --name ${name}'.`,
  );
}

export interface PlanRequest {
  name?: string;
  installName?: string;
  from?: string;
}

/**
 * Decides name, entry and source. Without `from` the NAME (default: the catalogue default) must
 * be a catalogue entry. With `from`, NAME may be a catalogue entry (its task, preprocessing and
 * label policy apply) or a new name; without NAME or `--name` the name comes from the file name.
 */
export async function planInstall(req: PlanRequest, cat: Catalogue): Promise<InstallPlan> {
  if (!req.from) {
    const wanted = req.name ?? cat.default;
    const entry = findEntry(cat, wanted);
    if (!entry) throw unknownModel(cat, wanted);
    const name = req.installName ?? entry.name;
    if (!validModelName(name)) throw new UsageError(`invalid model name '${name}' (letters, digits, '.', '-', '_')`);
    return {name, entry, source: {kind: 'urls', urls: entry.urls}};
  }
  const derived = nameFromPath(req.from);
  const lookup = req.name ?? (req.installName ? undefined : derived);
  const entry = lookup ? findEntry(cat, lookup) : undefined;
  const name = req.installName ?? entry?.name ?? req.name ?? derived;
  if (!validModelName(name)) {
    throw new UsageError(`cannot use '${name}' as a model name (letters, digits, '.', '-', '_'); choose one with --name NAME`);
  }
  let source: ModelSource;
  if (isUrl(req.from)) source = {kind: 'urls', urls: [req.from]};
  else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(req.from) && !/^file:/i.test(req.from)) throw new UsageError(`--from ${req.from}: only http, https and file addresses are supported`);
  else source = await classifyLocal(localPath(req.from), req.from);
  return {name, entry, source};
}
