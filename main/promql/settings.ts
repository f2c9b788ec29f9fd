import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Logger } from '../util/log.js';

/** A Prometheus-compatible endpoint a user gave for one context. */
export interface PrometheusEndpoint {
  url: string;
  /** Mimir/Cortex tenant, sent as `X-Scope-OrgID`. */
  orgId?: string;
  insecureSkipTlsVerify?: boolean;
  /** Kept in memory only: never written to the settings file, never sent to the renderer or logged. */
  bearerToken?: string;
}

interface SettingsFile {
  version: 1;
  contexts: Record<string, { url: string; orgId?: string; insecureSkipTlsVerify?: boolean }>;
}

/** `prometheus.json` beside the other per-user files (same folders as the exec-consent store). */
export function defaultPrometheusSettingsPath(env: NodeJS.ProcessEnv, home: string, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return join(env.APPDATA || join(home, 'AppData', 'Roaming'), 'Slicewise', 'prometheus.json');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Slicewise', 'prometheus.json');
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'slicewise', 'prometheus.json');
}

/**
 * Per-context Prometheus endpoints. URL, tenant and the TLS choice are remembered in a small JSON
 * file (written whole, through a temporary file and a rename, mode 0600); bearer tokens live only
 * in this object's memory and are gone when the app quits. A file that cannot be read or written
 * costs the remembering, never the session: the endpoint still applies until the app quits.
 */
export class PrometheusSettings {
  readonly #path: string | undefined;
  readonly #log: Logger | undefined;
  readonly #tokens = new Map<string, string>();
  #file: SettingsFile | null = null;

  /** @param path the JSON file; without one nothing is remembered across runs. */
  constructor(path: string | undefined, log?: Logger) {
    this.#path = path;
    this.#log = log;
  }

  /** The endpoint configured for `context`, or undefined for auto-detection. */
  get(context: string): PrometheusEndpoint | undefined {
    const saved = this.#load().contexts[context];
    if (!saved) return undefined;
    const token = this.#tokens.get(context);
    return { ...saved, ...(token ? { bearerToken: token } : {}) };
  }

  /** Sets (or with `undefined`, clears) the endpoint of `context`. */
  set(context: string, endpoint: PrometheusEndpoint | undefined): void {
    const file = this.#load();
    if (endpoint) {
      file.contexts[context] = { url: endpoint.url, ...(endpoint.orgId ? { orgId: endpoint.orgId } : {}), ...(endpoint.insecureSkipTlsVerify ? { insecureSkipTlsVerify: true } : {}) };
      if (endpoint.bearerToken) this.#tokens.set(context, endpoint.bearerToken);
      else this.#tokens.delete(context);
    } else {
      delete file.contexts[context];
      this.#tokens.delete(context);
    }
    this.#save(file);
  }

  #load(): SettingsFile {
    if (this.#file) return this.#file;
    this.#file = { version: 1, contexts: {} };
    if (!this.#path) return this.#file;
    try {
      const parsed = JSON.parse(readFileSync(this.#path, 'utf8')) as Partial<SettingsFile>;
      for (const [name, entry] of Object.entries(parsed.contexts ?? {})) {
        if (entry && typeof entry.url === 'string') {
          this.#file.contexts[name] = {
            url: entry.url,
            ...(typeof entry.orgId === 'string' && entry.orgId ? { orgId: entry.orgId } : {}),
            ...(entry.insecureSkipTlsVerify === true ? { insecureSkipTlsVerify: true } : {}),
          };
        }
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.#log?.warn(`cannot read the Prometheus settings ${this.#path}; starting without them`, (error as Error).message);
    }
    return this.#file;
  }

  #save(file: SettingsFile): void {
    if (!this.#path) return;
    try {
      mkdirSync(dirname(this.#path), { recursive: true, mode: 0o700 });
      const temporary = `${this.#path}.${process.pid}.tmp`;
      writeFileSync(temporary, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
      renameSync(temporary, this.#path);
    } catch (error) {
      this.#log?.warn(`cannot save the Prometheus settings to ${this.#path}; they last until Slicewise quits`, (error as Error).message);
    }
  }
}
