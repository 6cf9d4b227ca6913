/**
 * Which files a merge reads and writes: inputs (glob patterns the shell left unexpanded are
 * expanded here), each a readable regular file, since a merge reads it twice; and destinations
 * that must not replace an input, the path list or an existing file without --overwrite.
 */

import {statSync} from 'node:fs';
import {resolve} from 'node:path';
import {fastGlob} from '../lazy-modules.js';
import {FatalError, UsageError} from '../errors.js';
import {statOrNull} from '../pipeline/output/atomic-file.js';

/** The input files: each argument a file, or a glob pattern matching some. */
export function resolveInputs(args: readonly string[]): string[] {
  const files: string[] = [];
  for (const arg of args) {
    if (arg === '-') throw new UsageError('merge reads its inputs twice, so they must be files, not - (standard input)');
    if (!statOrNull(arg) && fastGlob().isDynamicPattern(arg)) {
      const matches = fastGlob().sync(arg, {onlyFiles: true, unique: true, dot: true}).sort();
      if (matches.length === 0) throw new FatalError(`${arg}: no files match this pattern`);
      files.push(...matches);
    } else {
      files.push(readableFile(arg, 'input'));
    }
  }
  return files;
}

/** `path`, once it is known to be a regular file that can be read (else FatalError). */
export function readableFile(path: string, what: string): string {
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch (e) {
    throw new FatalError(`cannot read the ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (!isFile) throw new FatalError(`the ${what} ${path} is not a file`);
  return path;
}

export interface Destinations {
  output: string | null;
  gaps?: string;
  /** the --files list, unless it is - */
  files?: string;
  overwrite: boolean;
}

/** Refuses (UsageError) destinations that would replace what the merge reads, or an existing file. */
export function checkDestinations(d: Destinations, inputs: readonly string[]): void {
  const destinations: [string, string][] = [];
  if (d.output !== null) destinations.push(['the output', d.output]);
  if (d.gaps !== undefined) destinations.push(['the --gaps file', d.gaps]);
  for (const [what, path] of destinations) {
    for (const input of inputs) if (sameFile(path, input)) throw new UsageError(`${what} ${path} is also an input`);
    if (d.files !== undefined && d.files !== '-' && sameFile(path, d.files)) throw new UsageError(`${what} ${path} is also the --files list`);
    const existing = statOrNull(path);
    if (existing?.isDirectory()) throw new UsageError(`${what} ${path} is a directory`);
    if (!d.overwrite && existing && existing.size > 0) throw new UsageError(`${path} already exists: use --overwrite to replace it`);
  }
  if (destinations.length === 2 && sameFile(destinations[0]![1], destinations[1]![1])) throw new UsageError('the output and the --gaps file must differ');
}

function sameFile(a: string, b: string): boolean {
  const x = statOrNull(a);
  const y = statOrNull(b);
  return x && y ? x.dev === y.dev && x.ino === y.ino : resolve(a) === resolve(b);
}
