/**
 * Archive checksums. PaddlePaddle publishes none, so lcnet records the sha256 of each archive the
 * first time it downloads it (`$LCNET_HOME/checksums.json`, keyed by address) and insists on the
 * same bytes afterwards; a `--sha256` given by the user pins the expected value instead.
 */

import {createHash, randomBytes} from 'node:crypto';
import {createReadStream} from 'node:fs';
import {mkdir, readFile, rename, rm, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {pipeline} from 'node:stream/promises';
import {UsageError} from '../../errors.js';
import {DownloadError} from './errors.js';
import {withLock} from '../../fs/lock-file.js';
import {lockPath} from '../store.js';

export interface ChecksumRecord {
  sha256: string;
  bytes: number;
  /** model the archive was installed as */
  model: string;
  recordedAt: string;
}

interface ChecksumFile {
  version: 1;
  archives: Record<string, ChecksumRecord>;
}

export function checksumsPath(home: string): string {
  return join(home, 'checksums.json');
}

/** Validates a user-supplied sha256 (64 hex digits, any case) and returns it in lower case. */
export function normalizeSha256(text: string): string {
  const t = text.trim().toLowerCase().replace(/^sha256:/, '');
  if (!/^[0-9a-f]{64}$/.test(t)) throw new UsageError(`--sha256 must be 64 hexadecimal digits, got '${text}'`);
  return t;
}

async function readAll(home: string): Promise<ChecksumFile> {
  let text: string;
  try {
    text = await readFile(checksumsPath(home), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {version: 1, archives: {}};
    throw e;
  }
  try {
    const json = JSON.parse(text) as ChecksumFile;
    if (json && typeof json.archives === 'object' && json.archives !== null) return {version: 1, archives: json.archives};
  } catch {
    // reported below
  }
  throw new Error(`${checksumsPath(home)} is damaged; fix or delete it (recorded checksums will be re-learned)`);
}

/** The sha256 recorded for the archive at `url`, if any. */
export async function recordedChecksum(url: string, home: string): Promise<ChecksumRecord | undefined> {
  return (await readAll(home)).archives[url];
}

/** Records (or replaces) the checksum of the archive at `url`. */
export async function recordChecksum(url: string, record: Omit<ChecksumRecord, 'recordedAt'>, home: string, lockTimeoutMs: number): Promise<void> {
  await mkdir(home, {recursive: true});
  await withLock(lockPath('checksums', home), {timeoutMs: lockTimeoutMs}, async () => {
    const all = await readAll(home);
    all.archives[url] = {...record, recordedAt: new Date().toISOString()};
    const tmp = `${checksumsPath(home)}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(tmp, JSON.stringify(all, null, 2) + '\n');
      await rename(tmp, checksumsPath(home));
    } catch (e) {
      await rm(tmp, {force: true});
      throw e;
    }
  });
}

/** Throws a 'checksum' DownloadError unless `actual` equals `expected`. */
export function verifyChecksum(what: string, actual: string, expected: {sha256: string; pinned: boolean}): void {
  if (actual === expected.sha256) return;
  const why = expected.pinned
    ? 'the --sha256 you gave'
    : 'the checksum recorded when it was first downloaded (if the publisher replaced the archive, pass --sha256 with the new value after checking it)';
  throw new DownloadError(`sha256 of ${what} is ${actual}, expected ${expected.sha256} from ${why}; nothing was installed`, 'checksum', false);
}

/** sha256 of a file, streamed. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}
