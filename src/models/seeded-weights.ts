/**
 * Deterministic synthetic weights for a PP-LCNet layer list: He-normal convolutions, a small
 * classifier and realistic batch-norm statistics, so activations stay finite and the softmax is
 * not degenerate. Models built from them are for tests and benchmarks only: their predictions
 * are meaningless, and the model metadata says so.
 */

import type {Parameter} from './architecture.js';

export type WeightMap = Map<string, Float32Array>;

/** xoshiro128** seeded through splitmix32: fast, reproducible across platforms. */
export class SeededRandom {
  private s: Uint32Array;
  private spare: number | undefined;

  constructor(seed: number) {
    let x = seed >>> 0;
    const next = () => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s = Uint32Array.of(next(), next(), next(), next());
  }

  /** uniform in [0, 1) */
  uniform(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1]!, 5), 7), 9) >>> 0;
    const t = s[1]! << 9;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11);
    return result / 4294967296;
  }

  /** standard normal (Box-Muller) */
  normal(): number {
    if (this.spare !== undefined) {
      const v = this.spare;
      this.spare = undefined;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

export function seededWeights(params: Parameter[], seed: number): WeightMap {
  const rng = new SeededRandom(seed);
  const weights: WeightMap = new Map();
  for (const p of params) {
    const size = p.shape.reduce((a, b) => a * b, 1);
    const w = new Float32Array(size);
    switch (p.role) {
      case 'conv.weight': {
        const std = Math.sqrt(2 / p.fanIn);
        for (let i = 0; i < size; i++) w[i] = rng.normal() * std;
        break;
      }
      case 'conv.bias':
      case 'bn.bias':
        for (let i = 0; i < size; i++) w[i] = rng.normal() * 0.05;
        break;
      case 'bn.scale':
        for (let i = 0; i < size; i++) w[i] = 0.8 + 0.4 * rng.uniform();
        break;
      case 'bn.mean':
        for (let i = 0; i < size; i++) w[i] = rng.normal() * 0.1;
        break;
      case 'bn.variance':
        // running variance of a He-initialised conv output on unit-scale inputs is about 1
        for (let i = 0; i < size; i++) w[i] = 0.6 + 0.8 * rng.uniform();
        break;
      case 'linear.weight': {
        const std = 3 / Math.sqrt(p.fanIn);
        for (let i = 0; i < size; i++) w[i] = rng.normal() * std;
        break;
      }
      case 'linear.bias':
        for (let i = 0; i < size; i++) w[i] = rng.normal() * 0.01;
        break;
    }
    weights.set(p.name, w);
  }
  return weights;
}
