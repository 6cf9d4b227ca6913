/** Recognises gzip-compressed archives (`.tar.gz`, `.tgz`) and inflates them under a size cap. */

import {createReadStream, createWriteStream} from 'node:fs';
import {open, rm} from 'node:fs/promises';
import {Transform, type TransformCallback} from 'node:stream';
import {pipeline} from 'node:stream/promises';
import {createGunzip} from 'node:zlib';
import {TarError} from './tar.js';

/** Whether the file starts with the gzip magic bytes 1f 8b. */
export async function isGzip(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const head = Buffer.alloc(2);
    const {bytesRead} = await fh.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

/** Inflates gzip file `src` into `dest`, failing once more than `maxBytes` come out. */
export async function gunzipFile(src: string, dest: string, maxBytes: number): Promise<void> {
  let out = 0;
  const cap = new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback) {
      out += chunk.length;
      if (out > maxBytes) cb(new TarError(`${src} inflates to more than ${maxBytes} bytes (LCNET_EXTRACT_MAX_BYTES)`));
      else cb(null, chunk);
    },
  });
  try {
    await pipeline(createReadStream(src), createGunzip(), cap, createWriteStream(dest, {flags: 'wx'}));
  } catch (e) {
    await rm(dest, {force: true});
    if (e instanceof TarError) throw e;
    throw new TarError(`${src} is not a valid gzip file: ${(e as Error).message}`);
  }
}
