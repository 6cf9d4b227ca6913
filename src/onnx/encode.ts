/** Serializes an `OnnxGraph` as an ONNX ModelProto (onnx.proto field numbers). */

import {ProtoWriter} from '../proto/writer.js';
import type {AttrValue, ElemType, Initializer, OnnxGraph, ValueInfo} from './graph.js';

export const ONNX_IR_VERSION = 8;
export const ONNX_OPSET = 17;

const ELEM_TYPE_CODE: Record<ElemType, number> = {float32: 1, uint8: 2, int64: 7};

function tensorProto(init: Initializer): ProtoWriter {
  const t = new ProtoWriter();
  t.packedVarints(1, init.dims);
  let code: number;
  if (init.data instanceof Float32Array) code = 1;
  else if (init.data instanceof Uint8Array) code = 2;
  else if (init.data instanceof Int32Array) code = 6;
  else code = 7;
  t.varint(2, code);
  t.string(8, init.name);
  const d = init.data;
  t.bytes(9, new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
  return t;
}

function attributeProto(name: string, a: AttrValue): ProtoWriter {
  const p = new ProtoWriter().string(1, name);
  switch (a.type) {
    case 'float':
      p.float(2, a.value).varint(20, 1);
      break;
    case 'int':
      p.varint(3, a.value).varint(20, 2);
      break;
    case 'string':
      p.string(4, a.value).varint(20, 3);
      break;
    case 'floats':
      for (const v of a.value) p.float(7, v);
      p.varint(20, 6);
      break;
    case 'ints':
      p.packedVarints(8, a.value).varint(20, 7);
      break;
  }
  return p;
}

function valueInfoProto(v: ValueInfo): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of v.shape) {
    const dim = new ProtoWriter();
    if (typeof d === 'number') dim.varint(1, d);
    else dim.string(2, d);
    shape.message(1, dim);
  }
  const tensorType = new ProtoWriter().varint(1, ELEM_TYPE_CODE[v.elemType]).message(2, shape);
  const type = new ProtoWriter().message(1, tensorType);
  return new ProtoWriter().string(1, v.name).message(2, type);
}

export interface ModelInfo {
  producer: string;
  producerVersion: string;
  docString?: string;
  metadata: Record<string, string>;
}

export function encodeModel(graph: OnnxGraph, info: ModelInfo): Uint8Array {
  const g = new ProtoWriter();
  for (const n of graph.nodes) {
    const np = new ProtoWriter();
    for (const i of n.inputs) np.string(1, i);
    for (const o of n.outputs) np.string(2, o);
    np.string(3, n.name).string(4, n.op);
    for (const [k, v] of Object.entries(n.attrs)) np.message(5, attributeProto(k, v));
    g.message(1, np);
  }
  g.string(2, graph.name);
  for (const init of graph.initializers) g.message(5, tensorProto(init));
  for (const i of graph.inputs) g.message(11, valueInfoProto(i));
  for (const o of graph.outputs) g.message(12, valueInfoProto(o));

  const m = new ProtoWriter()
    .varint(1, ONNX_IR_VERSION)
    .string(2, info.producer)
    .string(3, info.producerVersion);
  if (info.docString) m.string(6, info.docString);
  m.message(7, g);
  m.message(8, new ProtoWriter().string(1, '').varint(2, ONNX_OPSET));
  for (const [key, value] of Object.entries(info.metadata)) {
    m.message(14, new ProtoWriter().string(1, key).string(2, value));
  }
  return m.finish();
}
