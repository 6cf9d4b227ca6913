/**
 * What lcnet knows about an installed model (`model.json` beside `model.onnx`): where it came
 * from, how to preprocess its input and how to name its outputs.
 */

import type {PostprocessSpec} from './head-spec.js';

export interface PreprocessSpec {
  /**
   * `short`: resize the short side to `size`, the long side to round(long * size / short)
   * (PaddleClas ResizeImage resize_short); `stretch`: resize to exactly width x height
   * (PaddleX ResizeImage size [w, h]); `pad`: resize to `height` keeping the aspect ratio, at
   * most `width` wide (ceil(height * w / h), PaddleOCR's resize_norm_img), and fill the rest of
   * the width with zeros in the tensor (after normalisation).
   */
  resize: {kind: 'short'; size: number} | {kind: 'stretch'; width: number; height: number} | {kind: 'pad'; width: number; height: number};
  /** centre crop after resizing (PaddleClas CropImage), or none */
  crop: {width: number; height: number} | null;
  /**
   * NormalizeImage: (pixel * scale - mean) / std per channel; mean and std are listed in the
   * network's channel order (`channels`), as PaddleClas and PaddleOCR configs list them
   */
  scale: number;
  mean: [number, number, number];
  std: [number, number, number];
  /** channel order the network expects */
  channels: 'rgb' | 'bgr';
}

export type ResizeKind = PreprocessSpec['resize']['kind'];

export type ModelSourceKind = 'paddle3' | 'paddle2' | 'onnx' | 'synthetic';

export interface ModelManifest {
  name: string;
  /** imagenet-1k, textline-orientation, document-orientation, custom */
  task: string;
  source: {kind: ModelSourceKind; url?: string; from?: string; archiveSha256?: string};
  /** network input [height, width] */
  inputSize: [number, number];
  inputName: string;
  outputName: string;
  /** whether the network output is already a probability distribution (ends in softmax) */
  outputIsProbability: boolean;
  preprocess: PreprocessSpec;
  labels: string[];
  /** how outputs become a record (PULC yes/no and attribute heads); top-k when absent */
  postprocess?: PostprocessSpec;
  onnxSha256: string;
  /** built with generated weights: predictions are meaningless */
  synthetic: boolean;
  createdAt: string;
  lcnetVersion: string;
}

/** The PaddleClas ImageNet eval transform (inference_cls.yaml). */
export function imagenetPreprocess(resizeShort = 256, crop = 224): PreprocessSpec {
  return {
    resize: {kind: 'short', size: resizeShort},
    crop: {width: crop, height: crop},
    scale: 0.00392157,
    mean: [0.485, 0.456, 0.406],
    std: [0.229, 0.224, 0.225],
    channels: 'rgb',
  };
}

/** Final tensor [height, width] produced by a preprocessing spec. */
export function preprocessOutputSize(p: PreprocessSpec): [number, number] {
  if (p.crop) return [p.crop.height, p.crop.width];
  if (p.resize.kind !== 'short') return [p.resize.height, p.resize.width];
  throw new Error('a short-side resize without a crop gives images of varying size; add a crop');
}
