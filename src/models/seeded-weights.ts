/**
 * Deterministic synthetic weights for a PP-LCNet layer list, for tests and benchmarks (models
 * built from them are marked synthetic: their predictions are meaningless).
 *
 * Random convolutions alone make a deep hardswish network collapse: the signal shrinks layer
 * after layer until constant offsets decide every prediction. So the batch-norm statistics are
 * made realistic analytically: the per-channel mean and variance of every conv output are
 * propagated from a unit-variance input through the actual weights (channels assumed
 * independent and Gaussian), and each BN layer gets those as its running statistics, as a trained
 * network would. Activations then stay near unit scale, finite, and different images get
 * different predictions; the classifier is scaled and centred so the softmax is not flat.
 */

import {SE_HARDSIGMOID, type ActivationLayer, type ConvLayer, type Layer, type LinearLayer} from './architecture.js';

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

/** Per-channel mean and variance of a tensor. */
interface Moments {
  mean: Float64Array;
  variance: Float64Array;
}

const hardswish = (z: number) => (z <= -3 ? 0 : z >= 3 ? z : (z * (z + 3)) / 6);
const relu = (z: number) => (z > 0 ? z : 0);
const hardsigmoid = (z: number) => Math.min(1, Math.max(0, SE_HARDSIGMOID.alpha * z + SE_HARDSIGMOID.beta));

const GRID = 64;
/** target standard deviation of the logits across images */
const LOGIT_SCALE = 1;

/** Mean and variance of f(z) for z ~ N(m, s^2), by quadrature over +-6 standard deviations. */
function pushThrough(f: (z: number) => number, m: number, s: number): [number, number] {
  if (s < 1e-12) {
    const v = f(m);
    return [v, 0];
  }
  let w = 0;
  let e1 = 0;
  let e2 = 0;
  for (let i = 0; i <= GRID; i++) {
    const t = -6 + (12 * i) / GRID;
    const p = Math.exp(-0.5 * t * t) * (i === 0 || i === GRID ? 0.5 : 1);
    const y = f(m + s * t);
    w += p;
    e1 += p * y;
    e2 += p * y * y;
  }
  const mean = e1 / w;
  return [mean, Math.max(0, e2 / w - mean * mean)];
}

function activate(x: Moments, fn: ActivationLayer['fn']): Moments {
  const f = fn === 'hardswish' ? hardswish : fn === 'relu' ? relu : hardsigmoid;
  const out: Moments = {mean: new Float64Array(x.mean.length), variance: new Float64Array(x.mean.length)};
  for (let c = 0; c < x.mean.length; c++) [out.mean[c], out.variance[c]] = pushThrough(f, x.mean[c]!, Math.sqrt(x.variance[c]!));
  return out;
}

export function seededWeights(layers: Layer[], seed: number): WeightMap {
  const rng = new SeededRandom(seed);
  const weights: WeightMap = new Map();

  const conv = (l: ConvLayer, x: Moments): Moments => {
    const perGroupIn = l.inChannels / l.groups;
    const perGroupOut = l.outChannels / l.groups;
    const taps = l.kernel * l.kernel;
    const std = Math.sqrt(2 / (perGroupIn * taps));
    const w = new Float32Array(l.outChannels * perGroupIn * taps);
    for (let i = 0; i < w.length; i++) w[i] = rng.normal() * std;
    weights.set(`${l.name}.w_0`, w);
    let bias: Float32Array | null = null;
    if (l.bias) {
      bias = new Float32Array(l.outChannels);
      for (let i = 0; i < bias.length; i++) bias[i] = rng.normal() * 0.1;
      weights.set(`${l.name}.b_0`, bias);
    }
    const out: Moments = {mean: new Float64Array(l.outChannels), variance: new Float64Array(l.outChannels)};
    for (let o = 0; o < l.outChannels; o++) {
      const g = Math.floor(o / perGroupOut);
      let mean = bias ? bias[o]! : 0;
      let variance = 0;
      for (let i = 0; i < perGroupIn; i++) {
        const c = g * perGroupIn + i;
        for (let t = 0; t < taps; t++) {
          const wt = w[(o * perGroupIn + i) * taps + t]!;
          mean += wt * x.mean[c]!;
          variance += wt * wt * x.variance[c]!;
        }
      }
      out.mean[o] = mean;
      out.variance[o] = variance;
    }
    return out;
  };

  const batchNorm = (name: string, x: Moments): Moments => {
    const n = x.mean.length;
    const scale = new Float32Array(n);
    const shift = new Float32Array(n);
    const mean = new Float32Array(n);
    const variance = new Float32Array(n);
    const out: Moments = {mean: new Float64Array(n), variance: new Float64Array(n)};
    for (let c = 0; c < n; c++) {
      // running statistics as training would have measured them, give or take a little
      mean[c] = x.mean[c]! + rng.normal() * 0.05 * Math.sqrt(x.variance[c]!);
      variance[c] = Math.max(1e-4, x.variance[c]! * (0.9 + 0.2 * rng.uniform()));
      scale[c] = 0.8 + 0.4 * rng.uniform();
      shift[c] = rng.normal() * 0.3;
      const inv = scale[c]! / Math.sqrt(variance[c]! + 1e-5);
      out.mean[c] = (x.mean[c]! - mean[c]!) * inv + shift[c]!;
      out.variance[c] = x.variance[c]! * inv * inv;
    }
    weights.set(`${name}.w_0`, scale);
    weights.set(`${name}.b_0`, shift);
    weights.set(`${name}.w_1`, mean);
    weights.set(`${name}.w_2`, variance);
    return out;
  };

  const linear = (l: LinearLayer, x: Moments) => {
    let spread = 0;
    for (let j = 0; j < l.inFeatures; j++) spread += x.variance[j]!;
    // logits spread by about LOGIT_SCALE across images: a peaked, input-driven softmax
    const std = LOGIT_SCALE / Math.sqrt(Math.max(spread, 1e-12));
    const w = new Float32Array(l.inFeatures * l.outFeatures);
    for (let i = 0; i < w.length; i++) w[i] = rng.normal() * std;
    const b = new Float32Array(l.outFeatures);
    for (let k = 0; k < l.outFeatures; k++) {
      // centred on the expected features, as a trained classifier's balanced class priors are
      let offset = 0;
      for (let j = 0; j < l.inFeatures; j++) offset += w[j * l.outFeatures + k]! * x.mean[j]!;
      b[k] = -offset + rng.normal() * 0.1;
    }
    weights.set(`${l.name}.w_0`, w);
    weights.set(`${l.name}.b_0`, b);
  };

  let x: Moments = {mean: new Float64Array(3), variance: new Float64Array(3).fill(1)};
  for (const l of layers) {
    switch (l.kind) {
      case 'conv':
        x = conv(l, x);
        break;
      case 'bn':
        x = batchNorm(l.name, x);
        break;
      case 'act':
        x = activate(x, l.fn);
        break;
      case 'se': {
        // the gate is computed from the channel means, and scales each channel
        let g: Moments = {mean: x.mean.slice(), variance: new Float64Array(x.mean.length)};
        for (const inner of l.layers) g = inner.kind === 'conv' ? conv(inner, g) : activate(g, inner.fn);
        const out: Moments = {mean: new Float64Array(x.mean.length), variance: new Float64Array(x.mean.length)};
        for (let c = 0; c < x.mean.length; c++) {
          out.mean[c] = x.mean[c]! * g.mean[c]!;
          out.variance[c] = x.variance[c]! * g.mean[c]! * g.mean[c]!;
        }
        x = out;
        break;
      }
      case 'dropout':
        for (let c = 0; c < x.mean.length; c++) {
          x.mean[c] = x.mean[c]! * (1 - l.p);
          x.variance[c] = x.variance[c]! * (1 - l.p) ** 2;
        }
        break;
      case 'linear':
        linear(l, x);
        break;
      default:
        break;
    }
  }
  return weights;
}
