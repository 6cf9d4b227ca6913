/**
 * PP-LCNetV2 (PaddleClas `PPLCNetV2`, ppcls/arch/backbone/legendary_models/pp_lcnet_v2.py, as
 * described in the project's reference facts) as the layer list of architecture.ts, in its
 * exported (inference) form: the re-parameterised depthwise branches are one k x k depthwise conv
 * with a bias and no batch norm, as `re_parameterize()` leaves them before export.
 *
 * Stem: conv 3x3 s2 3 -> md(32s) + BN + ReLU, then a depthwise-separable block md(32s) -> md(64s)
 * (dw 3x3 + BN + ReLU, pw 1x1 + BN + ReLU). Four stages of `depths[i]` blocks; block j of stage i
 * takes md(c_i) (first) or md(2 c_i) channels to md(2 c_i), stride 2 for the first block, with:
 *
 * | stage | c | kernel | split pw | rep dw | SE | shortcut |
 * |---|---|---|---|---|---|---|
 * | 1 | 64 | 3 | | | | |
 * | 2 | 128 | 3 | | | | |
 * | 3 | 256 | 5 | yes | yes | yes | |
 * | 4 | 512 | 5 | | yes | | yes (stride 1, in = out) |
 *
 * dw = depthwise conv (+ BN unless re-parameterised) + ReLU; SE = pool, 1x1 C -> C/4 (bias),
 * ReLU, 1x1 C/4 -> C (bias), sigmoid, multiply; split pw = two 1x1 conv + BN + ReLU through
 * md(2 c_i)/2 channels. Head: pool, 1x1 conv md(1024s) -> 1280 (no bias), ReLU, dropout (scale
 * 1 - p at inference), flatten, FC, softmax. Published size of base: 6.6 M parameters.
 */

import {headLayers, layerMakers, makeDivisible, type Layer, type LCNetConfig, type Stride} from './architecture.js';

/** in channels (before scaling), kernel, split pw, re-parameterised dw, SE, shortcut */
const STAGES: [number, number, boolean, boolean, boolean, boolean][] = [
  [64, 3, false, false, false, false],
  [128, 3, false, false, false, false],
  [256, 5, true, true, true, false],
  [512, 5, false, true, false, true],
];

export const V2_VARIANTS: Record<'small' | 'base' | 'large', {scale: number; depths: [number, number, number, number]}> = {
  small: {scale: 0.75, depths: [2, 2, 4, 2]},
  base: {scale: 1.0, depths: [2, 2, 6, 2]},
  large: {scale: 1.25, depths: [2, 2, 8, 2]},
};

export function v2Config(variant: keyof typeof V2_VARIANTS, classCount = 1000, inputSize: [number, number] = [224, 224]): LCNetConfig {
  const {scale, depths} = V2_VARIANTS[variant];
  const two: Stride = [2, 2];
  return {scale, classCount, inputSize, strides: [two, two, two, two, two], useLastConv: true, classExpand: 1280, dropout: 0.2, version: 2, depths};
}

export function expandLayersV2(cfg: LCNetConfig): Layer[] {
  const {conv, bn} = layerMakers(cfg);
  const depths = cfg.depths;
  if (!depths || depths.length !== 4 || !depths.every((d) => Number.isInteger(d) && d >= 1)) throw new Error('PP-LCNetV2 needs four stage depths');
  const relu: Layer = {kind: 'act', fn: 'relu'};
  const convBnRelu = (inC: number, outC: number, k: number, stride: Stride, groups = 1): Layer[] => [conv(inC, outC, k, stride, groups, false), bn(outC), relu];
  const md = (c: number) => makeDivisible(c * cfg.scale);
  const one: Stride = [1, 1];

  const layers: Layer[] = [];
  const stem = md(32);
  layers.push(...convBnRelu(3, stem, 3, cfg.strides[0]));
  layers.push(...convBnRelu(stem, stem, 3, one, stem), ...convBnRelu(stem, md(64), 1, one));

  STAGES.forEach(([c, k, splitPw, rep, se, shortcut], stage) => {
    for (let j = 0; j < depths[stage]!; j++) {
      const cin = md(j === 0 ? c : 2 * c);
      const cout = md(2 * c);
      const stride: Stride = j === 0 ? cfg.strides[stage + 1] : one;
      const block: Layer[] = rep ? [conv(cin, cin, k, stride, cin, true), relu] : convBnRelu(cin, cin, k, stride, cin);
      if (se) {
        const reduced = Math.floor(cin / 4);
        block.push({kind: 'se', channels: cin, layers: [conv(cin, reduced, 1, one, 1, true), {kind: 'act', fn: 'relu'}, conv(reduced, cin, 1, one, 1, true), {kind: 'act', fn: 'sigmoid'}]});
      }
      if (splitPw) {
        const half = Math.floor(cout * 0.5);
        block.push(...convBnRelu(cin, half, 1, one), ...convBnRelu(half, cout, 1, one));
      } else {
        block.push(...convBnRelu(cin, cout, 1, one));
      }
      const residual = shortcut && stride[0] === 1 && stride[1] === 1 && cin === cout;
      if (residual) layers.push({kind: 'residual', layers: block});
      else layers.push(...block);
    }
  });

  layers.push(...headLayers(cfg, conv, md(1024), relu));
  return layers;
}
