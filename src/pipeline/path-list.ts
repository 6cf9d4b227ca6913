/**
 * Path lists, as `find -print0`, `find`, `ls` or a file list produce them: NUL-separated when the
 * text holds a NUL byte before its first newline, else one path per line (a trailing CR is
 * dropped, so lists written on Windows work). Empty entries are skipped. The list is streamed:
 * it can be longer than memory.
 */

export async function* readPathList(source: AsyncIterable<Buffer | string> | Iterable<Buffer | string>): AsyncGenerator<string> {
  let separator: number | null = null;
  let carry = Buffer.alloc(0);
  const take = (text: string): string | null => {
    const t = separator !== 0 ? text.replace(/\r$/, '') : text;
    return t.length > 0 ? t : null;
  };
  for await (const chunk of source) {
    let data = Buffer.concat([carry, typeof chunk === 'string' ? Buffer.from(chunk) : chunk]);
    if (separator === null) {
      const nul = data.indexOf(0);
      const nl = data.indexOf(10);
      if (nul >= 0 && (nl < 0 || nul < nl)) separator = 0;
      else if (nl >= 0) separator = 10;
      else {
        carry = data;
        continue;
      }
    }
    let from = 0;
    for (let at = data.indexOf(separator, from); at >= 0; at = data.indexOf(separator, from)) {
      const p = take(data.toString('utf8', from, at));
      if (p !== null) yield p;
      from = at + 1;
    }
    carry = Buffer.from(data.subarray(from));
    data = carry;
  }
  if (carry.length > 0) {
    const p = take(carry.toString('utf8'));
    if (p !== null) yield p;
  }
}
