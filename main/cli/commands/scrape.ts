import { AppError } from '../../util/app-error.js';
import { ScrapeDecoder, readAnnounced } from '../../scrape/exposition/decoder.js';
import { ParseError } from '../../scrape/exposition/parser.js';
import type { FamilyMeta } from '../../scrape/exposition/samples.js';
import { fetchScrapeBody } from '../../scrape/fetch.js';
import { DEFAULT_LIMITS, LimitError } from '../../scrape/limits.js';
import { httpRequester } from '../../scrape/requester.js';
import { parseDuration } from '../../store/selector.js';
import { EXIT_FAILURE, EXIT_OK, UsageError, parseFlags, type Command } from '../command.js';

/** `slicewise scrape <url>`: fetch once, print families, series, bytes and parse time. */
export const scrapeCommand: Command = {
  name: 'scrape',
  summary: 'fetch a metrics URL once and summarise it (families, series, bytes, parse time)',
  usage: `Usage: slicewise scrape <url> [--timeout 10s] [--insecure-skip-tls-verify]

Fetches an exporter's metrics once, the way a Slicewise scrape loop does (OpenMetrics preferred,
then text 0.0.4; gzip; the default limits: 32 MiB body, 200,000 samples), and prints the size, the
format, how long fetching and parsing took, and one line per metric family with its type and
series count.

  --timeout D                 give up after D (e.g. 5s, 1500ms; default 10s)
  --insecure-skip-tls-verify  accept any certificate from an https:// target`,
  async run(args, io) {
    const { values, positionals } = parseFlags(args, { timeout: { type: 'string' }, 'insecure-skip-tls-verify': { type: 'boolean' } }, true);
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'give the URL to scrape.' : 'give exactly one URL.');
    let timeoutMs = 10_000;
    if (values.timeout !== undefined) {
      try {
        timeoutMs = parseDuration(values.timeout);
      } catch {
        throw new UsageError(`--timeout must be a duration like 5s or 1500ms, got "${values.timeout}".`);
      }
    }
    try {
      const requester = httpRequester(positionals[0], { insecureSkipTlsVerify: values['insecure-skip-tls-verify'] === true });
      const fetchStarted = performance.now();
      const body = await fetchScrapeBody(requester, { timeoutMs, bodySizeBytes: DEFAULT_LIMITS.bodySizeBytes });
      const fetchMs = performance.now() - fetchStarted;
      const decoded = new ScrapeDecoder().decode(body.bytes, body.format);
      const families = decoded.families ?? [];
      const series = readAnnounced(decoded.announced, []) ?? [];
      const counts = seriesPerFamily(families, series.map((one) => one.name));
      const width = Math.max(6, ...families.map((family) => family.name.length));
      const lines = [
        `URL:          ${requester.describe()}`,
        `Content-Type: ${body.contentType ?? '(none)'} → parsed as ${body.format === 'openmetrics' ? 'OpenMetrics 1.0' : 'text 0.0.4'}`,
        `Bytes:        ${body.bytes.length} uncompressed, ${body.wireBytes} on the wire`,
        `Families:     ${families.length}`,
        `Series:       ${series.length}`,
        `Samples:      ${decoded.samplesScraped}${decoded.duplicates ? ` (${decoded.duplicates} duplicates dropped)` : ''}`,
        `Fetch:        ${fetchMs.toFixed(1)} ms`,
        `Parse:        ${decoded.parseMs.toFixed(1)} ms`,
        '',
        `${'FAMILY'.padEnd(width)}  ${'TYPE'.padEnd(14)}  SERIES`,
        ...families.map((family) => `${family.name.padEnd(width)}  ${family.type.padEnd(14)}  ${counts.get(family) ?? 0}`),
      ];
      io.stdout(lines.join('\n') + '\n');
      return EXIT_OK;
    } catch (error) {
      if (error instanceof AppError || error instanceof LimitError) {
        io.stderr(`slicewise scrape: ${error.message}\n`);
        return EXIT_FAILURE;
      }
      if (error instanceof ParseError) {
        io.stderr(`slicewise scrape: ${positionals[0]}:${error.line}:${error.column}: ${error.message}\n`);
        return EXIT_FAILURE;
      }
      throw error;
    }
  },
};

const SUFFIXES = ['_total', '_created', '_bucket', '_count', '_sum', '_gcount', '_gsum', '_info'];

/** Series counts per family: a series belongs to the family of its name, or of its name minus a type suffix. */
function seriesPerFamily(families: FamilyMeta[], seriesNames: string[]): Map<FamilyMeta, number> {
  const byName = new Map(families.map((family) => [family.name, family]));
  const counts = new Map<FamilyMeta, number>();
  for (const name of seriesNames) {
    let family = byName.get(name);
    for (const suffix of SUFFIXES) {
      if (family) break;
      if (name.endsWith(suffix)) family = byName.get(name.slice(0, -suffix.length));
    }
    if (family) counts.set(family, (counts.get(family) ?? 0) + 1);
  }
  return counts;
}
