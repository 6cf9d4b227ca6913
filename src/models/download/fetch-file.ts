/**
 * Downloads one URL to a file: follows redirects (bounded, relative Location allowed), retries
 * transient failures (connection errors, timeouts, 5xx/429/408, truncated bodies) with backoff,
 * resumes with a Range request when the server allows it, enforces a size cap on Content-Length
 * and on streamed bytes, computes the sha256 while streaming and reports progress. Bytes go to a
 * temporary file beside `dest` that is fsynced and renamed onto `dest` only when complete, so
 * `dest` either does not exist or holds the whole body.
 */

import {createHash, randomBytes, type Hash} from 'node:crypto';
import {open, rename, rm, type FileHandle} from 'node:fs/promises';
import {basename, dirname, join} from 'node:path';
import {backoffMs, parseRetryAfter, sleep} from './backoff.js';
import {DownloadError, fromNodeError} from './errors.js';
import {httpGet, type HttpResponse, type RequestOptions} from './http-request.js';
import type {DownloadSettings} from './settings.js';

export interface FetchProgress {
  /** address the bytes come from (after redirects) */
  url: string;
  received: number;
  /** full size when the server said, else null */
  total: number | null;
}

export interface FetchOptions {
  settings: DownloadSettings;
  env?: NodeJS.ProcessEnv;
  /** extra trusted CA certificates (PEM) */
  ca?: RequestOptions['ca'];
  signal?: AbortSignal;
  onProgress?: (p: FetchProgress) => void;
  /** told before each retry: the failure, the retry number (1-based) and the wait */
  onRetry?: (err: DownloadError, retry: number, delayMs: number) => void;
}

export interface FetchResult {
  sha256: string;
  bytes: number;
  /** final address after redirects */
  url: string;
  /** requests made, counting retries (not redirects) */
  attempts: number;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Classifies a non-success status as a DownloadError (consuming nothing more of the body). */
function statusError(res: HttpResponse, url: string): DownloadError {
  const status = res.statusCode ?? 0;
  res.destroy();
  const text = `HTTP ${status}${res.statusMessage ? ` ${res.statusMessage}` : ''}`;
  if (status === 404 || status === 410) return new DownloadError(`${url} does not exist (${text})`, 'http', false, status);
  if (status === 401 || status === 403 || status === 407) return new DownloadError(`access to ${url} denied (${text})`, 'http', false, status);
  if (status === 408 || status === 425 || status === 429 || status >= 500) {
    const err = new DownloadError(`${url} failed with ${text}`, 'http', true, status);
    err.retryAfterMs = parseRetryAfter(res.headers['retry-after']);
    return err;
  }
  return new DownloadError(`${url} answered ${text}`, 'http', false, status);
}

/** GET with redirects followed; resolves with the final response and its address. */
async function getFollowingRedirects(start: URL, headers: Record<string, string>, opts: FetchOptions): Promise<{res: HttpResponse; url: URL}> {
  let url = start;
  for (let hop = 0; ; hop++) {
    const res = await httpGet(url, {
      headers,
      env: opts.env ?? process.env,
      connectTimeoutMs: opts.settings.connectTimeoutMs,
      idleTimeoutMs: opts.settings.idleTimeoutMs,
      ca: opts.ca,
      signal: opts.signal,
    });
    if (!REDIRECTS.has(res.statusCode ?? 0)) return {res, url};
    const location = res.headers.location;
    res.destroy();
    if (!location) throw new DownloadError(`${url.href} redirected (HTTP ${res.statusCode}) without a Location`, 'protocol', false, res.statusCode);
    if (hop >= opts.settings.maxRedirects) throw new DownloadError(`too many redirects (more than ${opts.settings.maxRedirects}) from ${start.href}`, 'redirect', false);
    let next: URL;
    try {
      next = new URL(location, url);
    } catch {
      throw new DownloadError(`${url.href} redirected to an invalid address '${location}'`, 'redirect', false);
    }
    if (next.protocol !== 'http:' && next.protocol !== 'https:') {
      throw new DownloadError(`${url.href} redirected to unsupported address ${next.href}`, 'redirect', false);
    }
    url = next;
  }
}

/** What survives between attempts of one download: bytes on disk and their running hash. */
interface PartialState {
  fh: FileHandle;
  hash: Hash;
  received: number;
  total: number | null;
  /** If-Range validator when the server supports byte ranges, else undefined */
  validator: string | undefined;
  url: string;
}

async function restart(state: PartialState): Promise<void> {
  await state.fh.truncate(0);
  state.hash = createHash('sha256');
  state.received = 0;
}

function parseContentRange(value: string | undefined): {start: number; total: number | null} | null {
  const m = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(value ?? '');
  return m ? {start: Number(m[1]), total: m[2] === '*' ? null : Number(m[2])} : null;
}

async function attempt(start: URL, state: PartialState, opts: FetchOptions): Promise<void> {
  const resumeFrom = state.validator !== undefined ? state.received : 0;
  const headers: Record<string, string> = resumeFrom > 0 ? {range: `bytes=${resumeFrom}-`, 'if-range': state.validator!} : {};
  const {res, url} = await getFollowingRedirects(start, headers, opts);
  state.url = url.href;
  const max = opts.settings.maxDownloadBytes;

  if (resumeFrom > 0 && res.statusCode === 206) {
    const range = parseContentRange(res.headers['content-range']);
    if (!range || range.start !== resumeFrom) {
      res.destroy();
      state.validator = undefined;
      throw new DownloadError(`${url.href} sent a range that does not continue the download`, 'protocol', true);
    }
    state.total = range.total;
  } else if (res.statusCode === 200) {
    if (state.received > 0) await restart(state);
    const length = res.headers['content-length'];
    state.total = length !== undefined && /^\d+$/.test(length) ? Number(length) : null;
  } else {
    throw statusError(res, url.href);
  }
  if (state.total !== null && state.total > max) {
    res.destroy();
    throw new DownloadError(`${url.href} is ${state.total} bytes, more than the ${max}-byte limit (LCNET_DOWNLOAD_MAX_BYTES)`, 'size', false);
  }
  const etag = res.headers.etag;
  const acceptsRanges = res.headers['accept-ranges'] === 'bytes';
  state.validator = acceptsRanges ? (etag && !etag.startsWith('W/') ? etag : res.headers['last-modified']) : undefined;

  opts.onProgress?.({url: state.url, received: state.received, total: state.total});
  let diskError: unknown;
  try {
    for await (const chunk of res) {
      if (state.received + chunk.length > max) {
        res.destroy();
        throw new DownloadError(`${url.href} sent more than the ${max}-byte limit (LCNET_DOWNLOAD_MAX_BYTES)`, 'size', false);
      }
      try {
        await state.fh.write(chunk, 0, chunk.length, state.received);
      } catch (w) {
        diskError = w;
        res.destroy();
        throw w;
      }
      state.hash.update(chunk);
      state.received += chunk.length;
      opts.onProgress?.({url: state.url, received: state.received, total: state.total});
    }
  } catch (e) {
    if (e === diskError || (e instanceof DownloadError && e.kind !== 'network')) throw e;
    if (state.total !== null && state.received < state.total) {
      throw new DownloadError(`${url.host} closed the connection after ${state.received} of ${state.total} bytes`, 'truncated', true, undefined, {cause: e});
    }
    throw fromNodeError(e, url.host);
  }
  if (state.total !== null && state.received !== state.total) {
    throw new DownloadError(`${url.host} sent ${state.received} of ${state.total} bytes`, 'truncated', true);
  }
}

async function fsyncDir(dir: string): Promise<void> {
  let fh: FileHandle | undefined;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch {
    // directories cannot be fsynced on every platform; the rename is still atomic
  } finally {
    await fh?.close();
  }
}

/** Downloads `url` to `dest` (see the module comment); `dest`'s folder must exist. */
export async function fetchToFile(url: string, dest: string, opts: FetchOptions): Promise<FetchResult> {
  let start: URL;
  try {
    start = new URL(url);
  } catch {
    throw new DownloadError(`'${url}' is not a valid address`, 'protocol', false);
  }
  if (start.protocol !== 'http:' && start.protocol !== 'https:') throw new DownloadError(`cannot download ${url}: only http and https are supported`, 'protocol', false);
  const tmp = join(dirname(dest), `.${basename(dest)}.${randomBytes(6).toString('hex')}.part`);
  const fh = await open(tmp, 'wx');
  const state: PartialState = {fh, hash: createHash('sha256'), received: 0, total: null, validator: undefined, url};
  let closed = false;
  try {
    let attempts = 0;
    for (;;) {
      attempts++;
      try {
        await attempt(start, state, opts);
        break;
      } catch (e) {
        const err = e instanceof DownloadError ? e : null;
        if (!err || !err.transient || opts.signal?.aborted) throw e;
        if (attempts > opts.settings.retries) {
          if (attempts === 1) throw err;
          throw new DownloadError(`${err.message} (gave up after ${attempts} attempts)`, err.kind, err.transient, err.status, {cause: err});
        }
        const wait = backoffMs(attempts - 1, opts.settings.retryBaseMs, opts.settings.retryMaxMs, err.retryAfterMs);
        opts.onRetry?.(err, attempts, wait);
        await sleep(wait, opts.signal);
      }
    }
    await fh.sync();
    await fh.close();
    closed = true;
    await rename(tmp, dest);
    await fsyncDir(dirname(dest));
    return {sha256: state.hash.digest('hex'), bytes: state.received, url: state.url, attempts};
  } catch (e) {
    if (!closed) await fh.close().catch(() => undefined);
    await rm(tmp, {force: true});
    throw e;
  }
}
