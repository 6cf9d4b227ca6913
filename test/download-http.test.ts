import assert from 'node:assert/strict';
import {randomBytes} from 'node:crypto';
import {mkdtempSync, readdirSync, readFileSync, rmSync, existsSync} from 'node:fs';
import net, {type AddressInfo} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {DownloadError} from '../src/models/download/errors.js';
import {fetchToFile, type FetchProgress} from '../src/models/download/fetch-file.js';
import {DEFAULT_SETTINGS, type DownloadSettings} from '../src/models/download/settings.js';
import {TEST_CERT} from './support/http-certs.js';
import {ROOT} from './support/shared-data.js';
import {startProxy} from './support/http-proxy.js';
import {closeMidBody, fail, redirect, sequence, serveBytes, sha256, stall, startServer, type TestServer} from './support/http-server.js';

const FAST: DownloadSettings = {...DEFAULT_SETTINGS, retries: 2, retryBaseMs: 5, retryMaxMs: 20, idleTimeoutMs: 300, connectTimeoutMs: 1000};
const BODY = randomBytes(200_000);

describe('download: HTTP fetcher', function () {
  this.timeout(10_000);
  let dir: string;
  let server: TestServer | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lcnet-http-'));
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    rmSync(dir, {recursive: true, force: true});
  });

  const dest = () => join(dir, 'archive.tar');
  const leftovers = () => readdirSync(dir).filter((f) => f.endsWith('.part'));
  async function rejects(p: Promise<unknown>): Promise<DownloadError> {
    try {
      await p;
    } catch (e) {
      assert.ok(e instanceof DownloadError, `expected a DownloadError, got ${String(e)}`);
      return e;
    }
    assert.fail('expected the download to fail');
  }

  it('downloads, hashes while streaming and reports progress', async () => {
    server = await startServer({'/a.tar': serveBytes(BODY)});
    const seen: FetchProgress[] = [];
    const r = await fetchToFile(`${server.url}/a.tar`, dest(), {settings: FAST, env: {}, onProgress: (p) => seen.push({...p})});
    assert.equal(r.sha256, sha256(BODY));
    assert.equal(r.bytes, BODY.length);
    assert.equal(r.attempts, 1);
    assert.deepEqual(readFileSync(dest()), BODY);
    assert.ok(seen.length >= 2);
    assert.deepEqual(seen[0], {url: `${server.url}/a.tar`, received: 0, total: BODY.length});
    assert.equal(seen.at(-1)!.received, BODY.length);
    assert.ok(seen.every((p, i) => i === 0 || p.received >= seen[i - 1]!.received));
    assert.deepEqual(leftovers(), []);
  });

  it('names the npm package and its version as its user agent', async () => {
    server = await startServer({'/a.tar': serveBytes(BODY)});
    await fetchToFile(`${server.url}/a.tar`, dest(), {settings: FAST, env: {}});
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {name: string; version: string};
    assert.equal(server.requests[0]!.headers['user-agent'], `pplcnet/${pkg.version}`);
    assert.equal(pkg.name, 'pplcnet');
  });

  it('follows absolute and relative redirects', async () => {
    server = await startServer({
      '/start': redirect('/mid/hop', 301),
      '/mid/hop': redirect('../files/a.tar', 307),
      '/files/a.tar': serveBytes(BODY),
    });
    server.requests.length = 0;
    const r = await fetchToFile(`${server.url}/start`, dest(), {settings: FAST, env: {}});
    assert.equal(r.url, `${server.url}/files/a.tar`);
    assert.equal(r.sha256, sha256(BODY));
    assert.deepEqual(server.requests.map((q) => q.path), ['/start', '/mid/hop', '/files/a.tar']);
  });

  it('gives up on a redirect loop', async () => {
    server = await startServer({'/loop': redirect('/loop')});
    const e = await rejects(fetchToFile(`${server.url}/loop`, dest(), {settings: {...FAST, maxRedirects: 3}, env: {}}));
    assert.equal(e.kind, 'redirect');
    assert.equal(server.hits('/loop'), 4);
    assert.deepEqual(leftovers(), []);
  });

  it('fails at once on 404 with a clear message, without retrying', async () => {
    server = await startServer({});
    const e = await rejects(fetchToFile(`${server.url}/missing.tar`, dest(), {settings: FAST, env: {}}));
    assert.equal(e.status, 404);
    assert.equal(e.transient, false);
    assert.match(e.message, /missing\.tar does not exist \(HTTP 404/);
    assert.equal(server.hits('/missing.tar'), 1);
    assert.equal(existsSync(dest()), false);
    assert.deepEqual(leftovers(), []);
  });

  it('does not retry 403', async () => {
    server = await startServer({'/a.tar': fail(403)});
    const e = await rejects(fetchToFile(`${server.url}/a.tar`, dest(), {settings: FAST, env: {}}));
    assert.equal(e.status, 403);
    assert.equal(server.hits('/a.tar'), 1);
  });

  it('retries 5xx and 429 (honouring Retry-After) and then succeeds', async () => {
    server = await startServer({'/a.tar': sequence(fail(503), fail(429, '0'), serveBytes(BODY))});
    const retries: string[] = [];
    const r = await fetchToFile(`${server.url}/a.tar`, dest(), {settings: FAST, env: {}, onRetry: (e, n) => retries.push(`${n}:${e.status}`)});
    assert.equal(r.attempts, 3);
    assert.deepEqual(retries, ['1:503', '2:429']);
    assert.equal(r.sha256, sha256(BODY));
  });

  it('retries after the server closes mid-body, restarting without range support', async () => {
    server = await startServer({'/a.tar': sequence(closeMidBody(BODY, 70_000), serveBytes(BODY))});
    const r = await fetchToFile(`${server.url}/a.tar`, dest(), {settings: FAST, env: {}});
    assert.equal(r.attempts, 2);
    assert.equal(r.sha256, sha256(BODY));
    assert.deepEqual(readFileSync(dest()), BODY);
    assert.equal(server.requests[1]!.headers.range, undefined);
  });

  it('resumes with a Range request when the server supports it', async () => {
    server = await startServer({'/a.tar': sequence(closeMidBody(BODY, 70_000, {ranges: true}), serveBytes(BODY, {ranges: true}))});
    const r = await fetchToFile(`${server.url}/a.tar`, dest(), {settings: FAST, env: {}});
    assert.equal(r.attempts, 2);
    assert.equal(r.sha256, sha256(BODY));
    assert.deepEqual(readFileSync(dest()), BODY);
    assert.match(server.requests[1]!.headers.range ?? '', /^bytes=\d+-$/);
    assert.ok(Number(/\d+/.exec(server.requests[1]!.headers.range!)![0]) > 0);
  });

  it('fails after all retries when the body is always truncated, leaving no file', async () => {
    server = await startServer({'/a.tar': closeMidBody(BODY, 1000)});
    const e = await rejects(fetchToFile(`${server.url}/a.tar`, dest(), {settings: FAST, env: {}}));
    assert.equal(e.kind, 'truncated');
    assert.match(e.message, /closed the connection after \d+ of 200000 bytes.*gave up after 3 attempts/);
    assert.equal(server.hits('/a.tar'), 3);
    assert.equal(existsSync(dest()), false);
    assert.deepEqual(leftovers(), []);
  });

  it('abandons a stalled transfer after the idle timeout', async () => {
    server = await startServer({'/a.tar': stall(BODY, 5000)});
    const e = await rejects(fetchToFile(`${server.url}/a.tar`, dest(), {settings: {...FAST, retries: 1, idleTimeoutMs: 150}, env: {}}));
    assert.equal(e.kind, 'timeout');
    assert.match(e.message, /no data from 127\.0\.0\.1:\d+ for 0\.15s/);
    // the server never sends the rest: that the download ended at all is the idle timeout's doing
    assert.equal(server.hits('/a.tar'), 2);
    assert.deepEqual(leftovers(), []);
  });

  it('times out a connection whose TLS handshake never completes', async () => {
    const silent = net.createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const {port} = silent.address() as AddressInfo;
    try {
      const e = await rejects(fetchToFile(`https://127.0.0.1:${port}/a.tar`, dest(), {settings: {...FAST, retries: 0, connectTimeoutMs: 150}, env: {}}));
      assert.equal(e.kind, 'timeout');
      assert.match(e.message, /could not connect to 127\.0\.0\.1:\d+ within 0\.15s/);
    } finally {
      silent.close();
    }
  });

  it('reports a refused connection as a network error', async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const {port} = probe.address() as AddressInfo;
    await new Promise<void>((r) => probe.close(() => r()));
    const e = await rejects(fetchToFile(`http://127.0.0.1:${port}/a.tar`, dest(), {settings: {...FAST, retries: 1}, env: {}}));
    assert.equal(e.kind, 'network');
    assert.match(e.message, /ECONNREFUSED/);
  });

  it('enforces the size cap on Content-Length and on streamed bytes', async () => {
    server = await startServer({'/known.tar': serveBytes(BODY), '/unknown.tar': serveBytes(BODY, {noLength: true})});
    const small = {...FAST, maxDownloadBytes: 100_000};
    const a = await rejects(fetchToFile(`${server.url}/known.tar`, dest(), {settings: small, env: {}}));
    assert.equal(a.kind, 'size');
    assert.match(a.message, /200000 bytes, more than the 100000-byte limit/);
    const b = await rejects(fetchToFile(`${server.url}/unknown.tar`, dest(), {settings: small, env: {}}));
    assert.equal(b.kind, 'size');
    assert.equal(server.hits('/unknown.tar'), 1);
    assert.deepEqual(leftovers(), []);
  });

  it('stops when its AbortSignal fires', async () => {
    server = await startServer({'/a.tar': stall(BODY, 5000)});
    const ac = new AbortController();
    // aborted once the body has begun: the download is under way
    const onProgress = (p: {received: number}) => void (p.received > 0 && ac.abort());
    const e = await rejects(fetchToFile(`${server.url}/a.tar`, dest(), {settings: {...FAST, idleTimeoutMs: 60_000}, env: {}, signal: ac.signal, onProgress}));
    assert.equal(e.kind, 'aborted');
    assert.deepEqual(leftovers(), []);
  });

  it('downloads over https with a trusted CA and refuses an untrusted certificate', async () => {
    server = await startServer({'/a.tar': serveBytes(BODY)}, {tls: true});
    const r = await fetchToFile(`${server.url}/a.tar`, dest(), {settings: FAST, env: {}, ca: TEST_CERT});
    assert.equal(r.sha256, sha256(BODY));
    rmSync(dest());
    const e = await rejects(fetchToFile(`${server.url}/a.tar`, dest(), {settings: FAST, env: {}}));
    assert.equal(e.kind, 'tls');
    assert.match(e.message, /NODE_EXTRA_CA_CERTS/);
  });

  describe('through a proxy', () => {
    it('tunnels https through CONNECT (HTTPS_PROXY), with proxy credentials', async () => {
      server = await startServer({'/a.tar': serveBytes(BODY)}, {tls: true});
      const proxy = await startProxy();
      try {
        const proxyUrl = proxy.url.replace('http://', 'http://user:p%40ss@');
        const r = await fetchToFile(`${server.url}/a.tar`, dest(), {settings: FAST, env: {HTTPS_PROXY: proxyUrl}, ca: TEST_CERT});
        assert.equal(r.sha256, sha256(BODY));
        assert.deepEqual(proxy.connects, [server.url.replace('https://', '')]);
        assert.equal(proxy.auth[0], `Basic ${Buffer.from('user:p@ss').toString('base64')}`);
      } finally {
        await proxy.close();
      }
    });

    it('sends absolute-URI requests for http through HTTP_PROXY', async () => {
      server = await startServer({'/a.tar': serveBytes(BODY)});
      const proxy = await startProxy();
      try {
        const r = await fetchToFile(`${server.url}/a.tar`, dest(), {settings: FAST, env: {http_proxy: proxy.url}});
        assert.equal(r.sha256, sha256(BODY));
        assert.deepEqual(proxy.gets, [`${server.url}/a.tar`]);
      } finally {
        await proxy.close();
      }
    });

    it('bypasses the proxy for NO_PROXY hosts', async () => {
      server = await startServer({'/a.tar': serveBytes(BODY)});
      const proxy = await startProxy();
      try {
        const port = new URL(server.url).port;
        for (const noProxy of ['127.0.0.1', `127.0.0.1:${port}`, '*', '127.0.0.0/8']) {
          rmSync(dest(), {force: true});
          await fetchToFile(`${server.url}/a.tar`, dest(), {settings: FAST, env: {HTTP_PROXY: proxy.url, NO_PROXY: `example.com, ${noProxy}`}});
        }
        assert.deepEqual(proxy.gets, []);
        rmSync(dest(), {force: true});
        await fetchToFile(`${server.url}/a.tar`, dest(), {settings: FAST, env: {HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1:1'}});
        assert.equal(proxy.gets.length, 1);
      } finally {
        await proxy.close();
      }
    });

    it('reports a refused tunnel as a proxy error', async () => {
      const proxy = await startProxy({refuse: 403});
      try {
        const e = await rejects(fetchToFile('https://127.0.0.1:9/a.tar', dest(), {settings: FAST, env: {HTTPS_PROXY: proxy.url}}));
        assert.equal(e.kind, 'proxy');
        assert.equal(e.transient, false);
        assert.match(e.message, /refused the tunnel to 127\.0\.0\.1:9: HTTP 403/);
        assert.equal(proxy.connects.length, 1);
      } finally {
        await proxy.close();
      }
    });
  });
});
