/** Python's `repr` of a float (what an f-string prints), for decoded texts that must match PaddleClas byte for byte. */
export function pyFloat(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  // both languages print the shortest digits that read back to the same double; they differ in
  // when they switch to exponent form and in how they write it
  const [mantissa, exponentText] = v.toExponential().split('e') as [string, string];
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 16) return `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  const text = String(v);
  return /[.e]/.test(text) ? text : `${text}.0`;
}

/** numpy `argmax` over `values[from, to)`: the first index of the largest value, relative to `from`. */
export function argmax(values: ArrayLike<number>, from: number, to: number): number {
  let best = 0;
  for (let i = from + 1; i < to; i++) if (values[i]! > values[from + best]!) best = i - from;
  return best;
}
