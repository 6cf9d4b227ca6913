/** A small PULC person attribute network made for tests, and the names of its 26 outputs. */

import {mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {SeededRandom} from '../../src/models/seeded-weights.js';
import {TinyProgram} from './paddle-writers.js';

/** The person attribute outputs in index order, as records name their probabilities. */
export const PERSON_LABELS = readFileSync(new URL('../../../models/labels/pulc/person_attribute.txt', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((l) => l.slice(l.indexOf(' ') + 1));

/** The shape of a small attribute network: its outputs and its input's height and width. */
export interface AttributeShape {
  outputs: number;
  height: number;
  width: number;
}

/** PULC person_attribute's shape: 26 outputs for a 256x192 (h x w) input. */
export const PERSON_SHAPE: AttributeShape = {outputs: 26, height: 256, width: 192};

/** A small attribute network in Paddle 2 form: mean colour -> sigmoid outputs (person_attribute's shape unless told). */
export function writeAttributeModel(dir: string, shape: AttributeShape = PERSON_SHAPE): void {
  mkdirSync(dir, {recursive: true});
  const n = shape.outputs;
  const rng = new SeededRandom(n);
  const w = Float32Array.from({length: 3 * n}, () => rng.normal() * 4);
  const b = Float32Array.from({length: n}, () => rng.normal());
  const p = new TinyProgram([-1, 3, shape.height, shape.width]);
  p.param('fc.w', [3, n], w);
  p.param('fc.b', [n], b);
  p.op('pool2d', {X: ['x']}, {Out: ['pooled', [-1, 3, 1, 1]]}, [
    ['pooling_type', ['string', 'avg']],
    ['ksize', ['ints', [1, 1]]],
    ['adaptive', ['bool', true]],
  ]);
  p.op('flatten_contiguous_range', {X: ['pooled']}, {Out: ['flat', [-1, 3]], XShape: ['fx', [0, -1, 3, 1, 1]]}, [
    ['start_axis', ['int', 1]],
    ['stop_axis', ['int', 3]],
  ]);
  p.op('matmul_v2', {X: ['flat'], Y: ['fc.w']}, {Out: ['logits', [-1, n]]});
  p.op('elementwise_add', {X: ['logits'], Y: ['fc.b']}, {Out: ['biased', [-1, n]]}, [['axis', ['int', 1]]]);
  p.op('sigmoid', {X: ['biased']}, {Out: ['probs', [-1, n]]});
  const {pdmodel, params} = p.build('probs');
  writeFileSync(join(dir, 'inference.pdmodel'), pdmodel);
  writeFileSync(join(dir, 'inference.pdiparams'), params);
}
