/**
 * A process-wide budget of decoded megapixels, shared by every decoding worker through a
 * SharedArrayBuffer: an image waits until its pixels fit, so memory stays bounded when huge
 * images arrive together, whatever the number of workers. An image larger than the whole budget
 * runs alone. Typical photos are far below it and never wait.
 */

/** Megapixels decoded at once in the whole process (about 3 bytes each, plus decoder buffers). */
export const DEFAULT_BUDGET_MP = 256;

export class PixelBudget {
  private readonly used: Int32Array;

  constructor(
    shared: SharedArrayBuffer,
    private readonly capacityMp: number,
  ) {
    this.used = new Int32Array(shared);
  }

  static createShared(): SharedArrayBuffer {
    return new SharedArrayBuffer(4);
  }

  /** Waits until `megapixels` (at most the whole budget) fit; returns what to release. */
  async acquire(megapixels: number): Promise<number> {
    const need = Math.max(1, Math.min(Math.ceil(megapixels), this.capacityMp));
    for (;;) {
      const now = Atomics.load(this.used, 0);
      if (now + need <= this.capacityMp) {
        if (Atomics.compareExchange(this.used, 0, now, now + need) === now) return need;
        continue;
      }
      const wait = Atomics.waitAsync(this.used, 0, now, 1000);
      if (wait.async) await wait.value;
    }
  }

  release(megapixels: number): void {
    Atomics.sub(this.used, 0, megapixels);
    Atomics.notify(this.used, 0);
  }
}
