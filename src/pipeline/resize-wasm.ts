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

/** Where each array lives in linear memory, for one output size: the source image comes last. */
interface Layout {
  outW: number;
  outH: number;
  xFirst: number;
  xSecond: number;
  xWeight: number;
  yFirst: number;
  ySecond: number;
  yWeight: number;
  norm: number;
  scratch: number;
  out: number;
  src: number;
}

export class WasmResizer {
  private readonly memory = new WebAssembly.Memory({initial: 32});
  private readonly exports: Exports;
  private readonly heapBase: number;
  private layout: Layout | null = null;

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

  /** The layout after the heap base for outputs of outW x outH: taps, norm, scratch, output planes, source. */
  private layoutFor(outW: number, outH: number): Layout {
    if (this.layout?.outW === outW && this.layout.outH === outH) return this.layout;
    const align = (n: number) => (n + 15) & ~15;
    let at = align(this.heapBase);
    const place = (bytes: number) => {
      const p = at;
      at = align(at + bytes);
      return p;
    };
    this.layout = {
      outW,
      outH,
      xFirst: place(outW * 4),
      xSecond: place(outW * 4),
      xWeight: place(outW * 4),
      yFirst: place(outH * 4),
      ySecond: place(outH * 4),
      yWeight: place(outH * 4),
      norm: place(7 * 4),
      scratch: place(6 * outW * 4),
      out: place(3 * outW * outH * 4),
      src: at,
    };
    return this.layout;
  }

  /**
   * `bytes` of linear memory where the source of an outW x outH resize is read from: a decoder
   * that writes the image there saves `run` its copy. Valid until the next call of either.
   */
  source(bytes: number, outW: number, outH: number): Uint8Array {
    const {src} = this.layoutFor(outW, outH);
    this.reserve(src + bytes);
    return new Uint8Array(this.memory.buffer, src, bytes);
  }

  /** Resizes, crops and normalises `src` (interleaved RGB, copied in unless `source` gave it) into `out`. */
  run(src: Uint8Array, width: number, height: number, win: ResizeWindow, norm: Normalisation, bgr: boolean, out: Float32Array, outOffset: number): void {
    const {outW, outH} = win;
    const xs = linearTaps(width, win.dstW, win.cropX, outW, 3);
    const ys = linearTaps(height, win.dstH, win.cropY, outH, 1);
    const l = this.layoutFor(outW, outH);
    const inPlace = src.buffer === this.memory.buffer && src.byteOffset === l.src;
    if (!inPlace) this.source(src.length, outW, outH).set(src);
    const buf = this.memory.buffer;
    new Int32Array(buf, l.xFirst, outW).set(xs.first);
    new Int32Array(buf, l.xSecond, outW).set(xs.second);
    new Int32Array(buf, l.xWeight, outW).set(xs.weight);
    new Int32Array(buf, l.yFirst, outH).set(ys.first);
    new Int32Array(buf, l.ySecond, outH).set(ys.second);
    new Int32Array(buf, l.yWeight, outH).set(ys.weight);
    new Float32Array(buf, l.norm, 7).set([norm.scale, norm.mean[0]!, norm.mean[1]!, norm.mean[2]!, norm.std[0]!, norm.std[1]!, norm.std[2]!]);
    const plane = outW * outH;
    const planeBytes = plane * 4;
    const pR = l.out + (bgr ? 2 * planeBytes : 0);
    const pB = l.out + (bgr ? 0 : 2 * planeBytes);
    this.exports.resize_crop_normalize(l.src, width * 3, l.xFirst, l.xSecond, l.xWeight, outW, l.yFirst, l.ySecond, l.yWeight, outH, l.norm, pR, l.out + planeBytes, pB, l.scratch);
    out.set(new Float32Array(buf, l.out, 3 * plane), outOffset);
  }
}
