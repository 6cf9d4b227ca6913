import assert from 'node:assert/strict';
import {bypassesProxy, proxyAuthorization, proxyFor} from '../src/models/download/proxy.js';

const u = (s: string) => new URL(s);

describe('download: proxy selection', () => {
  it('uses HTTPS_PROXY for https and HTTP_PROXY for http, lower case first, ALL_PROXY last', () => {
    const env = {HTTPS_PROXY: 'http://upper:1', https_proxy: 'http://lower:2', HTTP_PROXY: 'http://plain:3', ALL_PROXY: 'http://all:4'};
    assert.equal(proxyFor(u('https://a.com/x'), env)?.host, 'lower:2');
    assert.equal(proxyFor(u('http://a.com/x'), env)?.host, 'plain:3');
    assert.equal(proxyFor(u('http://a.com/x'), {ALL_PROXY: 'all:4'})?.href, 'http://all:4/');
    assert.equal(proxyFor(u('https://a.com/x'), {}), null);
    assert.equal(proxyFor(u('https://a.com/x'), {HTTPS_PROXY: '  '}), null);
  });

  it('refuses proxies it cannot speak to', () => {
    assert.throws(() => proxyFor(u('https://a.com'), {HTTPS_PROXY: 'socks5://p:1080'}), /http:\/\/ proxies only/);
  });

  it('matches NO_PROXY entries', () => {
    const cases: [string, string, boolean][] = [
      ['https://paddle.bj.bcebos.com/x', '*', true],
      ['https://paddle.bj.bcebos.com/x', 'bcebos.com', true],
      ['https://paddle.bj.bcebos.com/x', '.bcebos.com', true],
      ['https://paddle.bj.bcebos.com/x', '*.bcebos.com', true],
      ['https://bcebos.com/x', '.bcebos.com', true],
      ['https://notbcebos.com/x', 'bcebos.com', false],
      ['https://mirror.local:8443/x', 'mirror.local:8443', true],
      ['https://mirror.local/x', 'mirror.local:8443', false],
      ['https://mirror.local/x', 'mirror.local:443', true],
      ['http://10.1.2.3/x', '10.0.0.0/8', true],
      ['http://11.1.2.3/x', '10.0.0.0/8', false],
      ['http://10.1.2.3/x', '10.1.2.3/32', true],
      ['http://[fd00::1:2]/x', 'fd00::/8', true],
      ['http://[fe80::1]/x', 'fd00::/8', false],
      ['http://[2001:db8::10.0.0.1]/x', '2001:db8::/32', true],
      ['http://10.1.2.3/x', 'fd00::/8', false],
      ['http://[::1]:8080/x', '::1', true],
      ['http://[::1]:8080/x', '[::1]:8080', true],
      ['http://[::1]:8080/x', '[::1]:9', false],
      ['http://127.0.0.1/x', 'localhost, 127.0.0.1', true],
      ['http://127.0.0.10/x', '127.0.0.1', false],
      ['http://A.Example.COM/x', 'example.com', true],
    ];
    for (const [url, list, want] of cases) assert.equal(bypassesProxy(u(url), list), want, `${url} vs ${list}`);
    assert.equal(proxyFor(u('https://a.example.com'), {HTTPS_PROXY: 'http://p:1', no_proxy: 'example.com'}), null);
  });

  it('builds Basic credentials from the proxy URL', () => {
    assert.equal(proxyAuthorization(u('http://p:1')), undefined);
    assert.equal(proxyAuthorization(u('http://me:s%3Acret@p:1')), `Basic ${Buffer.from('me:s:cret').toString('base64')}`);
  });
});
