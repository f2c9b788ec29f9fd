// `npm run bench`: runs every suite and prints one line per figure with its target and PASS/MISS.
// Ratios are measured side by side in the same run, so they hold on a loaded machine where absolute
// times do not. Always exits 0: a MISS is information, not a build failure. Add a suite by
// exporting a `Suite` from a file here and listing it in SUITES.
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

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  let misses = 0;
  for (const suite of SUITES) {
    if (only.length > 0 && !only.includes(suite.name)) continue;
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
  process.stdout.write(`\n${misses === 0 ? 'all targets met' : `${misses} figure(s) missed their target`}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stdout.write(`bench crashed: ${String(error)}\n`);
    process.exit(0);
  },
);
