/**
 * Input discovery: turns the PATHS a user typed (files, directories, glob patterns) into a
 * deterministic stream of image files. Directories are walked depth-first with entries sorted by
 * name, so memory stays proportional to one directory, not to the collection. Hidden entries are
 * skipped, symlinks are not followed unless asked, and each file is yielded once even when the
 * paths overlap. A path that does not exist becomes a `missing` entry, never a crash.
 *
 * Every file carries its size and modification time (what `--resume` compares to tell a changed
 * file from a done one) and its path relative to the argument it was found under (what `--shard`
 * hashes, so machines that mount the collection in different places still agree on the parts).
 * The argument `-` reads a list of file paths from standard input instead (see path-list.ts), and
 * `pathLists` name files holding such lists, read after the arguments.
 */

import {fastGlob} from '../lazy-modules.js';
import {createReadStream, type Dirent} from 'node:fs';
import {readdir, realpath, stat} from 'node:fs/promises';
import {dirname, join, posix, resolve, sep} from 'node:path';
import {OptionError} from '../errors.js';
import {recordedMtime} from './file-identity.js';
import {loopSafeStat} from './glob-links.js';
import {DEFAULT_EXTENSIONS} from './image-extensions.js';
import {readPathList} from './path-list.js';
import {isUrl, URL_NOT_READ} from './url-input.js';
import {SeenKeys} from '../fingerprint/seen-keys.js';

export {DEFAULT_EXTENSIONS};

export interface WalkOptions {
  recursive: boolean;
  /** lower-case extensions without the dot; null accepts every file */
  extensions: ReadonlySet<string> | null;
  followSymlinks: boolean;
  /** where the argument `-` reads its path list from (default: process.stdin) */
  stdin?: AsyncIterable<Buffer | string>;
  /**
   * files holding path lists (`--files-from`; '-' is standard input), read as `-` reads its list,
   * after the arguments: their files join those of the arguments, each file once
   */
  pathLists?: readonly string[];
  /** called once per path-list line naming a directory (lists name files; directories are not walked) */
  onListedDirectory?: (display: string) => void;
  /**
   * stat the files of directories and globs as they are walked (their size and mtime, for a
   * resume to compare) [default: true]; without it the decoder's own stat fills the records in
   */
  statFiles?: boolean;
}

/** An image to classify: a file on disk, or bytes handed over by a program (the library API). */
export type WalkEntry =
  | {
      kind: 'file';
      path: string;
      /** the name its record carries */
      display: string;
      /** the path below the argument it was found under, with '/' separators (what --shard hashes) */
      relative?: string;
      size?: number;
      /** ISO 8601, truncated to the millisecond (recordedMtime) */
      mtime?: string;
    }
  | {kind: 'bytes'; bytes: Uint8Array; display: string; relative?: string}
  | {
      kind: 'missing';
      display: string;
      relative?: string;
      error: string;
      /** a glob pattern that matched no file: its record is an error, but no file was found (no-inputs.ts) */
      unmatched?: boolean;
    };

/** The path --shard hashes: below the argument for walked files, else the name as shown. */
export function shardKey(e: WalkEntry): string {
  return e.relative ?? e.display;
}

const toPosix = (p: string) => posix.normalize(sep === '/' ? p : p.split(sep).join('/'));

/** A file entry with its size and modification time, or `missing` when it cannot be stat'ed. */
export async function fileEntry(path: string, display: string, relative: string): Promise<WalkEntry> {
  try {
    const s = await stat(path);
    if (s.isDirectory()) return {kind: 'missing', display, relative, error: 'is a directory'};
    return {kind: 'file', path, display, relative, size: s.size, mtime: recordedMtime(s.mtimeMs)};
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : `cannot stat: ${code ?? (e as Error).message}`;
    return {kind: 'missing', display, relative, error: why};
  }
}

export function parseExtensions(list: string | undefined): ReadonlySet<string> | null {
  if (list === undefined) return new Set(DEFAULT_EXTENSIONS);
  const items = list
    .split(',')
    .map((e) => e.trim().replace(/^\*?\./, '').toLowerCase())
    .filter((e) => e.length > 0);
  if (items.includes('*')) return null;
  if (items.length === 0) throw new OptionError((opt) => `${opt('extensions')} needs at least one extension, or * for every file`);
  return new Set(items);
}

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot + 1).toLowerCase();
}

function accepts(name: string, opts: WalkOptions): boolean {
  return opts.extensions === null || opts.extensions.has(extensionOf(name));
}

const byName = (a: Dirent, b: Dirent) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

async function* walkDirectory(dir: string, display: string, relative: string, opts: WalkOptions, visited: Set<string> | null): AsyncGenerator<WalkEntry> {
  let entries: Dirent[];
  try {
    // every entry is needed at once (to sort them): one readdir is ten times faster than the
    // entry-by-entry iteration of opendir (900 entries: 1.5 ms against 14)
    entries = await readdir(dir, {withFileTypes: true});
  } catch (e) {
    yield {kind: 'missing', display, relative, error: `cannot read directory: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`};
    return;
  }
  entries.sort(byName);
  // the plain files' stats are asked for a few at a time, ahead of their turn: one stat waits on
  // the thread pool for tens of microseconds, which would dominate a resume of millions of files
  // an entry's path on disk, as shown in records, and below the walked argument
  const names = (name: string) => ({
    full: join(dir, name),
    shown: display === '' ? name : join(display, name),
    below: relative === '' ? name : posix.join(relative, name),
  });
  const ahead = new Map<number, Promise<WalkEntry>>();
  const statFrom = (start: number) => {
    for (let j = start, n = 0; j < entries.length && n < STAT_AHEAD; j++) {
      const f = entries[j]!;
      if (f.name.startsWith('.') || !f.isFile() || !accepts(f.name, opts)) continue;
      n++;
      if (!ahead.has(j)) {
        const {full, shown, below} = names(f.name);
        ahead.set(j, fileEntry(full, shown, below));
      }
    }
  };
  for (const [i, e] of entries.entries()) {
    if (e.name.startsWith('.')) continue;
    const {full, shown, below} = names(e.name);
    let isDir = e.isDirectory();
    let isFile = e.isFile();
    if (e.isSymbolicLink()) {
      if (!opts.followSymlinks) continue;
      try {
        const s = await stat(full);
        isDir = s.isDirectory();
        isFile = s.isFile();
      } catch {
        yield {kind: 'missing', display: shown, relative: below, error: 'broken symbolic link'};
        continue;
      }
    }
    if (isDir) {
      if (!opts.recursive) continue;
      if (visited) {
        const real = await realpath(full).catch(() => full);
        if (visited.has(real)) continue;
        visited.add(real);
      }
      yield* walkDirectory(full, shown, below, opts, visited);
    } else if (isFile && accepts(e.name, opts)) {
      if (opts.statFiles === false) {
        yield {kind: 'file', path: full, display: shown, relative: below};
        continue;
      }
      if (!ahead.has(i)) statFrom(i);
      const entry = ahead.get(i) ?? fileEntry(full, shown, below);
      ahead.delete(i);
      yield await entry;
    }
  }
}

/** How many stats of a directory's files, or of a path list's lines, are in flight at once. */
const STAT_AHEAD = 32;

/** Whether one of `dirs` (real paths) is a strict ancestor of the real path `path`: one look per level. */
export function insideOneOf(dirs: ReadonlySet<string>, path: string): boolean {
  for (let p = dirname(path); ; ) {
    if (dirs.has(p)) return true;
    const up = dirname(p);
    if (up === p) return false;
    p = up;
  }
}

/**
 * Yields every input file once, in a deterministic order: arguments in the order given, each
 * directory walked with its entries sorted by name, glob matches sorted.
 */
export async function* walkInputs(args: readonly string[], opts: WalkOptions): AsyncGenerator<WalkEntry> {
  // Deduplication costs memory proportional to the collection (a few tens of bytes per file, the
  // paths themselves going to a temporary file: seen-keys.ts), so it is switched on only when
  // the arguments can reach one file twice: overlapping paths, globs or followed symlinks.
  const kinds = await Promise.all(
    args.map(async (arg) => {
      if (arg === '-') return {arg, real: '-', dir: false, file: false};
      try {
        const s = await stat(arg);
        return {arg, real: await realpath(arg), dir: s.isDirectory(), file: s.isFile()};
      } catch {
        return {arg, real: resolve(arg), dir: false, file: false};
      }
    }),
  );
  const existing = kinds.filter((k) => k.dir || k.file);
  // a path list can name a file any number of times, and name files the other arguments reach;
  // each check is linear in the arguments (a shell glob can give 50,000 of them)
  const dirs = new Set(existing.filter((k) => k.dir).map((k) => k.real));
  const lists = opts.pathLists ?? [];
  const overlap =
    args.includes('-') ||
    lists.length > 0 ||
    existing.length !== args.filter((a) => a !== '-').length ||
    new Set(existing.map((k) => k.real)).size !== existing.length ||
    (dirs.size > 0 && existing.some((k) => insideOneOf(dirs, k.real)));
  const seen: SeenKeys | null = overlap || opts.followSymlinks ? new SeenKeys() : null;
  const visited: Set<string> | null = opts.followSymlinks ? new Set() : null;

  const once = async function* (entries: AsyncIterable<WalkEntry> | Iterable<WalkEntry>): AsyncGenerator<WalkEntry> {
    for await (const entry of entries) {
      if (entry.kind !== 'bytes' && seen) {
        const path = entry.kind === 'file' ? entry.path : resolve(entry.display);
        const key = opts.followSymlinks ? await realpath(path).catch(() => resolve(path)) : resolve(path);
        if (!seen.add(key)) continue;
      }
      yield entry;
    }
  };

  try {
    yield* walkArguments(kinds, opts, once, visited);
    // the lists of --files-from, after the arguments
    for (const list of lists) yield* once(walkList(readPathList(list === '-' ? (opts.stdin ?? process.stdin) : createReadStream(list)), opts));
  } finally {
    seen?.close();
  }
}

/** The entries of each argument in turn, each file once (`once`). */
async function* walkArguments(
  kinds: readonly {arg: string; real: string; dir: boolean; file: boolean}[],
  opts: WalkOptions,
  once: (entries: AsyncIterable<WalkEntry> | Iterable<WalkEntry>) => AsyncGenerator<WalkEntry>,
  visited: Set<string> | null,
): AsyncGenerator<WalkEntry> {
  for (const k of kinds) {
    if (k.arg === '-') {
      yield* once(walkList(readPathList(opts.stdin ?? process.stdin), opts));
    } else if (k.file) {
      // a file named explicitly is always taken, whatever its extension: if it is not an image,
      // its record says so
      yield* once([await fileEntry(resolve(k.arg), k.arg, toPosix(k.arg))]);
    } else if (k.dir) {
      visited?.add(k.real);
      yield* once(walkDirectory(resolve(k.arg), k.arg, '', opts, visited));
    } else if (isUrl(k.arg)) {
      // before the glob test: a URL's '?' would make it a pattern that matches nothing
      yield {kind: 'missing', display: k.arg, error: URL_NOT_READ};
    } else if (fastGlob().isDynamicPattern(k.arg)) {
      const matches = await fastGlob()(k.arg, {
        onlyFiles: true,
        dot: false,
        followSymbolicLinks: opts.followSymlinks,
        // links back up the tree are not followed: fast-glob would walk such a loop for ever
        ...(opts.followSymlinks ? {fs: {stat: loopSafeStat()}} : {}),
        unique: true,
        suppressErrors: true,
      });
      matches.sort();
      const base = globBase(k.arg);
      const files = matches.filter((m) => accepts(m, opts));
      if (files.length === 0) yield {kind: 'missing', display: k.arg, error: 'no files match this pattern', unmatched: true};
      yield* once(
        (async function* () {
          for (const m of files) {
            const relative = base && m.startsWith(base + '/') ? m.slice(base.length + 1) : m;
            yield opts.statFiles === false ? {kind: 'file', path: resolve(m), display: m, relative} : await fileEntry(resolve(m), m, relative);
          }
        })(),
      );
    } else {
      yield {kind: 'missing', display: k.arg, error: 'no such file or directory'};
    }
  }
}

/** The leading segments of a glob pattern that hold no wildcard: what its matches are below. */
export function globBase(pattern: string): string {
  const parts = pattern.split('/');
  const fixed: string[] = [];
  for (const p of parts.slice(0, -1)) {
    // an absolute pattern starts with an empty segment, which fast-glob refuses to look at
    if (p !== '' && fastGlob().isDynamicPattern(p)) break;
    fixed.push(p);
  }
  return fixed.join('/');
}

/**
 * The files named by a path list (`lcnet classify -`): each line is taken as it is, with no
 * globbing or walking, so lists of any length cost no directory reads. A line naming a directory
 * is reported through `onListedDirectory` and skipped; a missing file gets its error record.
 */
async function* walkList(paths: AsyncIterable<string>, opts: WalkOptions): AsyncGenerator<WalkEntry> {
  // the list is read, and its stats started, up to STAT_AHEAD lines ahead of the entry given out;
  // each entry goes out as soon as its stat is back, whether or not the list has more to read
  const ahead: Promise<WalkEntry | null>[] = [];
  let listEnded = false;
  let failure: unknown = null;
  let wakeReader: (() => void) | null = null;
  let wakeWalker: (() => void) | null = null;
  const wake = (which: 'reader' | 'walker') => {
    const w = which === 'reader' ? wakeReader : wakeWalker;
    if (which === 'reader') wakeReader = null;
    else wakeWalker = null;
    w?.();
  };
  void (async () => {
    try {
      for await (const p of paths) {
        ahead.push(listedFile(p, opts));
        wake('walker');
        while (ahead.length >= STAT_AHEAD) await new Promise<void>((r) => (wakeReader = r));
      }
    } catch (e) {
      failure = e ?? new Error('the path list failed');
    } finally {
      listEnded = true;
      wake('walker');
    }
  })();
  for (;;) {
    const next = ahead.shift();
    if (next) {
      wake('reader');
      const e = await next;
      if (e) yield e;
      continue;
    }
    if (listEnded) {
      if (failure) throw failure;
      return;
    }
    await new Promise<void>((r) => (wakeWalker = r));
  }
}

/** One path-list line as an entry; null for a directory, which is reported and skipped. */
export async function listedFile(p: string, opts: Pick<WalkOptions, 'onListedDirectory'>): Promise<WalkEntry | null> {
  const e = await fileEntry(resolve(p), p, toPosix(p));
  if (e.kind === 'missing' && e.error === 'is a directory') {
    opts.onListedDirectory?.(p);
    return null;
  }
  if (e.kind === 'missing' && isUrl(p)) return {...e, error: URL_NOT_READ};
  return e;
}
