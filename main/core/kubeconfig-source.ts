import { randomUUID } from 'node:crypto';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ContextSummary, ExecConsentRequest } from '../../preload/contract/index.js';
import { ExecConsent, defaultConsentStorePath, type ConsentDecision, type ConsentRequest } from '../kubeconfig/exec-consent.js';
import { loadPluginPolicy } from '../kubeconfig/kuberc.js';
import { loadKubeconfig, watchKubeconfig, type KubeconfigSet } from '../kubeconfig/load.js';
import { ValueCell } from '../stream/value-cell.js';
import { AppError } from '../util/app-error.js';
import type { Disposable } from '../util/disposable.js';
import type { Logger } from '../util/log.js';

export interface ContextsPayload {
  contexts: ContextSummary[];
  problems: string[];
  localAvailable: boolean;
}

export interface KubeconfigSourceOptions {
  log: Logger;
  /** Explicit files (`--kubeconfig`); otherwise `$KUBECONFIG` or `~/.kube/config`. */
  paths?: string[];
  /** Where "always allow" answers are kept; Electron passes a file under userData. */
  consentStorePath?: string;
  /**
   * `ask` (the UI: requests wait for the user's answer), `allow` (CLI `--allow-exec`: "once" without
   * asking) or `refuse` (CLI without the flag: fail at once with how to allow, never hang).
   */
  execConsent?: 'ask' | 'allow' | 'refuse';
  env?: NodeJS.ProcessEnv;
  home?: string;
}

/**
 * The kubeconfig as the core sees it: loaded with kubectl's rules, reloaded when a file changes, and
 * the one place consent is asked (exec plugins, files outside ~/.kube). Pending consent requests are
 * published so the UI can show the dialog; `answer` settles them.
 */
export class KubeconfigSource implements Disposable {
  readonly contexts: ValueCell<ContextsPayload>;
  readonly consents = new ValueCell<ExecConsentRequest[]>([]);
  readonly #options: KubeconfigSourceOptions;
  readonly #consent: ExecConsent;
  readonly #waiting = new Map<string, { request: ExecConsentRequest; resolve: (decision: ConsentDecision) => void }>();
  #set: KubeconfigSet;
  #watch: Disposable;

  constructor(options: KubeconfigSourceOptions) {
    this.#options = options;
    const env = options.env ?? process.env;
    const home = options.home ?? homedir();
    this.#consent = new ExecConsent({
      storePath: options.consentStorePath ?? defaultConsentStorePath(env, home),
      prompt: options.execConsent === 'allow' ? async () => 'once' : options.execConsent === 'refuse' ? undefined : (request) => this.#ask(request),
      howToAllow: options.execConsent === 'refuse' ? 'run the command again with --allow-exec, or allow it once in the Slicewise window' : 'allow it in the Slicewise window, or run the command line with --allow-exec',
    });
    this.#set = this.#load();
    this.contexts = new ValueCell(this.#payload());
    this.#watch = this.#watchFiles();
  }

  get current(): KubeconfigSet {
    return this.#set;
  }

  /** Reloads now (also called by the file watcher). */
  reload(): void {
    this.#set = this.#load();
    this.contexts.set(this.#payload());
    // A new file may have appeared in $KUBECONFIG; watch the current list.
    void this.#watch.dispose();
    this.#watch = this.#watchFiles();
  }

  /**
   * Before a context is opened and resolved (which reads its CA file). Refusals given so far are
   * forgotten: choosing a context again is how the user asks to be asked again (a retrying watch
   * must not reopen the dialog, a click must). In the app, files the context names outside
   * ~/.kube are read only with the user's permission (SEC-13), asked like an exec plugin; the
   * command line reads them as kubectl does: whoever typed the command chose the kubeconfig.
   */
  async prepareOpen(contextName?: string): Promise<void> {
    this.#consent.clearDenials();
    if ((this.#options.execConsent ?? 'ask') !== 'ask') return;
    const wanted = this.#set.filesOutside(contextName, join(this.#options.home ?? homedir(), '.kube'));
    if (!wanted) return;
    await this.#consent.ensure({ kind: 'files', files: wanted.files, contextName: wanted.contextName, kubeconfigPath: wanted.kubeconfigPath, server: wanted.server, command: '', args: [], envNames: [] });
  }

  answer(id: string, decision: ConsentDecision): void {
    const waiting = this.#waiting.get(id);
    if (!waiting) throw new AppError('not-found', 'That permission request is no longer pending.');
    this.#waiting.delete(id);
    this.consents.set([...this.#waiting.values()].map((entry) => entry.request));
    waiting.resolve(decision);
  }

  dispose(): void {
    void this.#watch.dispose();
    for (const waiting of this.#waiting.values()) waiting.resolve('deny');
    this.#waiting.clear();
    this.consents.set([]);
  }

  #load(): KubeconfigSet {
    const env = this.#options.env ?? process.env;
    const home = this.#options.home ?? homedir();
    let policy;
    try {
      policy = loadPluginPolicy(env, home);
    } catch (error) {
      // A broken kuberc must not silently allow everything: deny exec plugins and say why.
      this.#options.log.warn('kuberc could not be read; exec plugins are denied', error);
      policy = { type: 'DenyAll' as const, allowlist: [] };
    }
    return loadKubeconfig(this.#options.paths, {
      env,
      home,
      credentials: { consent: this.#consent, policy, log: this.#options.log.child('credentials'), env },
    });
  }

  #payload(): ContextsPayload {
    return {
      contexts: [...this.#set.contexts],
      problems: this.#set.problems.map((problem) => `${problem.path}${problem.line ? `:${problem.line}` : ''}: ${problem.message}`),
      localAvailable: process.platform === 'linux',
    };
  }

  #watchFiles(): Disposable {
    return watchKubeconfig(this.#set.paths, () => {
      this.#options.log.info('kubeconfig changed; reloading contexts');
      this.reload();
    });
  }

  #ask(request: ConsentRequest): Promise<ConsentDecision> {
    return new Promise((resolve) => {
      const id = randomUUID();
      const visible: ExecConsentRequest = {
        id,
        kind: request.kind ?? 'exec',
        files: [...(request.files ?? [])],
        contextName: request.contextName,
        kubeconfigPath: request.kubeconfigPath,
        command: request.command,
        args: [...request.args],
        envNames: [...request.envNames],
        server: request.server,
      };
      this.#waiting.set(id, { request: visible, resolve });
      this.consents.set([...this.#waiting.values()].map((entry) => entry.request));
    });
  }
}
