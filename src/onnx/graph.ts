/**
 * An in-memory ONNX graph: the nodes, initializers and interface of one model, built up by the
 * PP-LCNet builder and the Paddle converter and serialized by `encodeModel`.
 */

export type TensorData = Float32Array | BigInt64Array | Int32Array | Uint8Array;

export interface Initializer {
  name: string;
  dims: number[];
  data: TensorData;
}

export type AttrValue =
  | {type: 'int'; value: number}
  | {type: 'float'; value: number}
  | {type: 'ints'; value: number[]}
  | {type: 'floats'; value: number[]}
  | {type: 'string'; value: string};

export interface GraphNode {
  op: string;
  inputs: string[];
  outputs: string[];
  name: string;
  attrs: Record<string, AttrValue>;
}

export type ElemType = 'float32' | 'uint8' | 'int64';

export interface ValueInfo {
  name: string;
  elemType: ElemType;
  /** numbers are fixed sizes, strings are symbolic (dynamic) dimensions */
  shape: (number | string)[];
}

export const attr = {
  int: (value: number): AttrValue => ({type: 'int', value}),
  float: (value: number): AttrValue => ({type: 'float', value}),
  ints: (value: number[]): AttrValue => ({type: 'ints', value}),
  floats: (value: number[]): AttrValue => ({type: 'floats', value}),
  string: (value: string): AttrValue => ({type: 'string', value}),
};

export class OnnxGraph {
  readonly nodes: GraphNode[] = [];
  readonly initializers: Initializer[] = [];
  readonly inputs: ValueInfo[] = [];
  readonly outputs: ValueInfo[] = [];
  private counter = 0;

  constructor(readonly name: string) {}

  /** A fresh value name with a readable prefix. */
  fresh(prefix: string): string {
    return `${prefix}_${this.counter++}`;
  }

  initializer(name: string, dims: number[], data: TensorData): string {
    const size = dims.reduce((a, b) => a * b, 1);
    if (data.length !== size) {
      throw new Error(`initializer ${name}: ${data.length} values for shape [${dims.join(', ')}]`);
    }
    this.initializers.push({name, dims, data});
    return name;
  }

  /** Adds a node and returns its first output (a fresh name unless `outputs` is given). */
  node(op: string, inputs: string[], attrs: Record<string, AttrValue> = {}, outputs?: string[]): string {
    const outs = outputs ?? [this.fresh(op.toLowerCase())];
    this.nodes.push({op, inputs, outputs: outs, name: `${op}_${this.nodes.length}`, attrs});
    return outs[0]!;
  }

  /** Number of parameter values held by the initializers whose names pass `filter`. */
  parameterCount(filter: (name: string) => boolean = () => true): number {
    return this.initializers.filter((i) => filter(i.name)).reduce((n, i) => n + i.data.length, 0);
  }
}
