/**
 * Memory for the files a decoding worker reads, reused from image to image. A fresh buffer per
 * file is garbage the moment the image is decoded, and V8 frees such memory only when its next
 * collection comes, so a worker reading 130 KB files at hundreds a second kept tens of MiB of
 * dead file contents resident. Each image in flight holds its own buffer until it is released.
 */

import {closeSync, constants, fstatSync, openSync, readSync, type Stats} from 'node:fs';

/** The error code of a path that names a FIFO, a socket or a device. */
export const NOT_REGULAR_FILE = 'ERR_LCNET_NOT_REGULAR_FILE';

/** Buffers larger than this are not kept for the next file (a rare huge image). */
const KEEP_BYTES = 16 * 1024 * 1024;
const MIN_BYTES = 256 * 1024;

export class FileBuffers {
  private free: Buffer[] = [];

  /**
   * Reads the file open at `fd` to its end (`size`, as fstat said, sizes the first read; a file
   * that grew meanwhile is read whole all the same). `bytes` stays valid until `release(buffer)`.
   */
  read(fd: number, size: number): {bytes: Uint8Array; buffer: Buffer} {
    let buffer = this.free.pop() ?? Buffer.allocUnsafeSlow(Math.max(MIN_BYTES, size + 1));
    if (buffer.length <= size) buffer = Buffer.allocUnsafeSlow(size + 1);
    let n = 0;
    for (;;) {
      if (n === buffer.length) {
        const bigger = Buffer.allocUnsafeSlow(buffer.length * 2);
        buffer.copy(bigger, 0, 0, n);
        buffer = bigger;
      }
      const got = readSync(fd, buffer, n, buffer.length - n, null);
      if (got === 0) break;
      n += got;
    }
    return {bytes: buffer.subarray(0, n), buffer};
  }

  /**
   * Reads the file at `path` as a decoding worker does: open, fstat, one read into a buffer of
   * this pool (a synchronous read costs a few syscalls on the worker's thread, where an
   * asynchronous one would take four trips through the libuv pool), close. A directory throws
   * EISDIR and anything else that is not a regular file (a FIFO, which would wait for a writer
   * for ever, a device, which may never end) NOT_REGULAR_FILE, before anything is read.
   */
  readFile(path: string): {bytes: Uint8Array; buffer: Buffer; stats: Stats} {
    // non-blocking: opening a FIFO must not wait for a writer (a regular file reads as before)
    const fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    try {
      const stats = fstatSync(fd);
      if (stats.isDirectory()) throw Object.assign(new Error(`EISDIR: illegal operation on a directory, read '${path}'`), {code: 'EISDIR'});
      if (!stats.isFile()) throw Object.assign(new Error(`not a regular file: '${path}'`), {code: NOT_REGULAR_FILE});
      return {...this.read(fd, stats.size), stats};
    } finally {
      closeSync(fd);
    }
  }

  release(buffer: Buffer): void {
    if (buffer.length <= KEEP_BYTES) this.free.push(buffer);
  }
}
