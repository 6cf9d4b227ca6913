/**
 * Image listing for the dataset loaders: the image files in a folder (optionally its whole tree),
 * as sorted `/`-separated paths relative to that folder. Extensions are those the classify
 * pipeline reads, matched case-insensitively; hidden entries are skipped; symbolic links are
 * followed, so a dataset assembled from links is read like a real one.
 */

import fg from 'fast-glob';
import {stat} from 'node:fs/promises';
import {DEFAULT_EXTENSIONS} from '../pipeline/walk.js';
import {compareStrings, splitExtension} from './dataset.js';

const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set(DEFAULT_EXTENSIONS);

function isImagePath(path: string): boolean {
  return IMAGE_EXTENSIONS.has(splitExtension(path)[1]);
}

export async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isDirectory() ?? false;
}

export async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isFile() ?? false;
}

/** Image files under `dir` (only its direct children unless `recursive`); [] when `dir` is absent. */
export async function listImages(dir: string, recursive: boolean): Promise<string[]> {
  if (!(await isDirectory(dir))) return [];
  const found = await fg(recursive ? '**/*' : '*', {cwd: dir, onlyFiles: true, dot: false, followSymbolicLinks: true});
  return found.filter(isImagePath).sort(compareStrings);
}

/** Direct sub-folders of `dir` (following links), sorted; hidden ones skipped. */
export async function listFolders(dir: string): Promise<string[]> {
  const found = await fg('*', {cwd: dir, onlyDirectories: true, dot: false, followSymbolicLinks: true});
  return found.sort(compareStrings);
}
