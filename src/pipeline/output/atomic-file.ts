/**
 * A file written beside its destination and renamed over it once complete, so that readers see
 * the old file or the new one, never half of one: an interrupted merge leaves no partial output,
 * an interrupted rewrite of a resumed output leaves the old one.
 *
 * A destination that exists and is not a regular file (/dev/null, /dev/stdout, a named pipe)
 * cannot be renamed over: the file is then written in the temporary folder and copied into the
 * destination once complete. A symbolic link is followed: its target is replaced.
 */

import {closeSync, fsyncSync, openSync, readSync, realpathSync, renameSync, rmSync, statSync, type Stats} from 'node:fs';
import {tmpdir} from 'node:os';
import {basename, dirname, join, resolve} from 'node:path';
import {writeFully} from './write-fully.js';

/**
 * The file an output path really names: symbolic links followed (the output and its folder), so
 * that a resume through a link rewrites the target, not the link, and two names for one file
 * share one lock.
 */
export function resolveOutputPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    try {
      return join(realpathSync(dirname(resolve(path))), basename(path));
    } catch {
      return resolve(path);
    }
  }
}

export class AtomicFile {
  /** where it is written until `commit` */
  readonly temp: string;
  /** the destination is a device or a pipe: copy into it */
  private readonly special: boolean;
  private readonly target: string;

  /** `purpose` names the temporary file: `<target>.<purpose>-<pid>` */
  constructor(
    readonly path: string,
    purpose: string,
  ) {
    const existing = statOrNull(path);
    this.special = existing !== null && !existing.isFile();
    this.target = resolveOutputPath(path);
    this.temp = this.special ? join(tmpdir(), `lcnet-${purpose}-${process.pid}-${basename(path)}`) : `${this.target}.${purpose}-${process.pid}`;
  }

  /** Puts the written temporary file in place: flushed to disk and renamed, or copied. */
  commit(): void {
    if (this.special) {
      copyInto(this.temp, this.path);
      this.discard();
      return;
    }
    const fd = openSync(this.temp, 'r+');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(this.temp, this.target);
  }

  discard(): void {
    rmSync(this.temp, {force: true});
  }
}

/** What is at `path` (symbolic links followed), or null when nothing is. */
export function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

function copyInto(from: string, to: string): void {
  const input = openSync(from, 'r');
  const output = openSync(to, 'w');
  try {
    const buf = Buffer.alloc(1024 * 1024);
    for (let n = readSync(input, buf); n > 0; n = readSync(input, buf)) {
      writeFully(output, buf, n);
    }
  } finally {
    closeSync(input);
    closeSync(output);
  }
}
