/**
 * `--shard K/N`: run one of N disjoint parts of the input, so N processes on N machines cover
 * every file exactly once with no scheduler. A file belongs to the part given by a stable hash
 * (32-bit FNV-1a) of its path relative to the argument it was found under, so the parts agree
 * whatever the order of runs and wherever each machine mounts the collection.
 *
 * Both numbering conventions users bring are accepted without ambiguity: shard K of N is the part
 * K mod N, so 1-based 1/4..4/4 and 0-based 0/4..3/4 each name the four parts exactly once (4/4 and
 * 0/4 are the same part).
 *
 * `--shard auto` takes K and N from the cluster engine running the process:
 *   - Kubernetes Indexed Job: JOB_COMPLETION_INDEX (0-based), with N from LCNET_SHARD_COUNT (a
 *     Job does not expose its completions to its pods, so the manifest sets it);
 *   - Slurm job array: SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT, and SLURM_ARRAY_TASK_MIN and
 *     SLURM_ARRAY_TASK_STEP when set, so --array=1-8, 0-7 or 10-80:10 all give parts 0..7.
 */

import {OptionError} from '../errors.js';
import {counted} from '../text/plural.js';

export interface Shard {
  index: number;
  count: number;
}

export const NO_SHARD: Shard = {index: 0, count: 1};

export function parseShard(text: string, env: NodeJS.ProcessEnv = process.env): Shard {
  if (text.trim() === 'auto') return shardFromEnvironment(env);
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw new OptionError((opt) => `${opt('shard')} takes K/N (for example 1/4 or 0/4) or auto, got '${text}'`);
  const k = Number(m[1]);
  const n = Number(m[2]);
  if (n < 1) throw new OptionError((opt) => `${opt('shard')} ${text}: N must be at least 1`);
  if (k > n) throw new OptionError((opt) => `${opt('shard')} ${text}: K must be between 0 and N`);
  return {index: k % n, count: n};
}

function integer(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const v = env[name];
  if (v === undefined || v.trim() === '') return undefined;
  if (!/^\s*\d+\s*$/.test(v)) throw new OptionError((opt) => `${opt('shard')} auto: ${name}='${v}' is not a whole number`);
  return Number(v);
}

/** K and N of `--shard auto`, from a Kubernetes Indexed Job or a Slurm job array. */
export function shardFromEnvironment(env: NodeJS.ProcessEnv = process.env): Shard {
  const k8sIndex = integer(env, 'JOB_COMPLETION_INDEX');
  const slurmId = integer(env, 'SLURM_ARRAY_TASK_ID');
  if (k8sIndex !== undefined && slurmId !== undefined) {
    throw new OptionError((opt) => `${opt('shard')} auto: both JOB_COMPLETION_INDEX (Kubernetes) and SLURM_ARRAY_TASK_ID (Slurm) are set; give ${opt('shard')} K/N`);
  }
  if (k8sIndex !== undefined) {
    const count = integer(env, 'LCNET_SHARD_COUNT');
    if (count === undefined) {
      throw new OptionError((opt) => `${opt('shard')} auto: JOB_COMPLETION_INDEX is set but LCNET_SHARD_COUNT is not; set it to the Job's completions (see docs/scale-out.md)`);
    }
    return checked(k8sIndex, count, `JOB_COMPLETION_INDEX=${k8sIndex}, LCNET_SHARD_COUNT=${count}`);
  }
  if (slurmId !== undefined) {
    const count = integer(env, 'SLURM_ARRAY_TASK_COUNT') ?? integer(env, 'LCNET_SHARD_COUNT');
    if (count === undefined) throw new OptionError((opt) => `${opt('shard')} auto: SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not`);
    const min = integer(env, 'SLURM_ARRAY_TASK_MIN') ?? 0;
    const step = integer(env, 'SLURM_ARRAY_TASK_STEP') ?? 1;
    if (step < 1 || (slurmId - min) % step !== 0) throw new OptionError((opt) => `${opt('shard')} auto: SLURM_ARRAY_TASK_ID=${slurmId} is not on the array's step ${step} from ${min}`);
    return checked((slurmId - min) / step, count, `SLURM_ARRAY_TASK_ID=${slurmId}, SLURM_ARRAY_TASK_MIN=${min}, SLURM_ARRAY_TASK_STEP=${step}, SLURM_ARRAY_TASK_COUNT=${count}`);
  }
  throw new OptionError((opt) => `${opt('shard')} auto: neither JOB_COMPLETION_INDEX (Kubernetes Indexed Job) nor SLURM_ARRAY_TASK_ID (Slurm job array) is set; give ${opt('shard')} K/N`);
}

function checked(index: number, count: number, from: string): Shard {
  if (count < 1 || index < 0 || index >= count) throw new OptionError((opt) => `${opt('shard')} auto: ${from} does not name one of ${counted(count, 'part')}`);
  return {index, count};
}

export function formatShard(s: Shard): string {
  return `${s.index}/${s.count}`;
}

/**
 * The shard as the user named it, for messages: `2/2` stays `2/2` (the part `0/2` also names,
 * but a user who counts from 1 typed 2), and `auto` shows the part it chose, 0-based.
 */
export function describeShard(text: string, s: Shard): string {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  return m ? `${Number(m[1])}/${Number(m[2])}` : `${formatShard(s)} (auto)`;
}

/** 32-bit FNV-1a over the UTF-8 bytes of `s`. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(s, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** Whether the file with this shard key (see walk.ts shardKey) is in `shard`. */
export function inShard(key: string, shard: Shard): boolean {
  return shard.count === 1 || fnv1a(key) % shard.count === shard.index;
}
