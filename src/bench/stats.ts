/** Small measurement helpers: percentiles, CPU time, and a peak-RSS sampler. */

export interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentiles of `values` (milliseconds); zeros for an empty list. */
export function percentiles(values: readonly number[]): Percentiles {
  if (values.length === 0) return {p50: 0, p90: 0, p99: 0, max: 0};
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
  return {p50: at(50), p90: at(90), p99: at(99), max: sorted[sorted.length - 1]!};
}

/** CPU milliseconds used by the whole process (every thread) while `fn` runs. */
export async function cpuMs<T>(fn: () => Promise<T>): Promise<{result: T; cpuMs: number; wallMs: number}> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await fn();
  const c = process.cpuUsage(c0);
  return {result, cpuMs: (c.user + c.system) / 1000, wallMs: performance.now() - t0};
}

/** Samples the resident set size every few milliseconds and keeps the largest value. */
export class RssSampler {
  private peak = process.memoryUsage.rss();
  private timer: NodeJS.Timeout;

  constructor(intervalMs = 20) {
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  sample(): void {
    const rss = process.memoryUsage.rss();
    if (rss > this.peak) this.peak = rss;
  }

  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.peak;
  }
}
