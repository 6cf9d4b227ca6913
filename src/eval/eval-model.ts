/**
 * The model as an evaluation report names it: the name its records carry, the file or folder it
 * was loaded from when `--model` named one (the name alone would be `model` for `./a/model.onnx`),
 * and whether its weights are synthetic, so that no report of a generated model passes for a real
 * one.
 */

import {existsSync} from 'node:fs';
import {resolve} from 'node:path';
import {SYNTHETIC_PREFIX, type ResolvedModel} from '../models/resolve.js';
import type {EvalModel} from './report.js';

/** `spec`: what --model (or $LCNET_MODEL, or the default) named. */
export function evalModel(model: ResolvedModel, spec: string, resize: string): EvalModel {
  const path = !spec.startsWith(SYNTHETIC_PREFIX) && existsSync(spec) ? resolve(spec) : null;
  return {name: model.name, path, synthetic: model.manifest.synthetic, onnxSha256: model.manifest.onnxSha256, resize};
}
