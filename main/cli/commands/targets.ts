import type { TargetSummary } from '../../../preload/contract/index.js';
import { createCore } from '../../core/create-core.js';
import { Logger, levelFromEnv, stderrSink } from '../../util/log.js';
import { EXIT_FAILURE, EXIT_OK, parseFlags, parseIntegerFlag, type Command } from '../command.js';

const TRANSPORT_TEXT: Record<TargetSummary['transport'], string> = {
  'port-forward': 'port-forward',
  'pod-proxy': 'pod-proxy',
  'service-proxy': 'service-proxy',
  'node-proxy': 'node-proxy',
  direct: 'direct',
  local: 'local',
};

/** A fixed-width text table; the last column is not padded. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

export const targetsCommand: Command = {
  name: 'targets',
  summary: 'discover the scrape targets of a context, scrape each once and show their health',
  usage: `Usage: slicewise targets [--context NAME] [--node NODE] [--kubeconfig FILE]... [--json] [--allow-exec] [--timeout-ms N]

Connects to the context (default: the kubeconfig's current context), lists its nodes, pods,
services and endpoints, discovers scrape targets the way Prometheus' kubernetes_sd roles and the
prometheus-community chart would, scrapes each once through a port-forward or the apiserver proxy,
and prints one line per target: source, health, transport, what was scraped, samples and the error.

  --context NAME     the kubeconfig context to use
  --node NODE        only targets that describe this node (kubelet, cAdvisor, node-exporter)
  --kubeconfig FILE  read this file instead of $KUBECONFIG or ~/.kube/config (repeatable)
  --json             print the targets as JSON
  --allow-exec       allow the kubeconfig's exec credential plugin to run (once)
  --timeout-ms N     give up waiting for the first scrapes after N ms (default 30000)

Exit status: 0 when every target is up, 1 when a target is down or the cluster cannot be reached.`,
  async run(args, io) {
    const { values } = parseFlags(args, {
      context: { type: 'string' },
      node: { type: 'string' },
      kubeconfig: { type: 'string', multiple: true },
      json: { type: 'boolean' },
      'allow-exec': { type: 'boolean' },
      'timeout-ms': { type: 'string' },
    });
    const timeoutMs = parseIntegerFlag(values['timeout-ms'], 'timeout-ms', 1000, 600_000) ?? 30_000;
    const log = new Logger(stderrSink, levelFromEnv(process.env.SLICEWISE_LOG));
    const core = createCore({ front: 'cli', log, kubeconfigPaths: values.kubeconfig, execConsent: values['allow-exec'] ? 'allow' : 'refuse', firstScrape: 'immediate' });
    try {
      const status = await core.openSession({ context: values.context });
      if (status.state === 'error') {
        io.stderr(`slicewise targets: ${status.message}\n`);
        return EXIT_FAILURE;
      }
      const session = core.session.value;
      if (!session) return EXIT_FAILURE;
      const deadline = Date.now() + timeoutMs;
      let targets: TargetSummary[] = [];
      // Wait for the first list, discovery, and one scrape of every target.
      for (;;) {
        const state = session.status.value;
        if (state.state === 'error') {
          io.stderr(`slicewise targets: ${state.message}\n`);
          return EXIT_FAILURE;
        }
        targets = session.targets.value.filter((target) => !values.node || target.node === values.node);
        const done = state.state !== 'connecting' && session.targets.value.length > 0 && targets.every((target) => target.health !== 'unknown');
        if (done || Date.now() > deadline) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      if (values.json) io.stdout(`${JSON.stringify(targets, null, 2)}\n`);
      else {
        const rows = [...targets]
          .sort((a, b) => a.source.localeCompare(b.source) || a.endpoint.localeCompare(b.endpoint))
          .map((target) => [target.source, target.health, TRANSPORT_TEXT[target.transport], target.endpoint, target.lastSamples === undefined ? '' : String(target.lastSamples), target.lastError ?? target.transportNote ?? '']);
        io.stdout(formatTable(['SOURCE', 'HEALTH', 'TRANSPORT', 'TARGET', 'SAMPLES', 'ERROR'], rows));
        if (targets.length === 0) io.stderr(values.node ? `No targets describe node ${values.node}.\n` : 'Discovery found no targets.\n');
      }
      return targets.length > 0 && targets.every((target) => target.health === 'up') ? EXIT_OK : EXIT_FAILURE;
    } finally {
      await core.dispose();
    }
  },
};
