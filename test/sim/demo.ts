import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '../helpers/fixtures.js';
import { startSimulator } from './simulator.js';

/**
 * `npm run demo`: starts the `demo` scenario (real exporters where installed, the scenario's script
 * of gentle churn), then Slicewise's browser mode against it
 * (`node out/main/cli.cjs web --kubeconfig <file> --no-open`), passing Slicewise's output through
 * (its "ready at <url>" line included). Ctrl-C stops Slicewise, then the simulator and everything
 * it started.
 */

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { scenario: { type: 'string' }, 'no-processes': { type: 'boolean' }, 'no-script': { type: 'boolean' }, port: { type: 'string' } },
    strict: true,
  });
  const cli = join(REPO_ROOT, 'out', 'main', 'cli.cjs');
  if (!existsSync(cli)) {
    process.stderr.write(`demo: ${cli} is missing; run npm run build first\n`);
    return 1;
  }
  const sim = await startSimulator({
    scenario: values.scenario ?? 'demo',
    processes: !values['no-processes'],
    script: !values['no-script'],
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stderr.write(`kube-sim listening on ${sim.url} (kubeconfig: ${sim.kubeconfigPath})\n`);

  const args = [cli, 'web', '--kubeconfig', sim.kubeconfigPath, '--no-open', ...(values.port ? ['--port', values.port] : [])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  child.stdout.on('data', (chunk: Buffer) => process.stdout.write(chunk));
  const exited = new Promise<number>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 0 : 1)));
    child.once('error', (error) => {
      process.stderr.write(`demo: could not start Slicewise: ${error.message}\n`);
      resolve(1);
    });
  });
  const stopChild = () => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) child.kill('SIGTERM');
  };
  const code = await Promise.race([
    exited,
    new Promise<number>((resolve) => {
      const stop = () => {
        stopChild();
        resolve(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    }),
  ]);
  stopChild();
  const killTimer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(killTimer);
  await sim.stop();
  return code;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`demo: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
