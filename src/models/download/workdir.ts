/**
 * Scratch folders for one install (`$LCNET_HOME/tmp/<model>-<pid>-<random>`): the archive,
 * the unpacked files. They live on the store's file system so the final renames stay atomic,
 * and are removed when the install ends. Folders left by a crashed process are removed by the
 * next install of the same model, which holds the model's lock and so knows nobody uses them.
 */

import {mkdir, mkdtemp, readdir, rm} from 'node:fs/promises';
import {join} from 'node:path';

export function tmpRoot(home: string): string {
  return join(home, 'tmp');
}

/** Removes leftover scratch folders of `model`; call only while holding the model's lock. */
export async function removeStaleWorkdirs(home: string, model: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(tmpRoot(home));
  } catch {
    return;
  }
  for (const e of entries) {
    const m = /^(.+)-(\d+)-[A-Za-z0-9]{6}$/.exec(e);
    if (m && m[1] === model) await rm(join(tmpRoot(home), e), {recursive: true, force: true});
  }
}

/** A fresh scratch folder for installing `model`. */
export async function createWorkdir(home: string, model: string): Promise<string> {
  await mkdir(tmpRoot(home), {recursive: true});
  return mkdtemp(join(tmpRoot(home), `${model}-${process.pid}-`));
}
