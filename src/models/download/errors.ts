/**
 * The error type of the download layer: every failure to fetch, verify or unpack an archive is a
 * `DownloadError` that says what went wrong (`kind`), whether trying again may help (`transient`)
 * and, for HTTP failures, the status code. Callers decide on retries and messages from these
 * fields instead of parsing text.
 */

export type DownloadErrorKind =
  /** could not reach the host: DNS failure, refused or reset connection, unreachable network */
  | 'network'
  /** connect or idle timeout */
  | 'timeout'
  /** the HTTP status says no (404, 403, 5xx after retries ...) */
  | 'http'
  /** the body ended before Content-Length bytes arrived */
  | 'truncated'
  /** Content-Length or the streamed body exceeds the size cap */
  | 'size'
  /** too many redirects, or a redirect to an unsupported scheme */
  | 'redirect'
  /** the proxy refused the tunnel or its address is unusable */
  | 'proxy'
  /** the server's TLS certificate is not trusted */
  | 'tls'
  /** the downloaded bytes do not have the expected sha256 */
  | 'checksum'
  /** the caller's AbortSignal fired */
  | 'aborted'
  /** any other protocol violation (bad Content-Range, redirect without Location ...) */
  | 'protocol';

export class DownloadError extends Error {
  constructor(
    message: string,
    readonly kind: DownloadErrorKind,
    readonly transient: boolean,
    readonly status?: number,
    options?: {cause?: unknown},
  ) {
    super(message, options);
    this.name = 'DownloadError';
  }

  /** How long the server asked us to wait (Retry-After on 429/503), in ms, when it said. */
  retryAfterMs?: number;
}

/** Whether an error means "this machine cannot reach the download host" (offline, proxy, DNS). */
export function isUnreachable(e: unknown): boolean {
  return e instanceof DownloadError && (e.kind === 'network' || e.kind === 'timeout' || e.kind === 'proxy');
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ETIMEDOUT',
  'EPIPE',
  'ERR_STREAM_PREMATURE_CLOSE',
  // undici: the server closed the connection, or it was closed under a request
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

/**
 * Wraps a Node socket/TLS error or an undici error met while talking to `host` as a `DownloadError`.
 * `DownloadError`s pass through unchanged.
 */
export function fromNodeError(e: unknown, host: string): DownloadError {
  if (e instanceof DownloadError) return e;
  const err = e as NodeJS.ErrnoException;
  const code = typeof err?.code === 'string' ? err.code : '';
  const text = err?.message ?? String(e);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_FAIL') {
    return new DownloadError(`cannot resolve host ${host} (${code}): no network or DNS`, 'network', true, undefined, {cause: e});
  }
  if (NETWORK_CODES.has(code) || text === 'aborted' || text === 'socket hang up') {
    return new DownloadError(`connection to ${host} failed: ${text}`, 'network', true, undefined, {cause: e});
  }
  if (code.startsWith('HPE_')) {
    return new DownloadError(`malformed HTTP response from ${host}: ${text}`, 'network', true, undefined, {cause: e});
  }
  if (code.startsWith('ERR_TLS') || code.includes('CERT') || code.includes('SELF_SIGNED') || code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE') {
    return new DownloadError(
      `TLS certificate of ${host} is not trusted (${code}); behind an intercepting proxy, point NODE_EXTRA_CA_CERTS at its CA file`,
      'tls',
      false,
      undefined,
      {cause: e},
    );
  }
  return new DownloadError(`download from ${host} failed: ${text}`, 'network', true, undefined, {cause: e});
}
