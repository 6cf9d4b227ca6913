/**
 * Proxy selection from the conventional environment variables: `https_proxy`/`HTTPS_PROXY` for
 * https addresses, `http_proxy`/`HTTP_PROXY` for http ones, `all_proxy`/`ALL_PROXY` for both, and
 * `no_proxy`/`NO_PROXY` exceptions. A NO_PROXY entry is `*` (no proxy at all), a host name that
 * also matches its subdomains (`example.com`, `.example.com`, `*.example.com`), an IP address,
 * an IPv4/IPv6 CIDR block (`10.0.0.0/8`), any of them optionally with `:port`.
 */

import {DownloadError} from './errors.js';

/** An IPv4 address as a 32-bit number, or null. */
function ipv4(text: string): bigint | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return null;
  return parts.reduce((v, p) => (v << 8n) | BigInt(p), 0n);
}

/** An IPv6 address (with `::`, and a trailing IPv4 part allowed) as a 128-bit number, or null. */
function ipv6(text: string): bigint | null {
  if (!text.includes(':') || !/^[0-9a-f:.]+$/i.test(text)) return null;
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groups = (half: string): number[] | null => {
    if (half === '') return [];
    const out: number[] = [];
    const items = half.split(':');
    for (const [i, item] of items.entries()) {
      const v4 = i === items.length - 1 && item.includes('.') ? ipv4(item) : null;
      if (v4 !== null) out.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      else if (/^[0-9a-f]{1,4}$/i.test(item)) out.push(parseInt(item, 16));
      else return null;
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  return [...head, ...Array<number>(missing).fill(0), ...tail].reduce((v, g) => (v << 16n) | BigInt(g), 0n);
}

/** 4 or 6 for an IP address, 0 for anything else (as node:net's isIP). */
function isIP(text: string): 0 | 4 | 6 {
  return ipv4(text) !== null ? 4 : ipv6(text) !== null ? 6 : 0;
}

/** Whether `host` lies in the block `net`/`bits` (both addresses of one family). */
function inSubnet(host: string, net: string, bits: number): boolean {
  const family = isIP(net);
  const width = family === 6 ? 128n : 32n;
  const parse = family === 6 ? ipv6 : ipv4;
  const a = parse(host);
  const b = parse(net);
  if (a === null || b === null || bits < 0 || BigInt(bits) > width) return false;
  const shift = width - BigInt(bits);
  return a >> shift === b >> shift;
}

function envValue(env: NodeJS.ProcessEnv, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = env[n];
    if (v !== undefined && v.trim() !== '') return v.trim();
  }
  return undefined;
}

function defaultPort(url: URL): string {
  return url.port || (url.protocol === 'https:' ? '443' : '80');
}

/** Splits `host`, `host:port`, `[v6]:port` or a bare IPv6 address into its parts. */
function splitHostPort(entry: string): [string, string | undefined] {
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracket) return [bracket[1]!, bracket[2]];
  if (isIP(entry.split('/')[0]!) === 6) return [entry, undefined];
  const m = /^(.*):(\d+)$/.exec(entry);
  return m ? [m[1]!, m[2]] : [entry, undefined];
}

/** Whether `url` is exempted from proxying by the NO_PROXY list `noProxy`. */
export function bypassesProxy(url: URL, noProxy: string): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = defaultPort(url);
  for (const raw of noProxy.split(/[\s,]+/)) {
    const entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return true;
    const [name, entryPort] = splitHostPort(entry);
    if (entryPort !== undefined && entryPort !== port) continue;
    if (name.includes('/')) {
      const [net, bitsText] = name.split('/') as [string, string];
      const family = isIP(net);
      const hostFamily = isIP(host);
      const bits = Number(bitsText);
      if (family === 0 || hostFamily !== family || !Number.isInteger(bits)) continue;
      if (inSubnet(host, net, bits)) return true;
      continue;
    }
    const suffix = name.replace(/^\*?\./, '');
    if (suffix === '') continue;
    if (host === suffix || (isIP(host) === 0 && host.endsWith(`.${suffix}`))) return true;
  }
  return false;
}

/** The proxy to use for `url`, or null for a direct connection. */
export function proxyFor(url: URL, env: NodeJS.ProcessEnv = process.env): URL | null {
  const noProxy = envValue(env, 'no_proxy', 'NO_PROXY');
  if (noProxy && bypassesProxy(url, noProxy)) return null;
  const raw =
    url.protocol === 'https:'
      ? envValue(env, 'https_proxy', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY')
      : envValue(env, 'http_proxy', 'HTTP_PROXY', 'all_proxy', 'ALL_PROXY');
  if (!raw) return null;
  let proxy: URL;
  try {
    proxy = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
  } catch {
    throw new DownloadError(`proxy address '${raw}' is not a URL`, 'proxy', false);
  }
  if (proxy.protocol !== 'http:') {
    throw new DownloadError(`proxy '${raw}' uses ${proxy.protocol.replace(':', '')}; lcnet supports http:// proxies only`, 'proxy', false);
  }
  return proxy;
}

/** `Proxy-Authorization` header value for a proxy URL carrying user:password, if any. */
export function proxyAuthorization(proxy: URL): string | undefined {
  if (!proxy.username && !proxy.password) return undefined;
  const creds = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
  return `Basic ${Buffer.from(creds).toString('base64')}`;
}
