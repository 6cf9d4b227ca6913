/**
 * The preprocessing a user sets on any model (`--input-size`, `--fit`, `--resize-short`,
 * `--stretch`, `--scale`, `--mean`, `--std`, `--channels`; the library's options of the same
 * names): how the flags' text is read, how the settings replace the matching parts of a model's
 * preprocessing, and the note that says what was assumed for a model that carries none.
 *
 * Whatever the user leaves out is kept from the model's own preprocessing (or lcnet's default),
 * so `--mean 0.5 --std 0.5` changes the normalisation of a model and nothing else.
 */

import {OptionError, UsageError} from '../errors.js';
import {preprocessOutputSize, type PreprocessSpec} from './manifest.js';

/** crop: resize the short side, then centre-crop; stretch: resize to the input size; pad: see PreprocessSpec */
export type Fit = 'crop' | 'stretch' | 'pad';
export const FITS: readonly Fit[] = ['crop', 'stretch', 'pad'];
export type Channels = PreprocessSpec['channels'];
export const CHANNELS: readonly Channels[] = ['rgb', 'bgr'];

export interface PreprocessOverrides {
  /** network input [height, width] (`--input-size WxH`) */
  inputSize?: [number, number];
  fit?: Fit;
  /** resize the short side to this many pixels before the centre crop (`--fit crop`) */
  resizeShort?: number;
  /** the same as fit 'stretch' (kept from before `--fit`) */
  stretch?: boolean;
  scale?: number;
  /** in the network's channel order */
  mean?: [number, number, number];
  std?: [number, number, number];
  channels?: Channels;
}

/** The ImageNet eval transform's ratio of input size to resized short side (224 / 256). */
export const CROP_FRACTION = 0.875;

/** The largest input side accepted: far above any classifier's, far below what would exhaust memory. */
export const MAX_INPUT_SIDE = 4096;

const sizeText = ([h, w]: readonly [number, number]) => `${w}x${h}`;

/** `--input-size`: `WxH` (width first, as lcnet prints sizes) or `N` for N x N; returns [height, width]. */
export function parseInputSize(text: string, flag = '--input-size'): [number, number] {
  const m = /^\s*(\d+)\s*(?:[xX]\s*(\d+)\s*)?$/.exec(text);
  const width = m ? Number(m[1]) : NaN;
  const height = m ? Number(m[2] ?? m[1]) : NaN;
  if (!(width >= 1 && width <= MAX_INPUT_SIDE && height >= 1 && height <= MAX_INPUT_SIDE)) {
    throw new UsageError(`${flag} must be WIDTHxHEIGHT (e.g. 192x48) or one size N for NxN, each from 1 to ${MAX_INPUT_SIDE}, got '${text}'`);
  }
  return [height, width];
}

/** A number as PaddleClas configs write one: `0.00392157`, `1/255` or `1.0/255.0`. */
function parseNumber(text: string): number {
  const m = /^\s*([0-9.eE+-]+)\s*(?:\/\s*([0-9.eE+-]+)\s*)?$/.exec(text);
  if (!m) return NaN;
  const value = Number(m[1]) / (m[2] === undefined ? 1 : Number(m[2]));
  return Number.isFinite(value) ? value : NaN;
}

/** `--scale`: a positive number or fraction (`1/255`). */
export function parseScale(text: string, flag = '--scale'): number {
  const v = parseNumber(text);
  if (!(v > 0)) throw new UsageError(`${flag} must be a positive number or fraction such as 1/255 or 0.00392157, got '${text}'`);
  return v;
}

/**
 * `--mean` / `--std`: three comma-separated numbers in the network's channel order, or one
 * number for all three; `positive` refuses zero and negative values (a std divides).
 */
export function parseChannelValues(text: string, flag: string, positive: boolean): [number, number, number] {
  const parts = text.split(',').map(parseNumber);
  const values = parts.length === 1 ? [parts[0]!, parts[0]!, parts[0]!] : parts;
  if (values.length !== 3 || values.some((v) => Number.isNaN(v) || (positive && !(v > 0)))) {
    const what = positive ? 'positive numbers' : 'numbers';
    throw new UsageError(`${flag} must be three comma-separated ${what} in the network's channel order (e.g. 0.485,0.456,0.406) or one for all three, got '${text}'`);
  }
  return values as [number, number, number];
}

/** Checks settings given by a program (the CLI's flags are checked as they are parsed). */
export function checkOverrides(o: PreprocessOverrides): PreprocessOverrides {
  const sideOk = (v: number) => Number.isInteger(v) && v >= 1 && v <= MAX_INPUT_SIDE;
  if (o.inputSize !== undefined && !(Array.isArray(o.inputSize) && o.inputSize.length === 2 && o.inputSize.every(sideOk))) {
    throw new OptionError((opt) => `${opt('input')} must be a width and a height, whole numbers from 1 to ${MAX_INPUT_SIDE}`);
  }
  if (o.fit !== undefined && !FITS.includes(o.fit)) throw new UsageError(`fit must be one of ${FITS.join(', ')}, not '${String(o.fit)}'`);
  if (o.channels !== undefined && !CHANNELS.includes(o.channels)) throw new UsageError(`channels must be rgb or bgr, not '${String(o.channels)}'`);
  if (o.scale !== undefined && !(typeof o.scale === 'number' && Number.isFinite(o.scale) && o.scale > 0)) throw new UsageError('scale must be a positive number');
  const triple = (v: unknown, positive: boolean) => Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === 'number' && Number.isFinite(x) && (!positive || x > 0));
  if (o.mean !== undefined && !triple(o.mean, false)) throw new UsageError('mean must be three numbers');
  if (o.std !== undefined && !triple(o.std, true)) throw new UsageError('std must be three positive numbers');
  if (o.stretch && o.resizeShort !== undefined) throw new OptionError((opt) => `${opt('stretch')} and ${opt('resizeShort')} exclude each other: choose one`);
  if (o.stretch && o.fit !== undefined && o.fit !== 'stretch') throw new OptionError((opt) => `${opt('stretch')} and ${opt('fit')} ${o.fit} exclude each other: choose one`);
  if (o.resizeShort !== undefined && o.fit !== undefined && o.fit !== 'crop') throw new OptionError((opt) => `${opt('resizeShort')} sets the short side of ${opt('fit')} crop, not of ${opt('fit')} ${o.fit}`);
  return o;
}

/** How `p` fits an image to its input, in the terms of `--fit`. */
export function fitOf(p: PreprocessSpec): Fit {
  if (p.crop) return 'crop';
  return p.resize.kind === 'pad' ? 'pad' : 'stretch';
}

/** The fit the user chose, if any (`--stretch` and `--resize-short` choose one too). */
function chosenFit(o: PreprocessOverrides): Fit | undefined {
  if (o.stretch) return 'stretch';
  return o.fit ?? (o.resizeShort !== undefined ? 'crop' : undefined);
}

/**
 * `p` with the user's settings for an input of `size` ([height, width]). When `--input-size`
 * asks for another size than `p` produces, `p`'s way of fitting is kept and refitted to it (a
 * crop's short side becomes size / 0.875 unless `--resize-short` says).
 */
export function applyOverrides(p: PreprocessSpec, size: [number, number], o: PreprocessOverrides = {}): PreprocessSpec {
  checkOverrides(o);
  const [height, width] = size;
  const out = p.crop ? [p.crop.height, p.crop.width] : p.resize.kind === 'short' ? null : [p.resize.height, p.resize.width];
  const resized = o.inputSize !== undefined && (out === null || out[0] !== o.inputSize[0] || out[1] !== o.inputSize[1]);
  const fit = chosenFit(o) ?? (resized ? fitOf(p) : undefined);
  let geometry: Pick<PreprocessSpec, 'resize' | 'crop'> = {resize: p.resize, crop: p.crop};
  if (fit === 'stretch' || fit === 'pad') geometry = {resize: {kind: fit, width, height}, crop: null};
  else if (fit === 'crop') {
    if (o.resizeShort !== undefined && (!Number.isInteger(o.resizeShort) || o.resizeShort < Math.min(height, width))) {
      throw new OptionError((opt) => `${opt('resizeShort')} ${o.resizeShort} is smaller than the ${width}x${height} input`);
    }
    const kept = !resized && p.resize.kind === 'short' ? p.resize.size : Math.round(Math.max(height, width) / CROP_FRACTION);
    geometry = {resize: {kind: 'short', size: o.resizeShort ?? kept}, crop: {width, height}};
  }
  return {
    ...p,
    ...geometry,
    ...(o.scale === undefined ? {} : {scale: o.scale}),
    ...(o.mean === undefined ? {} : {mean: o.mean}),
    ...(o.std === undefined ? {} : {std: o.std}),
    ...(o.channels === undefined ? {} : {channels: o.channels}),
  };
}

function geometryText(p: PreprocessSpec): string {
  if (p.resize.kind === 'short') return `resize short side ${p.resize.size}, centre crop ${p.crop!.width === p.crop!.height ? p.crop!.width : `${p.crop!.width}x${p.crop!.height}`}`;
  if (p.resize.kind === 'pad') return `resize to height ${p.resize.height} and pad to width ${p.resize.width}`;
  return `a stretch to ${p.resize.width}x${p.resize.height}`;
}

const list = (items: string[]) => (items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`);

/**
 * The note for a model that carries no preprocessing, described as `p` once the user's settings
 * `o` applied: what was assumed and the flags that set it; null when the user set everything.
 * `sizeFixed`: the graph fixes the input size (no flag can change it).
 */
export function assumedNote(p: PreprocessSpec, o: PreprocessOverrides, sizeFixed: boolean): string | null {
  const lead = 'no preprocessing recorded with the model: assuming';
  const sizeFlag = sizeFixed || o.inputSize !== undefined ? [] : ['--input-size'];
  const fitGiven = chosenFit(o) !== undefined;
  const normGiven = o.scale !== undefined || o.mean !== undefined || o.std !== undefined;
  if (!fitGiven && !normGiven && o.channels === undefined) {
    const flags = [...sizeFlag, '--fit', '--resize-short', '--scale', '--mean', '--std', '--channels'];
    const what = p.resize.kind === 'short' ? `the ImageNet eval transform (${geometryText(p)})` : `${geometryText(p)} with ImageNet normalisation`;
    return `${lead} ${what}; set another with ${list(flags)}`;
  }
  const parts: string[] = [];
  const flags: string[] = [];
  if (sizeFlag.length > 0) {
    parts.push(`input size ${sizeText(preprocessOutputSize(p))}`);
    flags.push(...sizeFlag);
  }
  if (!fitGiven) {
    parts.push(geometryText(p));
    flags.push('--fit', ...(p.resize.kind === 'short' ? ['--resize-short'] : []));
  }
  if (!normGiven) {
    parts.push('ImageNet normalisation');
    flags.push('--scale', '--mean', '--std');
  } else {
    const assumed = (given: unknown, text: string, flag: string) => {
      if (given !== undefined) return;
      parts.push(text);
      flags.push(flag);
    };
    assumed(o.scale, `scale ${p.scale}`, '--scale');
    assumed(o.mean, `mean ${p.mean.join(',')}`, '--mean');
    assumed(o.std, `std ${p.std.join(',')}`, '--std');
  }
  if (o.channels === undefined) {
    parts.push(`${p.channels.toUpperCase()} channel order`);
    flags.push('--channels');
  }
  return parts.length === 0 ? null : `${lead} ${list(parts)}; set ${parts.length > 1 ? 'them' : 'it'} with ${list(flags)}`;
}
