/**
 * Hostile JPEGs that are cut short or have damaged tables: truncation at every segment boundary,
 * inside every segment and inside the scans; broken Huffman, quantisation and restart tables; and
 * single bytes changed, at seeded places, in the header and the scan.
 */

import {baseCopy, type BaseJpegs, type BaseName} from './base-jpegs.js';
import {exifSegment, orientationExif} from './exif.js';
import {hostile, type HostileFile} from './hostile-file.js';
import {DHT, DQT, DRI, EOI, indexOfMarker, isSof, segment, segmentBytes, SOS, writeJpeg, type Segment} from './jpeg-segments.js';
import {between} from './prng.js';

function markerName(marker: number): string {
  if (isSof(marker)) return `sof${marker - 0xc0}`;
  if (marker >= 0xe0 && marker <= 0xef) return `app${marker - 0xe0}`;
  const names: Record<number, string> = {0xc4: 'dht', 0xdb: 'dqt', 0xda: 'sos', 0xd9: 'eoi', 0xdd: 'dri', 0xfe: 'com'};
  return names[marker] ?? `marker-${marker.toString(16)}`;
}

/** Cut points of a file: every segment's start and middle, `perScan` seeded places in each scan. */
function cutPoints(segments: Segment[], perScan: number, random: () => number): {at: number; what: string}[] {
  const cuts: {at: number; what: string}[] = [{at: 1, what: 'in-soi'}];
  let pos = 2;
  let scans = 0;
  for (const s of segments) {
    const name = markerName(s.marker);
    const headerEnd = pos + segmentBytes({...s, scan: undefined}).length;
    cuts.push({at: pos, what: `${name}-start`});
    if (s.marker !== EOI) cuts.push({at: pos + ((headerEnd - pos) >> 1), what: `${name}-middle`});
    if (s.scan && s.scan.length > 2) {
      scans++;
      for (let k = 0; k < perScan; k++) cuts.push({at: between(random, headerEnd + 1, headerEnd + s.scan.length), what: `scan${scans}-data`});
    }
    pos += segmentBytes(s).length;
  }
  cuts.push({at: pos - 1, what: 'eoi-half'});
  return cuts;
}

export function truncationFiles(bases: BaseJpegs, random: () => number): HostileFile[] {
  const out: HostileFile[] = [];
  const exif = [exifSegment(orientationExif(6)), ...baseCopy(bases, 'baseline')];
  const sources: [string, Segment[], number][] = [
    ['baseline', bases.baseline, 4],
    ['grey', bases.grey, 3],
    ['progressive', bases.progressive, 1],
    ['cmyk', bases.cmyk, 3],
    ['exif-orientation-6', exif, 2],
  ];
  for (const [name, segments, perScan] of sources) {
    const bytes = writeJpeg(segments);
    const seen = new Set<number>();
    for (const {at, what} of cutPoints(segments, perScan, random)) {
      if (seen.has(at)) continue;
      seen.add(at);
      out.push(hostile('truncated', `${name}-at-${at}-${what}`, bytes.subarray(0, at)));
    }
    // cut inside the scan, then an EOI: the file looks complete to a check of its last bytes
    const sos = indexOfMarker(segments, (m) => m === SOS);
    const scanStart = writeJpeg(segments.slice(0, sos + 1)).length - segments[sos]!.scan!.length;
    for (let k = 0; k < 2; k++) {
      const at = between(random, scanStart + 1, scanStart + segments[sos]!.scan!.length);
      out.push(hostile('truncated', `${name}-at-${at}-scan1-data-then-eoi`, Buffer.concat([bytes.subarray(0, at), Buffer.from([0xff, EOI])])));
    }
  }
  return out;
}

/** Base `name` with the `nth` segment of type `marker` changed (or removed when `change` returns null). */
function changed(bases: BaseJpegs, name: BaseName, marker: number, nth: number, change: (s: Segment) => Segment | null): Buffer {
  const segments = baseCopy(bases, name);
  let at = -1;
  for (let k = 0; k <= nth; k++) at = indexOfMarker(segments, (m) => m === marker, at + 1);
  const replacement = change(segments[at]!);
  if (replacement) segments[at] = replacement;
  else segments.splice(at, 1);
  return writeJpeg(segments);
}

function without(bases: BaseJpegs, name: BaseName, drop: (s: Segment) => boolean): Buffer {
  return writeJpeg(baseCopy(bases, name).filter((s) => !drop(s)));
}

/** The tables of a DHT or DQT body, each as [start, end) in the body. */
function dqtTables(body: Buffer): Buffer[] {
  const tables: Buffer[] = [];
  for (let p = 0; p < body.length; ) {
    const size = 1 + 64 * (body[p]! >> 4 ? 2 : 1);
    tables.push(body.subarray(p, p + size));
    p += size;
  }
  return tables;
}

export function tableFiles(bases: BaseJpegs): HostileFile[] {
  const f = (variant: string, bytes: Buffer) => hostile('tables', variant, bytes);
  const dht = (nth: number, change: (body: Buffer) => Buffer | null, name: BaseName = 'baseline') =>
    changed(bases, name, DHT, nth, (s) => {
      const body = change(Buffer.from(s.body));
      return body ? {...s, body} : null;
    });
  const dqt = (nth: number, change: (body: Buffer) => Buffer | null) =>
    changed(bases, 'baseline', DQT, nth, (s) => {
      const body = change(Buffer.from(s.body));
      return body ? {...s, body} : null;
    });
  const symbols = (b: Buffer) => b.subarray(1, 17).reduce((a, v) => a + v, 0);
  const beforeScan = (extra: Segment[]) => {
    const segments = baseCopy(bases, 'baseline');
    segments.splice(indexOfMarker(segments, (m) => m === SOS), 0, ...extra);
    return writeJpeg(segments);
  };
  const baseline = bases.baseline;
  const allTables = (marker: number) => Buffer.concat(baseline.filter((s) => s.marker === marker).map((s) => s.body));
  const mergedInto = (marker: number) => {
    const segments = baseCopy(bases, 'baseline');
    const first = indexOfMarker(segments, (m) => m === marker);
    const rest = segments.filter((s, i) => s.marker !== marker || i === first);
    rest[first] = segment(marker, allTables(marker));
    return writeJpeg(rest);
  };
  return [
    f('dht-symbols-over-256', dht(0, (b) => ((b[16] = b[16]! + 257 - symbols(b)), b))),
    f('dht-symbols-over-length', dht(1, (b) => ((b[16] = b[16]! + 5), b))),
    f('dht-class-2', dht(0, (b) => ((b[0] = 0x20 | (b[0]! & 0x0f)), b))),
    f('dht-id-4', dht(0, (b) => ((b[0] = (b[0]! & 0xf0) | 4), b))),
    f('dht-id-15', dht(1, (b) => ((b[0] = (b[0]! & 0xf0) | 15), b))),
    f('dht-all-removed', without(bases, 'baseline', (s) => s.marker === DHT)),
    f('dht-luma-ac-removed', without(bases, 'baseline', (s) => s.marker === DHT && s.body[0] === 0x10)),
    f('dht-oversubscribed', dht(0, (b) => Buffer.concat([b.subarray(0, 1), Buffer.from([b[1]! + 3]), b.subarray(2, 17), Buffer.from([0, 1, 2]), b.subarray(17)]))),
    f('dht-empty-table', dht(0, (b) => Buffer.from([b[0]!, ...new Array<number>(16).fill(0)]))),
    f('dht-dc-symbol-16', dht(0, (b) => ((b[b.length - 1] = 16), b))),
    f('dht-dc-symbol-200', dht(0, (b) => ((b[b.length - 1] = 200), b))),
    f('dht-length-minus-1', changed(bases, 'baseline', DHT, 1, (s) => ({...s, length: s.body.length + 1}))),
    f('dht-length-plus-1', changed(bases, 'baseline', DHT, 1, (s) => ({...s, length: s.body.length + 3}))),
    f('dht-classes-swapped', (() => {
      const segments = baseCopy(bases, 'baseline');
      for (const s of segments) if (s.marker === DHT) s.body[0] = s.body[0]! ^ 0x10;
      return writeJpeg(segments);
    })()),
    f('dht-tables-merged', mergedInto(DHT)),
    f('progressive-dht-between-scans-id-4', dht(3, (b) => ((b[0] = (b[0]! & 0xf0) | 4), b), 'progressive')),
    f('progressive-dht-between-scans-removed', dht(3, () => null, 'progressive')),
    f('dqt-precision-16-length-kept', dqt(0, (b) => ((b[0] = b[0]! | 0x10), b))),
    f('dqt-precision-16', dqt(0, (b) => Buffer.concat(dqtTables(b).map((t) => Buffer.from([0x10 | t[0]!, ...[...t.subarray(1)].flatMap((v) => [0, v])]))))),
    f('dqt-precision-16-max', dqt(0, (b) => Buffer.concat(dqtTables(b).map((t) => Buffer.from([0x10 | t[0]!, ...new Array<number>(128).fill(0xff)]))))),
    f('dqt-precision-2', dqt(0, (b) => ((b[0] = 0x20 | b[0]!), b))),
    f('dqt-zeros', dqt(0, (b) => b.fill(0, 1))),
    f('dqt-id-4', dqt(0, (b) => ((b[0] = 4), b))),
    f('dqt-id-15', dqt(1, (b) => ((b[0] = 15), b))),
    f('dqt-all-removed', without(bases, 'baseline', (s) => s.marker === DQT)),
    f('dqt-chroma-removed', dqt(1, () => null)),
    f('dqt-length-minus-1', changed(bases, 'baseline', DQT, 0, (s) => ({...s, length: s.body.length + 1}))),
    f('dqt-length-plus-1', changed(bases, 'baseline', DQT, 0, (s) => ({...s, length: s.body.length + 3}))),
    f('dqt-tables-merged', mergedInto(DQT)),
    f('dri-1-without-restarts', beforeScan([segment(DRI, [0, 1])])),
    f('dri-0', beforeScan([segment(DRI, [0, 0])])),
    f('dri-65535-without-restarts', beforeScan([segment(DRI, [0xff, 0xff])])),
    f('dri-length-5', beforeScan([segment(DRI, [0, 1, 0])])),
    f('dac-in-huffman-file', beforeScan([segment(0xcc, [0x00, 0x10])])),
  ];
}

export function byteFiles(bases: BaseJpegs, random: () => number): HostileFile[] {
  const out: HostileFile[] = [];
  for (const name of ['baseline', 'progressive'] as const) {
    const segments = bases[name];
    const bytes = writeJpeg(segments);
    const sos = indexOfMarker(segments, (m) => m === SOS);
    const scanStart = writeJpeg(segments.slice(0, sos + 1)).length - segments[sos]!.scan!.length;
    const places: [string, number, number][] = [
      ['header', 2, scanStart, ],
      ['scan', scanStart, scanStart + segments[sos]!.scan!.length],
    ];
    for (const [where, lo, hi] of places)
      for (let k = 0; k < (where === 'header' ? 12 : 6); k++) {
        const at = between(random, lo, hi);
        const value = between(random, 0, 256);
        if (value === bytes[at]) continue;
        const copy = Buffer.from(bytes);
        copy[at] = value;
        out.push(hostile('bytes', `${name}-${where}-${at}-to-${value.toString(16).padStart(2, '0')}`, copy));
      }
  }
  return out;
}
