/**
 * The N best items of a stream under an order, in O(N) memory: a binary heap whose root is the
 * worst item kept, replaced whenever a better one comes. Ties keep the earlier item, so the
 * result depends only on the order of the stream.
 */

export class Best<T> {
  private readonly heap: {item: T; seq: number}[] = [];
  private seq = 0;

  /** `better(a, b) > 0` when a ranks before b */
  constructor(
    readonly capacity: number,
    private readonly better: (a: T, b: T) => number,
  ) {}

  /** a ranks before b (ties: the earlier one) */
  private before(a: {item: T; seq: number}, b: {item: T; seq: number}): boolean {
    const c = this.better(a.item, b.item);
    return c > 0 || (c === 0 && a.seq < b.seq);
  }

  add(item: T): void {
    if (this.capacity <= 0) return;
    const node = {item, seq: this.seq++};
    const h = this.heap;
    if (h.length < this.capacity) {
      h.push(node);
      let i = h.length - 1;
      while (i > 0) {
        const p = (i - 1) >> 1;
        // the root holds the worst item kept: a child never ranks after its parent
        if (this.before(h[p]!, h[i]!)) {
          [h[p], h[i]] = [h[i]!, h[p]!];
          i = p;
        } else break;
      }
      return;
    }
    if (!this.before(node, h[0]!)) return;
    h[0] = node;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let worst = i;
      if (l < h.length && this.before(h[worst]!, h[l]!)) worst = l;
      if (r < h.length && this.before(h[worst]!, h[r]!)) worst = r;
      if (worst === i) break;
      [h[worst], h[i]] = [h[i]!, h[worst]!];
      i = worst;
    }
  }

  get size(): number {
    return this.heap.length;
  }

  /** the items kept, best first */
  sorted(): T[] {
    return [...this.heap].sort((a, b) => (this.before(a, b) ? -1 : 1)).map((n) => n.item);
  }
}
