/**
 * Paddle's combined parameter file (`inference.pdiparams`): the program's parameters, sorted by
 * name, each stored as a LoDTensor: uint32 version, uint64 LoD level count (then per level a
 * uint64 byte size and the offsets), uint32 tensor version, int32 size of a `TensorDesc`
 * protobuf (field 1 data type, field 2 dims), the desc, then the raw little-endian values.
 * FP32 is read as is; FP16, BF16 and FP64 are widened or narrowed to float32.
 */

import {asSigned, readFields, repeatedVarints, ProtoDecodeError} from '../../proto/reader.js';
import {ProtoWriter} from '../../proto/writer.js';

/** framework.proto VarType.Type values of the float data types */
const DATA_TYPE = {FP16: 4, FP32: 5, FP64: 6, BF16: 22} as const;
const DATA_TYPE_NAMES: Record<number, string> = {0: 'BOOL', 1: 'INT16', 2: 'INT32', 3: 'INT64', 4: 'FP16', 5: 'FP32', 6: 'FP64', 20: 'UINT8', 21: 'INT8', 22: 'BF16', 23: 'COMPLEX64', 24: 'COMPLEX128'};
const BYTES_PER_VALUE: Record<number, number> = {[DATA_TYPE.FP16]: 2, [DATA_TYPE.FP32]: 4, [DATA_TYPE.FP64]: 8, [DATA_TYPE.BF16]: 2};

export interface StoredTensor {
  dims: number[];
  data: Float32Array;
}

export interface NamedShape {
  name: string;
  shape: number[];
}

export class PdiparamsError extends Error {
  override name = 'PdiparamsError';
}

/** The order parameters are stored in: ascending by name, compared by code unit as Paddle does for ASCII names. */
export function sortParameterNames(names: readonly string[]): string[] {
  return [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Reads one tensor at `offset`; `label` names it in error messages. */
function readTensor(bytes: Uint8Array, offset: number, label: string): {tensor: StoredTensor; next: number} {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = offset;
  const need = (n: number, what: string) => {
    if (pos + n > bytes.length) {
      throw new PdiparamsError(`${label}: file truncated at byte ${pos} reading ${what} (${n} bytes needed, ${bytes.length - pos} left)`);
    }
  };
  need(4, 'the LoDTensor version');
  const lodVersion = view.getUint32(pos, true);
  if (lodVersion !== 0) throw new PdiparamsError(`${label}: unsupported LoDTensor version ${lodVersion} at byte ${pos} (not a .pdiparams file?)`);
  pos += 4;
  need(8, 'the LoD level count');
  const levels = view.getBigUint64(pos, true);
  pos += 8;
  if (levels > 16n) throw new PdiparamsError(`${label}: implausible LoD level count ${levels} at byte ${pos - 8}`);
  for (let i = 0; i < Number(levels); i++) {
    need(8, `the size of LoD level ${i}`);
    const size = view.getBigUint64(pos, true);
    pos += 8;
    if (size > BigInt(bytes.length - pos)) throw new PdiparamsError(`${label}: file truncated in LoD level ${i} (${size} bytes declared, ${bytes.length - pos} left)`);
    pos += Number(size);
  }
  need(4, 'the tensor version');
  const tensorVersion = view.getUint32(pos, true);
  if (tensorVersion !== 0) throw new PdiparamsError(`${label}: unsupported tensor version ${tensorVersion} at byte ${pos}`);
  pos += 4;
  need(4, 'the TensorDesc size');
  const descSize = view.getInt32(pos, true);
  pos += 4;
  if (descSize <= 0 || descSize > 4096) throw new PdiparamsError(`${label}: invalid TensorDesc size ${descSize} at byte ${pos - 4}`);
  need(descSize, 'the TensorDesc');
  const {dataType, dims} = decodeTensorDesc(bytes.subarray(pos, pos + descSize), label);
  pos += descSize;
  const typeName = DATA_TYPE_NAMES[dataType] ?? `type ${dataType}`;
  const width = BYTES_PER_VALUE[dataType];
  if (width === undefined) throw new PdiparamsError(`${label}: data type ${typeName} is not supported (only FP32, FP16, BF16, FP64)`);
  const count = dims.reduce((a, b) => a * b, 1);
  need(count * width, `${count} ${typeName} values of shape [${dims.join(', ')}]`);
  const data = decodeValues(bytes, pos, count, dataType);
  return {tensor: {dims, data}, next: pos + count * width};
}

function decodeTensorDesc(desc: Uint8Array, label: string): {dataType: number; dims: number[]} {
  let fields;
  try {
    fields = readFields(desc);
  } catch (e) {
    if (e instanceof ProtoDecodeError) throw new PdiparamsError(`${label}: corrupt TensorDesc (${e.message})`);
    throw e;
  }
  const typeField = fields.find((f) => f.field === 1 && f.wire === 0);
  if (!typeField) throw new PdiparamsError(`${label}: TensorDesc has no data type`);
  const dims = repeatedVarints(fields, 2).map(asSigned);
  if (dims.some((d) => d < 0 || !Number.isSafeInteger(d))) throw new PdiparamsError(`${label}: invalid dims [${dims.join(', ')}]`);
  return {dataType: Number(typeField.varint!), dims};
}

function decodeValues(bytes: Uint8Array, pos: number, count: number, dataType: number): Float32Array {
  if (dataType === DATA_TYPE.FP32) {
    // copied: the source may be unaligned or a view into a larger (Buffer pool) allocation
    const copy = new Uint8Array(count * 4);
    copy.set(bytes.subarray(pos, pos + count * 4));
    return new Float32Array(copy.buffer);
  }
  const out = new Float32Array(count);
  const view = new DataView(bytes.buffer, bytes.byteOffset + pos, bytes.length - pos);
  switch (dataType) {
    case DATA_TYPE.FP64:
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(i * 8, true);
      break;
    case DATA_TYPE.FP16:
      for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
      break;
    case DATA_TYPE.BF16: {
      const word = new DataView(new ArrayBuffer(4));
      for (let i = 0; i < count; i++) {
        word.setUint32(0, view.getUint16(i * 2, true) << 16);
        out[i] = word.getFloat32(0);
      }
      break;
    }
  }
  return out;
}

/** IEEE 754 binary16 to number. */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** Reads every tensor in the file, in stored order. */
export function readPdiparams(bytes: Uint8Array): StoredTensor[] {
  const out: StoredTensor[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    const {tensor, next} = readTensor(bytes, pos, `tensor ${out.length}`);
    out.push(tensor);
    pos = next;
  }
  return out;
}

/**
 * Reads the parameters of a program: the file must hold exactly one tensor per parameter, in
 * sorted name order, each of the declared shape.
 */
export function readParameters(bytes: Uint8Array, params: readonly NamedShape[]): Map<string, Float32Array> {
  const byName = new Map(params.map((p) => [p.name, p]));
  const out = new Map<string, Float32Array>();
  let pos = 0;
  for (const name of sortParameterNames([...byName.keys()])) {
    if (pos >= bytes.length) {
      throw new PdiparamsError(`inference.pdiparams ends after ${out.size} tensors; the program has ${byName.size} parameters (next: ${name})`);
    }
    const {tensor, next} = readTensor(bytes, pos, `parameter ${name}`);
    const shape = byName.get(name)!.shape;
    if (!sameShape(shape, tensor.dims)) {
      throw new PdiparamsError(`parameter ${name}: stored shape [${tensor.dims.join(', ')}] differs from the program's [${shape.join(', ')}]`);
    }
    out.set(name, tensor.data);
    pos = next;
  }
  if (pos !== bytes.length) {
    throw new PdiparamsError(`inference.pdiparams has ${bytes.length - pos} bytes after the program's ${byName.size} parameters`);
  }
  return out;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Encodes float32 tensors in the given order. */
export function writePdiparams(tensors: readonly StoredTensor[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const t of tensors) {
    const count = t.dims.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) throw new PdiparamsError(`tensor of shape [${t.dims.join(', ')}] has ${t.data.length} values`);
    const desc = new ProtoWriter().varint(1, DATA_TYPE.FP32).packedVarints(2, t.dims).finish();
    const header = new Uint8Array(4 + 8 + 4 + 4);
    const view = new DataView(header.buffer);
    view.setUint32(0, 0, true);
    view.setBigUint64(4, 0n, true);
    view.setUint32(12, 0, true);
    view.setInt32(16, desc.length, true);
    const data = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    parts.push(header, desc, data);
  }
  return Buffer.concat(parts);
}

/** Encodes named parameters in the order Paddle stores them (sorted by name). */
export function writeParameters(params: ReadonlyMap<string, StoredTensor>): Uint8Array {
  return writePdiparams(sortParameterNames([...params.keys()]).map((n) => params.get(n)!));
}
