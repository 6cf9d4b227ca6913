/** Synchronous writes that never stop half-way. */

import {writeSync} from 'node:fs';

const pause = new Int32Array(new SharedArrayBuffer(4));

/** Writes all of `data`, waiting when a non-blocking pipe (stdout) is full. */
export function writeFully(fd: number, data: Uint8Array | string, length?: number): void {
  const buf = typeof data === 'string' ? Buffer.from(data) : data;
  const end = length ?? buf.length;
  let written = 0;
  while (written < end) {
    try {
      written += writeSync(fd, buf, written, end - written);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      Atomics.wait(pause, 0, 0, 2);
    }
  }
}
