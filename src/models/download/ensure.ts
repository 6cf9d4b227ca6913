/**
 * `ensureModel`: what `lcnet classify` calls before loading a model. Returns at once when the
 * model is installed; otherwise downloads catalogue models on first use (telling the caller's
 * callbacks) and turns every failure into a `UsageError`, `FatalError` or `CancelledError` with a clear
 * message.
 */

import {UsageError} from '../../errors.js';
import {isInstalled, lcnetHome, modelDir} from '../store.js';
import {defaultCataloguePath, findEntry, loadCatalogue} from './catalogue.js';
import type {FetchProgress} from './fetch-file.js';
import {describeFailure} from './failure.js';
import {downloadModel} from './install.js';

export interface EnsureOptions {
  /** told once when a download starts: the model and the address it comes from */
  onDownload?: (name: string, url: string) => void;
  onProgress?: (p: FetchProgress) => void;
  /** one-line status updates (waiting, retrying, converting ...) */
  onStatus?: (message: string) => void;
  home?: string;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

/** Makes sure model `name` is installed (downloading a catalogue model if needed); returns its folder. */
export async function ensureModel(name: string, opts: EnsureOptions = {}): Promise<string> {
  const env = opts.env ?? process.env;
  const home = opts.home ?? lcnetHome(env);
  if (isInstalled(name, home)) return modelDir(name, home);
  const cat = loadCatalogue(defaultCataloguePath(env));
  const entry = findEntry(cat, name);
  if (!entry) {
    throw new UsageError(
      `model '${name}' is not installed and not in the catalogue; see 'lcnet download --list', or install your own with 'lcnet download --from DIR|FILE|URL --name ${name}'`,
    );
  }
  if (isInstalled(entry.name, home)) return modelDir(entry.name, home);
  opts.onDownload?.(entry.name, entry.urls[0] ?? '');
  try {
    const r = await downloadModel({name: entry.name, home, env, signal: opts.signal, onProgress: opts.onProgress, onStatus: opts.onStatus});
    return r.dir;
  } catch (e) {
    throw describeFailure(e, entry.name);
  }
}
