/**
 * The one place where a model's description (its manifest: graph names, labels, input size,
 * preprocessing, post-processing) is built, whichever way the model was named: a catalogue name
 * or model folder (its stored manifest), an `.onnx` file, a Paddle model being installed, or
 * `synthetic:NAME`. Like timm's `resolve_data_config` -> `create_transform`: facts about the
 * model come in, one set of defaults fills the gaps, then the user's choices (`--labels`,
 * `--resize-short`, `--stretch`) apply the same way to every model.
 *
 * - labels: `--labels FILE`, else the model's own (inference.yml, ONNX metadata, manifest), else
 *   the list lcnet ships for its catalogue entry (PULC models: `models/labels/pulc/*.txt`), else
 *   the ImageNet-1k list for a catalogue entry with ImageNet labels or any 1000-class model (a
 *   note says so), else an error asking for `--labels`. A count that differs from the model's
 *   classes is an error.
 * - post-processing (how outputs become a record): the model's own (manifest), else its catalogue
 *   entry's (PULC yes/no and attribute heads), else top-k. A yes/no or attribute head must read
 *   as many outputs as it decodes.
 * - preprocessing: the model's own (inference.yml, lcnet's ONNX metadata, manifest), else the
 *   catalogue entry's, else the default: ImageNet normalisation; a square (or dynamic) input is
 *   resized short side to size / 0.875 (256 for 224, PaddleClas's eval transform) and
 *   centre-cropped, any other input stretched to its size (a note says what was assumed and
 *   which flags set it).
 * - the user's preprocessing settings (preprocess-overrides.ts: `--input-size`, `--fit`,
 *   `--resize-short`, `--stretch`, `--scale`, `--mean`, `--std`, `--channels`) replace the
 *   matching parts of whatever the model carries, the same way for every model. `--input-size`
 *   sets the size of a model whose graph leaves it open; it cannot change a fixed one.
 */

import {FatalError, OptionError, UsageError} from '../errors.js';
import {inspectOnnx} from '../onnx/inspect.js';
import {META_CONFIG, META_SYNTHETIC} from './builder.js';
import type {LCNetConfig} from './architecture.js';
import type {CatalogueEntry} from './download/catalogue.js';
import {expectedOutputs, type PostprocessSpec} from './head-spec.js';
import {imagenetLabels, readLabels} from './labels.js';
import {imagenetPreprocess, preprocessOutputSize, type ModelManifest, type PreprocessSpec} from './manifest.js';
import {applyOverrides, assumedNote, checkOverrides, CROP_FRACTION, type PreprocessOverrides} from './preprocess-overrides.js';
import {lcnetVersion} from './paths.js';
import {shippedLabelsFile} from './pulc-catalogue.js';
import {counted} from '../text/plural.js';

/** ONNX metadata keys under which lcnet's converter records what inference.yml said. */
export const META_PREPROCESS = 'lcnet.preprocess';
export const META_LABELS = 'lcnet.labels';

export type {PreprocessOverrides} from './preprocess-overrides.js';
export {applyOverrides} from './preprocess-overrides.js';

/** What the user adds to any model: a label file and preprocessing overrides. */
export interface UserChoices {
  labelsFile?: string;
  overrides?: PreprocessOverrides;
}

/** What is known about a model before it is described. */
export interface ModelFacts {
  name: string;
  entry?: CatalogueEntry;
  /** the model's own task (stored manifest, synthetic model); else the entry's, else guessed */
  task?: string;
  source: ModelManifest['source'];
  inputName: string;
  outputName: string;
  /** [height, width] fixed by the network, or null when dynamic */
  inputSize: [number, number] | null;
  /** classes of the network output, or null when unknown */
  classCount: number | null;
  outputIsProbability: boolean;
  /** the model's own preprocessing (inference.yml, ONNX metadata, stored manifest) */
  preprocess: PreprocessSpec | null;
  /** the model's own class names */
  labels: string[] | null;
  /** the model's own post-processing (stored manifest); else the entry's, else top-k */
  postprocess?: PostprocessSpec;
  synthetic?: boolean;
  /** kept from a stored manifest; computed by the store otherwise */
  onnxSha256?: string;
  createdAt?: string;
  lcnetVersion?: string;
}

export interface Described {
  manifest: Omit<ModelManifest, 'onnxSha256'> & {onnxSha256?: string};
  /** guesses the user should hear about */
  notes: string[];
}

const positive = (s: [number, number] | null): s is [number, number] => s !== null && s[0] > 0 && s[1] > 0;

/** lcnet's one default preprocessing for a model that carries none; see the module comment. */
export function defaultPreprocess(inputSize: [number, number] | null): PreprocessSpec {
  const [height, width] = positive(inputSize) ? inputSize : [224, 224];
  if (height === width) return imagenetPreprocess(Math.round(height / CROP_FRACTION), height);
  return {...imagenetPreprocess(), resize: {kind: 'stretch', width, height}, crop: null};
}

async function userLabels(path: string): Promise<string[]> {
  try {
    return await readLabels(path);
  } catch (e) {
    throw new OptionError((opt) => `${opt('labels')} ${path}: ${(e as Error).message}`);
  }
}

/** Builds the description of a model from its facts and the user's choices. */
export async function describeModel(f: ModelFacts, choices: UserChoices = {}): Promise<Described> {
  const notes: string[] = [];

  let labels: string[];
  let imagenet = false;
  if (choices.labelsFile) labels = await userLabels(choices.labelsFile);
  else if (f.labels && f.labels.length > 0) labels = f.labels;
  else if (f.entry && f.entry.labels !== 'imagenet1k' && shippedLabelsFile(f.entry.labels)) labels = await readLabels(shippedLabelsFile(f.entry.labels)!);
  else if (f.entry?.labels === 'imagenet1k' || f.classCount === 1000) {
    labels = await imagenetLabels();
    imagenet = true;
    if (f.entry?.labels !== 'imagenet1k') notes.push('the model has 1000 classes and no class names: using the ImageNet-1k names (give a label file otherwise)');
  } else {
    throw new OptionError(
      (opt) => `model ${f.name} carries no class names (${f.classCount === null ? 'an unknown number of classes' : counted(f.classCount, 'class', 'classes')}); pass a label file with ${opt('labels')}`,
    );
  }
  const classes = f.classCount ?? (f.labels && f.labels.length > 0 ? f.labels.length : null);
  if (classes !== null && labels.length !== classes) {
    throw new UsageError(`model ${f.name} has ${counted(classes, 'class', 'classes')} but ${choices.labelsFile ?? 'its label list'} names ${labels.length}`);
  }

  const postprocess = f.postprocess ?? f.entry?.postprocess;
  const needed = postprocess ? expectedOutputs(postprocess) : null;
  if (needed !== null && labels.length !== needed) {
    throw new FatalError(`model ${f.name}: a ${postprocess!.kind} head reads ${needed} outputs, the model names ${labels.length}`);
  }

  const overrides = checkOverrides(choices.overrides ?? {});
  const fixed = positive(f.inputSize) ? f.inputSize : null;
  const wanted = overrides.inputSize;
  if (wanted && fixed && (wanted[0] !== fixed[0] || wanted[1] !== fixed[1])) {
    throw new UsageError(`model ${f.name} takes ${fixed[1]}x${fixed[0]} images, not the --input-size ${wanted[1]}x${wanted[0]}`);
  }
  let base: PreprocessSpec;
  let assumed = false;
  if (f.preprocess) base = f.preprocess;
  else if (f.entry) base = f.entry.preprocess;
  else {
    base = defaultPreprocess(wanted ?? f.inputSize);
    assumed = true;
  }
  let out: [number, number];
  try {
    out = preprocessOutputSize(base);
  } catch (e) {
    throw new FatalError(`model ${f.name}: ${(e as Error).message}`);
  }
  const inputSize = fixed ?? wanted ?? out;
  const preprocess = applyOverrides(base, inputSize, overrides);
  out = preprocessOutputSize(preprocess);
  if (inputSize[0] !== out[0] || inputSize[1] !== out[1]) {
    throw new FatalError(`model ${f.name} takes ${inputSize[1]}x${inputSize[0]} images but its preprocessing produces ${out[1]}x${out[0]}`);
  }
  const note = assumed ? assumedNote(preprocess, overrides, fixed !== null) : null;
  if (note) notes.push(note);

  const task = f.task ?? f.entry?.task ?? (imagenet || classes === 1000 ? 'imagenet-1k' : 'custom');
  return {
    manifest: {
      name: f.name,
      task,
      source: f.source,
      inputSize,
      inputName: f.inputName,
      outputName: f.outputName,
      outputIsProbability: f.outputIsProbability,
      preprocess,
      labels,
      ...(postprocess ? {postprocess} : {}),
      ...(f.onnxSha256 === undefined ? {} : {onnxSha256: f.onnxSha256}),
      synthetic: f.synthetic ?? false,
      createdAt: f.createdAt ?? new Date().toISOString(),
      lcnetVersion: f.lcnetVersion ?? lcnetVersion(),
    },
    notes,
  };
}

/** The facts of a stored manifest, to describe it again with the user's choices. */
export function manifestFacts(m: ModelManifest): ModelFacts {
  return {
    name: m.name,
    task: m.task,
    source: m.source,
    inputName: m.inputName,
    outputName: m.outputName,
    inputSize: m.inputSize,
    classCount: m.labels.length > 0 ? m.labels.length : null,
    outputIsProbability: m.outputIsProbability,
    preprocess: m.preprocess,
    labels: m.labels,
    ...(m.postprocess ? {postprocess: m.postprocess} : {}),
    synthetic: m.synthetic,
    onnxSha256: m.onnxSha256,
    createdAt: m.createdAt,
    lcnetVersion: m.lcnetVersion,
  };
}

function metadataJson<T>(metadata: Record<string, string>, key: string, where: string): T | null {
  const text = metadata[key];
  if (text === undefined) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new FatalError(`${where}: ONNX metadata ${key} is not valid JSON`);
  }
}

/**
 * The facts an ONNX file gives about itself: its one image input [N, 3, H, W], its output, and
 * what lcnet recorded in its metadata (architecture, synthetic weights, preprocessing, labels).
 */
export function onnxFacts(bytes: Uint8Array, where: string): Omit<ModelFacts, 'name' | 'source'> {
  let info;
  try {
    info = inspectOnnx(bytes);
  } catch (e) {
    throw new FatalError(`${where}: ${(e as Error).message}`);
  }
  const input = info.inputs[0];
  const output = info.outputs[0];
  const dims = input?.shape ?? [];
  if (info.inputs.length !== 1 || dims.length !== 4 || (typeof dims[1] === 'number' && dims[1] !== 3)) {
    throw new FatalError(
      `${where}: lcnet needs one image input of shape [N, 3, H, W]; the model has ${info.inputs.map((i) => `${i.name} [${i.shape.join(', ')}]`).join(', ') || 'none'}`,
    );
  }
  if (!output) throw new FatalError(`${where}: the model has no output`);
  const config = metadataJson<LCNetConfig>(info.metadata, META_CONFIG, where);
  const fixed = (d: number | string | null | undefined): d is number => typeof d === 'number' && d > 0;
  const inputSize: [number, number] | null = fixed(dims[2]) && fixed(dims[3]) ? [dims[2], dims[3]] : (config?.inputSize ?? null);
  const last = output.shape[output.shape.length - 1];
  return {
    inputName: input!.name,
    outputName: output.name,
    inputSize,
    classCount: fixed(last) ? last : (config?.classCount ?? null),
    outputIsProbability: info.producers[output.name] === 'Softmax',
    preprocess: metadataJson<PreprocessSpec>(info.metadata, META_PREPROCESS, where),
    labels: metadataJson<string[]>(info.metadata, META_LABELS, where),
    synthetic: info.metadata[META_SYNTHETIC] === 'true',
  };
}
