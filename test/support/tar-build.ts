/**
 * Builds tar archives in memory for the download tests: ustar entries of any type, long names as
 * pax or GNU headers, and deliberately hostile entries (absolute paths, `..`, links, devices).
 */

export interface TarItem {
  name: string;
  data?: Uint8Array | string;
  /** typeflag: '0' file (default), '1' hard link, '2' symlink, '3' char device, '5' directory, '6' FIFO ... */
  type?: string;
  linkname?: string;
  /** how a name longer than 100 bytes is stored */
  longName?: 'pax' | 'gnu';
}

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

function header(name: string, size: number, type: string, linkname: string, gnu: boolean): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, 'utf8');
  h.write(octal(type === '5' ? 0o755 : 0o644, 8), 100, 'latin1');
  h.write(octal(0, 8), 108, 'latin1');
  h.write(octal(0, 8), 116, 'latin1');
  h.write(octal(size, 12), 124, 'latin1');
  h.write(octal(1_700_000_000, 12), 136, 'latin1');
  h.write('        ', 148, 'latin1');
  h.write(type, 156, 'latin1');
  h.write(linkname, 157, 100, 'utf8');
  if (gnu) h.write('ustar  \0', 257, 'latin1');
  else {
    h.write('ustar\0', 257, 'latin1');
    h.write('00', 263, 'latin1');
  }
  h.write('root', 265, 'latin1');
  h.write('root', 297, 'latin1');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(octal(sum, 7) + ' ', 148, 'latin1');
  return h;
}

function padded(data: Buffer): Buffer {
  const rest = data.length % 512;
  return rest === 0 ? data : Buffer.concat([data, Buffer.alloc(512 - rest)]);
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = body.length + 1;
  while (String(len).length + body.length !== len) len = String(len).length + body.length;
  return `${len}${body}`;
}

/** A complete archive (with the two zero end blocks unless `end` is false). */
export function buildTar(items: TarItem[], end = true): Buffer {
  const parts: Buffer[] = [];
  for (const item of items) {
    const data = item.data === undefined ? Buffer.alloc(0) : Buffer.from(item.data);
    const type = item.type ?? '0';
    let name = item.name;
    const gnu = item.longName === 'gnu';
    if (Buffer.byteLength(name) > 100) {
      if (gnu) {
        const long = Buffer.from(name + '\0');
        parts.push(header('././@LongLink', long.length, 'L', '', true), padded(long));
      } else {
        const pax = Buffer.from(paxRecord('path', name));
        parts.push(header('PaxHeader/long', pax.length, 'x', '', false), padded(pax));
      }
      name = name.slice(0, 99);
    }
    parts.push(header(name, type === '0' ? data.length : 0, type, item.linkname ?? '', gnu));
    if (type === '0') parts.push(padded(data));
  }
  if (end) parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

/** The official archive layout: one top folder holding the Paddle inference files. */
export function modelArchive(folder: string, files: Record<string, string | Uint8Array>): Buffer {
  return buildTar([{name: `${folder}/`, type: '5'}, ...Object.entries(files).map(([n, data]) => ({name: `${folder}/${n}`, data}))]);
}
