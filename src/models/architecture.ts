/**
 * The PP-LCNet architecture (PaddleClas `PPLCNet`, arXiv 2109.15099) as data: a width-scaled stack
 * of depthwise-separable blocks, expanded into an ordered list of layers with Paddle's parameter
 * names. This is the single definition of the network in lcnet: the ONNX builder, the parameter
 * counter and the tests all read it from here.
 */

import {expandLayersV2} from './architecture-v2.js';

export type Stride = [number, number];

export interface LCNetConfig {
  /** width multiplier: 0.25, 0.35, 0.5, 0.75, 1.0, 1.5, 2.0, 2.5 (any positive value works) */
  scale: number;
  classCount: number;
  /** input height and width */
  inputSize: [number, number];
  /** strides of the stem and of the first block of blocks3..blocks6 (PaddleClas `stride_list`) */
  strides: [Stride, Stride, Stride, Stride, Stride];
  /** the 1x1 conv to `classExpand` channels before the classifier (PaddleClas `use_last_conv`) */
  useLastConv: boolean;
  classExpand: number;
  /**
   * dropout after the last conv, PaddleClas `Dropout(p, mode="downscale_in_infer")`: at inference
   * it scales the features by 1 - p (0.2 in every official model); only present with the last conv
   */
  dropout: number;
  /** 2: PP-LCNetV2 (architecture-v2.ts), whose stage depths are `depths` */
  version?: 1 | 2;
  /** PP-LCNetV2 blocks per stage (small [2,2,4,2], base [2,2,6,2], large [2,2,8,2]) */
  depths?: [number, number, number, number];
}

/** PaddleClas NET_CONFIG: [kernel, in, out, stride, SE] per block, channels before scaling. */
const NET_CONFIG: [number, number, number, number, boolean][][] = [
  [[3, 16, 32, 1, false]],
  [
    [3, 32, 64, 2, false],
    [3, 64, 64, 1, false],
  ],
  [
    [3, 64, 128, 2, false],
    [3, 128, 128, 1, false],
  ],
  [
    [3, 128, 256, 2, false],
    [5, 256, 256, 1, false],
    [5, 256, 256, 1, false],
    [5, 256, 256, 1, false],
    [5, 256, 256, 1, false],
    [5, 256, 256, 1, false],
  ],
  [
    [5, 256, 512, 2, true],
    [5, 512, 512, 1, true],
  ],
];

export const BN_EPSILON = 1e-5;
export const SE_REDUCTION = 4;
/** Paddle's hardsigmoid in the SE module: slope 1/6 (as float32), offset 0.5. */
export const SE_HARDSIGMOID = {alpha: 0.1666667, beta: 0.5};

/** PaddleClas `make_divisible(v, divisor=8, min_value=None)`. */
export function makeDivisible(v: number, divisor = 8): number {
  let n = Math.max(divisor, Math.floor((v + divisor / 2) / divisor) * divisor);
  if (n < 0.9 * v) n += divisor;
  return n;
}

export function imagenetConfig(scale: number, classCount = 1000, inputSize: [number, number] = [224, 224]): LCNetConfig {
  return {
    scale,
    classCount,
    inputSize,
    strides: [
      [2, 2],
      [2, 2],
      [2, 2],
      [2, 2],
      [2, 2],
    ],
    useLastConv: true,
    classExpand: 1280,
    dropout: 0.2,
  };
}

/** PaddleX text-line orientation variant: asymmetric strides, no 1280 conv, 2 classes, 80x160. */
export function textlineConfig(scale: number): LCNetConfig {
  return {
    scale,
    classCount: 2,
    inputSize: [80, 160],
    strides: [
      [1, 2],
      [2, 1],
      [2, 1],
      [2, 1],
      [2, 1],
    ],
    useLastConv: false,
    classExpand: 1280,
    dropout: 0.2,
  };
}

export interface ConvLayer {
  kind: 'conv';
  /** Paddle parameter prefix, e.g. conv2d_3 (weight `conv2d_3.w_0`, bias `conv2d_3.b_0`) */
  name: string;
  inChannels: number;
  outChannels: number;
  kernel: number;
  stride: Stride;
  pad: number;
  groups: number;
  bias: boolean;
}

export interface BatchNormLayer {
  kind: 'bn';
  /** Paddle parameter prefix, e.g. batch_norm_3 (scale w_0, bias b_0, mean w_1, variance w_2) */
  name: string;
  channels: number;
}

export type Activation = 'hardswish' | 'relu' | 'hardsigmoid' | 'sigmoid';

export interface ActivationLayer {
  kind: 'act';
  fn: Activation;
}

/** Squeeze-and-excitation: the layers inside run on the pooled tensor; the result scales the input. */
export interface SELayer {
  kind: 'se';
  channels: number;
  layers: (ConvLayer | ActivationLayer)[];
}

/** x + f(x): the layers inside compute f (PP-LCNetV2 shortcut blocks) */
export interface ResidualLayer {
  kind: 'residual';
  layers: Layer[];
}

export interface PoolLayer {
  kind: 'globalpool';
}

export interface FlattenLayer {
  kind: 'flatten';
}

export interface LinearLayer {
  kind: 'linear';
  /** Paddle parameter prefix linear_0: weight [in, out], bias [out] */
  name: string;
  inFeatures: number;
  outFeatures: number;
}

export interface SoftmaxLayer {
  kind: 'softmax';
}

/** Dropout in downscale_in_infer mode: multiplies by 1 - p at inference. */
export interface DropoutLayer {
  kind: 'dropout';
  p: number;
}

export type Layer =
  | ConvLayer
  | BatchNormLayer
  | ActivationLayer
  | SELayer
  | ResidualLayer
  | PoolLayer
  | FlattenLayer
  | LinearLayer
  | DropoutLayer
  | SoftmaxLayer;

export interface Parameter {
  name: string;
  shape: number[];
  role: 'conv.weight' | 'conv.bias' | 'bn.scale' | 'bn.bias' | 'bn.mean' | 'bn.variance' | 'linear.weight' | 'linear.bias';
  /** inputs feeding one output value, for He-style initialisation */
  fanIn: number;
  /** learned by gradient descent; BN running statistics are not (both count in published totals) */
  trainable: boolean;
}

/**
 * What every version's expansion starts with: the configuration's scale and class count checked,
 * and makers of convolution and batch-norm layers named in the order PaddleClas creates them.
 */
export function layerMakers(cfg: LCNetConfig): {
  conv: (inC: number, outC: number, k: number, stride: Stride, groups: number, bias: boolean) => ConvLayer;
  bn: (channels: number) => BatchNormLayer;
} {
  if (!(cfg.scale > 0)) throw new Error(`scale must be positive, got ${cfg.scale}`);
  if (!Number.isInteger(cfg.classCount) || cfg.classCount < 1) throw new Error(`class count must be a positive integer, got ${cfg.classCount}`);
  let convIndex = 0;
  let bnIndex = 0;
  return {
    conv: (inC, outC, k, stride, groups, bias) => ({
      kind: 'conv',
      name: `conv2d_${convIndex++}`,
      inChannels: inC,
      outChannels: outC,
      kernel: k,
      stride,
      pad: (k - 1) >> 1,
      groups,
      bias,
    }),
    bn: (channels) => ({kind: 'bn', name: `batch_norm_${bnIndex++}`, channels}),
  };
}

/** Expands a configuration into the ordered layer list, naming layers as PaddleClas creates them. */
export function expandLayers(cfg: LCNetConfig): Layer[] {
  if (cfg.version === 2) return expandLayersV2(cfg);
  const {conv, bn} = layerMakers(cfg);
  const hardswish: ActivationLayer = {kind: 'act', fn: 'hardswish'};

  const md = (c: number) => makeDivisible(c * cfg.scale);
  const layers: Layer[] = [];
  const stemOut = md(16);
  layers.push(conv(3, stemOut, 3, cfg.strides[0], 1, false), bn(stemOut), hardswish);

  NET_CONFIG.forEach((stage, stageIndex) => {
    stage.forEach(([k, inC, outC, s, se], blockIndex) => {
      const cin = md(inC);
      const cout = md(outC);
      const stride: Stride = blockIndex === 0 && stageIndex > 0 ? cfg.strides[stageIndex] : [s, s];
      layers.push(conv(cin, cin, k, stride, cin, false), bn(cin), hardswish);
      if (se) {
        const reduced = Math.floor(cin / SE_REDUCTION);
        layers.push({
          kind: 'se',
          channels: cin,
          layers: [
            conv(cin, reduced, 1, [1, 1], 1, true),
            {kind: 'act', fn: 'relu'},
            conv(reduced, cin, 1, [1, 1], 1, true),
            {kind: 'act', fn: 'hardsigmoid'},
          ],
        });
      }
      layers.push(conv(cin, cout, 1, [1, 1], 1, false), bn(cout), hardswish);
    });
  });

  layers.push(...headLayers(cfg, conv, md(512), hardswish));
  return layers;
}

/**
 * The head both versions share: global pool, then (with `useLastConv`) a 1x1 conv to
 * `classExpand` with its activation and dropout, flatten, the classifier and softmax.
 */
export function headLayers(cfg: LCNetConfig, conv: ReturnType<typeof layerMakers>['conv'], features: number, activation: Layer): Layer[] {
  const layers: Layer[] = [{kind: 'globalpool'}];
  if (cfg.useLastConv) {
    layers.push(conv(features, cfg.classExpand, 1, [1, 1], 1, false), activation);
    if (cfg.dropout > 0) layers.push({kind: 'dropout', p: cfg.dropout});
    features = cfg.classExpand;
  }
  layers.push({kind: 'flatten'});
  layers.push({kind: 'linear', name: 'linear_0', inFeatures: features, outFeatures: cfg.classCount});
  layers.push({kind: 'softmax'});
  return layers;
}

/** Every parameter of the network, in layer order. */
export function listParameters(layers: Layer[]): Parameter[] {
  const out: Parameter[] = [];
  const visit = (l: Layer | ConvLayer | ActivationLayer) => {
    switch (l.kind) {
      case 'conv': {
        const fanIn = (l.inChannels / l.groups) * l.kernel * l.kernel;
        out.push({name: `${l.name}.w_0`, shape: [l.outChannels, l.inChannels / l.groups, l.kernel, l.kernel], role: 'conv.weight', fanIn, trainable: true});
        if (l.bias) out.push({name: `${l.name}.b_0`, shape: [l.outChannels], role: 'conv.bias', fanIn, trainable: true});
        break;
      }
      case 'bn':
        out.push(
          {name: `${l.name}.w_0`, shape: [l.channels], role: 'bn.scale', fanIn: 1, trainable: true},
          {name: `${l.name}.b_0`, shape: [l.channels], role: 'bn.bias', fanIn: 1, trainable: true},
          {name: `${l.name}.w_1`, shape: [l.channels], role: 'bn.mean', fanIn: 1, trainable: false},
          {name: `${l.name}.w_2`, shape: [l.channels], role: 'bn.variance', fanIn: 1, trainable: false},
        );
        break;
      case 'se':
      case 'residual':
        l.layers.forEach(visit);
        break;
      case 'linear':
        out.push(
          {name: `${l.name}.w_0`, shape: [l.inFeatures, l.outFeatures], role: 'linear.weight', fanIn: l.inFeatures, trainable: true},
          {name: `${l.name}.b_0`, shape: [l.outFeatures], role: 'linear.bias', fanIn: l.inFeatures, trainable: true},
        );
        break;
      default:
        break;
    }
  };
  layers.forEach(visit);
  return out;
}

/**
 * Parameter count as PaddleClas publishes it (`paddle.summary`: trainable weights plus BN running
 * statistics): 2,963,464 for x1_0 (2.96 M), 1,523,936 for x0_25 (1.52 M).
 */
export function parameterCount(cfg: LCNetConfig, filter: (p: Parameter) => boolean = () => true): number {
  return listParameters(expandLayers(cfg))
    .filter(filter)
    .reduce((n, p) => n + p.shape.reduce((a, b) => a * b, 1), 0);
}
