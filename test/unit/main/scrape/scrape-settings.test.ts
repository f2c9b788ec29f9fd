// Small pure pieces of the scrape step: timeouts below the interval, hashed offsets, limits, safe
// URLs, and the words used for network and HTTP failures.
import { describe, expect, it } from 'vitest';
import { defaultTimeoutMs, effectiveTimeoutMs, scrapeOffsetMs } from '../../../../main/scrape/loop.js';
import { DEFAULT_LIMITS, formatBytes, resolveLimits } from '../../../../main/scrape/limits.js';
import { requestError, safeUrl, httpRequester } from '../../../../main/scrape/requester.js';
import { statusError } from '../../../../main/scrape/fetch.js';
import { AppError } from '../../../../main/util/app-error.js';

describe('timeouts and offsets', () => {
  it('defaults the timeout to min(interval, 10 s) and always keeps it below the interval', () => {
    expect(defaultTimeoutMs(15_000)).toBe(10_000);
    expect(defaultTimeoutMs(10_000)).toBe(9_000);
    expect(defaultTimeoutMs(5_000)).toBe(4_500);
    expect(effectiveTimeoutMs(5_000, 20_000)).toBe(4_500);
    expect(effectiveTimeoutMs(60_000, 2_000)).toBe(2_000);
  });

  it('spreads targets over the interval by a hash of their id, stable over time', () => {
    const interval = 15_000;
    const phase = (id: string, now: number) => (now + scrapeOffsetMs(id, interval, now)) % interval;
    expect(phase('kubelet/node-1', 1_000)).toBe(phase('kubelet/node-1', 987_654));
    const phases = new Set(Array.from({ length: 50 }, (_, i) => Math.floor(phase(`target-${i}`, 0) / 1000)));
    expect(phases.size).toBeGreaterThan(10);
    for (let i = 0; i < 20; i++) {
      const offset = scrapeOffsetMs(`t${i}`, interval, 123_456);
      expect(offset).toBeGreaterThanOrEqual(0);
      expect(offset).toBeLessThan(interval);
    }
  });
});

describe('limits', () => {
  it('has the REL-06 defaults and fills omitted limits', () => {
    expect(DEFAULT_LIMITS).toEqual({ bodySizeBytes: 33_554_432, samples: 200_000, labels: 64, labelNameLengthBytes: 1024, labelValueLengthBytes: 4096 });
    expect(resolveLimits({ samples: 10 })).toEqual({ ...DEFAULT_LIMITS, samples: 10 });
    expect(() => resolveLimits({ labels: -1 })).toThrow(RangeError);
    expect(formatBytes(32 * 1024 * 1024)).toBe('32 MiB');
    expect(formatBytes(1536)).toBe('1.5 KiB');
  });
});

describe('requester words', () => {
  it('never shows credentials or query values', () => {
    expect(safeUrl('https://user:secret@host:10250/metrics/cadvisor?token=abc')).toBe('https://host:10250/metrics/cadvisor?token=%E2%80%A6');
    expect(httpRequester('http://u:p@127.0.0.1:9100/metrics').describe()).toBe('http://127.0.0.1:9100/metrics');
    expect(() => httpRequester('ftp://x')).toThrow(/Only http:\/\/ and https:\/\//);
  });

  it('maps network failures to codes and plain words', () => {
    const target = 'http://10.0.0.1:9100/metrics';
    const cases: [object, AppError['code'], RegExp][] = [
      [{ code: 'ECONNREFUSED' }, 'unreachable', /refused the connection/],
      [{ code: 'ENOTFOUND' }, 'dns', /could not be resolved/],
      [{ code: 'ECONNRESET' }, 'closed', /closed the connection/],
      [{ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }, 'tls', /TLS connection .* failed/],
      [{ code: 'EHOSTUNREACH' }, 'unreachable', /cannot be reached/],
    ];
    for (const [error, code, words] of cases) {
      const mapped = requestError(Object.assign(new Error('x'), error), target);
      expect(mapped.code).toBe(code);
      expect(mapped.message).toMatch(words);
      expect(mapped.message).toContain(target);
    }
    const reason = new AppError('timeout', 'too slow');
    const controller = new AbortController();
    controller.abort(reason);
    expect(requestError(new Error('aborted'), target, controller.signal)).toBe(reason);
  });

  it('maps HTTP statuses to codes', () => {
    expect(statusError(401, 't').code).toBe('unauthorized');
    expect(statusError(403, 't').code).toBe('forbidden');
    expect(statusError(404, 't').message).toBe('t answered 404 Not Found: check the metrics path.');
    expect(statusError(503, 't').code).toBe('unavailable');
    expect(statusError(302, 't').code).toBe('bad-request');
  });
});
