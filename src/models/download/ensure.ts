/**
 * `ensureModel`: what `lcnet classify` calls before loading a model. Returns at once when the
 * model is installed; otherwise downloads catalogue models on first use (with a progress bar on
 * a terminal) and turns every failure into a `UsageError` or `FatalError` with a clear message.
 */

import {FatalError, UsageError} from '../../cli/exit-codes.js';
import {isInstalled, lcnetHome, modelDir} from '../store.js';
import {defaultCataloguePath, findEntry, loadCatalogue} from './catalogue.js';
import type {FetchProgress} from './fetch-file.js';
import {describeFailure} from './failure.js';
import {downloadModel} from './install.js';
import {terminalProgress} from './progress-bar.js';

export interface EnsureOptions {
  /** true: a progress bar and status lines on stderr (bar only when stderr is a TTY); or a callback */
  progress?: boolean | ((p: FetchProgress) => void);
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
  const bar = opts.progress === true ? terminalProgress(`Downloading ${entry.name}`) : null;
  const onProgress = typeof opts.progress === 'function' ? opts.progress : bar ? (p: FetchProgress) => bar.update(p) : undefined;
  const onStatus = opts.progress === true && !bar ? (m: string) => process.stderr.write(`lcnet: ${m}\n`) : undefined;
  if (opts.progress === true) process.stderr.write(`lcnet: model ${entry.name} is not installed yet; downloading it once (${entry.urls[0]})\n`);
  try {
    const r = await downloadModel({name: entry.name, home, env, signal: opts.signal, onProgress, onStatus});
    return r.dir;
  } catch (e) {
    const f = describeFailure(e, entry.name);
    throw f.exitCode === 2 ? new UsageError(f.message, {cause: e}) : new FatalError(f.message, {cause: e});
  } finally {
    bar?.stop();
  }
}
