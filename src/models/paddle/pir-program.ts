/**
 * Reader for Paddle 3 PIR programs (`inference.json`): the operators of
 * `program.regions[0].blocks[0]`, each `{"#": type, "A": attributes, "I": inputs, "O": outputs}`,
 * with values referred to by numeric `"%"` ids and parameters declared by `"#": "p"` operators
 * (name in `A[3]`, dtype and shape in `O.TT.D`).
 */

import {PaddleConvertError} from './net.js';

/**
 * An attribute value: `0.a_array` becomes an array, every other kind its `D` payload;
 * `unreadable` stands for a structured payload this reader does not decode.
 */
export type PirAttr = number | boolean | string | null | PirAttr[] | {unreadable: string};

export interface PirValue {
  id: number;
  /** element type tag without its dialect prefix, e.g. `t_f32`, `t_i64` */
  dtype: string;
  /** declared dims, -1 where dynamic; empty for non-tensor values */
  shape: number[];
}

export interface PirOp {
  /** operator name with its dialect prefix, e.g. `1.conv2d` */
  type: string;
  attrs: Map<string, PirAttr>;
  /** value ids; null for an absent optional input */
  inputs: (number | null)[];
  outputs: PirValue[];
}

export interface PirParameter {
  name: string;
  value: PirValue;
}

export interface PirProgram {
  /** every operator except parameter declarations, in program order */
  ops: PirOp[];
  parameters: PirParameter[];
}

type Json = null | boolean | number | string | Json[] | {[key: string]: Json};
type JsonObject = {[key: string]: Json};

const PARAMETER_OP = 'p';

function fail(message: string): never {
  throw new PaddleConvertError(`inference.json: ${message}`);
}

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function field(obj: Json | undefined, key: string, where: string): Json {
  if (!isObject(obj) || !(key in obj)) fail(`${where} has no "${key}"`);
  return obj[key]!;
}

function list(v: Json, where: string): Json[] {
  if (!Array.isArray(v)) fail(`${where} is not a list`);
  return v;
}

export function parsePirProgram(text: string): PirProgram {
  let root: Json;
  try {
    root = JSON.parse(text) as Json;
  } catch (e) {
    fail(`not valid JSON (${(e as Error).message})`);
  }
  if (!isObject(root)) fail('top level is not an object');
  const magic = isObject(root.base_code) ? root.base_code.magic : undefined;
  if (magic !== undefined && magic !== 'pir') fail(`base_code.magic is ${JSON.stringify(magic)}, expected "pir"`);
  const regions = list(field(root.program, 'regions', 'program'), 'program.regions');
  const blocks = list(field(regions[0], 'blocks', 'program.regions[0]'), 'program.regions[0].blocks');
  const ops = list(field(blocks[0], 'ops', 'program.regions[0].blocks[0]'), 'the op list');

  const program: PirProgram = {ops: [], parameters: []};
  ops.forEach((raw, index) => {
    const where = `op ${index}`;
    const type = field(raw, '#', where);
    if (typeof type !== 'string') fail(`${where} has a non-string type`);
    if (type === PARAMETER_OP) program.parameters.push(parseParameter(raw as JsonObject, where));
    else program.ops.push(parseOp(type, raw as JsonObject, `${where} (${type})`));
  });
  return program;
}

function parseParameter(raw: JsonObject, where: string): PirParameter {
  const name = list(field(raw, 'A', where), `${where} attributes`)[3];
  if (typeof name !== 'string' || name === '') fail(`${where}: parameter without a name in A[3]`);
  const out = Array.isArray(raw.O) ? raw.O[0] : raw.O;
  return {name, value: parseValue(out, `parameter ${name}`)};
}

function parseOp(type: string, raw: JsonObject, where: string): PirOp {
  const attrs = new Map<string, PirAttr>();
  for (const a of list(raw.A ?? [], `${where} attributes`)) {
    const name = field(a, 'N', `${where} attribute`);
    if (typeof name !== 'string') fail(`${where}: attribute name is not a string`);
    attrs.set(name, parseAttr(field(a, 'AT', `${where} attribute ${name}`)));
  }
  const inputs = list(raw.I ?? [], `${where} inputs`).map((v) => {
    const id = isObject(v) ? v['%'] : undefined;
    return typeof id === 'number' && id > 0 ? id : null;
  });
  const outputs = list(raw.O ?? [], `${where} outputs`).map((v) => parseValue(v, `${where} output`));
  return {type, attrs, inputs, outputs};
}

function parseAttr(at: Json): PirAttr {
  if (!isObject(at)) return {unreadable: JSON.stringify(at)};
  const data = at.D;
  if (at['#'] === '0.a_array') return Array.isArray(data) ? data.map(parseAttr) : [];
  return toAttr(data, String(at['#']));
}

function toAttr(v: Json | undefined, kind: string): PirAttr {
  if (v === undefined || isObject(v)) return {unreadable: kind};
  if (Array.isArray(v)) return v.map((x) => toAttr(x, kind));
  return v;
}

function parseValue(v: Json | undefined, where: string): PirValue {
  const id = isObject(v) ? v['%'] : undefined;
  if (typeof id !== 'number') fail(`${where} has no value id`);
  const tt = (v as JsonObject).TT;
  if (!isObject(tt) || tt['#'] !== '0.t_dtensor' || !Array.isArray(tt.D)) return {id, dtype: isObject(tt) ? String(tt['#']) : '', shape: []};
  const [elem, dims] = tt.D;
  const dtype = isObject(elem) && typeof elem['#'] === 'string' ? elem['#'].replace(/^\d+\./, '') : '';
  if (!Array.isArray(dims) || dims.some((d) => typeof d !== 'number')) fail(`${where} has an invalid shape`);
  return {id, dtype, shape: dims as number[]};
}
