/** ONNX models made for tests. */

import {encodeModel} from '../../src/onnx/encode.js';
import {OnnxGraph} from '../../src/onnx/graph.js';

/**
 * A well-formed ONNX model with one image input [N, 3, size, size] and `classes` outputs that
 * onnxruntime cannot run: its only node is an operator no runtime has.
 */
export function unrunnableModel(classes: number, size: number): Uint8Array {
  const graph = new OnnxGraph('unrunnable');
  graph.inputs.push({name: 'x', elemType: 'float32', shape: ['batch', 3, size, size]});
  graph.node('NoSuchOperator', ['x'], {}, ['probs']);
  graph.outputs.push({name: 'probs', elemType: 'float32', shape: ['batch', classes]});
  return encodeModel(graph, {producer: 'test', producerVersion: '0', metadata: {}});
}
