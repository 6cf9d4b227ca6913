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
 * (`graph.onnx` and the weights it names, `graph.data`) written under a temporary name and renamed
 * into place, so a reader sees a whole entry or none; an entry that cannot be loaded is removed
 * and made again.
 */

import {createHash} from 'node:crypto';
import {mkdirSync, readFileSync, realpathSync, statSync} from 'node:fs';
import {cpus} from 'node:os';
import {join} from 'node:path';
import {threadId} from 'node:worker_threads';

/** Changes when what goes into a saved graph changes (the session options of infer.ts). */
const GRAPH_FORMAT = 2;

/** The graph of an entry, and the file beside it that holds its weights. */
export const GRAPH_FILE = 'graph.onnx';
export const WEIGHTS_FILE = 'graph.data';

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
export function graphEntry(dir: string, modelPath: string, ortVersion: string): string | null {
  let identity: string;
  try {
    const st = statSync(modelPath);
    identity = JSON.stringify([realpathSync(modelPath), st.size, st.mtimeMs, st.ctimeMs, st.ino]);
  } catch {
    return null;
  }
  const digest = createHash('sha256').update(JSON.stringify([GRAPH_FORMAT, ortVersion, cpuSignature(), identity])).digest('hex');
  return join(dir, digest.slice(0, 32));
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
