/**
 * Faults a test (or a scenario script) switches on: RBAC refusals, failing or slow paths, expired
 * tokens, closed or expired watches, dropped port-forwards. Paths are matched on their decoded form
 * (`/api/v1/nodes/n/proxy/metrics/cadvisor` also matches a client that sent `metrics%2Fcadvisor`).
 */

export interface FailSpec {
  /** HTTP status to answer with (a Kubernetes Status body is sent). */
  readonly status: number;
  /** Wait this long before answering. */
  readonly delayMs?: number;
  /** How many matching requests fail (default 1). */
  readonly count?: number;
  readonly message?: string;
}

export interface ForwardDrop {
  /** Terminate a forward once this many bytes went from the backend to the client. */
  readonly bytes?: number;
  /** Terminate a forward this long after it opened. */
  readonly ms?: number;
}

export interface FaultControls {
  /** Forwards opened from now on are cut (TCP closed without a WebSocket close frame) after N bytes or ms. */
  dropForwardsAfter(drop: ForwardDrop): void;
  /** Port-forward upgrades get 403 Forbidden. */
  forbidPortForward(forbidden?: boolean): void;
  /** RBAC refusal (403) for a resource (`pods`, `nodes/proxy`, `services/proxy`, `pods/portforward`…) or a path prefix (`/api/v1/nodes`). */
  forbid(resourceOrPath: string, forbidden?: boolean): void;
  /** Exec-plugin tokens issued so far get 401 until the client re-runs the plugin. */
  expireTokens(): void;
  /** The next matching request(s) fail with `status` (after `delayMs`). */
  failNext(pathPrefix: string, spec: FailSpec): void;
  /** Every matching request waits `delayMs` first (0 removes the rule). */
  slow(pathPrefix: string, delayMs: number): void;
  /** Ends open watch streams (all, or of one resource) as a server restart or timeout would. */
  closeWatches(resource?: string): void;
  /** Compacts a resource: watches resuming from any resourceVersion up to now get 410 Gone. */
  gone(resource: string): void;
  /** Switches every fault off. */
  reset(): void;
}

interface FailRule {
  readonly prefix: string;
  readonly status: number;
  readonly delayMs: number;
  readonly message?: string;
  remaining: number;
}

export class Faults implements FaultControls {
  #drop: ForwardDrop | null = null;
  #portForwardForbidden = false;
  readonly #forbidden = new Set<string>();
  #fail: FailRule[] = [];
  readonly #slow = new Map<string, number>();
  readonly #hooks: { expireTokens(): void; closeWatches(resource?: string): void; gone(resource: string): void };

  constructor(hooks: { expireTokens(): void; closeWatches(resource?: string): void; gone(resource: string): void }) {
    this.#hooks = hooks;
  }

  dropForwardsAfter(drop: ForwardDrop): void {
    this.#drop = drop.bytes === undefined && drop.ms === undefined ? null : { ...drop };
  }

  forbidPortForward(forbidden = true): void {
    this.#portForwardForbidden = forbidden;
  }

  forbid(resourceOrPath: string, forbidden = true): void {
    if (forbidden) this.#forbidden.add(resourceOrPath);
    else this.#forbidden.delete(resourceOrPath);
  }

  expireTokens(): void {
    this.#hooks.expireTokens();
  }

  failNext(pathPrefix: string, spec: FailSpec): void {
    this.#fail.push({ prefix: pathPrefix, status: spec.status, delayMs: spec.delayMs ?? 0, message: spec.message, remaining: spec.count ?? 1 });
  }

  slow(pathPrefix: string, delayMs: number): void {
    if (delayMs > 0) this.#slow.set(pathPrefix, delayMs);
    else this.#slow.delete(pathPrefix);
  }

  closeWatches(resource?: string): void {
    this.#hooks.closeWatches(resource);
  }

  gone(resource: string): void {
    this.#hooks.gone(resource);
  }

  reset(): void {
    this.#drop = null;
    this.#portForwardForbidden = false;
    this.#forbidden.clear();
    this.#fail = [];
    this.#slow.clear();
  }

  // ---- used by the server ----

  get forwardDrop(): ForwardDrop | null {
    return this.#drop;
  }

  get portForwardForbidden(): boolean {
    return this.#portForwardForbidden;
  }

  /** Whether RBAC refuses `resource[/subresource]` or the path. */
  isForbidden(resource: string | undefined, subresource: string | undefined, path: string): boolean {
    if (this.#forbidden.size === 0) return false;
    if (resource && this.#forbidden.has(resource)) return true;
    if (resource && subresource && this.#forbidden.has(`${resource}/${subresource}`)) return true;
    for (const entry of this.#forbidden) if (entry.startsWith('/') && path.startsWith(entry)) return true;
    return false;
  }

  /** Consumes and returns the failure rule matching `path`, if any. */
  takeFailure(path: string): { status: number; delayMs: number; message?: string } | undefined {
    const rule = this.#fail.find((r) => path.startsWith(r.prefix));
    if (!rule) return undefined;
    rule.remaining--;
    if (rule.remaining <= 0) this.#fail = this.#fail.filter((r) => r !== rule);
    return rule;
  }

  delayFor(path: string): number {
    let delay = 0;
    for (const [prefix, ms] of this.#slow) if (path.startsWith(prefix)) delay = Math.max(delay, ms);
    return delay;
  }
}
