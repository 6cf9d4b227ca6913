/**
 * A forward proxy on 127.0.0.1 for the download tests: absolute-URI GETs for http targets and
 * CONNECT tunnels for https, logging what it was asked for. `refuse` makes it answer every
 * request with that status instead.
 */

import http from 'node:http';
import net, {type Socket} from 'node:net';
import {listenLocally} from './local-listen.js';

export interface TestProxy {
  url: string;
  /** `host:port` of each CONNECT */
  connects: string[];
  /** absolute URL of each forwarded GET */
  gets: string[];
  /** Proxy-Authorization headers seen */
  auth: (string | undefined)[];
  close(): Promise<void>;
}

export async function startProxy(opts: {refuse?: number} = {}): Promise<TestProxy> {
  const connects: string[] = [];
  const gets: string[] = [];
  const auth: (string | undefined)[] = [];
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    gets.push(req.url ?? '');
    auth.push(req.headers['proxy-authorization']);
    if (opts.refuse) {
      res.writeHead(opts.refuse).end();
      return;
    }
    const target = new URL(req.url ?? '');
    const headers = {...req.headers};
    delete headers['proxy-authorization'];
    const upstream = http.request({host: target.hostname, port: target.port, path: target.pathname + target.search, headers}, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    upstream.end();
  });
  server.on('connect', (req: http.IncomingMessage, client: Socket, head: Buffer) => {
    connects.push(req.url ?? '');
    auth.push(req.headers['proxy-authorization']);
    sockets.add(client);
    if (opts.refuse) {
      client.end(`HTTP/1.1 ${opts.refuse} Refused\r\n\r\n`);
      return;
    }
    const [host, port] = (req.url ?? '').split(':');
    const upstream = net.connect(Number(port), host!, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  const {port, close} = await listenLocally(server, sockets);
  return {
    url: `http://127.0.0.1:${port}`,
    connects,
    gets,
    auth,
    close,
  };
}
