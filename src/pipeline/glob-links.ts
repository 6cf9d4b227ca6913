/**
 * How a glob pattern follows symbolic links (`--follow-symlinks`) without walking a loop for
 * ever. fast-glob has no loop detection: with two links that lead back up the tree (`sub/loop ->
 * ..`, `self -> .`), `**` expands without end, its memory growing by gigabytes a minute. fast-glob
 * asks its file system's `stat` what each link it meets is; this one answers, for a link that
 * leads back to a directory on its own path, with the link itself (lstat), so it is neither
 * walked nor matched. Whether a link is cut depends only on its own path, never on the order in
 * which fast-glob reads directories, so the matches are the same on every run; links elsewhere
 * are followed as before. (Directory arguments are walked by walk.ts, which keeps its own set of
 * the directories it has walked.)
 */

import {lstat, realpath, stat, type Stats} from 'node:fs';
import {dirname, resolve} from 'node:path';

type StatCallback = (error: NodeJS.ErrnoException | null, stats: Stats) => void;

/** A `stat` for fast-glob's `fs` option, for one glob: it keeps the real paths it has looked up. */
export function loopSafeStat(): (path: string, callback: StatCallback) => void {
  const reals = new Map<string, Promise<string | null>>();
  const realOf = (path: string): Promise<string | null> => {
    let real = reals.get(path);
    if (!real) {
      real = new Promise((done) => realpath(path, (error, r) => done(error ? null : r)));
      reals.set(path, real);
    }
    return real;
  };
  /** Whether the directory at `path` is the same directory as one of the directories above it in `path`. */
  const leadsBack = async (path: string): Promise<boolean> => {
    const full = resolve(path);
    const target = await realOf(full);
    if (target === null) return false;
    for (let up = dirname(full); ; up = dirname(up)) {
      if ((await realOf(up)) === target) return true;
      if (dirname(up) === up) return false;
    }
  };
  return (path, callback) => {
    stat(path, (error, stats) => {
      if (error || !stats.isDirectory()) return callback(error, stats);
      leadsBack(path).then(
        (loop) => (loop ? lstat(path, callback) : callback(null, stats)),
        () => callback(null, stats),
      );
    });
  };
}
