/**
 * Reader for the `inference.yml` shipped with PaddleX/PaddleClas inference models: the
 * PreProcess `transform_ops` become a `PreprocessSpec` and a PostProcess `label_list` the labels.
 * Transforms lcnet cannot reproduce exactly are refused rather than approximated.
 */

import {parse} from 'yaml';
import type {PreprocessSpec} from '../manifest.js';
import {PaddleConvertError} from './net.js';

export interface InferenceConfig {
  preprocess: PreprocessSpec | null;
  labels: string[] | null;
}

type Dict = Record<string, unknown>;

function fail(message: string): never {
  throw new PaddleConvertError(`inference.yml: ${message}`);
}

function isDict(v: unknown): v is Dict {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function positiveInt(v: unknown, where: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) fail(`${where} must be a positive integer, got ${JSON.stringify(v)}`);
  return v;
}

/** `size: n` (square) or `size: [width, height]` */
function widthHeight(v: unknown, where: string): {width: number; height: number} {
  if (Array.isArray(v) && v.length === 2) return {width: positiveInt(v[0], where), height: positiveInt(v[1], where)};
  const n = positiveInt(v, where);
  return {width: n, height: n};
}

/** A number, or a fraction written as text the way PaddleClas configs do (`1.0/255.0`). */
function numeric(v: unknown, where: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const m = /^\s*([0-9.eE+-]+)\s*(?:\/\s*([0-9.eE+-]+)\s*)?$/.exec(v);
    const value = m ? Number(m[1]) / (m[2] === undefined ? 1 : Number(m[2])) : NaN;
    if (Number.isFinite(value)) return value;
  }
  fail(`${where} must be a number, got ${JSON.stringify(v)}`);
}

function triple(v: unknown, where: string): [number, number, number] {
  if (!Array.isArray(v) || v.length !== 3) fail(`${where} must list 3 values`);
  return [numeric(v[0], where), numeric(v[1], where), numeric(v[2], where)];
}

export function parseInferenceYml(text: string): InferenceConfig {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    fail(`not valid YAML (${(e as Error).message})`);
  }
  if (!isDict(doc)) fail('top level is not a mapping');
  return {preprocess: isDict(doc.PreProcess) ? readPreprocess(doc.PreProcess) : null, labels: readLabels(doc.PostProcess)};
}

function readPreprocess(section: Dict): PreprocessSpec {
  const ops = section.transform_ops;
  if (!Array.isArray(ops)) fail('PreProcess.transform_ops is not a list');
  let resize: PreprocessSpec['resize'] | null = null;
  let crop: PreprocessSpec['crop'] = null;
  let normalize: Pick<PreprocessSpec, 'scale' | 'mean' | 'std'> | null = null;
  let channels: PreprocessSpec['channels'] = 'rgb';
  const unknown: string[] = [];
  for (const entry of ops) {
    if (!isDict(entry) || Object.keys(entry).length !== 1) fail(`transform op ${JSON.stringify(entry)} is not a single-key mapping`);
    const [name, raw] = Object.entries(entry)[0]!;
    const args: Dict = isDict(raw) ? raw : {};
    switch (name) {
      case 'DecodeImage':
        if (args.channel_first === true) fail('DecodeImage channel_first is not supported');
        channels = args.to_rgb === false ? 'bgr' : 'rgb';
        break;
      case 'ResizeImage':
        if (args.interpolation != null && args.interpolation !== 'bilinear' && args.interpolation !== 'linear') fail(`ResizeImage interpolation ${JSON.stringify(args.interpolation)} is not supported (only bilinear)`);
        if (args.backend !== undefined && args.backend !== 'cv2') fail(`ResizeImage backend ${JSON.stringify(args.backend)} is not supported (only cv2)`);
        if (args.resize_short !== undefined) resize = {kind: 'short', size: positiveInt(args.resize_short, 'ResizeImage.resize_short')};
        else if (args.size !== undefined) resize = {kind: 'stretch', ...widthHeight(args.size, 'ResizeImage.size')};
        else fail('ResizeImage needs resize_short or size');
        break;
      case 'CropImage':
        crop = widthHeight(args.size, 'CropImage.size');
        break;
      case 'NormalizeImage':
        if (args.channel_num !== undefined && args.channel_num !== 3) fail(`NormalizeImage channel_num ${JSON.stringify(args.channel_num)} is not supported (only 3)`);
        normalize = {
          scale: args.scale === undefined ? 1 / 255 : numeric(args.scale, 'NormalizeImage.scale'),
          mean: triple(args.mean ?? [0.485, 0.456, 0.406], 'NormalizeImage.mean'),
          std: triple(args.std ?? [0.229, 0.224, 0.225], 'NormalizeImage.std'),
        };
        break;
      case 'ToCHWImage':
        break;
      default:
        unknown.push(name);
    }
  }
  if (unknown.length > 0) fail(`unsupported PreProcess transform${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`);
  if (resize === null) fail('PreProcess has no ResizeImage');
  if (normalize === null) fail('PreProcess has no NormalizeImage');
  return {resize, crop, ...normalize, channels};
}

function readLabels(section: unknown): string[] | null {
  if (!isDict(section)) return null;
  const lists = Object.values(section).filter(isDict).map((op) => op.label_list).filter((l) => l !== undefined);
  if (lists.length === 0) return null;
  if (lists.length > 1) fail('PostProcess has more than one label_list');
  const list = lists[0];
  if (!Array.isArray(list) || list.some((l) => typeof l !== 'string' && typeof l !== 'number')) fail('PostProcess label_list is not a list of names');
  return list.map(String);
}

/** The tensor size [height, width] a preprocessing spec produces, null when it varies per image. */
export function preprocessSize(p: PreprocessSpec): [number, number] | null {
  if (p.crop) return [p.crop.height, p.crop.width];
  if (p.resize.kind !== 'short') return [p.resize.height, p.resize.width];
  return null;
}
