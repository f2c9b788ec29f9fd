/** One request the simulator answered, for tests to assert on (credentials are never recorded). */
export interface RequestRecord {
  readonly tsMs: number;
  readonly method: string;
  /** Decoded path without the query (`…/proxy/metrics/cadvisor` even when sent as `metrics%2Fcadvisor`). */
  readonly path: string;
  /** Raw query string without `?` ('' when none). */
  readonly query: string;
  /** Authenticated user name, or null when the request was not authenticated. */
  readonly user: string | null;
  /** How the user authenticated (`token`, `client-cert`, `exec`), or null. */
  readonly auth: string | null;
  readonly status: number;
  readonly userAgent: string;
  /** Watch requests and WebSocket upgrades are flagged. */
  readonly watch: boolean;
  readonly upgrade: boolean;
}

/** A bounded log (the newest `capacity` requests). */
export class RequestLog {
  readonly #records: RequestRecord[] = [];
  readonly #capacity: number;

  constructor(capacity = 20_000) {
    this.#capacity = capacity;
  }

  get records(): readonly RequestRecord[] {
    return this.#records;
  }

  add(record: RequestRecord): void {
    this.#records.push(record);
    if (this.#records.length > this.#capacity * 1.5) this.#records.splice(0, this.#records.length - this.#capacity);
  }

  clear(): void {
    this.#records.length = 0;
  }
}
