/**
 * A tar reader (POSIX ustar, pax extended headers, GNU long names and base-256 sizes) and the
 * safe extraction of a model archive. Extraction refuses absolute paths, `..` components, links,
 * devices, FIFOs and entries of unknown type anywhere in the archive, enforces a size budget per
 * entry and in total, and writes only the Paddle inference files into a caller-owned folder,
 * flattening the usual single top folder (`PPLCNet_x1_0_infer/inference.pdmodel`).
 *
 * Hand-written on purpose: tar libraries extract by default and follow links, and their filters
 * see entries one by one; this reader refuses the whole archive on the first unsafe entry,
 * before anything reaches the store.
 */

import {open, type FileHandle} from 'node:fs/promises';
import {join} from 'node:path';

export type TarEntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'character-device' | 'block-device' | 'fifo' | 'other';

export interface TarEntry {
  /** name as stored (after pax/GNU long-name resolution) */
  path: string;
  type: TarEntryType;
  /** the raw typeflag character ('0', '5', 'S' ...) */
  typeflag: string;
  size: number;
  linkPath: string;
  /** byte offset of the entry's data in the archive */
  dataOffset: number;
}

export class TarError extends Error {
  constructor(message: string, readonly entry?: string) {
    super(message);
    this.name = 'TarError';
  }
}

/** The files a Paddle inference model consists of, all that conversion reads. */
export const MODEL_FILES = ['inference.json', 'inference.pdmodel', 'inference.pdiparams', 'inference.yml'] as const;

const BLOCK = 512;
/** Largest pax / GNU long-name record accepted (they hold names, not data). */
const MAX_META_BYTES = 1 << 20;
const COPY_CHUNK = 1 << 20;

function cString(buf: Buffer, start: number, length: number): string {
  const field = buf.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? length : end).toString('utf8');
}

/** Parses a numeric header field: octal ASCII, or GNU base-256 when the top bit is set. */
function parseNumber(buf: Buffer, start: number, length: number, what: string): number {
  const field = buf.subarray(start, start + length);
  if (field[0]! & 0x80) {
    if (field[0]! & 0x40) throw new TarError(`negative ${what} in tar header`);
    let v = field[0]! & 0x3f;
    for (let i = 1; i < length; i++) {
      v = v * 256 + field[i]!;
      if (v > Number.MAX_SAFE_INTEGER) throw new TarError(`${what} too large in tar header`);
    }
    return v;
  }
  const text = field.toString('latin1').replace(/[\0 ]+$/, '').replace(/^ +/, '');
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw new TarError(`invalid ${what} '${text}' in tar header`);
  return parseInt(text, 8);
}

function checksumOk(header: Buffer): boolean {
  const stored = parseNumber(header, 148, 8, 'checksum');
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : header[i]!;
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  return stored === unsigned || stored === signed;
}

/** Parses pax records `"<len> <key>=<value>\n"`. */
function parsePax(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let pos = 0;
  while (pos < data.length) {
    if (data[pos] === 0) break;
    const space = data.indexOf(0x20, pos);
    const len = space === -1 ? NaN : Number(data.subarray(pos, space).toString('latin1'));
    if (!Number.isInteger(len) || len <= 0 || pos + len > data.length || data[pos + len - 1] !== 0x0a) throw new TarError('malformed pax extended header');
    const record = data.subarray(space + 1, pos + len - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq <= 0) throw new TarError('malformed pax extended header record');
    out[record.slice(0, eq)] = record.slice(eq + 1);
    pos += len;
  }
  return out;
}

const TYPES: Record<string, TarEntryType> = {
  '0': 'file',
  '\0': 'file',
  '7': 'file',
  '1': 'hardlink',
  '2': 'symlink',
  '3': 'character-device',
  '4': 'block-device',
  '5': 'directory',
  '6': 'fifo',
};

async function readExactly(fh: FileHandle, length: number, position: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const {bytesRead} = await fh.read(buf, got, length - got, position + got);
    if (bytesRead === 0) throw new TarError('tar archive is truncated');
    got += bytesRead;
  }
  return buf;
}

/** Iterates over the entries of an uncompressed tar archive of `fileSize` bytes. */
export async function* readTarEntries(fh: FileHandle, fileSize: number): AsyncGenerator<TarEntry> {
  let pos = 0;
  let pax: Record<string, string> = {};
  let longName: string | undefined;
  let longLink: string | undefined;
  while (pos + BLOCK <= fileSize) {
    const header = await readExactly(fh, BLOCK, pos);
    if (header.every((b) => b === 0)) return;
    const rawName = cString(header, 0, 100);
    if (!checksumOk(header)) throw new TarError(`bad header checksum at byte ${pos} (entry '${rawName}'): not a tar archive or corrupted`, rawName);
    const typeflag = String.fromCharCode(header[156]!);
    const isUstar = header.subarray(257, 263).toString('latin1') === 'ustar\0';
    const headerSize = parseNumber(header, 124, 12, 'size');
    const metaSize = typeflag === 'x' || typeflag === 'g' || typeflag === 'L' || typeflag === 'K' ? headerSize : 0;
    if (metaSize > MAX_META_BYTES) throw new TarError(`oversized ${typeflag} metadata entry at byte ${pos}`, rawName);
    const dataOffset = pos + BLOCK;
    if (metaSize > 0) {
      if (dataOffset + metaSize > fileSize) throw new TarError('tar archive is truncated', rawName);
      const data = await readExactly(fh, metaSize, dataOffset);
      if (typeflag === 'x') pax = parsePax(data);
      else if (typeflag === 'g') parsePax(data);
      else if (typeflag === 'L') longName = cString(data, 0, data.length);
      else longLink = cString(data, 0, data.length);
      pos = dataOffset + Math.ceil(metaSize / BLOCK) * BLOCK;
      continue;
    }
    const prefix = isUstar ? cString(header, 345, 155) : '';
    const path = pax.path ?? longName ?? (prefix ? `${prefix}/${rawName}` : rawName);
    let size = headerSize;
    if (pax.size !== undefined) {
      if (!/^\d+$/.test(pax.size)) throw new TarError(`invalid pax size '${pax.size}'`, path);
      size = Number(pax.size);
    }
    const linkPath = pax.linkpath ?? longLink ?? cString(header, 157, 100);
    pax = {};
    longName = undefined;
    longLink = undefined;
    let type: TarEntryType = TYPES[typeflag] ?? 'other';
    if (type === 'file' && path.endsWith('/') && typeflag !== '7') type = 'directory';
    // links, devices and FIFOs carry no data whatever their size field says
    const dataSize = type === 'file' || type === 'directory' || type === 'other' ? size : 0;
    if (dataOffset + dataSize > fileSize) throw new TarError(`tar archive is truncated inside entry '${path}'`, path);
    yield {path, type, typeflag, size, linkPath, dataOffset};
    pos = dataOffset + Math.ceil(dataSize / BLOCK) * BLOCK;
  }
  if (pos !== fileSize) throw new TarError(pos === 0 ? `not a tar archive (${fileSize} bytes)` : 'tar archive is truncated');
}

/**
 * The entry name as safe relative path components joined with '/'; throws for absolute names
 * and names with `..` components. `./a//b` becomes `a/b`; `./` becomes ''.
 */
export function safeEntryPath(raw: string): string {
  if (raw.includes('\0')) throw new TarError(`archive entry '${raw}' has a NUL byte in its name`, raw);
  if (/^[\\/]/.test(raw) || /^[A-Za-z]:/.test(raw)) throw new TarError(`archive entry '${raw}' has an absolute path; refused`, raw);
  const parts = raw.split(/[\\/]+/).filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw new TarError(`archive entry '${raw}' has a '..' component; refused`, raw);
  return parts.join('/');
}

export interface ExtractOptions {
  /** largest entry and largest total of entry sizes accepted */
  maxBytes: number;
  /** base names to extract (default MODEL_FILES) */
  wanted?: readonly string[];
}

export interface ExtractResult {
  /** base names written into the destination folder */
  files: string[];
  /** the archive's top folder the files came from, or '' when they were at its root */
  folder: string;
}

async function copyRange(src: FileHandle, offset: number, size: number, dest: string): Promise<void> {
  const out = await open(dest, 'wx');
  try {
    const buf = Buffer.alloc(Math.min(COPY_CHUNK, Math.max(size, 1)));
    let done = 0;
    while (done < size) {
      const n = Math.min(buf.length, size - done);
      const {bytesRead} = await src.read(buf, 0, n, offset + done);
      if (bytesRead === 0) throw new TarError('tar archive is truncated');
      await out.write(buf, 0, bytesRead);
      done += bytesRead;
    }
  } finally {
    await out.close();
  }
}

function refuse(entry: TarEntry): never {
  const what: Record<TarEntryType, string> = {
    symlink: `is a symbolic link (to '${entry.linkPath}')`,
    hardlink: `is a hard link (to '${entry.linkPath}')`,
    'character-device': 'is a character device',
    'block-device': 'is a block device',
    fifo: 'is a FIFO',
    other: `has unsupported type '${entry.typeflag}'`,
    file: '',
    directory: '',
  };
  throw new TarError(`archive entry '${entry.path}' ${what[entry.type]}; refused`, entry.path);
}

/**
 * Checks every entry of the tar `archive` and copies the wanted files found at its root or in
 * one top folder into `destDir` (which must exist and be empty). Throws a `TarError` naming the
 * offending entry; the caller discards `destDir` then.
 */
export async function extractModelArchive(archive: string, destDir: string, opts: ExtractOptions): Promise<ExtractResult> {
  const wanted = new Set(opts.wanted ?? MODEL_FILES);
  const fh = await open(archive, 'r');
  try {
    const {size: fileSize} = await fh.stat();
    let total = 0;
    let folder: string | undefined;
    const files: string[] = [];
    for await (const entry of readTarEntries(fh, fileSize)) {
      const rel = safeEntryPath(entry.path);
      if (entry.type !== 'file' && entry.type !== 'directory') refuse(entry);
      if (entry.size > opts.maxBytes) throw new TarError(`archive entry '${entry.path}' is ${entry.size} bytes, over the ${opts.maxBytes}-byte limit (LCNET_EXTRACT_MAX_BYTES)`, entry.path);
      total += entry.size;
      if (total > opts.maxBytes) throw new TarError(`archive content exceeds the ${opts.maxBytes}-byte limit at entry '${entry.path}' (LCNET_EXTRACT_MAX_BYTES)`, entry.path);
      if (entry.type !== 'file') continue;
      const parts = rel.split('/');
      const base = parts[parts.length - 1]!;
      if (parts.length > 2 || !wanted.has(base)) continue;
      const top = parts.length === 2 ? parts[0]! : '';
      if (folder !== undefined && folder !== top) {
        throw new TarError(`archive entry '${entry.path}': model files in more than one folder ('${folder || '.'}' and '${top || '.'}')`, entry.path);
      }
      folder = top;
      if (files.includes(base)) throw new TarError(`archive entry '${entry.path}' appears twice`, entry.path);
      await copyRange(fh, entry.dataOffset, entry.size, join(destDir, base));
      files.push(base);
    }
    return {files, folder: folder ?? ''};
  } finally {
    await fh.close();
  }
}
