/**
 * Builds the manifest of a model about to be installed from what the converter (or the ONNX
 * inspector) found, the catalogue entry and the user's `--labels`: class names, preprocessing,
 * task and input size, with the rules below. Every guess is reported as a note.
 *
 * - labels: `--labels` file, else the archive's inference.yml, else the ImageNet-1k list for
 *   catalogue entries with ImageNet labels or for any 1000-class model, else an error.
 * - preprocessing: inference.yml, else the catalogue entry, else the ImageNet eval transform
 *   (224 inputs) or a stretch to the input size with ImageNet normalisation.
 */

import {FatalError, UsageError} from '../../cli/exit-codes.js';
import {imagenetLabels, readLabels} from '../labels.js';
import {imagenetPreprocess, preprocessOutputSize, type ModelManifest, type ModelSourceKind, type PreprocessSpec} from '../manifest.js';
import {lcnetVersion} from '../paths.js';
import type {CatalogueEntry} from './catalogue.js';
import {shippedLabelsFile} from '../pulc-catalogue.js';

export interface ModelFacts {
  name: string;
  entry: CatalogueEntry | undefined;
  source: {kind: ModelSourceKind; url?: string; from?: string; archiveSha256?: string};
  inputName: string;
  outputName: string;
  /** [height, width] fixed by the network, or null when dynamic */
  inputSize: [number, number] | null;
  /** classes of the network output, or null when unknown */
  classCount: number | null;
  outputIsProbability: boolean;
  /** from inference.yml */
  preprocess: PreprocessSpec | null;
  /** from inference.yml */
  labels: string[] | null;
  /** `--labels FILE` */
  labelsFile?: string;
}

export interface Described {
  manifest: Omit<ModelManifest, 'onnxSha256'>;
  notes: string[];
}

async function userLabels(path: string): Promise<string[]> {
  try {
    return await readLabels(path);
  } catch (e) {
    throw new UsageError(`--labels ${path}: ${(e as Error).message}`);
  }
}

const positive = (s: [number, number] | null): s is [number, number] => s !== null && s[0] > 0 && s[1] > 0;

export async function describeModel(f: ModelFacts): Promise<Described> {
  const notes: string[] = [];

  let labels: string[];
  let imagenet = false;
  if (f.labelsFile) labels = await userLabels(f.labelsFile);
  else if (f.labels) labels = f.labels;
  else if (f.entry && f.entry.labels !== 'imagenet1k' && shippedLabelsFile(f.entry.labels)) labels = await readLabels(shippedLabelsFile(f.entry.labels)!);
  else if (f.entry?.labels === 'imagenet1k' || f.classCount === 1000) {
    labels = await imagenetLabels();
    imagenet = true;
    if (f.entry?.labels !== 'imagenet1k') notes.push('the model has 1000 classes and no class names: using the ImageNet-1k names (pass --labels FILE otherwise)');
  } else {
    throw new UsageError(`model ${f.name} carries no class names (${f.classCount ?? 'unknown number of'} classes); pass --labels FILE`);
  }
  if (f.classCount !== null && labels.length !== f.classCount) {
    throw new UsageError(`model ${f.name} has ${f.classCount} classes but ${f.labelsFile ?? 'its label list'} names ${labels.length}`);
  }

  let preprocess: PreprocessSpec;
  if (f.preprocess) preprocess = f.preprocess;
  else if (f.entry) preprocess = f.entry.preprocess;
  else if (!positive(f.inputSize) || (f.inputSize[0] === 224 && f.inputSize[1] === 224)) {
    preprocess = imagenetPreprocess();
    notes.push('no preprocessing recorded with the model: assuming the ImageNet eval transform (resize short side 256, centre crop 224)');
  } else {
    const [height, width] = f.inputSize;
    preprocess = {...imagenetPreprocess(), resize: {kind: 'stretch', width, height}, crop: null};
    notes.push(`no preprocessing recorded with the model: assuming a stretch to ${width}x${height} with ImageNet normalisation`);
  }

  let out: [number, number];
  try {
    out = preprocessOutputSize(preprocess);
  } catch (e) {
    throw new FatalError(`model ${f.name}: ${(e as Error).message}`);
  }
  if (positive(f.inputSize) && (f.inputSize[0] !== out[0] || f.inputSize[1] !== out[1])) {
    throw new FatalError(
      `model ${f.name} takes ${f.inputSize[1]}x${f.inputSize[0]} images but its preprocessing produces ${out[1]}x${out[0]}`,
    );
  }

  const task = f.entry?.task ?? (imagenet ? 'imagenet-1k' : 'custom');
  return {
    manifest: {
      name: f.name,
      task,
      source: f.source,
      inputSize: positive(f.inputSize) ? f.inputSize : out,
      inputName: f.inputName,
      outputName: f.outputName,
      outputIsProbability: f.outputIsProbability,
      preprocess,
      labels,
      ...(f.entry?.postprocess ? {postprocess: f.entry.postprocess} : {}),
      synthetic: false,
      createdAt: new Date().toISOString(),
      lcnetVersion: lcnetVersion(),
    },
    notes,
  };
}
