/**
 * Progressive JPEGs whose scans are the attack: hundreds of valid scans over a small image, and
 * one scan of a real file repeated hundreds of times (an invalid progression libjpeg only warns
 * about, scan after scan).
 */

import type {BaseJpegs} from './base-jpegs.js';
import {hostile, type HostileFile} from './hostile-file.js';
import {EOI, indexOfMarker, SOS, writeJpeg} from './jpeg-segments.js';
import {scanBomb} from './progressive-bomb.js';

function repeatedScan(bases: BaseJpegs, nth: number, times: number): Buffer {
  const segments = bases.progressive;
  let at = -1;
  for (let k = 0; k <= nth; k++) at = indexOfMarker(segments, (m) => m === SOS, at + 1);
  const eoi = indexOfMarker(segments, (m) => m === EOI);
  return writeJpeg([...segments.slice(0, eoi), ...new Array(times).fill(segments[at]!), ...segments.slice(eoi)]);
}

export function scanBombFiles(bases: BaseJpegs): HostileFile[] {
  return [
    hostile('scan-bomb', 'grey-64x64-883-scans', scanBomb({width: 64, height: 64, components: 1, scans: 883})),
    hostile('scan-bomb', 'ycbcr-48x32-2647-scans', scanBomb({width: 48, height: 32, components: 3, scans: 2647})),
    hostile('scan-bomb', 'ycbcr-256x256-800-scans', scanBomb({width: 256, height: 256, components: 3, scans: 800})),
    hostile('scan-bomb', 'ycbcr-512x384-300-scans', scanBomb({width: 512, height: 384, components: 3, scans: 300})),
    hostile('scan-bomb', 'dc-scan-repeated-500', repeatedScan(bases, 0, 500)),
    hostile('scan-bomb', 'ac-scan-repeated-500', repeatedScan(bases, 1, 500)),
    hostile('scan-bomb', 'last-scan-repeated-500', repeatedScan(bases, 9, 500)),
  ];
}

/** The bench's one scan bomb of moderate size: 2048x2048, 800 valid scans, about 40 kB. */
export function benchScanBomb(): HostileFile {
  return hostile('scan-bomb', 'ycbcr-2048x2048-800-scans', scanBomb({width: 2048, height: 2048, components: 3, scans: 800}));
}
