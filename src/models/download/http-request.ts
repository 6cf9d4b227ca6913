/**
 * One HTTP GET exchange, no redirects and no retries: a direct connection, a plain-HTTP proxy
 * (absolute-URI request) or an HTTPS tunnel through an HTTP proxy (CONNECT), with a connect
 * timeout (TCP + TLS + tunnel set-up) and an idle timeout (no bytes received) that stays armed
 * while the caller reads the body. Resolves with the response as soon as its headers arrive.
 */

import http, {type ClientRequest, type IncomingMessage} from 'node:http';
import https from 'node:https';
import {isIP, type Socket} from 'node:net';
import tls from 'node:tls';
import {DownloadError, fromNodeError} from './errors.js';
import {proxyAuthorization, proxyFor} from './proxy.js';

export interface RequestOptions {
  headers: Record<string, string>;
  env: NodeJS.ProcessEnv;
  connectTimeoutMs: number;
  idleTimeoutMs: number;
  /** extra trusted CA certificates (PEM) for https */
  ca?: string | Buffer | Array<string | Buffer>;
  signal?: AbortSignal;
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))}s`;
}

/**
 * Sends `GET url` and resolves with the response headers. Errors (including timeouts that fire
 * while the body is read) arrive as `DownloadError`s: before the headers through the promise,
 * afterwards as an 'error' on the response stream.
 */
export function httpGet(url: URL, opts: RequestOptions): Promise<IncomingMessage> {
  return new Promise<IncomingMessage>((resolve, reject) => {
    const target = url.host;
    const isHttps = url.protocol === 'https:';
    const proxy = proxyFor(url, opts.env);
    let req: ClientRequest | undefined;
    // eslint-disable-next-line prefer-const -- set once below, and fail() may run before that
    let tunnel: ClientRequest | undefined;
    let res: IncomingMessage | undefined;
    let done = false;

    const cleanup = () => {
      clearTimeout(connectTimer);
      opts.signal?.removeEventListener('abort', onAbort);
    };
    const fail = (err: DownloadError) => {
      clearTimeout(connectTimer);
      if (res) {
        if (!res.destroyed) res.destroy(err);
        req?.destroy();
      } else {
        tunnel?.destroy();
        req?.destroy();
        if (!done) {
          done = true;
          cleanup();
          reject(err);
        }
      }
    };
    const connectTimer = setTimeout(
      () => fail(new DownloadError(`could not connect to ${proxy ? `proxy ${proxy.host} for ${target}` : target} within ${seconds(opts.connectTimeoutMs)}`, 'timeout', true)),
      opts.connectTimeoutMs,
    );
    const connected = () => clearTimeout(connectTimer);
    const onAbort = () => fail(new DownloadError('download cancelled', 'aborted', false));
    if (opts.signal?.aborted) {
      onAbort();
      return;
    }
    opts.signal?.addEventListener('abort', onAbort, {once: true});

    const baseHeaders = {'user-agent': 'lcnet', 'accept-encoding': 'identity', ...opts.headers};
    const watch = (r: ClientRequest, onSocket: (s: Socket) => void) => {
      req = r;
      r.once('socket', onSocket);
      r.setTimeout(opts.idleTimeoutMs, () =>
        fail(new DownloadError(`no data from ${target} for ${seconds(opts.idleTimeoutMs)}`, 'timeout', true)),
      );
      r.on('error', (e) => fail(fromNodeError(e, target)));
      r.once('response', (response) => {
        res = response;
        done = true;
        connected();
        response.once('close', cleanup);
        resolve(response);
      });
      r.end();
    };

    if (!proxy) {
      const mod = isHttps ? https : http;
      watch(mod.request(url, {method: 'GET', headers: baseHeaders, agent: false, ca: opts.ca}), (s) =>
        s.once(isHttps ? 'secureConnect' : 'connect', connected),
      );
      return;
    }

    const auth = proxyAuthorization(proxy);
    const proxyPort = Number(proxy.port || 80);
    if (!isHttps) {
      const headers: Record<string, string> = {...baseHeaders, host: url.host};
      if (auth) headers['proxy-authorization'] = auth;
      watch(http.request({host: proxy.hostname, port: proxyPort, method: 'GET', path: url.href, headers, agent: false}), (s) =>
        s.once('connect', connected),
      );
      return;
    }

    const port = url.port || '443';
    const authority = `${url.hostname}:${port}`;
    const connectHeaders: Record<string, string> = {host: authority};
    if (auth) connectHeaders['proxy-authorization'] = auth;
    tunnel = http.request({host: proxy.hostname, port: proxyPort, method: 'CONNECT', path: authority, headers: connectHeaders, agent: false});
    tunnel.on('error', (e) => {
      const inner = fromNodeError(e, `proxy ${proxy.host}`);
      fail(new DownloadError(`${inner.message} (tunnelling to ${target})`, inner.kind, inner.transient, undefined, {cause: e}));
    });
    tunnel.once('connect', (answer: IncomingMessage, socket: Socket, head: Buffer) => {
      const status = answer.statusCode ?? 0;
      if (status !== 200) {
        socket.destroy();
        const transient = status >= 500 || status === 429;
        fail(new DownloadError(`proxy ${proxy.host} refused the tunnel to ${authority}: HTTP ${status} ${answer.statusMessage ?? ''}`.trim(), 'proxy', transient, status));
        return;
      }
      if (head.length > 0) socket.unshift(head);
      const secure = tls.connect({
        socket,
        host: url.hostname,
        servername: isIP(url.hostname) ? undefined : url.hostname,
        ca: opts.ca,
      });
      secure.once('secureConnect', connected);
      secure.on('error', (e) => fail(fromNodeError(e, target)));
      watch(https.request(url, {method: 'GET', headers: baseHeaders, createConnection: () => secure}), () => undefined);
    });
    tunnel.end();
  });
}
