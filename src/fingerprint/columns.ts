/**
 * Per-entry columns of the fingerprint tables' users (a record's offset, its flags...): typed
 * arrays, a few bytes per entry and none per object, grown by half again when full, so that at
 * most a third of a column is slack and the copies add up to twice its final size.
 */

export type Column = Float64Array | Uint32Array | Uint16Array | Uint8Array | Int32Array;

/** `column`, or a copy of it 1.5 times as long (at least `needed`) when it is too short. */
export function ensureLength<T extends Column>(column: T, needed: number): T {
  if (needed <= column.length) return column;
  const bigger = new (column.constructor as new (n: number) => T)(Math.max(needed, Math.ceil(column.length * 1.5), 16));
  bigger.set(column);
  return bigger;
}
