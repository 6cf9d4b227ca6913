/**
 * The model a classifier runs: from what a user or program names (catalogue name, model folder,
 * .onnx file, synthetic:NAME[@SEED]) to a loaded model, downloading a catalogue model on first use
 * when allowed. Shared by the library API and the commands.
 */

import {loadCatalogue} from '../models/download/catalogue.js';
import type {FetchProgress} from '../models/download/fetch-file.js';
import type {Channels, Fit, PreprocessOverrides} from '../models/preprocess-overrides.js';
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
  /** the network input, for a model whose graph leaves it open (`--input-size WxH`) */
  input?: {width: number; height: number};
  /** any model: how images fit the input: 'crop' (short side, centre crop), 'stretch' or 'pad' (to the height, zeros to the right) */
  fit?: Fit;
  /** any model: NormalizeImage's scale, mean and std (in the network's channel order), and that order */
  scale?: number;
  mean?: [number, number, number];
  std?: [number, number, number];
  channels?: Channels;
  /** download a catalogue model that is not installed yet [default: true] */
  download?: boolean;
  /** true: download progress on stderr (the CLI's bar); or a callback; absent: silent */
  downloadProgress?: boolean | ((p: FetchProgress) => void);
  /** the model store [default: $LCNET_HOME, else ~/.cache/lcnet] */
  home?: string;
  /** cancels a download in progress */
  signal?: AbortSignal;
}

/** The preprocessing settings of a model choice, as the model resolver takes them. */
export function preprocessOverrides(choice: ModelChoice): PreprocessOverrides {
  const o: PreprocessOverrides = {
    resizeShort: choice.resizeShort,
    stretch: choice.stretch,
    inputSize: choice.input === undefined ? undefined : [choice.input.height, choice.input.width],
    fit: choice.fit,
    scale: choice.scale,
    mean: choice.mean,
    std: choice.std,
    channels: choice.channels,
  };
  // only what was chosen: an absent setting keeps the model's own
  for (const key of Object.keys(o) as (keyof PreprocessOverrides)[]) if (o[key] === undefined) delete o[key];
  return o;
}

export function defaultModelName(env: NodeJS.ProcessEnv = process.env): string {
  return env.LCNET_MODEL || loadCatalogue().default;
}

/** The model named by `choice`; its warnings also say when JPEGs cannot take the native decoder here. */
export async function loadModel(choice: ModelChoice): Promise<ResolvedModel> {
  const model = await resolveModel({
    spec: choice.model || defaultModelName(),
    labelsFile: choice.labels,
    overrides: preprocessOverrides(choice),
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
