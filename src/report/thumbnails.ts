/**
 * Thumbnails of the images the report shows: each at most 160 px on its longer side, JPEG, made
 * once per file with sharp, several at a time (p-limit). In a single-file report they are inlined
 * as data: URIs; in a folder report they are written to `thumbnails/`. An image that cannot be read
 * (missing, corrupt, not an image) gets no thumbnail, and the page draws a placeholder for it.
 */

import {createHash} from 'node:crypto';
import {writeFile} from 'node:fs/promises';
import {availableParallelism} from 'node:os';
import {join} from 'node:path';
import pLimit from 'p-limit';
import sharp from 'sharp';

export const THUMBNAIL_PX = 160;

export interface ThumbnailOptions {
  /** null: inline data: URIs; else write files into this folder and refer to them as `thumbnails/NAME` */
  dir: string | null;
  concurrency?: number;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

/** What an <img> shows for each file: a data: URI or a relative file name; absent = placeholder. */
export type Thumbnails = Map<string, string>;

export async function makeThumbnail(path: string): Promise<Buffer> {
  return sharp(path, {limitInputPixels: 2 ** 28, sequentialRead: true})
    .rotate()
    .resize(THUMBNAIL_PX, THUMBNAIL_PX, {fit: 'inside', withoutEnlargement: true})
    .flatten({background: '#ffffff'})
    .jpeg({quality: 70, mozjpeg: false})
    .toBuffer();
}

/** The file name of a thumbnail in a folder report: from a hash of the image's path. */
export function thumbnailName(file: string): string {
  return `${createHash('sha256').update(file).digest('hex').slice(0, 20)}.jpg`;
}

/** Thumbnails of `files` (paths to read), keyed by those paths. */
export async function makeThumbnails(files: Iterable<string>, opts: ThumbnailOptions): Promise<{thumbnails: Thumbnails; failed: number}> {
  const unique = [...new Set(files)];
  const limit = pLimit(opts.concurrency ?? Math.max(1, availableParallelism()));
  const thumbnails: Thumbnails = new Map();
  let done = 0;
  let failed = 0;
  opts.onProgress?.(0, unique.length);
  await Promise.all(
    unique.map((file) =>
      limit(async () => {
        if (opts.signal?.aborted) return;
        try {
          const jpeg = await makeThumbnail(file);
          if (opts.dir === null) {
            thumbnails.set(file, `data:image/jpeg;base64,${jpeg.toString('base64')}`);
          } else {
            const name = thumbnailName(file);
            await writeFile(join(opts.dir, name), jpeg);
            thumbnails.set(file, `thumbnails/${name}`);
          }
        } catch {
          failed++;
        }
        done++;
        opts.onProgress?.(done, unique.length);
      }),
    ),
  );
  return {thumbnails, failed};
}
