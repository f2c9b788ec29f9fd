// Scrape limits (security.md REL-06; Prometheus `<scrape_config>` body_size_limit, sample_limit,
// label_limit, label_name_length_limit, label_value_length_limit). Breaking any of them fails the
// whole scrape: the target goes down and its series go stale, as in Prometheus.

/** Per-target limits; 0 disables one. Omitted fields take the defaults below. */
export interface ScrapeLimits {
  /** Uncompressed body size, measured after gzip (so it also stops gzip bombs). */
  bodySizeBytes?: number;
  /** Samples per scrape. */
  samples?: number;
  /** Labels per series, counting `__name__` and the target labels. */
  labels?: number;
  /** Bytes (UTF-8) per label name. */
  labelNameLengthBytes?: number;
  /** Bytes (UTF-8) per label value. */
  labelValueLengthBytes?: number;
}

/** `ScrapeLimits` with every field present. */
export type ResolvedLimits = Required<ScrapeLimits>;

/** REL-06 defaults: 32 MiB body, 200,000 samples, 64 labels, 1 KiB names, 4 KiB values. */
export const DEFAULT_LIMITS: ResolvedLimits = Object.freeze({
  bodySizeBytes: 32 * 1024 * 1024,
  samples: 200_000,
  labels: 64,
  labelNameLengthBytes: 1024,
  labelValueLengthBytes: 4096,
});

/** Fills omitted limits with the defaults; rejects negative or non-integer values. */
export function resolveLimits(limits: ScrapeLimits | undefined): ResolvedLimits {
  const resolved = { ...DEFAULT_LIMITS, ...limits };
  for (const [name, value] of Object.entries(resolved)) {
    if (!Number.isInteger(value) || value < 0) throw new RangeError(`scrape limit ${name} must be a whole number ≥ 0, got ${value}`);
  }
  return resolved;
}

/**
 * A scrape broke a limit. `limit` is the Prometheus setting's name so that the message a user
 * sees names it, e.g. "sample_limit".
 */
export class LimitError extends Error {
  readonly limit: 'body_size_limit' | 'sample_limit' | 'label_limit' | 'label_name_length_limit' | 'label_value_length_limit';

  constructor(limit: LimitError['limit'], message: string) {
    super(message);
    this.name = 'LimitError';
    this.limit = limit;
  }
}

/** Human size for messages: 33554432 → "32 MiB". */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}
