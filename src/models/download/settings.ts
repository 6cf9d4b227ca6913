/**
 * Tunables of the download layer (timeouts, retries, size caps, lock wait) with their defaults
 * and the environment variables that override them. Command-line flags override the environment.
 */

import {UsageError} from '../../errors.js';

export interface DownloadSettings {
  /** time allowed to open the TCP (and TLS / proxy tunnel) connection, ms */
  connectTimeoutMs: number;
  /** longest time without receiving a byte, while waiting for headers or body, ms */
  idleTimeoutMs: number;
  /** extra attempts after the first for transient failures */
  retries: number;
  /** first retry delay, ms; doubles each attempt, with jitter */
  retryBaseMs: number;
  /** cap on one retry delay, ms (also caps a server's Retry-After) */
  retryMaxMs: number;
  /** redirects followed per attempt */
  maxRedirects: number;
  /** largest archive accepted (Content-Length and streamed bytes) */
  maxDownloadBytes: number;
  /** largest total of tar entry sizes accepted when unpacking (and of one entry) */
  maxExtractBytes: number;
  /** how long to wait for another process installing the same model, ms */
  lockTimeoutMs: number;
}

export const DEFAULT_SETTINGS: DownloadSettings = {
  connectTimeoutMs: 15_000,
  idleTimeoutMs: 30_000,
  retries: 4,
  retryBaseMs: 500,
  retryMaxMs: 15_000,
  maxRedirects: 8,
  maxDownloadBytes: 1024 ** 3,
  maxExtractBytes: 2 * 1024 ** 3,
  lockTimeoutMs: 15 * 60_000,
};

/** Environment variables read by `settingsFromEnv`, with the unit of each. */
export const SETTINGS_ENV = {
  LCNET_CONNECT_TIMEOUT: 'seconds to establish a connection (default 15)',
  LCNET_DOWNLOAD_TIMEOUT: 'seconds without data before a download attempt is abandoned (default 30)',
  LCNET_DOWNLOAD_RETRIES: 'retries after transient failures (default 4)',
  LCNET_DOWNLOAD_MAX_BYTES: 'largest archive accepted, bytes or with K/M/G suffix (default 1G)',
  LCNET_EXTRACT_MAX_BYTES: 'largest unpacked archive content, bytes or with K/M/G suffix (default 2G)',
  LCNET_LOCK_TIMEOUT: 'seconds to wait for another process installing the same model (default 900)',
} as const;

/** Parses a positive number of seconds (fractions allowed) into milliseconds. */
export function parseSeconds(text: string, what: string): number {
  const v = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(v) || v <= 0) throw new UsageError(`${what} must be a positive number of seconds, got '${text}'`);
  return Math.round(v * 1000);
}

/** Parses a non-negative integer count. */
export function parseCount(text: string, what: string): number {
  if (!/^\d+$/.test(text.trim())) throw new UsageError(`${what} must be a whole number >= 0, got '${text}'`);
  return Number(text.trim());
}

/** Parses a byte size: `1048576`, `512K`, `300M`, `2G` (binary multiples; optional trailing B). */
export function parseBytes(text: string, what: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]?)i?b?$/i.exec(text.trim());
  if (!m) throw new UsageError(`${what} must be a size such as 500M or 2G, got '${text}'`);
  const mult = {'': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3}[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  const v = Math.floor(Number(m[1]) * mult);
  if (v <= 0) throw new UsageError(`${what} must be positive, got '${text}'`);
  return v;
}

/** Defaults overridden by the `LCNET_*` variables listed in `SETTINGS_ENV`. */
export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): DownloadSettings {
  const s = {...DEFAULT_SETTINGS};
  const get = (k: keyof typeof SETTINGS_ENV) => (env[k] !== undefined && env[k] !== '' ? env[k] : undefined);
  const connect = get('LCNET_CONNECT_TIMEOUT');
  if (connect) s.connectTimeoutMs = parseSeconds(connect, 'LCNET_CONNECT_TIMEOUT');
  const idle = get('LCNET_DOWNLOAD_TIMEOUT');
  if (idle) s.idleTimeoutMs = parseSeconds(idle, 'LCNET_DOWNLOAD_TIMEOUT');
  const retries = get('LCNET_DOWNLOAD_RETRIES');
  if (retries) s.retries = parseCount(retries, 'LCNET_DOWNLOAD_RETRIES');
  const maxDl = get('LCNET_DOWNLOAD_MAX_BYTES');
  if (maxDl) s.maxDownloadBytes = parseBytes(maxDl, 'LCNET_DOWNLOAD_MAX_BYTES');
  const maxEx = get('LCNET_EXTRACT_MAX_BYTES');
  if (maxEx) s.maxExtractBytes = parseBytes(maxEx, 'LCNET_EXTRACT_MAX_BYTES');
  const lock = get('LCNET_LOCK_TIMEOUT');
  if (lock) s.lockTimeoutMs = parseSeconds(lock, 'LCNET_LOCK_TIMEOUT');
  return s;
}
