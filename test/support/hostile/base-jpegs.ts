/**
 * The valid JPEGs every hostile file starts from, encoded by sharp (mozjpeg) at 48x32: small
 * enough that a suite of hundreds decodes in moments, big enough for several MCUs in both
 * directions at every subsampling.
 */

import {rawImage} from '../images.js';
import {APP14, cloneSegments, parseJpeg, type Segment} from './jpeg-segments.js';

export const BASE_WIDTH = 48;
export const BASE_HEIGHT = 32;

export interface BaseJpegs {
  /** baseline, YCbCr 4:2:0 */
  baseline: Segment[];
  /** baseline, YCbCr 4:4:4 */
  full: Segment[];
  grey: Segment[];
  /** progressive, YCbCr 4:2:0, mozjpeg's scan script */
  progressive: Segment[];
  /** CMYK with the Adobe APP14 marker libjpeg writes for it (transform 0) */
  cmyk: Segment[];
  /** the same CMYK without its APP14 marker */
  cmykPlain: Segment[];
}

export type BaseName = keyof BaseJpegs;

export async function baseJpegs(): Promise<BaseJpegs> {
  const image = (seed: number) => rawImage(BASE_WIDTH, BASE_HEIGHT, seed);
  const cmyk = parseJpeg(await image(5).jpeg({quality: 90}).toColourspace('cmyk').toBuffer());
  if (cmyk[0]?.marker !== APP14) throw new Error('sharp no longer writes an Adobe marker in CMYK JPEGs');
  return {
    baseline: parseJpeg(await image(1).jpeg({quality: 90}).toBuffer()),
    full: parseJpeg(await image(2).jpeg({quality: 90, chromaSubsampling: '4:4:4'}).toBuffer()),
    grey: parseJpeg(await image(3).greyscale().jpeg({quality: 90}).toBuffer()),
    progressive: parseJpeg(await image(4).jpeg({quality: 90, progressive: true}).toBuffer()),
    cmyk,
    cmykPlain: cmyk.slice(1),
  };
}

/** A fresh copy of base `name`'s segments, to change. */
export function baseCopy(bases: BaseJpegs, name: BaseName): Segment[] {
  return cloneSegments(bases[name]);
}
