/**
 * `--model`: from what the user typed to a loaded model. Accepts, in this order:
 *   - `synthetic:NAME[@SEED]`: PP-LCNet built in memory with seeded weights (tests, benchmarks);
 *   - a path to an `.onnx` file (labels from `--labels`, preprocessing from the model or flags);
 *   - a model folder holding model.json + model.onnx;
 *   - the name of an installed model, or of a catalogue model (downloaded first when allowed).
 */

import {existsSync, statSync} from 'node:fs';
import {readFile} from 'node:fs/promises';
import {basename, join} from 'node:path';
import {buildLCNet, META_CONFIG, META_SYNTHETIC, MODEL_INPUT, MODEL_OUTPUT} from './builder.js';
import {imagenetConfig, textlineConfig, type LCNetConfig} from './architecture.js';
import {v2Config} from './architecture-v2.js';
import {findEntry, loadCatalogue, similarNames} from './download/catalogue.js';
import {imagenetLabels, readLabels} from './labels.js';
import {lcnetVersion} from './paths.js';
import {imagenetPreprocess, type ModelManifest, type PreprocessSpec} from './manifest.js';
import {isInstalled, lcnetHome, MODEL_FILE, modelDir, readManifest, sha256Hex} from './store.js';
import {inspectOnnx} from '../onnx/inspect.js';
import type {LoadedModel} from '../pipeline/classify-run.js';

export interface PreprocessOverrides {
  /** resize the short side to this many pixels before the centre crop */
  resizeShort?: number;
  /** stretch to the network input size instead of resize + crop */
  stretch?: boolean;
}

export interface ModelRequest {
  spec: string;
  labelsFile?: string;
  overrides?: PreprocessOverrides;
  home?: string;
  /** installs a catalogue model that is not installed yet; absent: report it missing */
  download?: (name: string) => Promise<void>;
}

export interface ResolvedModel extends LoadedModel {
  /** things the user must be told on stderr */
  warnings: string[];
}

export class ModelNotFoundError extends Error {}

export const SYNTHETIC_PREFIX = 'synthetic:';

export function syntheticWarning(name: string): string {
  return `warning: model '${name}' has SYNTHETIC weights generated from a seed: its predictions are meaningless (it exists for tests and benchmarks)`;
}

function scaleFromName(name: string): number | null {
  const m = /x(\d+)_(\d+)/i.exec(name);
  return m ? Number(`${m[1]}.${m[2]}`) : null;
}

async function syntheticModel(spec: string): Promise<ResolvedModel> {
  const body = spec.slice(SYNTHETIC_PREFIX.length);
  const [base, seedText] = body.split('@');
  const seed = seedText === undefined ? 0 : Number(seedText);
  if (!Number.isInteger(seed) || seed < 0) throw new ModelNotFoundError(`invalid seed in '${spec}': use synthetic:NAME@N with a whole number N`);
  const v2 = /^PP-?LCNetV2_(small|base|large)$/i.exec(base ?? '');
  const scale = v2 ? 1 : scaleFromName(base ?? '');
  if (scale === null) throw new ModelNotFoundError(`'${spec}': name a PP-LCNet width, e.g. synthetic:PPLCNet_x1_0`);
  const textline = /textline/i.test(base!);
  if (!v2 && /doc_ori|_ML|V2/i.test(base!)) throw new ModelNotFoundError(`'${spec}': no synthetic variant of this model (only ImageNet and text-line PP-LCNet)`);
  const config: LCNetConfig = v2 ? v2Config(v2[1]!.toLowerCase() as 'small' | 'base' | 'large') : textline ? textlineConfig(scale) : imagenetConfig(scale);
  const built = buildLCNet({config, seed, name: base});
  const labels = textline ? ['0_degree', '180_degree'] : await imagenetLabels();
  const preprocess: PreprocessSpec = textline
    ? {...imagenetPreprocess(), resize: {kind: 'stretch', width: 160, height: 80}, crop: null, scale: 1 / 255}
    : imagenetPreprocess();
  const name = `${SYNTHETIC_PREFIX}${base}${seedText === undefined ? '' : `@${seed}`}`;
  const manifest: ModelManifest = {
    name,
    task: textline ? 'textline-orientation' : 'imagenet-1k',
    source: {kind: 'synthetic'},
    inputSize: config.inputSize,
    inputName: MODEL_INPUT,
    outputName: MODEL_OUTPUT,
    outputIsProbability: true,
    preprocess,
    labels,
    onnxSha256: sha256Hex(built.bytes),
    synthetic: true,
    createdAt: new Date().toISOString(),
    lcnetVersion: lcnetVersion(),
  };
  return {name, manifest, onnx: built.bytes, warnings: [syntheticWarning(name)]};
}

/** Preprocessing for a bare ONNX file whose input is height x width. */
function preprocessFor(height: number, width: number, o: PreprocessOverrides): PreprocessSpec {
  const base = imagenetPreprocess();
  if (o.stretch) return {...base, resize: {kind: 'stretch', width, height}, crop: null};
  const short = o.resizeShort ?? Math.round(Math.min(height, width) / 0.875);
  if (short < Math.min(height, width)) throw new Error(`--resize-short ${short} is smaller than the ${width}x${height} input`);
  return {...base, resize: {kind: 'short', size: short}, crop: {width, height}};
}

async function onnxFileModel(path: string, req: ModelRequest): Promise<ResolvedModel> {
  const bytes = new Uint8Array(await readFile(path));
  const info = inspectOnnx(bytes);
  if (info.inputs.length !== 1) throw new Error(`${path}: expected one image input, the model has ${info.inputs.length}`);
  const input = info.inputs[0]!;
  const output = info.outputs[0];
  if (!output) throw new Error(`${path}: the model has no output`);
  const dims = input.shape;
  let config: LCNetConfig | null = null;
  if (info.metadata[META_CONFIG]) config = JSON.parse(info.metadata[META_CONFIG]) as LCNetConfig;
  const height = typeof dims[2] === 'number' ? dims[2] : (config?.inputSize[0] ?? 224);
  const width = typeof dims[3] === 'number' ? dims[3] : (config?.inputSize[1] ?? 224);
  if (dims.length !== 4 || (typeof dims[1] === 'number' && dims[1] !== 3)) throw new Error(`${path}: expected an input of shape [N, 3, H, W], got [${dims.join(', ')}]`);
  const synthetic = info.metadata[META_SYNTHETIC] === 'true';
  const classes = typeof output.shape[1] === 'number' ? output.shape[1] : (config?.classCount ?? null);
  let labels: string[] = [];
  if (req.labelsFile) labels = await readLabels(req.labelsFile);
  else if (classes === 1000) labels = await imagenetLabels();
  if (classes !== null && labels.length > 0 && labels.length !== classes) {
    throw new Error(`${req.labelsFile ?? 'ImageNet labels'} has ${labels.length} labels but the model has ${classes} classes`);
  }
  const name = basename(path).replace(/\.onnx$/i, '');
  const manifest: ModelManifest = {
    name,
    task: classes === 1000 ? 'imagenet-1k' : 'custom',
    source: {kind: synthetic ? 'synthetic' : 'onnx', from: path},
    inputSize: [height, width],
    inputName: input.name,
    outputName: output.name,
    outputIsProbability: info.producers[output.name] === 'Softmax',
    preprocess: preprocessFor(height, width, req.overrides ?? {}),
    labels,
    onnxSha256: sha256Hex(bytes),
    synthetic,
    createdAt: new Date().toISOString(),
    lcnetVersion: lcnetVersion(),
  };
  return {name, manifest, onnx: bytes, warnings: synthetic ? [syntheticWarning(name)] : []};
}

async function folderModel(dir: string, req: ModelRequest): Promise<ResolvedModel> {
  const manifest = await readManifest(dir);
  if (req.labelsFile) manifest.labels = await readLabels(req.labelsFile);
  const onnx = join(dir, MODEL_FILE);
  if (!existsSync(onnx)) throw new Error(`${dir} has model.json but no ${MODEL_FILE}`);
  return {name: manifest.name, manifest, onnx, warnings: manifest.synthetic ? [syntheticWarning(manifest.name)] : []};
}

export async function resolveModel(req: ModelRequest): Promise<ResolvedModel> {
  const spec = req.spec;
  const home = req.home ?? lcnetHome();
  if (spec.startsWith(SYNTHETIC_PREFIX)) return syntheticModel(spec);
  if (existsSync(spec)) {
    const s = statSync(spec);
    if (s.isFile()) return onnxFileModel(spec, req);
    if (s.isDirectory()) return folderModel(spec, req);
  }
  if (/[\\/]/.test(spec) || spec.toLowerCase().endsWith('.onnx')) throw new ModelNotFoundError(`model file or folder '${spec}' does not exist`);
  const catalogue = loadCatalogue();
  const entry = findEntry(catalogue, spec);
  const name = entry?.name ?? spec;
  if (isInstalled(name, home)) return folderModel(modelDir(name, home), req);
  if (entry && req.download) {
    await req.download(entry.name);
    return folderModel(modelDir(entry.name, home), req);
  }
  if (entry) throw new ModelNotFoundError(`model '${entry.name}' is not downloaded yet: run 'lcnet download ${entry.name}'`);
  const similar = similarNames(catalogue, spec);
  throw new ModelNotFoundError(`unknown model '${spec}'${similar.length ? ` (did you mean ${similar.join(', ')}?)` : ''}: give a catalogue name (lcnet download --list), a model folder, an .onnx file, or synthetic:PPLCNet_x1_0`);
}
