/**
 * Shared helpers of the Paddle conversion tests: running an ONNX model on a batch with
 * onnxruntime-node, and comparing outputs.
 */

import * as ort from 'onnxruntime-node';
import {encodeModel} from '../../src/onnx/encode.js';
import type {OnnxGraph} from '../../src/onnx/graph.js';

/** Runs `onnx` on an NCHW float32 batch and returns its `probs` output. */
export async function runProbs(onnx: Uint8Array, input: Float32Array, dims: number[]): Promise<{data: Float32Array; dims: readonly number[]}> {
  const session = await ort.InferenceSession.create(onnx, {intraOpNumThreads: 2});
  try {
    const out = await session.run({x: new ort.Tensor('float32', input, dims)});
    const probs = out.probs;
    if (!probs) throw new Error('model has no probs output');
    return {data: probs.data as Float32Array, dims: probs.dims};
  } finally {
    await session.release();
  }
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

/**
 * The model without its final softmax: `probs` then carries the logits, which show differences
 * that a saturated softmax hides. The graph is changed in place.
 */
export function logitsModel(graph: OnnxGraph): Uint8Array {
  const softmax = graph.nodes.find((n) => n.op === 'Softmax' && n.outputs.includes('probs'));
  if (!softmax) throw new Error('the graph does not end in a softmax named probs');
  softmax.op = 'Identity';
  softmax.attrs = {};
  return encodeModel(graph, {producer: 'lcnet-test', producerVersion: '0', metadata: {}});
}
