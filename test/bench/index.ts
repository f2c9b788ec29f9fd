// `npm run bench`: runs every suite and prints one line per figure with its target and PASS/MISS.
// Ratios are measured side by side in the same run, so they hold on a loaded machine where absolute
// times do not. The full run exits 0: a MISS is information, not a build failure (a run of named
// suites exits with its number of misses, which is how the full run counts them). Add a suite by
// exporting a `Suite` from a file here and listing it in SUITES.
//
// Each suite runs in a child process of its own: a suite's heap (the cluster-scale cache holds
// ~800 MB) and the collector threads that clean it up would otherwise run beside the next suite
// and share its two cores. `node bench.cjs <suite>…` runs the named suites in this process.
import { spawn } from 'node:child_process';
import type { Figure, Suite } from './figure.js';
import { parseThroughputSuite } from './parse-throughput.js';
import { ingestSuite } from './ingest.js';
import { storeMemorySuite } from './store-memory.js';
import { responsivenessSuite } from './responsiveness.js';
import { fuzzSuite } from './fuzz.js';
import { cgroupTreeRenderSuite } from './cgroup-tree-render.js';
import { clusterScaleSuite } from './cluster-scale.js';
import { localCgroupsSuite } from './local-cgroups.js';

const SUITES: Suite[] = [parseThroughputSuite, ingestSuite, storeMemorySuite, responsivenessSuite, fuzzSuite, localCgroupsSuite, clusterScaleSuite, cgroupTreeRenderSuite];

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** One line: name, value and unit, baseline and ratio when present, target, PASS/MISS. */
export function formatFigure(figure: Figure): string {
  const parts = [`${figure.name}: ${formatNumber(figure.value)} ${figure.unit}`];
  if (figure.baseline !== undefined) parts.push(`baseline ${formatNumber(figure.baseline)} ${figure.unit}`);
  if (figure.ratio !== undefined) parts.push(`ratio ${formatNumber(figure.ratio)}×`);
  parts.push(`target ${figure.target}`);
  parts.push(figure.pass ? 'PASS' : 'MISS');
  return parts.join('  |  ');
}

/** Runs one suite in a child process; resolves to its number of misses (its exit code). */
function runInChild(name: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...process.execArgv, __filename, name], { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', (error) => {
      process.stdout.write(`suite ${name} could not start: ${error.message}  |  MISS\n`);
      resolve(1);
    });
    child.on('exit', (code, signal) => {
      if (signal) process.stdout.write(`suite ${name} ended by ${signal}  |  MISS\n`);
      resolve(signal ? 1 : (code ?? 1));
    });
  });
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const unknown = only.filter((name) => !SUITES.some((suite) => suite.name === name));
  if (unknown.length > 0) {
    process.stdout.write(`unknown suite(s): ${unknown.join(', ')}; suites are ${SUITES.map((suite) => suite.name).join(', ')}\n`);
    process.exit(2);
  }
  if (only.length === 0) {
    let misses = 0;
    for (const suite of SUITES) misses += await runInChild(suite.name);
    process.stdout.write(`\n${misses === 0 ? 'all targets met' : `${misses} figure(s) missed their target`}\n`);
    process.exit(0);
  }
  let misses = 0;
  for (const suite of SUITES) {
    if (!only.includes(suite.name)) continue;
    process.stdout.write(`\n== ${suite.name}\n`);
    const started = Date.now();
    try {
      for (const figure of await suite.run()) {
        if (!figure.pass) misses++;
        process.stdout.write(`${formatFigure(figure)}\n`);
      }
    } catch (error) {
      misses++;
      process.stdout.write(`suite ${suite.name} failed to run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}  |  MISS\n`);
    }
    process.stdout.write(`(${suite.name} took ${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  }
  if (only.length > 1) process.stdout.write(`\n${misses === 0 ? 'all targets met' : `${misses} figure(s) missed their target`}\n`);
  // The exit code carries the misses to the parent run (capped below the signal range).
  process.exit(Math.min(misses, 100));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stdout.write(`bench crashed: ${String(error)}  |  MISS\n`);
    process.exit(process.argv.length > 2 ? 1 : 0);
  },
);
