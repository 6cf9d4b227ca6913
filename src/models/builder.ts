/**
 * Builds PP-LCNet as an ONNX model from `architecture.ts`, for any width, input size and class
 * count, with caller-supplied weights (keyed by Paddle parameter name) or seeded synthetic ones.
 */

import {encodeModel} from '../onnx/encode.js';
import {attr, OnnxGraph} from '../onnx/graph.js';
import {
  BN_EPSILON,
  expandLayers,
  listParameters,
  SE_HARDSIGMOID,
  type ActivationLayer,
  type ConvLayer,
  type Layer,
  type LCNetConfig,
} from './architecture.js';
import {seededWeights, type WeightMap} from './seeded-weights.js';

export const MODEL_INPUT = 'x';
export const MODEL_OUTPUT = 'probs';
/** ONNX metadata keys written by lcnet */
export const META_SYNTHETIC = 'lcnet.synthetic';
export const META_CONFIG = 'lcnet.architecture';
export const META_SEED = 'lcnet.seed';

export interface BuildOptions {
  config: LCNetConfig;
  /** real weights by Paddle parameter name; when absent, seeded synthetic weights are generated */
  weights?: WeightMap;
  seed?: number;
  name?: string;
  producerVersion?: string;
}

export interface BuiltModel {
  bytes: Uint8Array;
  graph: OnnxGraph;
  weights: WeightMap;
  synthetic: boolean;
}

export function buildLCNet(opts: BuildOptions): BuiltModel {
  const {config} = opts;
  const layers = expandLayers(config);
  const params = listParameters(layers);
  const synthetic = opts.weights === undefined;
  const seed = opts.seed ?? 0;
  const weights = opts.weights ?? seededWeights(layers, seed);
  for (const p of params) {
    const w = weights.get(p.name);
    const size = p.shape.reduce((a, b) => a * b, 1);
    if (!w) throw new Error(`missing weight ${p.name} [${p.shape.join(', ')}]`);
    if (w.length !== size) throw new Error(`weight ${p.name} has ${w.length} values, expected ${size} [${p.shape.join(', ')}]`);
  }
  const shapeOf = new Map(params.map((p) => [p.name, p.shape]));
  const graph = new OnnxGraph(opts.name ?? (config.version === 2 ? `PPLCNetV2_x${config.scale}` : `PPLCNet_x${config.scale}`));
  const param = (name: string) => graph.initializers.some((i) => i.name === name) ? name : graph.initializer(name, shapeOf.get(name)!, weights.get(name)!);

  const [h, w] = config.inputSize;
  graph.inputs.push({name: MODEL_INPUT, elemType: 'float32', shape: ['batch', 3, h, w]});

  const emitConv = (x: string, l: ConvLayer) => {
    const inputs = [x, param(`${l.name}.w_0`)];
    if (l.bias) inputs.push(param(`${l.name}.b_0`));
    return graph.node('Conv', inputs, {
      kernel_shape: attr.ints([l.kernel, l.kernel]),
      strides: attr.ints(l.stride),
      pads: attr.ints([l.pad, l.pad, l.pad, l.pad]),
      dilations: attr.ints([1, 1]),
      group: attr.int(l.groups),
    });
  };
  const emitAct = (x: string, l: ActivationLayer) => {
    switch (l.fn) {
      case 'hardswish':
        return graph.node('HardSwish', [x]);
      case 'relu':
        return graph.node('Relu', [x]);
      case 'hardsigmoid':
        return graph.node('HardSigmoid', [x], {alpha: attr.float(SE_HARDSIGMOID.alpha), beta: attr.float(SE_HARDSIGMOID.beta)});
      case 'sigmoid':
        return graph.node('Sigmoid', [x]);
    }
  };
  const emit = (x: string, l: Layer): string => {
    switch (l.kind) {
      case 'conv':
        return emitConv(x, l);
      case 'bn':
        return graph.node(
          'BatchNormalization',
          [x, param(`${l.name}.w_0`), param(`${l.name}.b_0`), param(`${l.name}.w_1`), param(`${l.name}.w_2`)],
          {epsilon: attr.float(BN_EPSILON)},
        );
      case 'act':
        return emitAct(x, l);
      case 'se': {
        let s = graph.node('GlobalAveragePool', [x]);
        for (const inner of l.layers) s = inner.kind === 'conv' ? emitConv(s, inner) : emitAct(s, inner);
        return graph.node('Mul', [x, s]);
      }
      case 'residual': {
        let y = x;
        for (const inner of l.layers) y = emit(y, inner);
        return graph.node('Add', [x, y]);
      }
      case 'globalpool':
        return graph.node('GlobalAveragePool', [x]);
      case 'dropout':
        return graph.node('Mul', [x, graph.initializer(graph.fresh('dropout_keep'), [], Float32Array.of(1 - l.p))]);
      case 'flatten':
        return graph.node('Flatten', [x], {axis: attr.int(1)});
      case 'linear':
        return graph.node('Gemm', [x, param(`${l.name}.w_0`), param(`${l.name}.b_0`)]);
      case 'softmax':
        return graph.node('Softmax', [x], {axis: attr.int(-1)}, [MODEL_OUTPUT]);
    }
  };
  let x = MODEL_INPUT;
  for (const l of layers) x = emit(x, l);
  graph.outputs.push({name: MODEL_OUTPUT, elemType: 'float32', shape: ['batch', config.classCount]});

  const metadata: Record<string, string> = {
    [META_CONFIG]: JSON.stringify(config),
    [META_SYNTHETIC]: String(synthetic),
  };
  if (synthetic) metadata[META_SEED] = String(seed);
  const bytes = encodeModel(graph, {
    producer: 'lcnet',
    producerVersion: opts.producerVersion ?? '0',
    docString: synthetic
      ? 'PP-LCNet with SYNTHETIC seeded weights: for tests and benchmarks only, predictions are meaningless'
      : 'PP-LCNet',
    metadata,
  });
  return {bytes, graph, weights, synthetic};
}
