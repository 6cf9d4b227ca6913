/**
 * Counts in messages: "1 file", "2 files", "0 files". Every message that puts a number before a
 * noun goes through here, so that none says "1 files" (English takes the plural for every count
 * but exactly one, zero included).
 */

/** The noun for `n` of it: `singular` for exactly 1, else `plural` (default: `singular` + 's'). */
export function noun(n: number, singular: string, plural = `${singular}s`): string {
  return n === 1 ? singular : plural;
}

/** `n` and its noun, e.g. counted(1, 'file') is '1 file'; `shown` formats the number (e.g. with thousands separators). */
export function counted(n: number, singular: string, plural?: string, shown: (n: number) => string = String): string {
  return `${shown(n)} ${noun(n, singular, plural)}`;
}

/** 'is' for exactly one, else 'are'. */
export function isAre(n: number): string {
  return n === 1 ? 'is' : 'are';
}
