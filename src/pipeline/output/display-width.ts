/**
 * Text as a terminal shows it: control characters made visible (a file name holding a newline or
 * an escape sequence must not move the cursor or recolour the terminal), and the columns a string
 * takes, so that names in CJK scripts line up with the others.
 */

/** C0 and C1 controls, DEL, and the bidirectional overrides that reorder what follows them. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

/** `s` with every control character written as an escape (`\n`, `\x1b`, `\u202e`). */
export function printable(s: string): string {
  return s.replace(UNPRINTABLE, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\t') return '\\t';
    if (c === '\r') return '\\r';
    const code = c.codePointAt(0)!;
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** East Asian wide and fullwidth characters (two columns), by the main blocks of Unicode's EastAsianWidth W and F. */
function isWide(code: number): boolean {
  return (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0x303e) ||
    (code >= 0x3041 && code <= 0x33ff) ||
    (code >= 0x3400 && code <= 0x4dbf) ||
    (code >= 0x4e00 && code <= 0x9fff) ||
    (code >= 0xa000 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x1f300 && code <= 0x1f64f) ||
    (code >= 0x1f900 && code <= 0x1f9ff) ||
    (code >= 0x20000 && code <= 0x3fffd)
  );
}

/** Combining marks and zero-width characters: no column of their own. */
function isZeroWidth(code: number): boolean {
  return (code >= 0x0300 && code <= 0x036f) || (code >= 0x200b && code <= 0x200d) || code === 0xfeff || (code >= 0xfe00 && code <= 0xfe0f);
}

/** The columns `s` takes on a terminal (of printable text). */
export function displayWidth(s: string): number {
  let width = 0;
  for (const c of s) {
    const code = c.codePointAt(0)!;
    if (isZeroWidth(code)) continue;
    width += isWide(code) ? 2 : 1;
  }
  return width;
}
