/**
 * A deterministic suite of hostile image files: small valid JPEGs made with sharp (baseline 4:2:0
 * and 4:4:4, greyscale, progressive, CMYK with and without its Adobe marker), taken apart into
 * their marker segments and put back together wrong, one way per file, plus a few files of the
 * other formats. Every random choice comes from a seeded generator (one per class, so a class
 * added later changes no other class), never from the clock: the same seed gives the same bytes
 * and the same names on every run.
 *
 * The classes (the first part of each name):
 *   valid          the base files unchanged, for comparison
 *   desync         a decoy frame header a length-walking parser finds while libjpeg reads another
 *   sof-size       widths and heights of 0, 1 and 65535, and huge sizes over tiny data
 *   sampling       sampling factors of 0, 5 and odd combinations
 *   components     component counts 0-5 and 255, duplicate ids, missing quantisation tables
 *   precision      sample precision 0, 1, 7, 12, 16, 255
 *   sof-type       every SOFn marker: lossless, hierarchical, arithmetic
 *   duplicate-sof  a second frame header before the scan, between scans, after the data
 *   order          segments out of order, missing, repeated or unknown; bad scan headers
 *   truncated      cut at every segment boundary, in every segment, inside the scans
 *   exif           APP1 EXIF with bad magic, byte order, counts, types, offsets and loops
 *   adobe          APP14 transforms 0/1/2/3/255, short or misplaced markers
 *   tables         damaged DHT, DQT, DRI and DAC segments
 *   bytes          single bytes changed at seeded places
 *   scan-bomb      progressive files with hundreds of scans
 *   png, gif, webp, tiff, bmp   the other formats
 */

import {mkdirSync, writeFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {baseJpegs} from './hostile/base-jpegs.js';
import {benchScanBomb, scanBombFiles} from './hostile/bomb-classes.js';
import {byteFiles, tableFiles, truncationFiles} from './hostile/damage-classes.js';
import {
  claimsHugeProgressive,
  componentFiles,
  desyncFiles,
  duplicateSofFiles,
  orderFiles,
  precisionFiles,
  samplingFiles,
  sofSizeFiles,
  sofTypeFiles,
} from './hostile/frame-classes.js';
import {hostile, type HostileFile} from './hostile/hostile-file.js';
import {writeJpeg} from './hostile/jpeg-segments.js';
import {adobeFiles, exifFiles} from './hostile/metadata-classes.js';
import {otherFormatFiles} from './hostile/other-formats.js';
import {prng} from './hostile/prng.js';

export type {HostileFile} from './hostile/hostile-file.js';

export const HOSTILE_SEED = 20261203;

export interface HostileSuiteOptions {
  seed?: number;
  /**
   * Adds the files that cost seconds and hundreds of MiB to decode, for benchmarks only: a
   * 2048x2048 progressive file of 800 scans, and a 1.5 kB progressive file claiming 16383x16383.
   */
  heavy?: boolean;
}

/** A generator for `kind` alone, from the suite's seed. */
function classRandom(seed: number, kind: string): () => number {
  let h = seed >>> 0;
  for (const c of kind) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  return prng(h);
}

/** Every file of the suite, in a fixed order, names unique. */
export async function hostileImages(opts: HostileSuiteOptions = {}): Promise<HostileFile[]> {
  const seed = opts.seed ?? HOSTILE_SEED;
  const bases = await baseJpegs();
  const files: HostileFile[] = [
    ...Object.entries(bases).map(([name, segments]) => hostile('valid', name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`), writeJpeg(segments))),
    ...desyncFiles(bases, classRandom(seed, 'desync')),
    ...sofSizeFiles(bases),
    ...samplingFiles(bases),
    ...componentFiles(bases),
    ...precisionFiles(bases),
    ...sofTypeFiles(bases),
    ...duplicateSofFiles(bases),
    ...orderFiles(bases),
    ...truncationFiles(bases, classRandom(seed, 'truncated')),
    ...exifFiles(bases),
    ...adobeFiles(bases),
    ...tableFiles(bases),
    ...byteFiles(bases, classRandom(seed, 'bytes')),
    ...scanBombFiles(bases),
    ...(await otherFormatFiles()),
    ...(opts.heavy ? [benchScanBomb(), claimsHugeProgressive(bases)] : []),
  ];
  const names = new Set<string>();
  for (const f of files) {
    if (names.has(f.name)) throw new Error(`two hostile files are named ${f.name}`);
    names.add(f.name);
  }
  return files;
}

/** Writes `files` under `dir` (one folder per class); returns their paths in the same order. */
export function writeHostileImages(dir: string, files: HostileFile[]): string[] {
  return files.map((f) => {
    const path = join(dir, f.name);
    mkdirSync(dirname(path), {recursive: true});
    writeFileSync(path, f.bytes);
    return path;
  });
}
