import { describe, expect, it } from 'vitest';
import { familiesToSamples, formatExposition, type MetricFamily } from '../../../../../main/transport/local-host/exposition-writer.js';
import { readFamilies, readSamples } from '../../../../../main/scrape/exposition/samples.js';

describe('formatExposition', () => {
  it('writes HELP, TYPE, escaped label values, special values and timestamps in text format 0.0.4', () => {
    const shared = { id: '/system.slice/dev-disk-by\\x2did.swap', note: 'say "hi"\nbye' };
    const families: MetricFamily[] = [
      {
        name: 'container_memory_rss',
        help: 'Size of RSS in bytes.\nSecond line with a \\ backslash.',
        type: 'gauge',
        samples: [
          { labels: shared, value: 1024, timestampMs: 1_700_000_000_123 },
          { labels: { id: '/' }, value: Number.NaN },
        ],
      },
      { name: 'empty_family', help: 'never written', type: 'counter', samples: [] },
      { name: 'machine_cpu_cores', help: 'Cores.', type: 'gauge', samples: [{ labels: {}, value: Number.POSITIVE_INFINITY }, { labels: {}, value: -0.5 }] },
    ];
    const text = formatExposition(families);
    expect(text).toBe(
      '# HELP container_memory_rss Size of RSS in bytes.\\nSecond line with a \\\\ backslash.\n' +
        '# TYPE container_memory_rss gauge\n' +
        'container_memory_rss{id="/system.slice/dev-disk-by\\\\x2did.swap",note="say \\"hi\\"\\nbye"} 1024 1700000000123\n' +
        'container_memory_rss{id="/"} NaN\n' +
        '# HELP machine_cpu_cores Cores.\n' +
        '# TYPE machine_cpu_cores gauge\n' +
        'machine_cpu_cores +Inf\n' +
        'machine_cpu_cores -0.5\n',
    );
    // The project parser reads back exactly what was written (NaN compared as NaN).
    const parsed = readSamples(text, 'text');
    expect(parsed.map((sample) => ({ ...sample, value: Number.isNaN(sample.value) ? 'NaN' : sample.value }))).toEqual(
      familiesToSamples(families).map((sample) => ({ ...sample, value: Number.isNaN(sample.value) ? 'NaN' : sample.value })),
    );
    expect(readFamilies(text, 'text').map((family) => [family.name, family.type, family.help])).toEqual([
      ['container_memory_rss', 'gauge', 'Size of RSS in bytes.\nSecond line with a \\ backslash.'],
      ['machine_cpu_cores', 'gauge', 'Cores.'],
    ]);
  });

  it('writes nothing for no samples', () => {
    expect(formatExposition([])).toBe('');
    expect(formatExposition([{ name: 'x', help: '', type: 'untyped', samples: [] }])).toBe('');
  });
});
