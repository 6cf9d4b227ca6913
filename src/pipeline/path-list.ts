/**
 * Path lists, as `find -print0`, `find`, `ls` or a file list produce them: NUL-separated when the
 * text holds a NUL byte before its first newline, else one path per line (a trailing CR is
 * dropped, so lists written on Windows work). Empty entries are skipped. The list is streamed:
 * it can be longer than memory.
 */

import {accessSync, constants, statSync} from 'node:fs';
import {DEFAULT_EXTENSIONS} from './image-extensions.js';

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

/**
 * Why the file `path` cannot be read as a path list (`--files-from`), or null when it can. Only
 * looked at, never opened: a list given as `<(find ...)` is a pipe, which can be read once.
 */
export function pathListProblem(path: string): string | null {
  let info;
  try {
    info = statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : `cannot stat: ${code ?? (e as Error).message}`;
  }
  if (info.isDirectory()) return 'is a directory, not a file listing paths (give the directory as an input to walk it)';
  try {
    accessSync(path, constants.R_OK);
  } catch {
    return 'permission denied';
  }
  return null;
}

/** How much of a file `looksLikePathList` reads. */
const SNIFF_BYTES = 4096;
const IMAGE_NAME = new RegExp(`\\.(${DEFAULT_EXTENSIONS.join('|')})$`, 'i');
/** a file name's extension, or a folder in the path */
const PATH_LIKE = /(\.[A-Za-z0-9]{1,5}$)|\//;

/**
 * Whether the bytes of a file (one that is no image) read as a path list: UTF-8 text whose lines
 * (or NUL-separated entries) each look like a path (a folder in it, or an extension at its end),
 * at least one naming an image. Only the first 4 KiB are looked at. Used to tell a user who gave
 * `list.txt` as an input that it is read with --files-from.
 */
export function looksLikePathList(bytes: Uint8Array): boolean {
  let sample = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, SNIFF_BYTES));
  const nul = sample.indexOf(0);
  const nl = sample.indexOf(10);
  const separator = nul >= 0 && (nl < 0 || nul < nl) ? 0 : 10;
  // a sample that stops inside the file ends inside an entry: that entry is left out
  if (bytes.length > SNIFF_BYTES) sample = sample.subarray(0, sample.lastIndexOf(separator) + 1);
  let text: string;
  try {
    text = new TextDecoder('utf-8', {fatal: true}).decode(sample);
  } catch {
    return false;
  }
  const entries = text
    .split(separator === 0 ? '\0' : '\n')
    .map((e) => (separator === 0 ? e : e.replace(/\r$/, '')))
    .filter((e) => e.length > 0);
  if (entries.length === 0) return false;
  // control characters other than tab; a NUL-separated list may hold names with newlines
  // eslint-disable-next-line no-control-regex
  const control = separator === 0 ? /[\x00-\x08\x0b-\x1f\x7f]/ : /[\x00-\x08\x0a-\x1f\x7f]/;
  return entries.every((e) => !control.test(e) && PATH_LIKE.test(e.trim())) && entries.some((e) => IMAGE_NAME.test(e.trim()));
}
