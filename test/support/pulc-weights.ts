/**
 * Seeded weights for a real PULC Paddle 2 graph (no weights are published with the graphs in
 * ../shared): PULC exports name parameters by creation order (batch_norm2d_0.w_1, ...), the
 * builder as PaddleClas's ImageNet export does; the official x0_75 program has the same
 * operators in the same order, so its parameter at the same operator and input slot names the
 * builder's.
 */

import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {imagenetConfig} from '../../src/models/architecture.js';
import {buildLCNet} from '../../src/models/builder.js';
import {writeParameters, type StoredTensor} from '../../src/models/paddle/pdiparams.js';
import {parseProgramDesc, VAR_TYPE, type ProgramDesc} from '../../src/models/paddle/program-desc.js';
import {SHARED} from './shared-data.js';

export const X0_75_PROGRAM = join(SHARED, 'models', 'paddle', 'PPLCNet_x0_75_infer', 'inference.pdmodel');

function isParam(p: ProgramDesc, name: string): boolean {
  const v = p.vars.find((w) => w.name === name);
  return v !== undefined && v.persistable && v.type !== VAR_TYPE.FEED_MINIBATCH && v.type !== VAR_TYPE.FETCH_LIST;
}

/** The builder's x1_0 network with `classes` outputs, and its weights stored under the PULC graph's names. */
export function seededPulcParameters(pdmodel: Uint8Array, classes: number, seed: number) {
  const program = parseProgramDesc(pdmodel);
  const template = parseProgramDesc(readFileSync(X0_75_PROGRAM));
  const sameOps = program.ops.length === template.ops.length && program.ops.every((o, i) => o.type === template.ops[i]!.type);
  if (!sameOps) throw new Error('the PULC graph does not have the operators of the x0_75 program');
  const built = buildLCNet({config: imagenetConfig(1.0, classes), seed});
  const builderName = new Map<string, string>();
  program.ops.forEach((op, i) => {
    for (const [slot, args] of op.inputs) {
      args.forEach((name, k) => {
        if (isParam(program, name)) builderName.set(name, template.ops[i]!.inputs.get(slot)![k]!);
      });
    }
  });
  const stored = new Map<string, StoredTensor>();
  for (const v of program.vars) {
    if (!isParam(program, v.name)) continue;
    const data = built.weights.get(builderName.get(v.name) ?? '');
    if (!data) throw new Error(`no builder parameter for ${v.name}`);
    if (data.length !== v.dims.reduce((a, b) => a * b, 1)) throw new Error(`${v.name}: size differs`);
    stored.set(v.name, {dims: v.dims, data});
  }
  if (stored.size !== built.weights.size) throw new Error(`${stored.size} parameters for the builder's ${built.weights.size}`);
  return {program, built, stored, params: writeParameters(stored)};
}
