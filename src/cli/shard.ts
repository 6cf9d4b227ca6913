/**
 * `--shard K/N`: run one of N disjoint parts of the input. Both conventions users bring are
 * accepted without ambiguity: shard K of N is the part K mod N, so 1-based 1/4..4/4 (Slurm) and
 * 0-based 0/4..3/4 (Kubernetes JOB_COMPLETION_INDEX) each name the four parts exactly once
 * (4/4 and 0/4 are the same part). A file belongs to the part given by a stable hash of its path
 * as shown in the output, so every file lands in exactly one part, whatever the order of runs.
 */

export interface Shard {
  index: number;
  count: number;
}

export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw new Error(`--shard takes K/N (for example 1/4 or 0/4), got '${text}'`);
  const k = Number(m[1]);
  const n = Number(m[2]);
  if (n < 1) throw new Error(`--shard ${text}: N must be at least 1`);
  if (k > n) throw new Error(`--shard ${text}: K must be between 0 and N`);
  return {index: k % n, count: n};
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

export function inShard(path: string, shard: Shard): boolean {
  return shard.count === 1 || fnv1a(path) % shard.count === shard.index;
}
