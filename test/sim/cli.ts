import { parseArgs } from 'node:util';
import { startSimulator, type Simulator } from './simulator.js';

/**
 * `npm run sim -- --scenario <name|file> --kubeconfig <out> [--port N] [--nodes N --pods-per-node M]`
 * Runs the simulator in the foreground. stdout gets exactly one line once it is ready:
 * `kube-sim listening on https://127.0.0.1:<port> (kubeconfig: <path>)`; everything else goes to
 * stderr. Ctrl-C (SIGINT) or SIGTERM stops everything it started.
 */

const USAGE = `Usage: npm run sim -- [--scenario demo|minimal|edge|scale|<file.yaml>] [--kubeconfig FILE] [--port N]
                      [--nodes N --pods-per-node M] [--no-processes] [--no-script]

  --scenario NAME|FILE  built-in scenario or a scenario YAML file (default: demo)
  --kubeconfig FILE     write the kubeconfig here (default: a file in the run's temp folder)
  --port N              apiserver port (default: chosen at run time)
  --nodes N             scale mode: N generated nodes (default 5000 when --pods-per-node is given)
  --pods-per-node M     scale mode: M generated pods per node (default 30)
  --no-processes        never start Debian exporters; use the scenario's recorded fallbacks
  --no-script           do not run the scenario's timed changes
`;

async function main(): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: process.argv.slice(2),
      options: {
        scenario: { type: 'string' },
        kubeconfig: { type: 'string' },
        port: { type: 'string' },
        nodes: { type: 'string' },
        'pods-per-node': { type: 'string' },
        'no-processes': { type: 'boolean' },
        'no-script': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`kube-sim: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const integer = (name: string, min: number, max: number): number | undefined => {
    const text = values[name];
    if (text === undefined) return undefined;
    const value = Number(text);
    if (!Number.isInteger(value) || value < min || value > max) throw new Error(`--${name} must be an integer from ${min} to ${max}, got "${String(text)}"`);
    return value;
  };
  let sim: Simulator;
  try {
    const nodes = integer('nodes', 1, 100_000);
    const podsPerNode = integer('pods-per-node', 1, 250);
    const scale = nodes !== undefined || podsPerNode !== undefined ? { ...(nodes !== undefined ? { nodes } : {}), ...(podsPerNode !== undefined ? { podsPerNode } : {}) } : undefined;
    sim = await startSimulator({
      scenario: (values.scenario as string | undefined) ?? 'demo',
      kubeconfigPath: values.kubeconfig as string | undefined,
      port: integer('port', 0, 65535),
      scale,
      processes: !values['no-processes'],
      script: !values['no-script'],
      log: (line) => process.stderr.write(`${line}\n`),
    });
  } catch (error) {
    process.stderr.write(`kube-sim: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  process.stdout.write(`kube-sim listening on ${sim.url} (kubeconfig: ${sim.kubeconfigPath})\n`);
  process.stderr.write(`kube-sim: contexts ${sim.contexts.join(', ')}; Ctrl-C stops it\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await sim.stop();
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`kube-sim: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
