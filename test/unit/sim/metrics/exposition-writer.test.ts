import { describe, expect, it } from 'vitest';
import { ExpositionWriter } from '../../../sim/metrics/exposition-writer.js';

describe('ExpositionWriter', () => {
  it('writes families sorted by name, label names sorted, series sorted by label values, histograms with le last', () => {
    const text = new ExpositionWriter()
      .gauge('zeta', 'Last.', {}, 1)
      .counter('alpha_total', 'A "help" with \\ and\nnewline.', { b: 'y', a: 'x"q' }, 12345678)
      .counter('alpha_total', 'A "help" with \\ and\nnewline.', { b: 'w', a: 'x"q' }, 0.5)
      .histogram('mid_seconds', 'H.', { path: '/' }, [0.1, 16000], [1, 3], 0.75, 4)
      .render();
    expect(text).toBe(
      [
        '# HELP alpha_total A "help" with \\\\ and\\nnewline.',
        '# TYPE alpha_total counter',
        'alpha_total{a="x\\"q",b="w"} 0.5',
        'alpha_total{a="x\\"q",b="y"} 1.2345678e+07',
        '# HELP mid_seconds H.',
        '# TYPE mid_seconds histogram',
        'mid_seconds_bucket{path="/",le="0.1"} 1',
        'mid_seconds_bucket{path="/",le="16000"} 3',
        'mid_seconds_bucket{path="/",le="+Inf"} 4',
        'mid_seconds_sum{path="/"} 0.75',
        'mid_seconds_count{path="/"} 4',
        '# HELP zeta Last.',
        '# TYPE zeta gauge',
        'zeta 1',
        '',
      ].join('\n'),
    );
    expect(() => new ExpositionWriter().counter('x', 'h', {}, 1).gauge('x', 'h', {}, 1)).toThrow(/counter and as gauge|gauge and as counter/);
  });
});
