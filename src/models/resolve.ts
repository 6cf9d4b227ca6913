/**
 * `--model`: from what the user typed to a loaded model. Accepts, in this order:
 *   - `synthetic:NAME[@SEED]`: PP-LCNet built in memory with seeded weights (tests, benchmarks);
 *   - a path to an `.onnx` file;
 *   - a model folder holding model.json + model.onnx;
 *   - the name of an installed model, or of a catalogue model (downloaded first when allowed).
 * Each gives facts about the model; `describeModel` (describe.ts) turns them, with `--labels` and
 * the preprocessing settings (`--input-size`, `--fit`, `--mean`, ...), into the one description
 * every path shares.
 */

import {existsSync, statSync} from 'node:fs';
import {readFile} from 'node:fs/promises';
import {basename, join} from 'node:path';
import {buildLCNet, MODEL_INPUT, MODEL_OUTPUT} from './builder.js';
import {imagenetConfig, textlineConfig, type LCNetConfig} from './architecture.js';
import {v2Config} from './architecture-v2.js';
import {describeModel, manifestFacts, onnxFacts, type ModelFacts, type PreprocessOverrides, type UserChoices} from './describe.js';
import {FatalError, UsageError} from '../errors.js';
import {findEntry, loadCatalogue} from './download/catalogue.js';
import {imagenetLabels} from './labels.js';
import {imagenetPreprocess, type ModelManifest} from './manifest.js';
import {closestNames, orList} from './similar-names.js';
import {isInstalled, lcnetHome, MODEL_FILE, modelDir, readManifest, sha256Hex} from './store.js';
import {suggestModels} from './suggest-models.js';

export type {PreprocessOverrides} from './describe.js';

export interface ModelRequest {
  spec: string;
  labelsFile?: string;
  overrides?: PreprocessOverrides;
  home?: string;
  /** installs a catalogue model that is not installed yet; absent: report it missing */
  download?: (name: string) => Promise<void>;
}

/** A model ready to run: its name, description and ONNX graph (bytes or a file path). */
export interface ResolvedModel {
  /** the name written into every record */
  name: string;
  manifest: ModelManifest;
  /** ONNX bytes, or a path onnxruntime can read */
  onnx: Uint8Array | string;
  /** things the user must be told on stderr */
  warnings: string[];
}

/** A catalogue model that is not installed, when downloads are off. */
export class ModelNotFoundError extends FatalError {}

/** `--model` names nothing lcnet runs: no model by that name, no such file or folder, a folder without model.json, no such synthetic model (a usage error, exit status 2). */
export class UnknownModelError extends UsageError {}

export const SYNTHETIC_PREFIX = 'synthetic:';

export function syntheticWarning(name: string): string {
  return `warning: model '${name}' has SYNTHETIC weights generated from a seed: its predictions are meaningless (it exists for tests and benchmarks)`;
}

function scaleFromName(name: string): number | null {
  const m = /x(\d+)_(\d+)/i.exec(name);
  return m ? Number(`${m[1]}.${m[2]}`) : null;
}

/** Every way of naming a model ends here: its facts, described once with the user's choices. */
async function described(facts: ModelFacts, onnx: Uint8Array | string, req: ModelRequest, notesAreWarnings: boolean): Promise<ResolvedModel> {
  const choices: UserChoices = {labelsFile: req.labelsFile, overrides: req.overrides};
  const {manifest, notes} = await describeModel(facts, choices);
  const onnxSha256 = manifest.onnxSha256 ?? (typeof onnx === 'string' ? '' : sha256Hex(onnx));
  const full: ModelManifest = {...manifest, onnxSha256};
  const warnings = [...(full.synthetic ? [syntheticWarning(full.name)] : []), ...(notesAreWarnings ? notes.map((n) => `note: ${n}`) : [])];
  return {name: full.name, manifest: full, onnx, warnings};
}

/** The architecture `synthetic:BASE` builds, or why BASE names none. */
function syntheticArchitecture(base: string): {config: LCNetConfig; textline: boolean} | {why: string} {
  const v2 = /^PP-?LCNetV2_(small|base|large)$/i.exec(base);
  const scale = v2 ? 1 : scaleFromName(base);
  if (scale === null) return {why: 'name a PP-LCNet width, e.g. synthetic:PPLCNet_x1_0'};
  const textline = /textline/i.test(base);
  if (!v2 && /doc_ori|_ML|V2/i.test(base)) return {why: 'no synthetic variant of this model (only ImageNet and text-line PP-LCNet)'};
  return {config: v2 ? v2Config(v2[1]!.toLowerCase() as 'small' | 'base' | 'large') : textline ? textlineConfig(scale) : imagenetConfig(scale), textline};
}

async function syntheticModel(spec: string, req: ModelRequest): Promise<ResolvedModel> {
  const body = spec.slice(SYNTHETIC_PREFIX.length);
  const [base = '', seedText] = body.split('@');
  const seed = seedText === undefined ? 0 : Number(seedText);
  if (!Number.isInteger(seed) || seed < 0) throw new UnknownModelError(`invalid seed in '${spec}': use synthetic:NAME@N with a whole number N`);
  const architecture = syntheticArchitecture(base);
  if ('why' in architecture) {
    // the catalogue models lcnet can build with seeded weights
    const buildable = loadCatalogue().models.map((m) => m.name).filter((n) => !('why' in syntheticArchitecture(n)));
    const near = closestNames(base, buildable).map((n) => `${SYNTHETIC_PREFIX}${n}`);
    throw new UnknownModelError(`'${spec}': ${architecture.why}${near.length ? ` (did you mean ${orList(near)}?)` : ''}`);
  }
  const {config, textline} = architecture;
  const built = buildLCNet({config, seed, name: base});
  const name = `${SYNTHETIC_PREFIX}${base}${seedText === undefined ? '' : `@${seed}`}`;
  const facts: ModelFacts = {
    name,
    task: textline ? 'textline-orientation' : 'imagenet-1k',
    source: {kind: 'synthetic'},
    inputName: MODEL_INPUT,
    outputName: MODEL_OUTPUT,
    inputSize: config.inputSize,
    classCount: config.classCount,
    outputIsProbability: true,
    preprocess: textline
      ? {...imagenetPreprocess(), resize: {kind: 'stretch', width: 160, height: 80}, crop: null, scale: 1 / 255}
      : imagenetPreprocess(),
    labels: textline ? ['0_degree', '180_degree'] : await imagenetLabels(),
    synthetic: true,
  };
  return described(facts, built.bytes, req, false);
}

async function onnxFileModel(path: string, req: ModelRequest): Promise<ResolvedModel> {
  const bytes = new Uint8Array(await readFile(path));
  const facts = onnxFacts(bytes, path);
  const name = basename(path).replace(/\.onnx$/i, '');
  return described({...facts, name, source: {kind: facts.synthetic ? 'synthetic' : 'onnx', from: path}}, bytes, req, true);
}

/** A folder lcnet can run: model.json beside the graph (an installed model, or a copy of one). */
function isModelFolder(path: string): boolean {
  return existsSync(join(path, 'model.json'));
}

/** An installed model by name, or a catalogue one, downloaded first when the caller allows. */
async function namedModel(name: string, inCatalogue: boolean, req: ModelRequest, home: string): Promise<ResolvedModel> {
  if (isInstalled(name, home)) return folderModel(modelDir(name, home), req);
  if (inCatalogue && req.download) {
    await req.download(name);
    return folderModel(modelDir(name, home), req);
  }
  throw new ModelNotFoundError(`model '${name}' is not downloaded yet: run 'lcnet download ${name}'`);
}

async function folderModel(dir: string, req: ModelRequest): Promise<ResolvedModel> {
  if (!isModelFolder(dir)) {
    throw new UnknownModelError(`${dir} is a folder without model.json, not a model lcnet can run: install it first with 'lcnet download --from ${dir}' (a Paddle export or an .onnx file)`);
  }
  const manifest = await readManifest(dir);
  const onnx = join(dir, MODEL_FILE);
  if (!existsSync(onnx)) throw new Error(`${dir} has model.json but no ${MODEL_FILE}`);
  return described(manifestFacts(manifest), onnx, req, true);
}

export async function resolveModel(req: ModelRequest): Promise<ResolvedModel> {
  const spec = req.spec;
  const home = req.home ?? lcnetHome();
  if (spec.startsWith(SYNTHETIC_PREFIX)) return syntheticModel(spec, req);
  const catalogue = loadCatalogue();
  const entry = findEntry(catalogue, spec);
  const name = entry?.name ?? spec;
  // a bare name of a model names that model, even where a file or folder of that name stands in
  // the working directory (README's walk-through installs PP-LCNet_x0_25_textline_ori from a
  // folder of that name, then runs `-m PP-LCNet_x0_25_textline_ori` beside it); ./NAME is the folder
  const bareName = !/[\\/]/.test(spec) && !spec.toLowerCase().endsWith('.onnx');
  if (bareName && (entry || isInstalled(name, home)) && !isModelFolder(spec)) return namedModel(name, entry !== undefined, req, home);
  if (existsSync(spec)) {
    const s = statSync(spec);
    if (s.isFile()) return onnxFileModel(spec, req);
    if (s.isDirectory()) return folderModel(spec, req);
  }
  if (!bareName) throw new UnknownModelError(`model file or folder '${spec}' does not exist`);
  if (entry || isInstalled(name, home)) return namedModel(name, entry !== undefined, req, home);
  const similar = suggestModels(spec, catalogue, {home});
  throw new UnknownModelError(
    `unknown model '${spec}'${similar.length ? ` (did you mean ${orList(similar)}?)` : ''}: give a catalogue name (lcnet download --list), an installed model, a model folder, an .onnx file, or synthetic:PPLCNet_x1_0`,
  );
}
