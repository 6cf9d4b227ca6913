/**
 * Reads what lcnet needs from any ONNX file without loading it into a runtime: graph inputs and
 * outputs with their shapes, the op producing each output, and the metadata properties.
 */

import {asSigned, asString, readFields, repeatedVarints, type ProtoField} from '../proto/reader.js';

export interface TensorInfo {
  name: string;
  /** numbers are fixed sizes, strings symbolic, null unknown */
  shape: (number | string | null)[];
}

export interface OnnxSummary {
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  /** op type of the node producing each graph output */
  producers: Record<string, string>;
  metadata: Record<string, string>;
  initializerNames: Set<string>;
}

function fieldsOf(fields: ProtoField[], n: number): Uint8Array[] {
  return fields.filter((f) => f.field === n && f.bytes).map((f) => f.bytes!);
}

function firstString(fields: ProtoField[], n: number): string {
  const b = fieldsOf(fields, n)[0];
  return b ? asString(b) : '';
}

function tensorInfo(bytes: Uint8Array): TensorInfo {
  const vi = readFields(bytes);
  const name = firstString(vi, 1);
  const shape: (number | string | null)[] = [];
  const type = fieldsOf(vi, 2)[0];
  const tensor = type ? fieldsOf(readFields(type), 1)[0] : undefined;
  const shapeBytes = tensor ? fieldsOf(readFields(tensor), 2)[0] : undefined;
  if (shapeBytes) {
    for (const dim of fieldsOf(readFields(shapeBytes), 1)) {
      const d = readFields(dim);
      const value = d.find((f) => f.field === 1 && f.varint !== undefined);
      const param = fieldsOf(d, 2)[0];
      shape.push(value ? asSigned(value.varint!) : param ? asString(param) : null);
    }
  }
  return {name, shape};
}

export function inspectOnnx(model: Uint8Array): OnnxSummary {
  let top: ProtoField[];
  try {
    top = readFields(model);
  } catch (e) {
    throw new Error(`not an ONNX model: ${(e as Error).message}`);
  }
  const graphBytes = fieldsOf(top, 7)[0];
  if (!graphBytes || repeatedVarints(top, 1).length === 0) throw new Error('not an ONNX model (no IR version or graph)');
  const graph = readFields(graphBytes);
  const initializerNames = new Set(fieldsOf(graph, 5).map((t) => firstString(readFields(t), 8)));
  const inputs = fieldsOf(graph, 11)
    .map(tensorInfo)
    .filter((i) => !initializerNames.has(i.name));
  const outputs = fieldsOf(graph, 12).map(tensorInfo);
  const producers: Record<string, string> = {};
  const wanted = new Set(outputs.map((o) => o.name));
  for (const nodeBytes of fieldsOf(graph, 1)) {
    const node = readFields(nodeBytes);
    const op = firstString(node, 4);
    for (const out of fieldsOf(node, 2).map(asString)) if (wanted.has(out)) producers[out] = op;
  }
  const metadata: Record<string, string> = {};
  for (const entry of fieldsOf(top, 14)) {
    const kv = readFields(entry);
    metadata[firstString(kv, 1)] = firstString(kv, 2);
  }
  return {inputs, outputs, producers, metadata, initializerNames};
}
