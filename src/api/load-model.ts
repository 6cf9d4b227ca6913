/**
 * The model a classifier runs: from what a user or program names (catalogue name, model folder,
 * .onnx file, synthetic:NAME[@SEED]) to a loaded model, downloading a catalogue model on first use
 * when allowed. Shared by the library API and the commands.
 */

import {loadCatalogue} from '../models/download/catalogue.js';
import type {FetchProgress} from '../models/download/fetch-file.js';
import {resolveModel, type ResolvedModel} from '../models/resolve.js';
import {jpegDecoderNote} from '../pipeline/jpeg-turbo.js';
import {stderrDownloadReport} from '../terminal/progress-bar.js';

export interface ModelChoice {
  /** catalogue name, model folder, .onnx file or synthetic:NAME[@SEED] [default: $LCNET_MODEL, else PPLCNet_x1_0] */
  model?: string;
  /** label file (any model; needed by an .onnx file that carries no class names) */
  labels?: string;
  /** any model: resize the short side to N, then centre-crop the input size */
  resizeShort?: number;
  /** any model: stretch to the input size instead of resize + crop (not with resizeShort) */
  stretch?: boolean;
  /** download a catalogue model that is not installed yet [default: true] */
  download?: boolean;
  /** true: download progress on stderr (the CLI's bar); or a callback; absent: silent */
  downloadProgress?: boolean | ((p: FetchProgress) => void);
  /** the model store [default: $LCNET_HOME, else ~/.cache/lcnet] */
  home?: string;
  /** cancels a download in progress */
  signal?: AbortSignal;
}

export function defaultModelName(env: NodeJS.ProcessEnv = process.env): string {
  return env.LCNET_MODEL || loadCatalogue().default;
}

/** The model named by `choice`; its warnings also say when JPEGs cannot take the native decoder here. */
export async function loadModel(choice: ModelChoice): Promise<ResolvedModel> {
  const model = await resolveModel({
    spec: choice.model || defaultModelName(),
    labelsFile: choice.labels,
    overrides: {resizeShort: choice.resizeShort, stretch: choice.stretch},
    home: choice.home,
    download:
      choice.download === false
        ? undefined
        : async (name) => {
            const progress = choice.downloadProgress;
            const report = progress === true ? stderrDownloadReport() : null;
            try {
              // the download machinery loads only when a model must be downloaded
              const {ensureModel} = await import('../models/download/ensure.js');
              await ensureModel(name, {...report, onProgress: typeof progress === 'function' ? progress : report?.onProgress, signal: choice.signal, home: choice.home});
            } finally {
              report?.stop();
            }
          },
  });
  const note = jpegDecoderNote();
  return note ? {...model, warnings: [...model.warnings, note]} : model;
}
