/**
 * "Did you mean": the model names closest to one that names nothing. Names are compared by their
 * letters and digits, whatever the case and separators (`pplcnet-x1-0` is `PPLCNet_x1_0`), with
 * an edit distance in which a swap of neighbours costs one edit and a look-alike character
 * (`O` for `0`, `l` or `I` for `1`) half of one. The closest names are suggested, ties included;
 * none when even the closest is too far to be a slip, unless the name is part of longer ones
 * (`person` -> `person_exists`, `person_attribute`) or holds one (`PPLCNet_x1_0_infer`).
 */

/** Letters and digits, lower-cased: what two spellings of one name share. */
function letters(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** Characters typed for one another because they look alike. */
const LOOK_ALIKE = new Set(['0o', 'o0', '1l', 'l1', '1i', 'i1']);

function substitution(a: string, b: string): number {
  if (a === b) return 0;
  return LOOK_ALIKE.has(a + b) ? 0.5 : 1;
}

/** Optimal string alignment distance: insert, delete, substitute (look-alikes 0.5), swap neighbours. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({length: rows}, (_, i) => Array.from({length: cols}, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++)
    for (let j = 1; j < cols; j++) {
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + substitution(a[i - 1]!, b[j - 1]!));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  return d[a.length]![b.length]!;
}

/** The most edits a slip makes: one per four characters, at least one. */
function tolerance(length: number): number {
  return Math.max(1, Math.floor(length / 4));
}

export interface ClosestOptions {
  /** most names returned [default: 3] */
  limit?: number;
  /** the name to suggest for a candidate spelling (an alias: the name it stands for) [default: itself] */
  nameOf?: (spelling: string) => string;
}

/** The names among `candidates` that `query` most likely meant, best first. */
export function closestNames(query: string, candidates: Iterable<string>, {limit = 3, nameOf = (s) => s}: ClosestOptions = {}): string[] {
  const want = letters(query);
  if (want === '') return [];
  const scored = [...new Set(candidates)].map((name) => ({name, distance: editDistance(want, letters(name)), spelling: editDistance(query.toLowerCase(), name.toLowerCase())}));
  const near = scored.filter((s) => s.distance <= tolerance(want.length));
  const best = Math.min(...near.map((s) => s.distance));
  let chosen = near.filter((s) => s.distance === best);
  // a part of a longer name, or a longer name around one (`PPLCNet_x1_0_infer`)
  if (chosen.length === 0 && want.length >= 3) chosen = scored.filter((s) => letters(s.name).includes(want) || (letters(s.name).length >= 3 && want.includes(letters(s.name))));
  return chosen
    .sort((x, y) => x.distance - y.distance || x.spelling - y.spelling || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0))
    .map((s) => nameOf(s.name))
    .filter((name, i, all) => all.indexOf(name) === i)
    .slice(0, limit);
}

/** `A`, `A or B`, `A, B or C`: the suggestions as a question ends them. */
export function orList(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} or ${names.at(-1)!}`;
}
