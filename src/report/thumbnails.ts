/**
 * Thumbnails of the images the report shows: JPEG, made once per file with sharp, several at a
 * time (p-limit). An ordinary image is at most 160 px on its longer side. A wide one (a text-line
 * crop, a panorama) would become an unreadable sliver that way (657x46 -> 160x11), so it is made
 * at least 40 px high, as wide as that takes up to 640 px (657x46 -> 572x40): the page shows
 * thumbnails at their own size in boxes 160 px high. In a single-file report they are inlined as
 * data: URIs; in a folder report they are written to `thumbnails/`. An image that cannot be read
 * (missing, corrupt, not an image) gets no thumbnail, and the page draws a placeholder for it.
 */

import {createHash} from 'node:crypto';
import {writeFile} from 'node:fs/promises';
import {availableParallelism} from 'node:os';
import {join} from 'node:path';
import pLimit from 'p-limit';
import sharp from 'sharp';

/** the longer side of an ordinary thumbnail, and the height of every thumbnail box */
export const THUMBNAIL_PX = 160;
/** the least height of a wide image's thumbnail (or the image's own, when smaller) */
export const THUMBNAIL_MIN_HEIGHT = 40;
/** the widest thumbnail */
export const THUMBNAIL_MAX_WIDTH = 640;

export interface ThumbnailOptions {
  /** null: inline data: URIs; else write files into this folder and refer to them as `thumbnails/NAME` */
  dir: string | null;
  concurrency?: number;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export interface Thumbnail {
  /** a data: URI or a file name relative to the page */
  src: string;
  width: number;
  height: number;
}

/** What the page shows for each file; absent = placeholder. */
export type Thumbnails = Map<string, Thumbnail>;

/**
 * The box (width, height) a thumbnail of an image of `width` x `height` (as shown, after EXIF
 * rotation) is fitted into, keeping its aspect and never enlarging it: 160 x 160, widened for a
 * wide image until its height is THUMBNAIL_MIN_HEIGHT, at most THUMBNAIL_MAX_WIDTH.
 */
export function thumbnailBox(width: number, height: number): [number, number] {
  if (!(width > height && height > 0)) return [THUMBNAIL_PX, THUMBNAIL_PX];
  const wide = Math.ceil((THUMBNAIL_MIN_HEIGHT * width) / height);
  return [Math.min(THUMBNAIL_MAX_WIDTH, Math.max(THUMBNAIL_PX, wide)), THUMBNAIL_PX];
}

async function thumbnailIn(path: string, box: [number, number]): Promise<{data: Buffer; width: number; height: number}> {
  const {data, info} = await sharp(path, {limitInputPixels: 2 ** 28, sequentialRead: true})
    .rotate()
    .resize(box[0], box[1], {fit: 'inside', withoutEnlargement: true})
    .flatten({background: '#ffffff'})
    .jpeg({quality: 70, mozjpeg: false})
    .toBuffer({resolveWithObject: true});
  return {data, width: info.width, height: info.height};
}

export async function makeThumbnail(path: string): Promise<{data: Buffer; width: number; height: number}> {
  // the ordinary box first: a photo is read once, and only an image that came out a short,
  // wide strip has its size read and is made again in its own box
  const t = await thumbnailIn(path, [THUMBNAIL_PX, THUMBNAIL_PX]);
  if (t.height >= THUMBNAIL_MIN_HEIGHT || t.width <= t.height) return t;
  const meta = await sharp(path, {limitInputPixels: 2 ** 28}).metadata();
  const box = thumbnailBox(meta.autoOrient.width, meta.autoOrient.height);
  return box[0] === THUMBNAIL_PX ? t : thumbnailIn(path, box);
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
          const {data, width, height} = await makeThumbnail(file);
          if (opts.dir === null) {
            thumbnails.set(file, {src: `data:image/jpeg;base64,${data.toString('base64')}`, width, height});
          } else {
            const name = thumbnailName(file);
            await writeFile(join(opts.dir, name), data);
            thumbnails.set(file, {src: `thumbnails/${name}`, width, height});
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
