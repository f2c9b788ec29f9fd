import { describe, expect, it } from 'vitest';
import { noProxyMatches, proxyFor } from '../../../../main/cluster/proxy.js';

describe('proxyFor', () => {
  const target = new URL('https://api.prod.example.com:6443');

  it('prefers the cluster proxy-url over the environment', () => {
    expect(proxyFor(target, 'http://corp-proxy:3128', { HTTPS_PROXY: 'http://env-proxy:8080' })?.href).toBe('http://corp-proxy:3128/');
  });

  it('uses HTTPS_PROXY for https and HTTP_PROXY for http, in either case, adding http:// when missing', () => {
    expect(proxyFor(target, undefined, { https_proxy: 'env-proxy:8080' })?.href).toBe('http://env-proxy:8080/');
    expect(proxyFor(new URL('http://api:8080'), undefined, { HTTP_PROXY: 'http://p:1', HTTPS_PROXY: 'http://q:2' })?.host).toBe('p:1');
    expect(proxyFor(target, undefined, { HTTP_PROXY: 'http://p:1' })).toBeUndefined();
  });

  it('never proxies loopback hosts', () => {
    for (const url of ['https://127.0.0.1:6443', 'https://localhost:6443', 'https://[::1]:6443']) {
      expect(proxyFor(new URL(url), undefined, { HTTPS_PROXY: 'http://p:1' })).toBeUndefined();
    }
  });

  it('honours NO_PROXY', () => {
    expect(proxyFor(target, undefined, { HTTPS_PROXY: 'http://p:1', NO_PROXY: 'other.org,.example.com' })).toBeUndefined();
  });
});

describe('noProxyMatches', () => {
  it.each([
    ['api.example.com', '443', 'example.com', true],
    ['api.example.com', '443', '.example.com', true],
    ['api.example.com', '443', '*.example.com', true],
    ['example.com', '443', '.example.com', true],
    ['badexample.com', '443', 'example.com', false],
    ['10.1.2.3', '443', '10.0.0.0/8', true],
    ['11.1.2.3', '443', '10.0.0.0/8', false],
    ['10.1.2.3', '443', '10.1.2.3', true],
    ['api.example.com', '6443', 'api.example.com:443', false],
    ['api.example.com', '443', 'api.example.com:443', true],
    ['anything', '1', '*', true],
    ['anything', '1', '', false],
  ])('%s:%s against %j → %s', (host, port, list, expected) => {
    expect(noProxyMatches(host, port, list)).toBe(expected);
  });
});
