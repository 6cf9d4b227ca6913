/**
 * One HTTP GET exchange, no redirects and no retries, sent with undici (the HTTP client of the
 * Node.js project): a direct connection, a plain-HTTP proxy (absolute-URI request) or an HTTPS
 * tunnel through an HTTP proxy (CONNECT), with a connect timeout (TCP + TLS + tunnel set-up) and
 * an idle timeout (no bytes received, before the headers or between body chunks). Resolves with
 * the response as soon as its headers arrive; every failure, while connecting or while the body
 * is read, arrives as a `DownloadError`.
 *
 * lcnet keeps its own policy around it (fetch-file.ts: redirects, retries with backoff and
 * Retry-After, Range resume, size cap, checksum, temp file + fsync + rename) and its own proxy
 * choice (proxy.ts): undici's EnvHttpProxyAgent reads NO_PROXY without CIDR blocks and from
 * process.env only, while lcnet's NO_PROXY takes `10.0.0.0/8` and callers pass the environment.
 */

// undici loads on the first download only: it is a fifth of a classify run's start-up otherwise
import type {Dispatcher} from 'undici';
import {DownloadError, fromNodeError} from './errors.js';
import {proxyAuthorization, proxyFor} from './proxy.js';
import {userAgent} from '../paths.js';

export interface RequestOptions {
  headers: Record<string, string>;
  env: NodeJS.ProcessEnv;
  connectTimeoutMs: number;
  idleTimeoutMs: number;
  /** extra trusted CA certificates (PEM) for https */
  ca?: string | Buffer | Array<string | Buffer>;
  signal?: AbortSignal;
}

/** A response: status, headers (one value each, lower-case names) and the body as chunks. */
export interface HttpResponse extends AsyncIterable<Buffer> {
  statusCode: number;
  statusMessage: string;
  headers: Record<string, string | undefined>;
  /** stops reading and closes the connection */
  destroy(): void;
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))}s`;
}

/** undici's error code, if any (its errors carry `code`; socket and TLS errors keep Node's). */
const codeOf = (e: unknown): string => {
  const code = (e as {code?: unknown} | null)?.code;
  return typeof code === 'string' ? code : '';
};

/** Sends `GET url` and resolves with the response headers (see the module comment). */
export async function httpGet(url: URL, opts: RequestOptions): Promise<HttpResponse> {
  const {Agent, ProxyAgent, request} = await import('undici');
  const target = url.host;
  const proxy = proxyFor(url, opts.env);
  const connectTls = {ca: opts.ca, timeout: opts.connectTimeoutMs};
  const timeouts = {headersTimeout: opts.idleTimeoutMs, bodyTimeout: opts.idleTimeoutMs};
  // one connection per exchange, closed with it, as a download is one long transfer
  const dispatcher: Dispatcher = proxy
    ? new ProxyAgent({
        uri: proxy.origin,
        token: proxyAuthorization(proxy),
        // http addresses go to the proxy as absolute-URI requests, https ones through CONNECT
        proxyTunnel: url.protocol === 'https:',
        proxyTls: {timeout: opts.connectTimeoutMs},
        requestTls: connectTls,
        connect: connectTls,
        ...timeouts,
      })
    : new Agent({connect: connectTls, ...timeouts});
  const close = () => void dispatcher.destroy().catch(() => undefined);

  const failure = (e: unknown): DownloadError => {
    if (e instanceof DownloadError) return e;
    const code = codeOf(e);
    if (opts.signal?.aborted) return new DownloadError('download cancelled', 'aborted', false, undefined, {cause: e});
    if (code === 'UND_ERR_CONNECT_TIMEOUT') {
      return new DownloadError(`could not connect to ${proxy ? `proxy ${proxy.host} for ${target}` : target} within ${seconds(opts.connectTimeoutMs)}`, 'timeout', true, undefined, {cause: e});
    }
    if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
      return new DownloadError(`no data from ${target} for ${seconds(opts.idleTimeoutMs)}`, 'timeout', true, undefined, {cause: e});
    }
    const refused = /^Proxy response \((\d+)\) !== 200/.exec((e as Error)?.message ?? '');
    if (proxy && refused) {
      const status = Number(refused[1]);
      const authority = `${url.hostname}:${url.port || '443'}`;
      return new DownloadError(`proxy ${proxy.host} refused the tunnel to ${authority}: HTTP ${status}`, 'proxy', status >= 500 || status === 429, status, {cause: e});
    }
    // undici wraps what the socket or TLS layer said; judge by that
    const cause = (e as {cause?: unknown} | null)?.cause;
    return fromNodeError(codeOf(cause) ? cause : e, target);
  };

  let res: Dispatcher.ResponseData;
  try {
    res = await request(url, {
      method: 'GET',
      headers: {'user-agent': userAgent(), 'accept-encoding': 'identity', ...opts.headers},
      dispatcher,
      signal: opts.signal,
      ...timeouts,
    });
  } catch (e) {
    close();
    throw failure(e);
  }
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(res.headers)) headers[name.toLowerCase()] = Array.isArray(value) ? value[0] : value;
  const body = res.body;
  return {
    statusCode: res.statusCode,
    statusMessage: res.statusText ?? '',
    headers,
    destroy() {
      // undici's body reports its own destruction as an error: nobody is reading any more
      body.on('error', () => undefined);
      body.destroy();
      close();
    },
    async *[Symbol.asyncIterator]() {
      try {
        for await (const chunk of body) yield chunk as Buffer;
      } catch (e) {
        throw failure(e);
      } finally {
        close();
      }
    },
  };
}
