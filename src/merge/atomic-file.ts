/**
 * A file written beside its destination and renamed over it once complete, so that readers see
 * the old file or the new one, never half of one; an interrupted merge leaves no partial output.
 */

import {closeSync, fsyncSync, openSync, renameSync, rmSync} from 'node:fs';

export class AtomicFile {
  /** where it is written until `commit` */
  readonly temp: string;

  constructor(readonly path: string) {
    this.temp = `${path}.merge-${process.pid}`;
  }

  /** Flushes the written temporary file to disk and renames it over `path`. */
  commit(): void {
    const fd = openSync(this.temp, 'r+');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(this.temp, this.path);
  }

  discard(): void {
    rmSync(this.temp, {force: true});
  }
}
