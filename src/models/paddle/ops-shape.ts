/**
 * Paddle 2 operators that compute with shapes and constants rather than images: `shape`,
 * `slice`, `fill_constant`, a `reshape2` whose target comes from tensors, and `sigmoid` (the
 * last activation of attribute models). PaddleOCR's classifier head computes its flatten target
 * with shape + slice + reshape2(ShapeTensor); PaddleClas attribute exports end in sigmoid.
 */

import {PaddleConvertError} from './net.js';
import type {Translator} from './desc-to-net.js';

/** framework.proto VarType.Type for tensor element types */
const PADDLE_DTYPE: Record<number, 'float32' | 'int64'> = {
  2: 'int64', // INT32: ONNX shape arithmetic is int64, so integers are widened
  3: 'int64', // INT64
  5: 'float32', // FP32
};

function noTensorInputs(c: Parameters<Translator>[0], slots: string[]): void {
  for (const slot of slots) {
    if (c.inputs(slot).length > 0) throw new PaddleConvertError(`${c.op.type}: a ${slot} input is not supported (only attributes)`);
  }
}

function reshapeFromTensors(c: Parameters<Translator>[0]): void {
  const shape = c.optional('Shape');
  const list = c.inputs('ShapeTensor');
  if (shape !== null) c.emit({op: 'reshapeTo', x: c.input('X'), parts: [shape], out: c.output('Out')});
  else if (list.length > 0) c.emit({op: 'reshapeTo', x: c.input('X'), parts: list, out: c.output('Out')});
  else c.emit({op: 'reshape', x: c.input('X'), shape: c.attrs.numbers('shape'), out: c.output('Out')});
}

export const SHAPE_TRANSLATORS: Record<string, Translator> = {
  sigmoid: (c) => c.emit({op: 'sigmoid', x: c.input('X'), out: c.output('Out')}),
  shape: (c) => c.emit({op: 'shape', x: c.input('Input'), out: c.output('Out')}),
  slice: (c) => {
    noTensorInputs(c, ['StartsTensor', 'EndsTensor', 'StartsTensorList', 'EndsTensorList']);
    const axes = c.attrs.numbers('axes');
    const starts = c.attrs.numbers('starts');
    const ends = c.attrs.numbers('ends');
    if (starts.length !== axes.length || ends.length !== axes.length) {
      throw new PaddleConvertError(`slice: ${axes.length} axes but ${starts.length} starts and ${ends.length} ends`);
    }
    c.emit({op: 'slice', x: c.input('Input'), axes, starts, ends, decrease: c.attrs.numbers('decrease_axis', []), out: c.output('Out')});
  },
  fill_constant: (c) => {
    noTensorInputs(c, ['ValueTensor', 'ShapeTensor', 'ShapeTensorList']);
    const code = c.attrs.number('dtype', 5);
    const dtype = PADDLE_DTYPE[code];
    if (dtype === undefined) throw new PaddleConvertError(`fill_constant: element type ${code} is not supported (only float32, int32, int64)`);
    const text = c.attrs.string('str_value', '');
    const value = text !== '' ? Number(text) : c.attrs.number('value', 0);
    if (!Number.isFinite(value)) throw new PaddleConvertError(`fill_constant: value "${text}" is not a finite number`);
    c.emit({op: 'constant', dtype, shape: c.attrs.numbers('shape'), value, out: c.output('Out')});
  },
  reshape2: reshapeFromTensors,
  reshape: reshapeFromTensors,
};
