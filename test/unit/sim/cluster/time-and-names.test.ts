import { describe, expect, it } from 'vitest';
import { NameSource, templateHash } from '../../../sim/cluster/names.js';
import { humanDuration, rfc3339 } from '../../../sim/cluster/time-format.js';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;

describe('humanDuration (kubectl AGE)', () => {
  it.each([
    [-2 * s, '<invalid>'],
    [-500, '0s'],
    [0, '0s'],
    [119 * s, '119s'],
    [2 * m, '2m'],
    [9 * m + 59 * s, '9m59s'],
    [10 * m + 30 * s, '10m'],
    [179 * m, '179m'],
    [3 * h, '3h'],
    [7 * h + 59 * m, '7h59m'],
    [8 * h + 30 * m, '8h'],
    [47 * h, '47h'],
    [48 * h, '2d'],
    [7 * d + 23 * h, '7d23h'],
    [8 * d, '8d'],
    [729 * d, '729d'],
    [2 * 365 * d, '2y'],
    [3 * 365 * d + 10 * d, '3y10d'],
    [9 * 365 * d, '9y'],
  ])('%i ms → %s', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });

  it('formats metav1.Time with second precision', () => {
    expect(rfc3339(Date.UTC(2026, 5, 26, 10, 12, 11, 999))).toBe('2026-06-26T10:12:11Z');
  });
});

describe('names', () => {
  it('are deterministic per seed and shaped like Kubernetes names', () => {
    const a = new NameSource('demo');
    const b = new NameSource('demo');
    const uid = a.uid();
    expect(uid).toBe(b.uid());
    expect(uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a.suffix()).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(a.hex(64)).toMatch(/^[0-9a-f]{64}$/);
    expect(new NameSource('other').uid()).not.toBe(uid);
    expect(templateHash('x')).toBe(templateHash('x'));
    expect(templateHash('x')).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{10}$/);
    expect(templateHash('x')).not.toBe(templateHash('y'));
  });
});
