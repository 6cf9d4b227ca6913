/**
 * Whether an output file can be written, told before any work (before a model loads, before the
 * walk) in one line that names the path and what to do: a folder that does not exist, a file
 * standing where a folder should be, an output path that is a folder, a folder or file that
 * cannot be written (permissions, a read-only file system, a full disk). Each is a usage error:
 * the command as given cannot work, and nothing has been done yet.
 *
 * The stat checks catch the mistakes of the path itself. Whether the folder takes a new file is
 * known for sure only by creating one: `classify` creates the output's lock there (so its failure
 * is told with `cannotWrite`), `eval` a probe file it removes at once. Permission bits alone
 * would say nothing for root, who is refused only where the file system itself refuses.
 */

import {closeSync, openSync, statSync, unlinkSync, type Stats} from 'node:fs';
import {dirname, resolve} from 'node:path';
import {UsageError} from '../../errors.js';

export class OutputNotWritableError extends UsageError {}

/** What the output path names: a regular file (existing or to create), or a device or pipe written as it is. */
export type OutputTarget = 'file' | 'special';

/**
 * Checks that `output` can be written; throws an OutputNotWritableError saying why not. With
 * `probe`, also creates and removes a file beside it, which proves the folder takes new files.
 */
export function checkOutputTarget(output: string, opts: {probe?: boolean} = {}): OutputTarget {
  const folder = dirname(resolve(output));
  const at = look(folder);
  if (at.error || !at.stats!.isDirectory()) throw folderProblem(output, folder, at.error);
  const existing = look(output);
  if (existing.error && existing.error.code !== 'ENOENT') throw cannotWrite(output, output, existing.error);
  if (existing.stats?.isDirectory()) throw new OutputNotWritableError(`cannot write ${output}: it is a folder; give --output a file name`);
  if (existing.stats && !existing.stats.isFile()) return 'special';
  if (existing.stats) {
    // opened for writing without truncating: the file is left as it is
    try {
      closeSync(openSync(output, 'r+'));
    } catch (e) {
      throw cannotWrite(output, output, e);
    }
  }
  if (opts.probe) {
    const probe = `${output}.probe-${process.pid}`;
    try {
      closeSync(openSync(probe, 'wx'));
      unlinkSync(probe);
    } catch (e) {
      throw cannotWrite(output, folder, e);
    }
  }
  return 'file';
}

/**
 * The error for `output` when writing `where` (its folder, or the file itself) failed with the
 * system error `e`: the reason in words, and what to do.
 */
export function cannotWrite(output: string, where: string, e: unknown): OutputNotWritableError {
  const code = (e as NodeJS.ErrnoException).code;
  const place = where === output ? 'it' : `folder ${where}`;
  const why =
    code === 'EACCES' || code === 'EPERM'
      ? `permission denied: ${place} cannot be written; choose another --output, or make ${where} writable`
      : code === 'EROFS'
        ? `${place} is on a read-only file system; choose another --output`
        : code === 'ENOSPC'
          ? `the disk holding ${where} is full; free some space or choose another --output`
          : code === 'EDQUOT'
            ? `the disk quota for ${where} is used up; free some space or choose another --output`
            : `${(e as Error).message}; choose another --output`;
  return new OutputNotWritableError(`cannot write ${output}: ${why}`);
}

/** Why `folder` (which is not a folder one can write in) cannot hold the output. */
function folderProblem(output: string, folder: string, error: NodeJS.ErrnoException | null): OutputNotWritableError {
  if (error && error.code !== 'ENOENT' && error.code !== 'ENOTDIR') return cannotWrite(output, folder, error);
  // the nearest existing ancestor tells a missing folder from a file standing in the way
  let up = folder;
  let found = look(up);
  while (found.error && dirname(up) !== up) {
    up = dirname(up);
    found = look(up);
    if (found.error && found.error.code !== 'ENOENT' && found.error.code !== 'ENOTDIR') return cannotWrite(output, up, found.error);
  }
  if (found.stats && !found.stats.isDirectory()) {
    return new OutputNotWritableError(`cannot write ${output}: ${up} is a file, not a folder; choose another --output`);
  }
  return new OutputNotWritableError(`cannot write ${output}: folder ${folder} does not exist; create it (mkdir -p ${folder}) or choose another --output`);
}

function look(path: string): {stats: Stats | null; error: NodeJS.ErrnoException | null} {
  try {
    return {stats: statSync(path), error: null};
  } catch (e) {
    return {stats: null, error: e as NodeJS.ErrnoException};
  }
}
