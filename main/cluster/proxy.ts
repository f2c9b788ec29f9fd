import { isIP } from 'node:net';

/**
 * The proxy for a request to `target`, the way client-go picks it: the cluster's `proxy-url` when
 * set, otherwise `HTTPS_PROXY`/`HTTP_PROXY` (either case) unless `NO_PROXY` matches, and never for
 * loopback hosts (Go's `httpproxy.Config.ProxyFunc`). client-node ignores the environment variables;
 * kubectl honours them, and desktop users behind corporate proxies need them.
 */
export function proxyFor(target: URL, proxyUrl: string | undefined, env: NodeJS.ProcessEnv): URL | undefined {
  if (proxyUrl) return new URL(proxyUrl);
  const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || isLoopback(host)) return undefined;
  const raw = target.protocol === 'https:' ? (env.HTTPS_PROXY ?? env.https_proxy) : (env.HTTP_PROXY ?? env.http_proxy);
  if (!raw) return undefined;
  if (noProxyMatches(host, target.port || (target.protocol === 'https:' ? '443' : '80'), env.NO_PROXY ?? env.no_proxy ?? '')) return undefined;
  try {
    // Go accepts "proxy:3128" without a scheme and treats it as http://.
    return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
  } catch {
    return undefined;
  }
}

function isLoopback(host: string): boolean {
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1';
  return false;
}

/** `NO_PROXY` entries: `*`, host names (a leading dot or not matches subdomains), IPs and CIDRs, optional `:port`. */
export function noProxyMatches(host: string, port: string, noProxy: string): boolean {
  for (const rawEntry of noProxy.split(',')) {
    let entry = rawEntry.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    if (entry.includes('/')) {
      if (isIP(host) && cidrContains(entry, host)) return true;
      continue;
    }
    const portMatch = /^(.*):(\d+)$/.exec(entry);
    if (portMatch && !entry.includes(']') && isIP(entry) !== 6) {
      if (portMatch[2] !== port) continue;
      entry = portMatch[1];
    }
    entry = entry.replace(/^\[|\]$/g, '');
    if (isIP(entry)) {
      if (entry === host) return true;
      continue;
    }
    const bare = entry.replace(/^\*?\./, '');
    if (host === bare || host.endsWith(`.${bare}`)) return true;
  }
  return false;
}

function cidrContains(cidr: string, ip: string): boolean {
  const [network, bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  if (isIP(network) !== 4 || isIP(ip) !== 4 || !Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  const toNumber = (address: string) => address.split('.').reduce((value, part) => value * 256 + Number(part), 0);
  const mask = bits === 0 ? 0 : 2 ** 32 - 2 ** (32 - bits);
  const and = (value: number) => Math.floor(value / 2 ** (32 - bits)) * 2 ** (32 - bits);
  return mask === 0 || and(toNumber(network)) === and(toNumber(ip));
}
