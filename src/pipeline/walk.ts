/**
 * Input discovery: turns the PATHS a user typed (files, directories, glob patterns) into a
 * deterministic stream of image files. Directories are walked depth-first with entries sorted by
 * name, so memory stays proportional to one directory, not to the collection. Hidden entries are
 * skipped, symlinks are not followed unless asked, and each file is yielded once even when the
 * paths overlap. A path that does not exist becomes a `missing` entry, never a crash.
 */

import fg from 'fast-glob';
import {type Dirent} from 'node:fs';
import {opendir, realpath, stat} from 'node:fs/promises';
import {join, resolve, sep} from 'node:path';

export const DEFAULT_EXTENSIONS = ['jpg', 'jpeg', 'png', 'webp', 'gif', 'tif', 'tiff', 'avif', 'bmp'];

export interface WalkOptions {
  recursive: boolean;
  /** lower-case extensions without the dot; null accepts every file */
  extensions: ReadonlySet<string> | null;
  followSymlinks: boolean;
}

export type WalkEntry =
  | {kind: 'file'; path: string; display: string}
  | {kind: 'missing'; display: string; error: string};

export function parseExtensions(list: string | undefined): ReadonlySet<string> | null {
  if (list === undefined) return new Set(DEFAULT_EXTENSIONS);
  const items = list
    .split(',')
    .map((e) => e.trim().replace(/^\*?\./, '').toLowerCase())
    .filter((e) => e.length > 0);
  if (items.includes('*')) return null;
  if (items.length === 0) throw new Error('--ext needs at least one extension, or * for every file');
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

async function* walkDirectory(dir: string, display: string, opts: WalkOptions, visited: Set<string> | null): AsyncGenerator<WalkEntry> {
  let entries: Dirent[];
  try {
    const handle = await opendir(dir);
    entries = [];
    for await (const e of handle) entries.push(e);
  } catch (e) {
    yield {kind: 'missing', display, error: `cannot read directory: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`};
    return;
  }
  entries.sort(byName);
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const full = join(dir, e.name);
    const shown = display === '' ? e.name : join(display, e.name);
    let isDir = e.isDirectory();
    let isFile = e.isFile();
    if (e.isSymbolicLink()) {
      if (!opts.followSymlinks) continue;
      try {
        const s = await stat(full);
        isDir = s.isDirectory();
        isFile = s.isFile();
      } catch {
        yield {kind: 'missing', display: shown, error: 'broken symbolic link'};
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
      yield* walkDirectory(full, shown, opts, visited);
    } else if (isFile && accepts(e.name, opts)) {
      yield {kind: 'file', path: full, display: shown};
    }
  }
}

function contains(parent: string, child: string): boolean {
  return child === parent || child.startsWith(parent.endsWith(sep) ? parent : parent + sep);
}

/**
 * Yields every input file once, in a deterministic order: arguments in the order given, each
 * directory walked with its entries sorted by name, glob matches sorted.
 */
export async function* walkInputs(args: readonly string[], opts: WalkOptions): AsyncGenerator<WalkEntry> {
  // Deduplication costs memory proportional to the collection, so it is switched on only when
  // the arguments can reach one file twice: overlapping paths, globs or followed symlinks.
  const kinds = await Promise.all(
    args.map(async (arg) => {
      try {
        const s = await stat(arg);
        return {arg, real: await realpath(arg), dir: s.isDirectory(), file: s.isFile()};
      } catch {
        return {arg, real: resolve(arg), dir: false, file: false};
      }
    }),
  );
  const existing = kinds.filter((k) => k.dir || k.file);
  const overlap =
    existing.length !== args.length ||
    new Set(existing.map((k) => k.real)).size !== existing.length ||
    existing.some((a, i) => existing.some((b, j) => i !== j && a.dir && contains(a.real, b.real)));
  const seen: Set<string> | null = overlap || opts.followSymlinks ? new Set() : null;
  const visited: Set<string> | null = opts.followSymlinks ? new Set() : null;

  const once = async function* (entries: AsyncIterable<WalkEntry> | Iterable<WalkEntry>): AsyncGenerator<WalkEntry> {
    for await (const entry of entries) {
      if (entry.kind === 'file' && seen) {
        const key = opts.followSymlinks ? await realpath(entry.path).catch(() => resolve(entry.path)) : resolve(entry.path);
        if (seen.has(key)) continue;
        seen.add(key);
      }
      yield entry;
    }
  };

  for (const k of kinds) {
    if (k.file) {
      // a file named explicitly is always taken, whatever its extension: if it is not an image,
      // its record says so
      yield* once([{kind: 'file', path: resolve(k.arg), display: k.arg}]);
    } else if (k.dir) {
      visited?.add(k.real);
      yield* once(walkDirectory(resolve(k.arg), k.arg, opts, visited));
    } else if (fg.isDynamicPattern(k.arg)) {
      const matches = await fg(k.arg, {
        onlyFiles: true,
        dot: false,
        followSymbolicLinks: opts.followSymlinks,
        unique: true,
        suppressErrors: true,
      });
      matches.sort();
      const files = matches.filter((m) => accepts(m, opts)).map((m): WalkEntry => ({kind: 'file', path: resolve(m), display: m}));
      if (files.length === 0) yield {kind: 'missing', display: k.arg, error: 'no files match this pattern'};
      yield* once(files);
    } else {
      yield {kind: 'missing', display: k.arg, error: 'no such file or directory'};
    }
  }
}
