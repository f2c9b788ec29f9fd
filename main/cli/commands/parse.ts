import { readFile } from 'node:fs/promises';
import { ParseError } from '../../scrape/exposition/parser.js';
import { readSamples } from '../../scrape/exposition/samples.js';
import { EXIT_FAILURE, EXIT_OK, UsageError, parseFlags, type Command } from '../command.js';

/** `slicewise parse <file>`: one JSON object per sample, or `file:line:column: message`. */
export const parseCommand: Command = {
  name: 'parse',
  summary: 'read a metrics file and print its samples as JSON lines',
  usage: `Usage: slicewise parse <file> [--openmetrics] [--strict]

Reads a Prometheus text (0.0.4) exposition, or OpenMetrics 1.0 with --openmetrics, and prints one
JSON object per sample: {"name":…,"labels":{…},"value":…,"timestampMs":…}. Labels are in input
order; "value" is a number, or the string "NaN", "+Inf" or "-Inf"; "timestampMs" is null when the
line has no timestamp (OpenMetrics seconds are converted to milliseconds). Use - to read stdin.
On a malformed file it prints file:line:column: message and exits 1.

  --openmetrics  read OpenMetrics 1.0 (must end with "# EOF")
  --strict       OpenMetrics: also enforce the specification's family rules (metric types,
                 grouping, histogram buckets, exemplars), as the conformance suite does`,
  async run(args, io) {
    const { values, positionals } = parseFlags(args, { openmetrics: { type: 'boolean' }, strict: { type: 'boolean' } }, true);
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'give the file to read.' : 'give exactly one file.');
    const file = positionals[0];
    let bytes: Uint8Array;
    try {
      bytes = file === '-' ? await readStdin() : await readFile(file);
    } catch (error) {
      io.stderr(`slicewise parse: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}\n`);
      return EXIT_FAILURE;
    }
    try {
      const samples = readSamples(bytes, values.openmetrics ? 'openmetrics' : 'text', { strict: values.strict === true });
      const lines: string[] = [];
      for (const sample of samples) {
        lines.push(JSON.stringify({ name: sample.name, labels: sample.labels, value: jsonValue(sample.value), timestampMs: sample.timestampMs }));
        if (lines.length === 4096) {
          io.stdout(lines.join('\n') + '\n');
          lines.length = 0;
        }
      }
      if (lines.length > 0) io.stdout(lines.join('\n') + '\n');
      return EXIT_OK;
    } catch (error) {
      if (error instanceof ParseError) {
        io.stderr(`${file}:${error.line}:${error.column}: ${error.message}\n`);
        return EXIT_FAILURE;
      }
      throw error;
    }
  },
};

/** Numbers as JSON, with the non-finite ones spelled as Prometheus' API does. */
export function jsonValue(value: number): number | string {
  if (Number.isFinite(value)) return value;
  if (Number.isNaN(value)) return 'NaN';
  return value > 0 ? '+Inf' : '-Inf';
}

async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
