/**
 * Inputs that match nothing at all: an empty folder, a typo in --ext, a folder of .txt files, a
 * glob pattern that matches nothing, an empty path list. Such a run has nothing to do, and
 * "0 files" with success would hide the mistake (a scheduled job would report success on an
 * empty collection for ever), so it is a usage error, told in one message naming the paths and
 * the extensions tried.
 *
 * The walk is streamed (records are written before it ends), so the verdict can only come when
 * it ends without any entry. A pattern that matches nothing yields an entry of its own, its error
 * record when other inputs do match: such entries are held back until a real one comes, so that
 * a run that finds nothing yields no record before its error (and writes no output).
 *
 * The verdict is taken before sharding: an empty part of a non-empty collection is no error (a
 * Kubernetes or Slurm task must not fail because the hash gave its part no file).
 */

import {UsageError} from '../errors.js';
import type {WalkEntry} from './walk.js';

export class NoInputsError extends UsageError {}

/** Paths named in the message at most; a shell glob can give thousands of folders. */
const NAMED = 5;

/**
 * How the inputs were looked for, which is what the message says was tried: the paths as given
 * (the first few of them: a program can give millions), the extensions and the recursion.
 */
export class LookedFor {
  private readonly first: string[] = [];
  private count = 0;
  /** a folder or pattern was among the paths: the extensions were tried */
  private walked = false;

  constructor(
    /** lower-case extensions; null: every extension */
    readonly extensions: ReadonlySet<string> | null,
    readonly recursive: boolean,
  ) {}

  static of(paths: readonly string[], extensions: ReadonlySet<string> | null, recursive: boolean): LookedFor {
    const looked = new LookedFor(extensions, recursive);
    for (const p of paths) looked.add(p);
    return looked;
  }

  /**
   * A path as given. An `argument` is taken as the CLI takes it: '-' is the path list on standard
   * input, anything else is walked or globbed; a `literal` path is one file path taken as it is;
   * a `list` is a file holding a path list (--files-from; '-' is standard input).
   */
  add(path: string, how: 'argument' | 'literal' | 'list' = 'argument'): void {
    const stdin = (how === 'argument' || how === 'list') && path === '-';
    this.count++;
    if (this.first.length < NAMED) this.first.push(stdin ? 'the path list on standard input' : how === 'list' ? `the path list ${path}` : path);
    if (how === 'argument' && !stdin) this.walked = true;
  }

  get empty(): boolean {
    return this.count === 0;
  }

  /** The one wording of "nothing to classify", shared by every command that walks inputs. */
  message(): string {
    const names = this.count <= NAMED ? this.first.join(', ') : `${this.first.join(', ')} and ${this.count - NAMED} more`;
    // extensions and recursion apply to folders and glob patterns; a path list is taken as it is
    const tried = this.extensions === null ? 'every extension' : `extensions tried: ${[...this.extensions].join(', ')}`;
    const how = this.walked ? ` (${tried}${this.recursive ? '' : ', subfolders not walked'})` : '';
    return `no images found in ${names}${how}`;
  }
}

/** Whether an entry stands for a file (or bytes) found, rather than a pattern that matched nothing. */
export function isFound(e: WalkEntry): boolean {
  return e.kind !== 'missing' || e.unmatched !== true;
}

/**
 * Passes `entries` on, counting in `counts.found` those that are files found; when they end with
 * none, throws the error `noneFound()` gives (null: nothing was asked for, so no error) instead of
 * yielding the patterns that matched nothing.
 */
export async function* requireInputs(entries: AsyncIterable<WalkEntry>, counts: {found: number}, noneFound: () => Error | null): AsyncGenerator<WalkEntry> {
  const held: WalkEntry[] = [];
  for await (const e of entries) {
    if (!isFound(e)) {
      if (counts.found === 0) held.push(e);
      else yield e;
      continue;
    }
    counts.found++;
    if (held.length > 0) yield* held.splice(0);
    yield e;
  }
  if (counts.found > 0) return;
  const error = noneFound();
  if (error) throw error;
  yield* held;
}
