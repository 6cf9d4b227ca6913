/**
 * The WebAssembly SIMD build of the fused resize + crop + normalise (native/resize_linear.c).
 * Same algorithm and same bits as `resizeCropNormalize` in resize-linear.ts, about twice as fast.
 * One instance per thread; its linear memory grows to fit the largest image seen.
 */

import {readFileSync} from 'node:fs';
import {linearTaps, type ResizeWindow} from './resize-linear.js';

const WASM_FILE = new URL('../../../native/resize_linear.wasm', import.meta.url);
const PAGE = 65536;

interface Exports {
  resize_crop_normalize(
    src: number,
    stride: number,
    xfirst: number,
    xsecond: number,
    xweight: number,
    outW: number,
    yfirst: number,
    ysecond: number,
    yweight: number,
    outH: number,
    norm: number,
    planeR: number,
    planeG: number,
    planeB: number,
    scratch: number,
  ): void;
  __heap_base: WebAssembly.Global;
}

let compiled: WebAssembly.Module | null | undefined;

/** The compiled module, or null where this runtime lacks WebAssembly SIMD or the file is missing. */
function module(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(readFileSync(WASM_FILE));
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

export interface Normalisation {
  scale: number;
  mean: readonly number[];
  std: readonly number[];
}

export class WasmResizer {
  private readonly memory = new WebAssembly.Memory({initial: 32});
  private readonly exports: Exports;
  private readonly heapBase: number;

  private constructor(mod: WebAssembly.Module) {
    const instance = new WebAssembly.Instance(mod, {env: {memory: this.memory}});
    this.exports = instance.exports as unknown as Exports;
    this.heapBase = this.exports.__heap_base.value as number;
  }

  static create(): WasmResizer | null {
    const mod = module();
    return mod ? new WasmResizer(mod) : null;
  }

  private reserve(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (bytes > have) this.memory.grow(Math.ceil((bytes - have) / PAGE));
  }

  run(src: Uint8Array, width: number, height: number, win: ResizeWindow, norm: Normalisation, bgr: boolean, out: Float32Array, outOffset: number): void {
    const {outW, outH} = win;
    const xs = linearTaps(width, win.dstW, win.cropX, outW, 3);
    const ys = linearTaps(height, win.dstH, win.cropY, outH, 1);
    // layout after the heap base: taps, norm, scratch, output planes, then the source image
    const align = (n: number) => (n + 15) & ~15;
    let at = align(this.heapBase);
    const place = (bytes: number) => {
      const p = at;
      at = align(at + bytes);
      return p;
    };
    const pXf = place(outW * 4);
    const pXs = place(outW * 4);
    const pXw = place(outW * 4);
    const pYf = place(outH * 4);
    const pYs = place(outH * 4);
    const pYw = place(outH * 4);
    const pNorm = place(7 * 4);
    const pScratch = place(6 * outW * 4);
    const plane = outW * outH;
    const pOut = place(3 * plane * 4);
    const pSrc = place(src.length);
    this.reserve(at);
    const buf = this.memory.buffer;
    new Int32Array(buf, pXf, outW).set(xs.first);
    new Int32Array(buf, pXs, outW).set(xs.second);
    new Int32Array(buf, pXw, outW).set(xs.weight);
    new Int32Array(buf, pYf, outH).set(ys.first);
    new Int32Array(buf, pYs, outH).set(ys.second);
    new Int32Array(buf, pYw, outH).set(ys.weight);
    new Float32Array(buf, pNorm, 7).set([norm.scale, norm.mean[0]!, norm.mean[1]!, norm.mean[2]!, norm.std[0]!, norm.std[1]!, norm.std[2]!]);
    new Uint8Array(buf, pSrc, src.length).set(src);
    const planeBytes = plane * 4;
    const pR = pOut + (bgr ? 2 * planeBytes : 0);
    const pB = pOut + (bgr ? 0 : 2 * planeBytes);
    this.exports.resize_crop_normalize(pSrc, width * 3, pXf, pXs, pXw, outW, pYf, pYs, pYw, outH, pNorm, pR, pOut + planeBytes, pB, pScratch);
    out.set(new Float32Array(buf, pOut, 3 * plane), outOffset);
  }
}
