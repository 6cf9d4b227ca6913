/**
 * A 52-bit fingerprint of a string: what the tables of `--resume`, `lcnet merge`, path lists and
 * `lcnet report` keep per file instead of its path (8 bytes against the 100-400 a path string
 * and its map entry cost in V8). Two 32-bit multiplicative hashes of the UTF-16 code units (FNV-1a
 * and a Murmur-style mix) give the high 32 and the low 20 bits; 52 bits fit a double exactly, so a
 * Float64Array holds them.
 *
 * Fingerprints are not identities: the tables that must never confuse two files confirm every
 * fingerprint match against the key itself, read back from where it is stored (table.ts). A
 * wider fingerprint only makes that confirmation rarer.
 *
 * Testing aid: `LCNET_FINGERPRINT_BITS=N` (1 to 52) keeps only the low N bits of every
 * fingerprint of the tables made after it is set, so that tests can make different files collide
 * on purpose and check that no file is skipped or lost. It changes speed, never results, except
 * for the report's count of repeated files, which does not confirm (repeated-files.ts).
 */

export const FINGERPRINT_BITS = 52;

/** The width the environment asks for (the testing aid above), else 52. */
export function fingerprintWidth(env: NodeJS.ProcessEnv = process.env): number {
  const asked = env.LCNET_FINGERPRINT_BITS;
  if (asked === undefined || asked === '') return FINGERPRINT_BITS;
  const bits = Number(asked);
  if (!Number.isInteger(bits) || bits < 1 || bits > FINGERPRINT_BITS) throw new Error(`LCNET_FINGERPRINT_BITS must be an integer from 1 to ${FINGERPRINT_BITS}, not ${asked}`);
  return bits;
}

/** The fingerprint of `key`, kept to its low `bits` bits. */
export function fingerprintOf(key: string, bits = FINGERPRINT_BITS): number {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  const fp = (a >>> 0) * 2 ** 20 + ((b >>> 0) >>> 12);
  return bits >= FINGERPRINT_BITS ? fp : fp % 2 ** bits;
}
