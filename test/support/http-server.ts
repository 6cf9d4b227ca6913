/**
 * A local HTTP(S) server on 127.0.0.1 (random port) for the download tests: routes by path, a
 * log of requests, per-path hit counts, byte serving with Range support, and misbehaviours
 * (closing mid-body, stalling). `close()` also kills connections left hanging.
 */

import {createHash} from 'node:crypto';
import http, {type IncomingHttpHeaders, type IncomingMessage, type ServerResponse} from 'node:http';
import https from 'node:https';
import type {Socket} from 'node:net';
import {TEST_CERT, TEST_KEY} from './http-certs.js';
import {listenLocally} from './local-listen.js';

/** `hit` counts requests to this path, starting at 1. */
export type Handler = (req: IncomingMessage, res: ServerResponse, hit: number) => void;

export interface TestServer {
  /** base address, e.g. http://127.0.0.1:43210 */
  url: string;
  requests: {method: string; path: string; headers: IncomingHttpHeaders}[];
  hits(path: string): number;
  close(): Promise<void>;
}

export async function startServer(routes: Record<string, Handler>, opts: {tls?: boolean} = {}): Promise<TestServer> {
  const requests: TestServer['requests'] = [];
  const counts = new Map<string, number>();
  const sockets = new Set<Socket>();
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push({method: req.method ?? 'GET', path, headers: req.headers});
    const hit = (counts.get(path) ?? 0) + 1;
    counts.set(path, hit);
    const route = routes[path];
    if (!route) {
      res.writeHead(404, {'content-type': 'text/plain'}).end('not found');
      return;
    }
    route(req, res, hit);
  };
  const server = opts.tls ? https.createServer({key: TEST_KEY, cert: TEST_CERT}, handle) : http.createServer(handle);
  const {port, close} = await listenLocally(server, sockets);
  return {
    url: `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests,
    hits: (path) => counts.get(path) ?? 0,
    close,
  };
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export interface ServeOptions {
  /** advertise and honour byte ranges (with an ETag) */
  ranges?: boolean;
  /** omit Content-Length (close-delimited body) */
  noLength?: boolean;
}

/** Serves `body` with 200, or 206 for a satisfiable Range when `ranges` is on. */
export function serveBytes(body: Buffer, opts: ServeOptions = {}): Handler {
  const etag = `"${sha256(body).slice(0, 16)}"`;
  return (req, res) => {
    const headers: Record<string, string> = {'content-type': 'application/x-tar'};
    if (opts.ranges) {
      headers['accept-ranges'] = 'bytes';
      headers.etag = etag;
    }
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (opts.ranges && range && req.headers['if-range'] === etag && Number(range[1]) < body.length) {
      const start = Number(range[1]);
      res.writeHead(206, {...headers, 'content-length': String(body.length - start), 'content-range': `bytes ${start}-${body.length - 1}/${body.length}`});
      res.end(body.subarray(start));
      return;
    }
    if (!opts.noLength) headers['content-length'] = String(body.length);
    res.writeHead(200, headers);
    res.end(body);
  };
}

/** Sends headers for the whole `body` but only its first `sent` bytes, then drops the connection. */
export function closeMidBody(body: Buffer, sent: number, opts: ServeOptions = {}): Handler {
  return (_req, res) => {
    const headers: Record<string, string> = {'content-type': 'application/x-tar', 'content-length': String(body.length)};
    if (opts.ranges) {
      headers['accept-ranges'] = 'bytes';
      headers.etag = `"${sha256(body).slice(0, 16)}"`;
    }
    res.writeHead(200, headers);
    res.write(body.subarray(0, sent), () => setTimeout(() => res.socket?.destroy(), 10));
  };
}

/** Sends headers and `sent` bytes, then nothing more (the connection stays open). */
export function stall(body: Buffer, sent: number): Handler {
  return (_req, res) => {
    res.writeHead(200, {'content-length': String(body.length)});
    res.write(body.subarray(0, sent));
  };
}

/** Redirects to `location` (absolute or relative) with `status`. */
export function redirect(location: string, status = 302): Handler {
  return (_req, res) => {
    res.writeHead(status, {location}).end();
  };
}

/** Answers `status` with an optional Retry-After. */
export function fail(status: number, retryAfter?: string): Handler {
  return (_req, res) => {
    res.writeHead(status, retryAfter ? {'retry-after': retryAfter} : {}).end(`status ${status}`);
  };
}

/** Uses `handlers[hit - 1]`, repeating the last one for later hits. */
export function sequence(...handlers: Handler[]): Handler {
  return (req, res, hit) => handlers[Math.min(hit, handlers.length) - 1]!(req, res, hit);
}
