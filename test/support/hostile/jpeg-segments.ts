/**
 * A JPEG file as its list of marker segments, to be taken apart and put back together with
 * something changed. Parsing follows the lengths and, after an SOS, the entropy-coded data up to
 * the next marker that is not a stuffed zero or a restart: the structure of a valid file, which is
 * all the generator ever parses (it damages files only after parsing them).
 */

export const SOI = 0xd8;
export const EOI = 0xd9;
export const SOS = 0xda;
export const DQT = 0xdb;
export const DHT = 0xc4;
export const DRI = 0xdd;
export const APP1 = 0xe1;
export const APP14 = 0xee;
export const APP15 = 0xef;
export const COM = 0xfe;

export interface Segment {
  marker: number;
  /** the bytes after the length field; empty for a marker without one */
  body: Buffer;
  /** the entropy-coded data that follows an SOS */
  scan?: Buffer;
  /** a length field to write instead of the true one */
  length?: number;
}

/** Markers that stand alone, without a length: SOI, EOI, RSTn and TEM. */
export function standalone(marker: number): boolean {
  return marker === SOI || marker === EOI || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01;
}

/** Whether `marker` starts a frame (SOF0-SOF15 but DHT, JPG and DAC). */
export function isSof(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== DHT && marker !== 0xc8 && marker !== 0xcc;
}

/** The segments of a valid JPEG after its SOI, EOI included. */
export function parseJpeg(b: Buffer): Segment[] {
  if (b[0] !== 0xff || b[1] !== SOI) throw new Error('not a JPEG');
  const out: Segment[] = [];
  let pos = 2;
  while (pos < b.length) {
    if (b[pos] !== 0xff) throw new Error(`no marker at ${pos}`);
    const marker = b[pos + 1]!;
    if (standalone(marker)) {
      out.push({marker, body: Buffer.alloc(0)});
      pos += 2;
      if (marker === EOI) return out;
      continue;
    }
    const length = b.readUInt16BE(pos + 2);
    const segment: Segment = {marker, body: Buffer.from(b.subarray(pos + 4, pos + 2 + length))};
    pos += 2 + length;
    if (marker === SOS) {
      let end = pos;
      while (end + 1 < b.length && !(b[end] === 0xff && b[end + 1] !== 0 && !(b[end + 1]! >= 0xd0 && b[end + 1]! <= 0xd7))) end++;
      segment.scan = Buffer.from(b.subarray(pos, end));
      pos = end;
    }
    out.push(segment);
  }
  throw new Error('no EOI');
}

/** The bytes of one segment, marker first. */
export function segmentBytes(s: Segment): Buffer {
  if (standalone(s.marker)) return Buffer.from([0xff, s.marker]);
  const head = Buffer.from([0xff, s.marker, 0, 0]);
  head.writeUInt16BE((s.length ?? s.body.length + 2) & 0xffff, 2);
  return Buffer.concat([head, s.body, s.scan ?? Buffer.alloc(0)]);
}

/** SOI and then `segments`. */
export function writeJpeg(segments: Segment[]): Buffer {
  return Buffer.concat([Buffer.from([0xff, SOI]), ...segments.map(segmentBytes)]);
}

export function segment(marker: number, body: Buffer | number[], extra: Partial<Segment> = {}): Segment {
  return {marker, body: Buffer.from(body), ...extra};
}

/** A copy of the segments (bodies and scans copied too), to change without touching the original. */
export function cloneSegments(segments: Segment[]): Segment[] {
  return segments.map((s) => ({...s, body: Buffer.from(s.body), ...(s.scan ? {scan: Buffer.from(s.scan)} : {})}));
}

export function indexOfMarker(segments: Segment[], test: (marker: number) => boolean, from = 0): number {
  for (let i = from; i < segments.length; i++) if (test(segments[i]!.marker)) return i;
  return -1;
}

/** The frame header's fields, as a view on an SOF segment's body. */
export interface Frame {
  precision: number;
  height: number;
  width: number;
  components: {id: number; sampling: number; quant: number}[];
}

export function readFrame(sof: Segment): Frame {
  const b = sof.body;
  const count = b[5]!;
  const components = [];
  for (let i = 0; i < count; i++) components.push({id: b[6 + 3 * i]!, sampling: b[7 + 3 * i]!, quant: b[8 + 3 * i]!});
  return {precision: b[0]!, height: b.readUInt16BE(1), width: b.readUInt16BE(3), components};
}

/** An SOF body for `frame`; `count` overrides the component count written (the specs stay). */
export function frameBody(frame: Frame, count = frame.components.length): Buffer {
  const b = Buffer.alloc(6 + 3 * frame.components.length);
  b[0] = frame.precision;
  b.writeUInt16BE(frame.height & 0xffff, 1);
  b.writeUInt16BE(frame.width & 0xffff, 3);
  b[5] = count & 0xff;
  frame.components.forEach((c, i) => {
    b[6 + 3 * i] = c.id;
    b[7 + 3 * i] = c.sampling;
    b[8 + 3 * i] = c.quant;
  });
  return b;
}
