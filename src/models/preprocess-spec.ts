/**
 * Checks a preprocessing description read from a file someone may have written by hand: a
 * catalogue entry's or a model.json's `preprocess`. Every field is checked, so that a mistake is
 * told by name when the model loads rather than as odd predictions.
 */

import type {PreprocessSpec} from './manifest.js';

const isPositiveInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;

const isTriple = (v: unknown): v is [number, number, number] => Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === 'number' && Number.isFinite(x));

/** `value` as a PreprocessSpec; otherwise an error naming the field, prefixed with `where`. */
export function parsePreprocess(value: unknown, where: string): PreprocessSpec {
  const fail = (what: string): never => {
    throw new Error(`${where}: preprocess${what}`);
  };
  const o = value as Record<string, unknown> | null;
  if (!o || typeof o !== 'object' || Array.isArray(o)) return fail(' must be an object');
  const r = o.resize as Record<string, unknown> | undefined;
  const resizeOk =
    !!r && ((r.kind === 'short' && isPositiveInt(r.size)) || ((r.kind === 'stretch' || r.kind === 'pad') && isPositiveInt(r.width) && isPositiveInt(r.height)));
  if (!resizeOk) fail(".resize must be {kind:'short',size}, {kind:'stretch',width,height} or {kind:'pad',width,height}");
  const c = o.crop as Record<string, unknown> | null | undefined;
  if (c !== null && !(c && isPositiveInt(c.width) && isPositiveInt(c.height))) fail('.crop must be {width,height} or null');
  if (r!.kind === 'short' && c === null) fail('.crop is needed after a short-side resize (its images vary in size)');
  if (r!.kind === 'pad' && c !== null) fail('.crop must be null after a pad resize');
  if (typeof o.scale !== 'number' || !Number.isFinite(o.scale) || !(o.scale > 0)) fail('.scale must be a positive number');
  if (!isTriple(o.mean)) fail('.mean must be three numbers');
  if (!isTriple(o.std) || !(o.std as number[]).every((x) => x > 0)) fail('.std must be three positive numbers');
  if (o.channels !== 'rgb' && o.channels !== 'bgr') fail(".channels must be 'rgb' or 'bgr'");
  return {
    resize: r!.kind === 'short' ? {kind: 'short', size: r!.size as number} : {kind: r!.kind as 'stretch' | 'pad', width: r!.width as number, height: r!.height as number},
    crop: c === null ? null : {width: c!.width as number, height: c!.height as number},
    scale: o.scale as number,
    mean: [...(o.mean as [number, number, number])],
    std: [...(o.std as [number, number, number])],
    channels: o.channels as PreprocessSpec['channels'],
  };
}
