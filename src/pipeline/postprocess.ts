/** From network outputs to ranked classes: optional softmax, then top-k. */

export interface RankedClass {
  classId: number;
  score: number;
}

/** In-place numerically stable softmax of one row. */
export function softmaxInPlace(row: Float32Array): void {
  let max = -Infinity;
  for (let i = 0; i < row.length; i++) if (row[i]! > max) max = row[i]!;
  let sum = 0;
  for (let i = 0; i < row.length; i++) {
    const e = Math.exp(row[i]! - max);
    row[i] = e;
    sum += e;
  }
  for (let i = 0; i < row.length; i++) row[i] = row[i]! / sum;
}

/**
 * The k highest scores, best first; equal scores keep the lower class id first so results are
 * deterministic. k is clamped to the number of classes.
 */
export function topK(row: Float32Array, k: number): RankedClass[] {
  const n = Math.min(k, row.length);
  const best: RankedClass[] = [];
  for (let i = 0; i < row.length; i++) {
    const s = row[i]!;
    if (best.length === n && s <= best[n - 1]!.score) continue;
    let pos = best.length === n ? n - 1 : best.length;
    while (pos > 0 && best[pos - 1]!.score < s) pos--;
    best.splice(pos, 0, {classId: i, score: s});
    if (best.length > n) best.pop();
  }
  return best;
}
