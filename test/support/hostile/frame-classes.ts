/**
 * Hostile JPEGs whose frame is wrong: a decoy frame header that a length-walking parser finds
 * while libjpeg reads the real one, impossible sizes, sampling factors, component counts and
 * precisions, every SOF type, two frames, and segments out of order.
 */

import {baseCopy, type BaseJpegs, type BaseName} from './base-jpegs.js';
import {orientationExif, exifSegment} from './exif.js';
import {hostile, type HostileFile} from './hostile-file.js';
import {
  APP15,
  COM,
  DHT,
  DQT,
  EOI,
  frameBody,
  indexOfMarker,
  isSof,
  readFrame,
  segment,
  segmentBytes,
  SOS,
  writeJpeg,
  type Frame,
  type Segment,
} from './jpeg-segments.js';
import {between} from './prng.js';

function sofIndex(segments: Segment[]): number {
  return indexOfMarker(segments, isSof);
}

function sosIndex(segments: Segment[]): number {
  return indexOfMarker(segments, (m) => m === SOS);
}

/** Base `name` with its frame header changed by `change` (the SOF length follows the components). */
function withFrame(bases: BaseJpegs, name: BaseName, change: (frame: Frame, sof: Segment) => void): Buffer {
  const segments = baseCopy(bases, name);
  const sof = segments[sofIndex(segments)]!;
  const frame = readFrame(sof);
  change(frame, sof);
  sof.body = frameBody(frame);
  return writeJpeg(segments);
}

/**
 * A file that libjpeg and a parser that follows segment lengths read differently. After SOI
 * come FF 00 and two bytes that are not FF: libjpeg takes FF 00 for stray entropy-coded data,
 * skips it (warning about extraneous bytes) and reads the real header that follows. A length
 * walker takes 00 for a marker with a length and jumps by it, over the real header, into an
 * APP15 segment placed before the scan, where `hidden` (a decoy SOF, maybe with more segments
 * before it) waits; libjpeg skips APP15 whole. `real` changes the real frame.
 */
function decoyJpeg(bases: BaseJpegs, name: BaseName, hidden: Segment[], real?: (frame: Frame) => void): Buffer {
  const segments = baseCopy(bases, name);
  if (real) {
    const sof = segments[sofIndex(segments)]!;
    const frame = readFrame(sof);
    real(frame);
    sof.body = frameBody(frame);
  }
  const scanAt = sosIndex(segments);
  const header = Buffer.concat(segments.slice(0, scanAt).map(segmentBytes));
  const jump = header.length + 6;
  if (jump > 0xffff || (jump >> 8) === 0xff || (jump & 0xff) === 0xff) throw new Error(`a decoy jump of ${jump} cannot be written`);
  const container = segment(APP15, Buffer.concat(hidden.map(segmentBytes)));
  return Buffer.concat([
    Buffer.from([0xff, 0xd8, 0xff, 0x00, jump >> 8, jump & 0xff]),
    header,
    segmentBytes(container),
    ...segments.slice(scanAt).map(segmentBytes),
  ]);
}

function decoySof(bases: BaseJpegs, name: BaseName, change: (frame: Frame) => void): Segment {
  const sof = bases[name][sofIndex(bases[name])]!;
  const frame = readFrame(sof);
  change(frame);
  return segment(sof.marker, frameBody(frame));
}

/** Base `name` with `bytes` put in front of its SOF segment. */
function beforeSof(bases: BaseJpegs, name: BaseName, bytes: number[]): Buffer {
  const segments = baseCopy(bases, name);
  const at = sofIndex(segments);
  return Buffer.concat([writeJpeg(segments.slice(0, at)), Buffer.from(bytes), ...segments.slice(at).map(segmentBytes)]);
}

export function desyncFiles(bases: BaseJpegs, random: () => number): HostileFile[] {
  const f = (variant: string, bytes: Buffer) => hostile('desync', variant, bytes);
  const size = (w: number, h: number) => (frame: Frame) => {
    frame.width = w;
    frame.height = h;
  };
  const components = (n: number) => (frame: Frame) => {
    frame.components = Array.from({length: n}, (_, i) => frame.components[i] ?? {id: i + 1, sampling: 0x11, quant: 1});
  };
  const garbage = Array.from({length: 5}, () => between(random, 1, 0xff));
  return [
    f('ff00-decoy-same-size', decoyJpeg(bases, 'baseline', [decoySof(bases, 'baseline', () => {})])),
    f('ff00-decoy-smaller', decoyJpeg(bases, 'baseline', [decoySof(bases, 'baseline', size(24, 16))])),
    f('ff00-decoy-larger', decoyJpeg(bases, 'baseline', [decoySof(bases, 'baseline', size(480, 320))])),
    f('ff00-decoy-transposed', decoyJpeg(bases, 'baseline', [decoySof(bases, 'baseline', size(32, 48))])),
    f('ff00-decoy-over-pixel-limit', decoyJpeg(bases, 'baseline', [decoySof(bases, 'baseline', size(65535, 65535))])),
    f('ff00-decoy-grey', decoyJpeg(bases, 'baseline', [decoySof(bases, 'baseline', components(1))])),
    f('ff00-decoy-four-components', decoyJpeg(bases, 'baseline', [decoySof(bases, 'baseline', components(4))])),
    f('ff00-decoy-exif-orientation-6', decoyJpeg(bases, 'baseline', [exifSegment(orientationExif(6)), decoySof(bases, 'baseline', () => {})])),
    f('ff00-decoy-hides-adobe-cmyk', decoyJpeg(bases, 'cmyk', [decoySof(bases, 'cmyk', () => {})])),
    f('ff00-decoy-small-real-over-pixel-limit', decoyJpeg(bases, 'baseline', [decoySof(bases, 'baseline', () => {})], size(65535, 65535))),
    f('ff00-decoy-small-real-16383x16383', decoyJpeg(bases, 'baseline', [decoySof(bases, 'baseline', () => {})], size(16383, 16383))),
    f('ff00-decoy-small-real-progressive-4096x4096', decoyJpeg(bases, 'progressive', [decoySof(bases, 'progressive', () => {})], size(4096, 4096))),
    f('ff00-decoy-small-real-1x65535', decoyJpeg(bases, 'baseline', [decoySof(bases, 'baseline', () => {})], size(1, 65535))),
    f('garbage-before-sof', beforeSof(bases, 'baseline', garbage)),
    f('ff00-before-sof', beforeSof(bases, 'baseline', [0xff, 0x00])),
    f('fill-bytes-before-sof', beforeSof(bases, 'baseline', [0xff, 0xff, 0xff, 0xff])),
    f('ff00-after-sof', (() => {
      const segments = baseCopy(bases, 'baseline');
      const at = sofIndex(segments) + 1;
      return Buffer.concat([writeJpeg(segments.slice(0, at)), Buffer.from([0xff, 0x00]), ...segments.slice(at).map(segmentBytes)]);
    })()),
    ...[0, 1].map((length) => {
      // libjpeg skips nothing after a length under 2 and reads on; a walker cannot follow
      const segments = baseCopy(bases, 'baseline');
      segments.splice(sofIndex(segments), 0, segment(APP15, [], {length}));
      return f(`app15-length-${length}-before-sof`, writeJpeg(segments));
    }),
    f('com-length-0-first', writeJpeg([segment(COM, [], {length: 0}), ...baseCopy(bases, 'baseline')])),
  ];
}

export function sofSizeFiles(bases: BaseJpegs): HostileFile[] {
  const sizes: [number, number][] = [
    [0, 0],
    [0, 32],
    [48, 0],
    [1, 1],
    [1, 32],
    [48, 1],
    [65535, 32],
    [48, 65535],
    [65535, 1],
    [1, 65535],
    [65535, 65535],
    [49, 33],
    [47, 31],
    [96, 64],
  ];
  const out: HostileFile[] = [];
  for (const name of ['baseline', 'progressive', 'grey'] as const)
    for (const [w, h] of sizes)
      out.push(hostile('sof-size', `${name}-${w}x${h}`, withFrame(bases, name, (frame) => Object.assign(frame, {width: w, height: h}))));
  // tiny files claiming big images, within the pixel limit
  out.push(hostile('sof-size', 'baseline-16383x16383', withFrame(bases, 'baseline', (frame) => Object.assign(frame, {width: 16383, height: 16383}))));
  out.push(hostile('sof-size', 'progressive-4096x4096', withFrame(bases, 'progressive', (frame) => Object.assign(frame, {width: 4096, height: 4096}))));
  return out;
}

/** A 1.5 kB progressive file claiming 16383x16383 (the largest square under the pixel limit). */
export function claimsHugeProgressive(bases: BaseJpegs): HostileFile {
  return hostile('sof-size', 'progressive-16383x16383', withFrame(bases, 'progressive', (frame) => Object.assign(frame, {width: 16383, height: 16383})));
}

export function samplingFiles(bases: BaseJpegs): HostileFile[] {
  const cases: [BaseName, number[]][] = [
    ['baseline', [0x00, 0x11, 0x11]],
    ['baseline', [0x01, 0x11, 0x11]],
    ['baseline', [0x10, 0x11, 0x11]],
    ['baseline', [0x55, 0x11, 0x11]],
    ['baseline', [0x51, 0x11, 0x11]],
    ['baseline', [0x15, 0x11, 0x11]],
    ['baseline', [0x44, 0x11, 0x11]],
    ['baseline', [0x44, 0x44, 0x44]],
    ['baseline', [0x31, 0x11, 0x11]],
    ['baseline', [0x13, 0x11, 0x11]],
    ['baseline', [0x33, 0x11, 0x11]],
    ['baseline', [0x32, 0x11, 0x11]],
    ['baseline', [0x41, 0x11, 0x11]],
    ['baseline', [0x21, 0x11, 0x11]],
    ['baseline', [0x11, 0x11, 0x11]],
    ['baseline', [0x22, 0x22, 0x22]],
    ['baseline', [0x11, 0x22, 0x22]],
    ['baseline', [0x12, 0x21, 0x11]],
    ['baseline', [0x22, 0x21, 0x12]],
    ['baseline', [0x22, 0x11, 0x00]],
    ['baseline', [0x22, 0x13, 0x11]],
    ['full', [0x22, 0x11, 0x11]],
    ['full', [0x31, 0x11, 0x11]],
    ['full', [0x00, 0x00, 0x00]],
    ['full', [0x33, 0x33, 0x33]],
    ['grey', [0x22]],
    ['grey', [0x00]],
    ['grey', [0x55]],
    ['grey', [0x31]],
    ['grey', [0x44]],
    ['progressive', [0x31, 0x11, 0x11]],
    ['progressive', [0x11, 0x11, 0x11]],
    ['progressive', [0x00, 0x11, 0x11]],
    ['cmyk', [0x22, 0x11, 0x11, 0x22]],
    ['cmyk', [0x00, 0x11, 0x11, 0x11]],
  ];
  return cases.map(([name, factors]) =>
    hostile(
      'sampling',
      `${name}-${factors.map((v) => v.toString(16).padStart(2, '0')).join('-')}`,
      withFrame(bases, name, (frame) => frame.components.forEach((c, i) => (c.sampling = factors[i]!))),
    ),
  );
}

export function componentFiles(bases: BaseJpegs): HostileFile[] {
  const out: HostileFile[] = [];
  for (const name of ['baseline', 'full', 'grey', 'progressive', 'cmyk'] as const) {
    const have = readFrame(bases[name][sofIndex(bases[name])]!).components.length;
    for (const n of [0, 1, 2, 3, 4, 5, 255]) {
      if (n === have) continue;
      // the SOF length follows the count: specs dropped, or added with new ids
      out.push(
        hostile(
          'components',
          `${name}-${n}`,
          withFrame(bases, name, (frame) => {
            frame.components = Array.from({length: n}, (_, i) => frame.components[i] ?? {id: (i + 1) & 0xff, sampling: 0x11, quant: 0});
          }),
        ),
      );
    }
    for (const n of [0, 2, 255]) {
      // only the count byte changes: the SOF length no longer fits it
      const segments = baseCopy(bases, name);
      segments[sofIndex(segments)]!.body[5] = n;
      out.push(hostile('components', `${name}-count-byte-${n}`, writeJpeg(segments)));
    }
  }
  out.push(hostile('components', 'baseline-duplicate-ids', withFrame(bases, 'baseline', (frame) => frame.components.forEach((c) => (c.id = 1)))));
  out.push(hostile('components', 'baseline-quant-table-3', withFrame(bases, 'baseline', (frame) => (frame.components[1]!.quant = 3))));
  out.push(hostile('components', 'baseline-quant-table-200', withFrame(bases, 'baseline', (frame) => (frame.components[0]!.quant = 200))));
  out.push(hostile('components', 'baseline-ids-rgb', withFrame(bases, 'baseline', (frame) => frame.components.forEach((c, i) => (c.id = 'RGB'.charCodeAt(i))))));
  return out;
}

export function precisionFiles(bases: BaseJpegs): HostileFile[] {
  const out: HostileFile[] = [];
  for (const name of ['baseline', 'progressive', 'grey'] as const)
    for (const p of [0, 1, 7, 12, 16, 255]) out.push(hostile('precision', `${name}-${p}`, withFrame(bases, name, (frame) => (frame.precision = p))));
  return out;
}

export function sofTypeFiles(bases: BaseJpegs): HostileFile[] {
  const out: HostileFile[] = [];
  for (const name of ['baseline', 'progressive'] as const) {
    const segments = bases[name];
    const own = segments[sofIndex(segments)]!.marker;
    for (let marker = 0xc0; marker <= 0xcf; marker++) {
      if (marker === own || marker === DHT || marker === 0xcc) continue;
      const copy = baseCopy(bases, name);
      copy[sofIndex(copy)]!.marker = marker;
      out.push(hostile('sof-type', `${name}-sof${marker - 0xc0}`, writeJpeg(copy)));
    }
  }
  return out;
}

/** Base `name` with `extra` inserted before the segment at `at(segments)`. */
function inserted(bases: BaseJpegs, name: BaseName, extra: Segment[], at: (segments: Segment[]) => number): Buffer {
  const segments = baseCopy(bases, name);
  segments.splice(at(segments), 0, ...extra);
  return writeJpeg(segments);
}

export function duplicateSofFiles(bases: BaseJpegs): HostileFile[] {
  const sof = (name: BaseName, change: (frame: Frame) => void = () => {}, marker?: number) => {
    const s = decoySof(bases, name, change);
    return marker === undefined ? s : {...s, marker};
  };
  const f = (variant: string, bytes: Buffer) => hostile('duplicate-sof', variant, bytes);
  return [
    f('same-before-sos', inserted(bases, 'baseline', [sof('baseline')], sosIndex)),
    f('smaller-before-sos', inserted(bases, 'baseline', [sof('baseline', (fr) => Object.assign(fr, {width: 24, height: 16}))], sosIndex)),
    f('larger-before-sos', inserted(bases, 'baseline', [sof('baseline', (fr) => Object.assign(fr, {width: 4800, height: 3200}))], sosIndex)),
    f('sof2-after-sof0', inserted(bases, 'baseline', [sof('baseline', () => {}, 0xc2)], sosIndex)),
    f('after-scan', inserted(bases, 'baseline', [sof('baseline')], (s) => indexOfMarker(s, (m) => m === EOI))),
    f('between-progressive-scans', inserted(bases, 'progressive', [sof('progressive')], (s) => indexOfMarker(s, (m) => m === SOS, sosIndex(s) + 1))),
    f('larger-between-progressive-scans', inserted(bases, 'progressive', [sof('progressive', (fr) => Object.assign(fr, {width: 4800, height: 3200}))], (s) => indexOfMarker(s, (m) => m === SOS, sosIndex(s) + 1))),
  ];
}

export function orderFiles(bases: BaseJpegs): HostileFile[] {
  const f = (variant: string, bytes: Buffer) => hostile('order', variant, bytes);
  const moved = (name: BaseName, pick: (s: Segment[]) => number, to: (s: Segment[]) => number) => {
    const segments = baseCopy(bases, name);
    const [s] = segments.splice(pick(segments), 1);
    segments.splice(to(segments), 0, s!);
    return writeJpeg(segments);
  };
  const changedScan = (name: BaseName, change: (body: Buffer) => Buffer) => {
    const segments = baseCopy(bases, name);
    const sos = segments[sosIndex(segments)]!;
    sos.body = change(sos.body);
    return writeJpeg(segments);
  };
  const eoiAt = (s: Segment[]) => indexOfMarker(s, (m) => m === EOI);
  const baseline = baseCopy(bases, 'baseline');
  return [
    f('sos-before-sof', moved('baseline', sosIndex, sofIndex)),
    f('sos-before-dht', moved('baseline', sosIndex, (s) => indexOfMarker(s, (m) => m === DHT))),
    f('dqt-after-scan', (() => {
      const segments = baseCopy(bases, 'baseline');
      const tables = segments.filter((s) => s.marker === DQT);
      const rest = segments.filter((s) => s.marker !== DQT);
      rest.splice(eoiAt(rest), 0, ...tables);
      return writeJpeg(rest);
    })()),
    f('dht-after-scan', (() => {
      const segments = baseCopy(bases, 'baseline');
      const tables = segments.filter((s) => s.marker === DHT);
      const rest = segments.filter((s) => s.marker !== DHT);
      rest.splice(eoiAt(rest), 0, ...tables);
      return writeJpeg(rest);
    })()),
    f('eoi-after-sof', writeJpeg([...baseline.slice(0, sofIndex(baseline) + 1), segment(EOI, [])])),
    f('eoi-before-sos', writeJpeg([...baseline.slice(0, sosIndex(baseline)), segment(EOI, [])])),
    f('no-eoi', writeJpeg(baseline.slice(0, eoiAt(baseline)))),
    f('two-eoi', writeJpeg([...baseline, segment(EOI, [])])),
    f('soi-twice', inserted(bases, 'baseline', [segment(0xd8, [])], sofIndex)),
    f('soi-eoi-only', Buffer.from([0xff, 0xd8, 0xff, 0xd9])),
    f('soi-only', Buffer.from([0xff, 0xd8, 0xff])),
    f('rst-and-tem-in-header', inserted(bases, 'baseline', [segment(0xd3, []), segment(0x01, [])], sofIndex)),
    f('dnl-in-header', inserted(bases, 'baseline', [segment(0xdc, [0, 32])], sofIndex)),
    f('reserved-marker-02', inserted(bases, 'baseline', [segment(0x02, [1, 2, 3])], sofIndex)),
    f('jpg-marker-c8', inserted(bases, 'baseline', [segment(0xc8, [1, 2, 3])], sofIndex)),
    f('jpg-extension-marker-f0', inserted(bases, 'baseline', [segment(0xf0, [1, 2, 3])], sofIndex)),
    f('sos-unknown-component', changedScan('baseline', (b) => ((b[1] = 9), b))),
    f('sos-count-0', changedScan('baseline', (b) => Buffer.from([0, b[b.length - 3]!, b[b.length - 2]!, b[b.length - 1]!]))),
    f('sos-count-5-length-kept', changedScan('baseline', (b) => ((b[0] = 5), b))),
    f('sos-spectral-0-0', changedScan('baseline', (b) => ((b[b.length - 2] = 0), b))),
    f('sos-approximation-1-0', changedScan('baseline', (b) => ((b[b.length - 1] = 0x10), b))),
    f('sos-tables-3', changedScan('baseline', (b) => ((b[2] = 0x33), b))),
    f('sos-same-component-twice', changedScan('baseline', (b) => ((b[3] = b[1]!), b))),
  ];
}
