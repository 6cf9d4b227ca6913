/**
 * onnxruntime's optimised graph of a model, kept on disk so that later sessions load it instead of
 * optimising the model again. Optimising rewrites every convolution's weights (batch norm folded
 * in, then reordered into the blocked NCHWc layout), and on a machine where first touching memory
 * is dear that is most of a session's start. The weights are saved apart from the graph, where
 * onnxruntime maps them into memory instead of copying them: PPLCNet_x1_0's session starts in
 * about 25 ms from its saved graph against 160-185 ms from the model, and sessions share the
 * mapped weights (docs/benchmarks.md). The outputs are the same bits.
 *
 * A saved graph holds choices made for this CPU (the NCHWc block follows its vector width) by
 * this onnxruntime, so an entry is named by a digest of the model file (real path, size, mtime,
 * ctime, inode), the onnxruntime version and the CPU's model and feature flags: a changed model, an
 * upgraded runtime or a disk moved to another machine simply miss. An entry is a folder
 * (`graph.onnx` and the weights it names, `graph.data`, with `source.json` saying what it was made
 * from) written under a temporary name and renamed into place, so a reader sees a whole entry or
 * none; an entry that cannot be loaded is removed and made again.
 *
 * The folder does not grow with every change of a model: saving an entry removes the entries made
 * before from the same model path by the same runtime on the same kind of CPU (they can never be
 * used again), entries of an older format, and temporary folders a crash left over a day ago.
 * Entries of other runtimes or CPUs stay: a store shared by the nodes of a cluster serves each.
 */

import {createHash} from 'node:crypto';
import {mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {cpus} from 'node:os';
import {basename, join} from 'node:path';
import {threadId} from 'node:worker_threads';

/** Changes when what goes into a saved graph changes (the session options of infer.ts). */
const GRAPH_FORMAT = 3;

/** The graph of an entry, and the file beside it that holds its weights. */
export const GRAPH_FILE = 'graph.onnx';
export const WEIGHTS_FILE = 'graph.data';
/** What an entry was made from (EntrySource, JSON). */
export const SOURCE_FILE = 'source.json';

/** A temporary folder older than this was left by a save that never ended. */
const ABANDONED_MS = 24 * 3600 * 1000;

export interface EntrySource {
  /** the model file's real path */
  model: string;
  /** a digest of the format, the runtime's version and the CPU: what else names the entry */
  runtime: string;
}

export interface GraphEntry {
  /** the entry's folder */
  path: string;
  source: EntrySource;
}

let cpuKey: string | undefined;

/** The CPU as onnxruntime sees it when choosing kernels and layouts: model name and feature flags. */
export function cpuSignature(): string {
  if (cpuKey !== undefined) return cpuKey;
  let info = '';
  try {
    const text = readFileSync('/proc/cpuinfo', 'utf8');
    // the first processor's block: every core of a machine has the same features
    const first = text.split('\n\n')[0] ?? '';
    info = first
      .split('\n')
      .filter((l) => /^(vendor_id|model name|flags|Features|CPU implementer|CPU part)\s*:/.test(l))
      .join('\n');
  } catch {
    // not Linux: the model name is what there is
  }
  cpuKey = `${process.platform}-${process.arch}\n${info || (cpus()[0]?.model ?? 'unknown cpu')}`;
  return cpuKey;
}

/**
 * The entry (a folder) where the optimised graph of the model at `modelPath` is kept in `dir`, for
 * onnxruntime `ortVersion`; null when the model file cannot be read (its session will say why).
 */
export function graphEntry(dir: string, modelPath: string, ortVersion: string): GraphEntry | null {
  let model: string;
  let identity: string;
  try {
    const st = statSync(modelPath);
    model = realpathSync(modelPath);
    identity = JSON.stringify([model, st.size, st.mtimeMs, st.ctimeMs, st.ino]);
  } catch {
    return null;
  }
  const runtime = sha256(JSON.stringify([GRAPH_FORMAT, ortVersion, cpuSignature()]));
  return {path: join(dir, sha256(JSON.stringify([runtime, identity])).slice(0, 32)), source: {model, runtime}};
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Writes into `folder` (an entry being made) what it is made from. */
export function writeSource(folder: string, source: EntrySource): void {
  writeFileSync(join(folder, SOURCE_FILE), JSON.stringify(source));
}

function readSource(folder: string): EntrySource | null {
  try {
    const s = JSON.parse(readFileSync(join(folder, SOURCE_FILE), 'utf8')) as Partial<EntrySource>;
    return typeof s.model === 'string' && typeof s.runtime === 'string' ? {model: s.model, runtime: s.runtime} : null;
  } catch {
    return null;
  }
}

/**
 * Removes what `entry`, just saved, makes useless in its folder: entries of the same model and
 * runtime (made from an earlier state of the file), entries without a readable source (an older
 * format), and temporary folders abandoned over a day ago. Never fails: a folder that cannot be
 * read or removed is left.
 */
export function pruneStale(entry: GraphEntry): void {
  const dir = join(entry.path, '..');
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  const own = basename(entry.path);
  for (const name of names) {
    if (name === own) continue;
    const path = join(dir, name);
    try {
      if (name.endsWith('.tmp')) {
        if (Date.now() - statSync(path).mtimeMs > ABANDONED_MS) rmSync(path, {recursive: true, force: true});
        continue;
      }
      const source = readSource(path);
      if (source === null || (source.model === entry.source.model && source.runtime === entry.source.runtime)) rmSync(path, {recursive: true, force: true});
    } catch {
      // taken away meanwhile, or not ours to remove
    }
  }
}

let saves = 0;

/** A name beside the entry `path` that no other save of it (in any thread or process) uses. */
export function temporaryName(path: string): string {
  return `${path}.${process.pid}-${threadId}-${saves++}.tmp`;
}

/** Creates the cache folder; false when it cannot be written (a read-only store). */
export function ensureCacheDir(dir: string): boolean {
  try {
    mkdirSync(dir, {recursive: true});
    return true;
  } catch {
    return false;
  }
}
