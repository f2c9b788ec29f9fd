import { describe, expect, it } from 'vitest';
import { ABSENT, formatAgo, formatBytes, formatBytesPerSecond, formatCores, formatCount, formatSeconds, formatShare, formatValue } from '../../../../../renderer/lib/format/units.js';

describe('unit formatting', () => {
  it('prints absent values as a dash, never as zero', () => {
    for (const value of [null, undefined, Number.NaN]) {
      expect(formatBytes(value)).toBe(ABSENT);
      expect(formatCores(value)).toBe(ABSENT);
      expect(formatShare(value)).toBe(ABSENT);
      expect(formatSeconds(value)).toBe(ABSENT);
      expect(formatCount(value)).toBe(ABSENT);
    }
    expect(formatBytes(0)).toBe('0 B');
    expect(formatCores(0)).toBe('0m');
  });

  it('formats bytes in binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.50 KiB');
    expect(formatBytes(123 * 1024 * 1024)).toBe('123 MiB');
    expect(formatBytes(8 * 1024 ** 3)).toBe('8.00 GiB');
    expect(formatBytes(Number.POSITIVE_INFINITY)).toBe('∞');
    expect(formatBytesPerSecond(2048)).toBe('2.00 KiB/s');
  });

  it('formats CPU as millicores below a core and cores above', () => {
    expect(formatCores(0.25)).toBe('250m');
    expect(formatCores(0.0042)).toBe('4.20m');
    expect(formatCores(0.000042)).toBe('0.042m');
    expect(formatCores(1.5)).toBe('1.50');
    expect(formatCores(12.34)).toBe('12.3');
  });

  it('formats shares, counts and durations', () => {
    expect(formatShare(0.1234)).toBe('12.3%');
    expect(formatShare(1)).toBe('100%');
    expect(formatCount(999)).toBe('999');
    expect(formatCount(12345)).toBe('12.3k');
    expect(formatCount(2.5e9)).toBe('2.50G');
    expect(formatSeconds(0.0123)).toBe('12.3 ms');
    expect(formatSeconds(0.0000042)).toBe('4.20 µs');
    expect(formatSeconds(42)).toBe('42.0 s');
    expect(formatSeconds(90)).toBe('1m 30s');
    expect(formatSeconds(3 * 3600 + 120)).toBe('3h 2m');
    expect(formatSeconds(90061)).toBe('1d 1h');
  });

  it('formats relative times and dispatches by unit name', () => {
    expect(formatAgo(10_000, 10_500)).toBe('just now');
    expect(formatAgo(0, 12_000)).toBe('12.0 s ago');
    expect(formatValue(1536, 'bytes')).toBe('1.50 KiB');
    expect(formatValue(0.5, 'cores')).toBe('500m');
    expect(formatValue(0.5, 'share')).toBe('50.0%');
    expect(formatValue(3.14159, 'none')).toBe('3.14');
  });
});
