import { describe, expect, it } from 'vitest';
import { anchoredRegex, compileMatcher } from '../../../../main/store/matchers.js';

describe('label matchers', () => {
  const labels = { __name__: 'm', pod: 'api-7d9\nx', ns: 'Kube-System' };

  it('anchors regexes at both ends and lets . match a newline (RE2 (?s))', () => {
    expect(compileMatcher({ name: 'pod', op: '=~', value: 'api' })(labels)).toBe(false);
    expect(compileMatcher({ name: 'pod', op: '=~', value: 'api.*' })(labels)).toBe(true);
    expect(compileMatcher({ name: 'pod', op: '=~', value: 'x|api-7d9.x' })(labels)).toBe(true);
    expect(anchoredRegex('a|b').source).toBe('^(?:a|b)$');
  });

  it('turns a leading (?i) into a case-insensitive match', () => {
    expect(compileMatcher({ name: 'ns', op: '=~', value: '(?i)kube-system' })(labels)).toBe(true);
    expect(compileMatcher({ name: 'ns', op: '=~', value: 'kube-system' })(labels)).toBe(false);
  });

  it('treats a missing label as the empty string', () => {
    expect(compileMatcher({ name: 'container', op: '=', value: '' })(labels)).toBe(true);
    expect(compileMatcher({ name: 'container', op: '!=', value: '' })(labels)).toBe(false);
    expect(compileMatcher({ name: 'container', op: '=~', value: '.*' })(labels)).toBe(true);
    expect(compileMatcher({ name: 'container', op: '!~', value: '.+' })(labels)).toBe(true);
  });
});
