/**
 * Reader for Paddle 2 programs (`inference.pdmodel`): a `ProgramDesc` protobuf as defined by
 * Paddle's framework.proto. Only block 0 is read: its variables (name, type, tensor dtype and
 * dims, persistable) and operators (type, named input/output argument lists, typed attributes).
 *
 * framework.proto field numbers used here:
 *   ProgramDesc: 1 blocks, 4 version { 1 version }
 *   BlockDesc: 1 idx, 2 parent_idx, 3 vars, 4 ops
 *   VarDesc: 1 name, 2 type (VarType), 3 persistable
 *   VarType: 1 type, 3 lod_tensor { 1 tensor (TensorDesc), 2 lod_level }
 *   TensorDesc: 1 data_type, 2 dims
 *   OpDesc: 1 inputs, 2 outputs (Var: 1 parameter, 2 arguments), 3 type, 4 attrs
 *   OpDesc.Attr: 1 name, 2 type, 3 i, 4 f, 5 s, 6 ints, 7 floats, 8 strings, 10 b, 11 bools,
 *     12 block_idx, 13 l, 14 blocks_idx, 15 longs, 16 float64s, 17 var_name, 18 vars_name, 19 float64
 */

import {asFloat64, asSigned, asString, ProtoDecodeError, readFields, repeatedFloats, repeatedVarints, type ProtoField} from '../../proto/reader.js';
import {PaddleConvertError} from './net.js';

/** `unreadable` stands for kinds this reader does not decode (newer Scalar attributes). */
export type DescAttr = number | boolean | string | number[] | boolean[] | string[] | {unreadable: string};

/** framework.proto VarType.Type values naming variable kinds */
export const VAR_TYPE = {LOD_TENSOR: 7, FEED_MINIBATCH: 9, FETCH_LIST: 10} as const;

/** framework.proto AttrType */
const ATTR_TYPE = {
  INT: 0, FLOAT: 1, STRING: 2, INTS: 3, FLOATS: 4, STRINGS: 5, BOOLEAN: 6, BOOLEANS: 7,
  BLOCK: 8, LONG: 9, BLOCKS: 10, LONGS: 11, FLOAT64S: 12, VAR: 13, VARS: 14, FLOAT64: 15,
} as const;

export interface DescVar {
  name: string;
  /** VarType.Type of the variable (LOD_TENSOR, FEED_MINIBATCH, ...) */
  type: number;
  /** element type of a tensor variable, null for other kinds */
  dataType: number | null;
  /** tensor dims, -1 where dynamic; empty for other kinds */
  dims: number[];
  persistable: boolean;
}

export interface DescOp {
  type: string;
  /** argument lists by parameter name, e.g. {Input: ['x'], Filter: ['conv2d_0.w_0'], Bias: []} */
  inputs: Map<string, string[]>;
  outputs: Map<string, string[]>;
  attrs: Map<string, DescAttr>;
}

export interface ProgramDesc {
  /** Paddle version that wrote the program (e.g. 2002000 for 2.2.0), null when absent */
  version: number | null;
  vars: DescVar[];
  ops: DescOp[];
}

function fail(message: string): never {
  throw new PaddleConvertError(`inference.pdmodel: ${message}`);
}

function parse(bytes: Uint8Array, where: string): ProtoField[] {
  try {
    return readFields(bytes);
  } catch (e) {
    if (e instanceof ProtoDecodeError) fail(`not a valid ProgramDesc protobuf (${where}: ${e.message})`);
    throw e;
  }
}

function bytesOf(f: ProtoField, where: string): Uint8Array {
  if (f.wire !== 2) fail(`${where}: expected a length-delimited field ${f.field}, got wire type ${f.wire}`);
  return f.bytes!;
}

function varintOf(f: ProtoField, where: string): bigint {
  if (f.wire !== 0) fail(`${where}: expected a varint field ${f.field}, got wire type ${f.wire}`);
  return f.varint!;
}

function first(fields: ProtoField[], n: number): ProtoField | undefined {
  return fields.find((f) => f.field === n);
}

export function parseProgramDesc(bytes: Uint8Array): ProgramDesc {
  if (bytes.length === 0) fail('file is empty');
  const program = parse(bytes, 'ProgramDesc');
  const blocks = program.filter((f) => f.field === 1);
  if (blocks.length === 0) fail('no blocks (not a ProgramDesc?)');
  const versionField = first(program, 4);
  const version = versionField ? first(parse(bytesOf(versionField, 'version'), 'Version'), 1) : undefined;
  const block = parse(bytesOf(blocks[0]!, 'block 0'), 'block 0');
  const vars = block.filter((f) => f.field === 3).map((f, i) => parseVar(bytesOf(f, `var ${i}`), `var ${i}`));
  const ops = block.filter((f) => f.field === 4).map((f, i) => parseOp(bytesOf(f, `op ${i}`), `op ${i}`));
  return {version: version ? asSigned(varintOf(version, 'version')) : null, vars, ops};
}

function parseVar(bytes: Uint8Array, where: string): DescVar {
  const fields = parse(bytes, where);
  const nameField = first(fields, 1);
  if (!nameField) fail(`${where} has no name`);
  const name = asString(bytesOf(nameField, where));
  const typeField = first(fields, 2);
  if (!typeField) fail(`variable ${name} has no type`);
  const varType = parse(bytesOf(typeField, name), `type of ${name}`);
  const kind = first(varType, 1);
  const lodTensor = first(varType, 3);
  let dataType: number | null = null;
  let dims: number[] = [];
  if (lodTensor) {
    const tensorField = first(parse(bytesOf(lodTensor, name), `lod_tensor of ${name}`), 1);
    if (tensorField) {
      const desc = parse(bytesOf(tensorField, name), `TensorDesc of ${name}`);
      const dt = first(desc, 1);
      dataType = dt ? Number(varintOf(dt, name)) : null;
      dims = repeatedVarints(desc, 2).map(asSigned);
    }
  }
  const persistable = first(fields, 3);
  return {
    name,
    type: kind ? Number(varintOf(kind, name)) : -1,
    dataType,
    dims,
    persistable: persistable ? varintOf(persistable, name) !== 0n : false,
  };
}

function parseOp(bytes: Uint8Array, where: string): DescOp {
  const fields = parse(bytes, where);
  const typeField = first(fields, 3);
  if (!typeField) fail(`${where} has no type`);
  const type = asString(bytesOf(typeField, where));
  const slots = (n: number) => {
    const out = new Map<string, string[]>();
    for (const f of fields.filter((g) => g.field === n)) {
      const slot = parse(bytesOf(f, `${type} argument`), `${type} argument`);
      const param = first(slot, 1);
      if (!param) fail(`${type}: argument list without a parameter name`);
      out.set(asString(bytesOf(param, type)), slot.filter((g) => g.field === 2).map((g) => asString(bytesOf(g, type))));
    }
    return out;
  };
  const attrs = new Map<string, DescAttr>();
  for (const f of fields.filter((g) => g.field === 4)) {
    const [name, value] = parseAttr(bytesOf(f, `${type} attribute`), type);
    attrs.set(name, value);
  }
  return {type, inputs: slots(1), outputs: slots(2), attrs};
}

function parseAttr(bytes: Uint8Array, opType: string): [string, DescAttr] {
  const fields = parse(bytes, `${opType} attribute`);
  const nameField = first(fields, 1);
  const typeField = first(fields, 2);
  if (!nameField || !typeField) fail(`${opType}: attribute without a name or type`);
  const name = asString(bytesOf(nameField, opType));
  const where = `${opType}.${name}`;
  const scalar = (n: number) => first(fields, n);
  const ints = (n: number) => repeatedVarints(fields, n).map(asSigned);
  const strings = (n: number) => fields.filter((f) => f.field === n).map((f) => asString(bytesOf(f, where)));
  const varint = (n: number) => {
    const f = scalar(n);
    return f ? asSigned(varintOf(f, where)) : 0;
  };
  switch (Number(varintOf(typeField, where))) {
    case ATTR_TYPE.INT:
      return [name, varint(3)];
    case ATTR_TYPE.BLOCK:
      return [name, varint(12)];
    case ATTR_TYPE.LONG:
      return [name, varint(13)];
    case ATTR_TYPE.FLOAT:
      return [name, repeatedFloats(fields, 4)[0] ?? 0];
    case ATTR_TYPE.FLOAT64: {
      const f = scalar(19);
      return [name, f && f.wire === 1 ? asFloat64(f.bytes!) : 0];
    }
    case ATTR_TYPE.STRING:
      return [name, strings(5)[0] ?? ''];
    case ATTR_TYPE.VAR:
      return [name, strings(17)[0] ?? ''];
    case ATTR_TYPE.BOOLEAN:
      return [name, varint(10) !== 0];
    case ATTR_TYPE.INTS:
      return [name, ints(6)];
    case ATTR_TYPE.BLOCKS:
      return [name, ints(14)];
    case ATTR_TYPE.LONGS:
      return [name, ints(15)];
    case ATTR_TYPE.FLOATS:
      return [name, repeatedFloats(fields, 7)];
    case ATTR_TYPE.FLOAT64S:
      return [name, repeatedDoubles(fields, 16)];
    case ATTR_TYPE.STRINGS:
      return [name, strings(8)];
    case ATTR_TYPE.VARS:
      return [name, strings(18)];
    case ATTR_TYPE.BOOLEANS:
      return [name, ints(11).map((v) => v !== 0)];
    default:
      return [name, {unreadable: `AttrType ${Number(typeField.varint!)}`}];
  }
}

function repeatedDoubles(fields: ProtoField[], n: number): number[] {
  const out: number[] = [];
  for (const f of fields.filter((g) => g.field === n)) {
    if (f.wire === 1) out.push(asFloat64(f.bytes!));
    else if (f.wire === 2) for (let i = 0; i + 8 <= f.bytes!.length; i += 8) out.push(asFloat64(f.bytes!.subarray(i, i + 8)));
  }
  return out;
}
