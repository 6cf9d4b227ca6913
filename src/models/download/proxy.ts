/**
 * Proxy selection from the conventional environment variables: `https_proxy`/`HTTPS_PROXY` for
 * https addresses, `http_proxy`/`HTTP_PROXY` for http ones, `all_proxy`/`ALL_PROXY` for both, and
 * `no_proxy`/`NO_PROXY` exceptions. A NO_PROXY entry is `*` (no proxy at all), a host name that
 * also matches its subdomains (`example.com`, `.example.com`, `*.example.com`), an IP address,
 * an IPv4/IPv6 CIDR block (`10.0.0.0/8`), any of them optionally with `:port`.
 */

import {BlockList, isIP} from 'node:net';
import {DownloadError} from './errors.js';

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
      const list = new BlockList();
      list.addSubnet(net, bits, family === 6 ? 'ipv6' : 'ipv4');
      if (list.check(host, family === 6 ? 'ipv6' : 'ipv4')) return true;
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
