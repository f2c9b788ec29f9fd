/**
 * Formatting of the figures Slicewise shows. Pure functions, no locale surprises: numbers are printed
 * with a fixed precision rule so columns line up and tests can pin the output. Absent values (null,
 * undefined, NaN) print as an em dash — "not reported" must never look like zero.
 */
export const ABSENT = '—';

const BINARY_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
const DECIMAL_UNITS = ['', 'k', 'M', 'G', 'T', 'P'];

function isAbsent(value: number | null | undefined): value is null | undefined {
  return value === null || value === undefined || Number.isNaN(value);
}

/** Three significant digits, no trailing zeros beyond what the magnitude needs (1.23, 12.3, 123). */
export function significant(value: number): string {
  const magnitude = Math.abs(value);
  if (magnitude === 0) return '0';
  if (magnitude >= 100) return value.toFixed(0);
  if (magnitude >= 10) return value.toFixed(1);
  if (magnitude >= 1) return value.toFixed(2);
  if (magnitude >= 0.01) return value.toFixed(3);
  return value.toExponential(1);
}

/** Bytes in binary units: 1536 → "1.50 KiB". */
export function formatBytes(bytes: number | null | undefined): string {
  if (isAbsent(bytes)) return ABSENT;
  if (!Number.isFinite(bytes)) return bytes > 0 ? '∞' : '-∞';
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < BINARY_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${Math.round(value)} B` : `${significant(value)} ${BINARY_UNITS[unit]}`;
}

/** A byte rate: 2048 → "2.00 KiB/s". */
export function formatBytesPerSecond(bytesPerSecond: number | null | undefined): string {
  if (isAbsent(bytesPerSecond)) return ABSENT;
  return `${formatBytes(bytesPerSecond)}/s`;
}

/** CPU in cores: 0.25 → "250m" below one core (Kubernetes millicores), "1.50" cores above. */
export function formatCores(cores: number | null | undefined): string {
  if (isAbsent(cores)) return ABSENT;
  if (Math.abs(cores) < 1) {
    const milli = cores * 1000;
    // Whole millicores from 10m up (Kubernetes' own unit); below, three significant digits so a
    // mostly idle container reads 0.042m, not 0.0m.
    return `${Math.abs(milli) >= 10 || milli === 0 ? Math.round(milli) : significant(milli)}m`;
  }
  return significant(cores);
}

/** A 0..1 share as a percentage: 0.1234 → "12.3%". */
export function formatShare(share: number | null | undefined): string {
  if (isAbsent(share)) return ABSENT;
  return `${significant(share * 100)}%`;
}

/** A plain count or rate with SI prefixes: 12345 → "12.3k". */
export function formatCount(value: number | null | undefined): string {
  if (isAbsent(value)) return ABSENT;
  let scaled = value;
  let unit = 0;
  while (Math.abs(scaled) >= 1000 && unit < DECIMAL_UNITS.length - 1) {
    scaled /= 1000;
    unit += 1;
  }
  if (unit === 0 && Number.isInteger(scaled)) return String(scaled);
  return `${significant(scaled)}${DECIMAL_UNITS[unit]}`;
}

/** A duration in seconds, human sized: 0.0123 → "12.3 ms", 90 → "1m 30s", 90061 → "1d 1h". */
export function formatSeconds(seconds: number | null | undefined): string {
  if (isAbsent(seconds)) return ABSENT;
  const s = Math.abs(seconds);
  const sign = seconds < 0 ? '-' : '';
  if (s < 1e-3) return `${sign}${significant(s * 1e6)} µs`;
  if (s < 1) return `${sign}${significant(s * 1e3)} ms`;
  if (s < 60) return `${sign}${significant(s)} s`;
  const days = Math.floor(s / 86400);
  const hours = Math.floor((s % 86400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const secs = Math.floor(s % 60);
  if (days > 0) return `${sign}${days}d ${hours}h`;
  if (hours > 0) return `${sign}${hours}h ${minutes}m`;
  return `${sign}${minutes}m ${secs}s`;
}

/** How long ago an epoch-ms instant was, relative to `nowMs`: "just now", "12 s ago", "3m 5s ago". */
export function formatAgo(tsMs: number | null | undefined, nowMs: number): string {
  if (isAbsent(tsMs)) return ABSENT;
  const seconds = Math.max(0, (nowMs - tsMs) / 1000);
  if (seconds < 1) return 'just now';
  return `${formatSeconds(Math.floor(seconds))} ago`;
}

/** Value and unit together, choosing the formatter from a unit name as used in the contract. */
export type Unit = 'bytes' | 'bytesPerSecond' | 'cores' | 'share' | 'count' | 'seconds' | 'none';

export function formatValue(value: number | null | undefined, unit: Unit): string {
  switch (unit) {
    case 'bytes':
      return formatBytes(value);
    case 'bytesPerSecond':
      return formatBytesPerSecond(value);
    case 'cores':
      return formatCores(value);
    case 'share':
      return formatShare(value);
    case 'seconds':
      return formatSeconds(value);
    case 'count':
      return formatCount(value);
    case 'none':
      return isAbsent(value) ? ABSENT : significant(value);
  }
}
