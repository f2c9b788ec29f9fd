import { homedir } from 'node:os';
import type { ContextSummary } from '../../../preload/contract/index.js';
import { ApiClient } from '../../cluster/api-client.js';
import { defaultConsentStorePath, ExecConsent } from '../../kubeconfig/exec-consent.js';
import { loadPluginPolicy } from '../../kubeconfig/kuberc.js';
import { loadKubeconfig, type KubeconfigProblem, type ResolvedContext } from '../../kubeconfig/load.js';
import { AppError } from '../../util/app-error.js';
import { Logger, levelFromEnv, stderrSink } from '../../util/log.js';
import { EXIT_FAILURE, EXIT_OK, parseFlags, UsageError, type Command } from '../command.js';

/** Result of `--check` for one context: the server's version, or why it could not be reached. */
interface ContextCheck {
  ok: boolean;
  /** `gitVersion` from `/version` when ok. */
  version?: string;
  code?: string;
  message?: string;
}

export const contextsCommand: Command = {
  name: 'contexts',
  summary: 'list the kubeconfig contexts (and check that they connect)',
  usage: `Usage: slicewise contexts [--kubeconfig FILE]... [--json] [--check [--context NAME] [--allow-exec]]

Lists every context of the kubeconfig, merged the way kubectl merges $KUBECONFIG (or
~/.kube/config): name, cluster, server, user, namespace and how the user authenticates. The current
context is marked with *. Problems in the files go to stderr as path:line: message; the readable
files still count.

  --kubeconfig FILE  read this file instead of $KUBECONFIG or ~/.kube/config (repeatable; the first
                     file that sets a value wins)
  --json             print {contexts, currentContext, problems[, checks]} as JSON
  --check            connect to each context (GET /version) and add a STATUS column
  --context NAME     with --check, check only this context
  --allow-exec       with --check, allow the kubeconfig's exec credential plugins to run (once);
                     without it, only plugins you allowed "always" in the app run

Exit status: 0 when the files (or some of them) could be read; 1 when none could, or when --check
found a context it could not reach.`,
  async run(args, io) {
    const { values } = parseFlags(args, {
      kubeconfig: { type: 'string', multiple: true },
      json: { type: 'boolean' },
      check: { type: 'boolean' },
      context: { type: 'string' },
      'allow-exec': { type: 'boolean' },
    });
    if ((values.context || values['allow-exec']) && !values.check) throw new UsageError('--context and --allow-exec only make sense with --check.');
    const log = new Logger(stderrSink, levelFromEnv(process.env.SLICEWISE_LOG));
    const home = homedir();
    const consent = new ExecConsent({
      storePath: defaultConsentStorePath(process.env, home),
      prompt: values['allow-exec'] ? async () => 'once' : undefined,
      howToAllow: 'run the command again with --allow-exec, or allow it in the Slicewise window',
    });
    const set = loadKubeconfig(values.kubeconfig, { credentials: { consent, policy: loadPluginPolicy(process.env, home), log } });

    let checks: Record<string, ContextCheck> | undefined;
    if (values.check) {
      const names = values.context ? [values.context] : set.contexts.map((context) => context.name);
      if (values.context && !set.contexts.some((context) => context.name === values.context)) {
        throw new UsageError(`there is no context "${values.context}"; known: ${set.contexts.map((context) => context.name).join(', ') || 'none'}.`);
      }
      checks = Object.fromEntries(await mapLimited(names, 4, async (name) => [name, await checkContext((context) => set.resolve(context), name, log)] as const));
    }

    for (const problem of set.problems) io.stderr(`${formatProblem(problem)}\n`);
    if (values.json) {
      io.stdout(`${JSON.stringify({ contexts: set.contexts, currentContext: set.currentContext ?? null, problems: set.problems, ...(checks ? { checks } : {}) }, null, 2)}\n`);
    } else if (set.contexts.length === 0) {
      io.stderr('No contexts found.\n');
    } else {
      io.stdout(renderTable(set.contexts, checks));
      const insecure = set.contexts.filter((context) => context.insecureSkipTlsVerify).map((context) => context.name);
      if (insecure.length) io.stderr(`warning: ${insecure.join(', ')} skip${insecure.length === 1 ? 's' : ''} TLS verification (insecure-skip-tls-verify): anyone on the network path can impersonate the cluster.\n`);
    }

    if (set.loadedPaths.length === 0) return EXIT_FAILURE;
    if (checks && Object.values(checks).some((check) => !check.ok)) return EXIT_FAILURE;
    return EXIT_OK;
  },
};

/** `path:line: message`, or `path: message` when the problem has no line. */
export function formatProblem(problem: KubeconfigProblem): string {
  return problem.line === undefined ? `${problem.path}: ${problem.message}` : `${problem.path}:${problem.line}: ${problem.message}`;
}

/** The auth column: the kind, plus the plugin name for exec users (`exec:aws`). */
function authLabel(context: ContextSummary): string {
  return context.authKind === 'exec' && context.execCommand ? `exec:${context.execCommand}` : context.authKind;
}

/** kubectl-style columns (three spaces apart), `*` in CURRENT for the current context. */
export function renderTable(contexts: readonly ContextSummary[], checks?: Record<string, ContextCheck>): string {
  const header = ['CURRENT', 'NAME', 'CLUSTER', 'SERVER', 'USER', 'NAMESPACE', 'AUTH', ...(checks ? ['STATUS'] : [])];
  const rows = contexts.map((context) => {
    const row = [context.isCurrent ? '*' : '', context.name, context.cluster, context.server, context.user, context.namespace ?? '', authLabel(context)];
    if (checks) {
      const check = checks[context.name];
      row.push(!check ? '' : check.ok ? `ok (${check.version ?? 'unknown version'})` : `${check.code}: ${check.message}`);
    }
    return row;
  });
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column])))
      .join('   ')
      .trimEnd();
  return `${[header, ...rows].map(line).join('\n')}\n`;
}

async function checkContext(resolve: (name: string) => ResolvedContext, name: string, log: Logger): Promise<ContextCheck> {
  let client: ApiClient | undefined;
  try {
    client = new ApiClient(resolve(name), { log: log.child('apiserver'), timeoutMs: 10_000 });
    const version = await client.get<{ gitVersion?: string }>('/version');
    return { ok: true, version: version.gitVersion };
  } catch (error) {
    if (error instanceof AppError) return { ok: false, code: error.code, message: error.message };
    return { ok: false, code: 'internal', message: 'Slicewise hit an internal error; run with SLICEWISE_LOG=debug for details.' };
  } finally {
    client?.dispose();
  }
}

async function mapLimited<T, R>(items: readonly T[], limit: number, map: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await map(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
