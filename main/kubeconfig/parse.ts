import { dirname, isAbsolute, resolve } from 'node:path';
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Node, type YAMLMap } from 'yaml';

/**
 * One kubeconfig file, read the way kubectl reads it (client-go `clientcmd/api/v1` types): YAML 1.1
 * scalars (sigs.k8s.io/yaml sits on go-yaml v2, so `y`, `on` and `no` are booleans), relative file
 * paths made absolute against the file that wrote them (client-go `ResolveLocalPaths`), and every
 * entry remembering its file and line so problems can be reported as `path:line`.
 *
 * Values that are secrets (tokens, passwords, key data) are kept as read, in memory only; nothing in
 * this module logs or formats them.
 */

/** Something wrong in a kubeconfig file, reported as `path:line:column: message`. */
export interface KubeconfigProblem {
  path: string;
  line?: number;
  column?: number;
  message: string;
}

interface Origin {
  /** Absolute path of the file that defined the entry. */
  sourcePath: string;
  line?: number;
}

/** A `clusters[]` entry. File paths are absolute. */
export interface ClusterEntry extends Origin {
  name: string;
  server: string;
  tlsServerName?: string;
  insecureSkipTlsVerify: boolean;
  certificateAuthority?: string;
  /** Decoded bytes of `certificate-authority-data`. */
  certificateAuthorityData?: Buffer;
  proxyUrl?: string;
  disableCompression: boolean;
  /** `extensions[name=client.authentication.k8s.io/exec].extension`, handed to exec plugins. */
  execExtension?: unknown;
}

/** `users[].user.exec` (client-go `ExecConfig`). */
export interface ExecConfig {
  /** As written, or absolute when it contained a path separator (resolved against the file). */
  command: string;
  args: string[];
  env: { name: string; value: string }[];
  apiVersion: string;
  installHint?: string;
  provideClusterInfo: boolean;
  interactiveMode?: string;
}

/** A `users[]` entry. File paths are absolute. Holds secrets: never log or serialise it. */
export interface UserEntry extends Origin {
  name: string;
  clientCertificate?: string;
  clientCertificateData?: Buffer;
  clientKey?: string;
  clientKeyData?: Buffer;
  token?: string;
  tokenFile?: string;
  username?: string;
  password?: string;
  impersonate?: string;
  authProvider?: { name: string; config: Record<string, string> };
  exec?: ExecConfig;
}

/** A `contexts[]` entry. */
export interface ContextEntry extends Origin {
  name: string;
  cluster: string;
  user: string;
  namespace?: string;
}

export interface ParsedKubeconfig {
  path: string;
  clusters: ClusterEntry[];
  users: UserEntry[];
  contexts: ContextEntry[];
  currentContext?: string;
  problems: KubeconfigProblem[];
  /** False when the file could not be read or parsed at all (its entries are then empty). */
  loaded: boolean;
}

/**
 * Parses one kubeconfig file's text. `path` must be absolute; relative paths inside are resolved
 * against its folder. Never throws: everything wrong lands in `problems`, and entries that are
 * themselves broken are skipped while the rest of the file still counts.
 */
export function parseKubeconfig(text: string, path: string): ParsedKubeconfig {
  const result: ParsedKubeconfig = { path, clusters: [], users: [], contexts: [], problems: [], loaded: false };
  const lineCounter = new LineCounter();
  // YAML 1.1 like go-yaml v2; uniqueKeys off because go-yaml v2 lets a later key win silently.
  const doc = parseDocument(text, { lineCounter, version: '1.1', uniqueKeys: false, prettyErrors: false });
  const problem = (message: string, node?: Node | null, offset?: number): void => {
    const at = offset ?? node?.range?.[0];
    if (at === undefined) {
      result.problems.push({ path, message });
      return;
    }
    const position = lineCounter.linePos(at);
    result.problems.push({ path, line: position.line, column: position.col, message });
  };

  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      // The library's message repeats the source line; keep its first sentence only, since a
      // kubeconfig line can hold a token.
      const first = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      problem(`not valid YAML: ${first}`, null, error.pos[0]);
    }
    return result;
  }
  const root = doc.contents;
  if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) {
    // An empty file is valid to kubectl (an empty config).
    result.loaded = true;
    return result;
  }
  if (!isMap(root)) {
    problem('a kubeconfig must be a YAML mapping with clusters, users and contexts', root);
    return result;
  }
  result.loaded = true;
  const lineOf = (node: Node): number | undefined => (node.range ? lineCounter.linePos(node.range[0]).line : undefined);
  const baseDir = dirname(path);
  const absolute = (value: string | undefined): string | undefined => (value === undefined || value === '' || isAbsolute(value) ? value || undefined : resolve(baseDir, value));

  const kind = stringAt(root, 'kind');
  if (kind.value !== undefined && kind.value !== 'Config') problem(`kind is "${kind.value}", expected "Config"`, kind.node);

  const current = stringAt(root, 'current-context');
  if (current.error) problem(`current-context ${current.error}`, current.node);
  else if (current.value) result.currentContext = current.value;

  const seen = { clusters: new Set<string>(), users: new Set<string>(), contexts: new Set<string>() };

  forEachNamed(root, 'clusters', 'cluster', problem, seen.clusters, lineOf, (name, body, line) => {
    const fields = new Fields(body, problem, `cluster "${name}"`);
    const server = fields.string('server') ?? '';
    const caData = fields.base64('certificate-authority-data');
    const entry: ClusterEntry = {
      name,
      server: server.replace(/\/+$/, ''),
      insecureSkipTlsVerify: fields.boolean('insecure-skip-tls-verify') ?? false,
      disableCompression: fields.boolean('disable-compression') ?? false,
      sourcePath: path,
      line,
    };
    const tlsServerName = fields.string('tls-server-name');
    if (tlsServerName) entry.tlsServerName = tlsServerName;
    const ca = absolute(fields.string('certificate-authority'));
    if (ca) entry.certificateAuthority = ca;
    if (caData) entry.certificateAuthorityData = caData;
    const proxyUrl = fields.string('proxy-url');
    if (proxyUrl) entry.proxyUrl = proxyUrl;
    const extensions = body ? body.get('extensions', true) : undefined;
    if (isSeq(extensions)) {
      for (const item of extensions.items) {
        if (isMap(item) && item.get('name') === 'client.authentication.k8s.io/exec') {
          entry.execExtension = (item.toJSON() as { extension?: unknown }).extension ?? null;
        }
      }
    }
    result.clusters.push(entry);
  });

  forEachNamed(root, 'users', 'user', problem, seen.users, lineOf, (name, body, line) => {
    const fields = new Fields(body, problem, `user "${name}"`);
    const entry: UserEntry = { name, sourcePath: path, line };
    const set = <K extends keyof UserEntry>(key: K, value: UserEntry[K] | undefined) => {
      if (value !== undefined && value !== '') entry[key] = value;
    };
    set('clientCertificate', absolute(fields.string('client-certificate')));
    set('clientCertificateData', fields.base64('client-certificate-data'));
    set('clientKey', absolute(fields.string('client-key')));
    set('clientKeyData', fields.base64('client-key-data'));
    set('token', fields.string('token'));
    set('tokenFile', absolute(fields.string('tokenFile')));
    set('username', fields.string('username'));
    set('password', fields.string('password'));
    set('impersonate', fields.string('as'));
    const provider = body?.get('auth-provider', true);
    if (isMap(provider)) {
      const providerFields = new Fields(provider, problem, `user "${name}" auth-provider`);
      const config: Record<string, string> = {};
      const configNode = provider.get('config', true);
      if (isMap(configNode)) {
        for (const pair of configNode.items) {
          if (isScalar(pair.key) && isScalar(pair.value)) config[String(pair.key.value)] = String(pair.value.value ?? '');
        }
      }
      entry.authProvider = { name: providerFields.string('name') ?? '', config };
    }
    const exec = body?.get('exec', true);
    if (isMap(exec)) {
      const execFields = new Fields(exec, problem, `user "${name}" exec`);
      const command = execFields.string('command') ?? '';
      if (!command) problem(`user "${name}": exec.command is empty`, exec);
      const apiVersion = execFields.string('apiVersion') ?? '';
      const config: ExecConfig = {
        // client-go resolves the command against the kubeconfig's folder only when it is a path.
        command: command.includes('/') ? (absolute(command) ?? command) : command,
        args: execFields.stringList('args'),
        env: execFields.envList('env'),
        apiVersion,
        provideClusterInfo: execFields.boolean('provideClusterInfo') ?? false,
      };
      const installHint = execFields.string('installHint');
      if (installHint) config.installHint = installHint;
      const interactiveMode = execFields.string('interactiveMode');
      if (interactiveMode) config.interactiveMode = interactiveMode;
      if (command) entry.exec = config;
    }
    result.users.push(entry);
  });

  forEachNamed(root, 'contexts', 'context', problem, seen.contexts, lineOf, (name, body, line) => {
    const fields = new Fields(body, problem, `context "${name}"`);
    const entry: ContextEntry = { name, cluster: fields.string('cluster') ?? '', user: fields.string('user') ?? '', sourcePath: path, line };
    const namespace = fields.string('namespace');
    if (namespace) entry.namespace = namespace;
    result.contexts.push(entry);
  });

  return result;
}

type ProblemSink = (message: string, node?: Node | null) => void;

/** Reads `key` of a map as a string; YAML 1.1 turns `y`/`on`/`123` into non-strings, which kubectl rejects. */
function stringAt(map: YAMLMap, key: string): { value?: string; node?: Node; error?: string } {
  const node = map.get(key, true) as Node | undefined;
  if (node === undefined || node === null) return {};
  if (isScalar(node)) {
    if (node.value === null) return { node };
    if (typeof node.value === 'string') return { value: node.value, node };
    return { node, error: `must be a string, found ${String(node.value)} (quote it: in YAML 1.1 it reads as ${typeof node.value})` };
  }
  return { node, error: 'must be a string' };
}

/** Typed reads of one entry's fields, reporting wrong types with their line. */
class Fields {
  readonly #map: YAMLMap | undefined;
  readonly #problem: ProblemSink;
  readonly #label: string;

  constructor(map: YAMLMap | undefined, problem: ProblemSink, label: string) {
    this.#map = map;
    this.#problem = problem;
    this.#label = label;
  }

  string(key: string): string | undefined {
    if (!this.#map) return undefined;
    const read = stringAt(this.#map, key);
    if (read.error) this.#problem(`${this.#label}: ${key} ${read.error}`, read.node);
    return read.value;
  }

  boolean(key: string): boolean | undefined {
    const node = this.#map?.get(key, true) as Node | undefined;
    if (node === undefined || node === null) return undefined;
    if (isScalar(node) && typeof node.value === 'boolean') return node.value;
    if (isScalar(node) && node.value === null) return undefined;
    this.#problem(`${this.#label}: ${key} must be true or false`, node);
    return undefined;
  }

  base64(key: string): Buffer | undefined {
    const value = this.string(key);
    if (value === undefined || value === '') return undefined;
    const compact = value.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1) {
      // Never echo the value: it may be a private key.
      this.#problem(`${this.#label}: ${key} is not valid base64`, this.#map?.get(key, true) as Node);
      return undefined;
    }
    return Buffer.from(compact, 'base64');
  }

  stringList(key: string): string[] {
    const node = this.#map?.get(key, true) as Node | undefined;
    if (node === undefined || node === null || (isScalar(node) && node.value === null)) return [];
    if (!isSeq(node)) {
      this.#problem(`${this.#label}: ${key} must be a list`, node);
      return [];
    }
    const values: string[] = [];
    for (const item of node.items) {
      if (isScalar(item) && item.value !== null && typeof item.value !== 'object') values.push(String(item.value));
      else this.#problem(`${this.#label}: every entry of ${key} must be a string`, item as Node);
    }
    return values;
  }

  envList(key: string): { name: string; value: string }[] {
    const node = this.#map?.get(key, true) as Node | undefined;
    if (node === undefined || node === null || (isScalar(node) && node.value === null)) return [];
    if (!isSeq(node)) {
      this.#problem(`${this.#label}: ${key} must be a list of {name, value}`, node);
      return [];
    }
    const env: { name: string; value: string }[] = [];
    for (const item of node.items) {
      if (!isMap(item)) {
        this.#problem(`${this.#label}: every entry of ${key} must be {name, value}`, item as Node);
        continue;
      }
      const fields = new Fields(item, this.#problem, `${this.#label} ${key}`);
      const name = fields.string('name');
      if (!name) continue;
      env.push({ name, value: fields.string('value') ?? '' });
    }
    return env;
  }
}

/**
 * Walks `root[listKey]`, a list of `{name, <bodyKey>: {...}}`. Duplicate names inside one file make
 * kubectl reject the whole file ("duplicate name in list"); we report the duplicate and keep the
 * first, so one slip does not hide every other context.
 */
function forEachNamed(
  root: YAMLMap,
  listKey: string,
  bodyKey: string,
  problem: ProblemSink,
  seen: Set<string>,
  lineOf: (node: Node) => number | undefined,
  visit: (name: string, body: YAMLMap | undefined, line: number | undefined) => void,
): void {
  const list = root.get(listKey, true) as Node | undefined;
  if (list === undefined || list === null || (isScalar(list) && list.value === null)) return;
  if (!isSeq(list)) {
    problem(`${listKey} must be a list`, list);
    return;
  }
  for (const item of list.items) {
    if (!isMap(item)) {
      problem(`every entry of ${listKey} must be a mapping with name and ${bodyKey}`, item as Node);
      continue;
    }
    const name = stringAt(item, 'name');
    if (name.error) {
      problem(`${listKey} entry name ${name.error}`, name.node);
      continue;
    }
    if (!name.value) {
      problem(`a ${bodyKey} in ${listKey} has no name`, item);
      continue;
    }
    if (seen.has(name.value)) {
      problem(`duplicate ${bodyKey} name "${name.value}" in this file; the first one is used`, item);
      continue;
    }
    seen.add(name.value);
    const body = item.get(bodyKey, true) as Node | undefined;
    if (body !== undefined && body !== null && !isMap(body) && !(isScalar(body) && body.value === null)) {
      problem(`${bodyKey} "${name.value}" must be a mapping`, body);
      continue;
    }
    visit(name.value, isMap(body) ? body : undefined, lineOf(item));
  }
}
