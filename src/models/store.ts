/**
 * The model store: one folder per model under `$LCNET_HOME/models/<name>/` holding `model.onnx`
 * and `model.json`. Installs are atomic: a model is written into a staging folder beside its
 * final place and renamed into it, so a reader never sees half a model.
 */

import {createHash, randomBytes} from 'node:crypto';
import {existsSync} from 'node:fs';
import {mkdir, readdir, readFile, rename, rm, writeFile} from 'node:fs/promises';
import {homedir} from 'node:os';
import {join} from 'node:path';
import type {ModelManifest} from './manifest.js';
import {parsePostprocess} from './head-spec.js';
import {parsePreprocess} from './preprocess-spec.js';

export const MODEL_FILE = 'model.onnx';
export const MANIFEST_FILE = 'model.json';

/** `LCNET_HOME`, else `$XDG_CACHE_HOME/lcnet`, else `~/.cache/lcnet`. */
export function lcnetHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env.LCNET_HOME) return env.LCNET_HOME;
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'lcnet');
  return join(homedir(), '.cache', 'lcnet');
}

export function modelsRoot(home = lcnetHome()): string {
  return join(home, 'models');
}

/**
 * `$LCNET_HOME/graphs`: onnxruntime's optimised graphs of the models run on this machine
 * (src/pipeline/graph-cache.ts), each named for its model, runtime and CPU; safe to delete.
 */
export function graphsRoot(home = lcnetHome()): string {
  return join(home, 'graphs');
}

/** Catalogue and user model names: letters, digits, dot, dash, underscore. */
export function validModelName(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(name) && !name.includes('..');
}

/** `$LCNET_HOME/locks/<name>.lock`: the lock of a model install or of the checksum record. */
export function lockPath(name: string, home = lcnetHome()): string {
  return join(home, 'locks', `${name}.lock`);
}

export function modelDir(name: string, home = lcnetHome()): string {
  if (!validModelName(name)) throw new Error(`invalid model name '${name}'`);
  return join(modelsRoot(home), name);
}

export function isInstalled(name: string, home = lcnetHome()): boolean {
  return validModelName(name) && existsSync(join(modelDir(name, home), MANIFEST_FILE)) && existsSync(join(modelDir(name, home), MODEL_FILE));
}

export async function readManifest(dir: string): Promise<ModelManifest> {
  const text = await readFile(join(dir, MANIFEST_FILE), 'utf8');
  let m: ModelManifest;
  try {
    m = JSON.parse(text) as ModelManifest;
  } catch (e) {
    throw new Error(`${join(dir, MANIFEST_FILE)} is not valid JSON: ${(e as Error).message}`);
  }
  const file = join(dir, MANIFEST_FILE);
  for (const key of ['name', 'inputSize', 'preprocess', 'labels', 'onnxSha256'] as const) {
    if (m[key] === undefined) throw new Error(`${file} lacks '${key}'`);
  }
  const size = m.inputSize as unknown;
  if (!Array.isArray(size) || size.length !== 2 || !size.every((d) => Number.isInteger(d) && d > 0)) throw new Error(`${file}: inputSize must be [height, width], two positive whole numbers`);
  // model.json is documented and may be edited by hand: a mistake is named here, not guessed at
  m.preprocess = parsePreprocess(m.preprocess, file);
  if (m.postprocess !== undefined) m.postprocess = parsePostprocess(m.postprocess, file);
  return m;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Installs `onnx` and its manifest as model `manifest.name`, replacing any previous version
 * atomically. Returns the model folder.
 */
export async function installModel(
  onnx: Uint8Array,
  manifest: Omit<ModelManifest, 'onnxSha256'>,
  home = lcnetHome(),
): Promise<string> {
  const finalDir = modelDir(manifest.name, home);
  const root = modelsRoot(home);
  await mkdir(root, {recursive: true});
  const staging = join(root, `.staging-${manifest.name}-${process.pid}-${randomBytes(4).toString('hex')}`);
  await mkdir(staging);
  try {
    const full: ModelManifest = {...manifest, onnxSha256: sha256Hex(onnx)};
    await writeFile(join(staging, MODEL_FILE), onnx);
    await writeFile(join(staging, MANIFEST_FILE), JSON.stringify(full, null, 2) + '\n');
    if (existsSync(finalDir)) {
      const old = join(root, `.old-${manifest.name}-${process.pid}-${randomBytes(4).toString('hex')}`);
      await rename(finalDir, old);
      await rename(staging, finalDir);
      await rm(old, {recursive: true, force: true});
    } else {
      await rename(staging, finalDir);
    }
    return finalDir;
  } catch (e) {
    await rm(staging, {recursive: true, force: true});
    throw e;
  }
}

export async function listInstalled(home = lcnetHome()): Promise<ModelManifest[]> {
  const root = modelsRoot(home);
  if (!existsSync(root)) return [];
  const out: ModelManifest[] = [];
  for (const entry of (await readdir(root, {withFileTypes: true})).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    try {
      out.push(await readManifest(join(root, entry.name)));
    } catch {
      // a folder without a readable manifest is not an installed model
    }
  }
  return out;
}
