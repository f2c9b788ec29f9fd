import { describe, expect, it } from 'vitest';
import { parseDuration, parseSelector } from '../../../../main/store/selector.js';
import { AppError } from '../../../../main/util/app-error.js';

describe('parseSelector', () => {
  it('reads a bare metric name', () => {
    expect(parseSelector('up')).toEqual({ matchers: [{ name: '__name__', op: '=', value: 'up' }] });
  });

  it('reads all four matcher operators, blanks, a trailing comma and every quote style', () => {
    expect(parseSelector(` node_cpu_seconds_total { mode != "idle", cpu =~ '0|1' , instance!~\`.*:9100\`, job="node", } `)).toEqual({
      matchers: [
        { name: '__name__', op: '=', value: 'node_cpu_seconds_total' },
        { name: 'mode', op: '!=', value: 'idle' },
        { name: 'cpu', op: '=~', value: '0|1' },
        { name: 'instance', op: '!~', value: '.*:9100' },
        { name: 'job', op: '=', value: 'node' },
      ],
    });
  });

  it('reads a selector without a metric name', () => {
    expect(parseSelector('{__name__=~"container_.*",pod="x"}').matchers).toHaveLength(2);
  });

  it('unescapes Go string escapes', () => {
    expect(parseSelector('m{a="q\\"\\\\\\n\\x41\\u00e9\\101"}').matchers[1].value).toBe('q"\\\nAéA');
  });

  it('reads rate, irate and increase with compound durations', () => {
    expect(parseSelector('rate(container_cpu_usage_seconds_total{pod="api"}[5m])')).toEqual({
      fn: 'rate',
      rangeMs: 300_000,
      matchers: [
        { name: '__name__', op: '=', value: 'container_cpu_usage_seconds_total' },
        { name: 'pod', op: '=', value: 'api' },
      ],
    });
    expect(parseSelector('irate( x [1m30s] )').rangeMs).toBe(90_000);
    expect(parseSelector('increase(x[1h])').fn).toBe('increase');
    expect(parseDuration('1d2h3m4s5ms')).toBe(86_400_000 + 7_200_000 + 180_000 + 4_000 + 5);
  });

  it('names the column of a syntax error', () => {
    const cases: [string, RegExp][] = [
      ['m{a="1"', /column 8 \(at the end\): expected "," or "}"/],
      ['m{a~"1"}', /column 4: expected =, !=, =~ or !~ after "a"/],
      ['sum(m)', /unknown function "sum"/],
      ['rate(m)', /column 7: expected a range like \[5m\]/],
      ['rate(m[5])', /duration unit/],
      ['m{a="1"} extra', /column 10: unexpected "e"/],
      ['m{a=~"("}', /Invalid regular expression/],
      ['{a=""}', /would match every series/],
      ['m{a="\\q"}', /unknown escape/],
    ];
    for (const [input, message] of cases) {
      let caught: unknown;
      try {
        parseSelector(input);
      } catch (error) {
        caught = error;
      }
      expect(caught, input).toBeInstanceOf(AppError);
      expect((caught as AppError).code).toBe('bad-request');
      expect((caught as AppError).message, input).toMatch(message);
    }
  });
});
