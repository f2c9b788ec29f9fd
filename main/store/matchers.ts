// Label matchers with PromQL semantics (prometheus/prometheus model/labels/matcher.go): a missing
// label matches as the empty string, so `{container=""}` selects series without a container label;
// regular expressions are fully anchored (`=~"a|b"` means `^(?:a|b)$`) and `.` matches newlines
// (Go RE2 `(?s)`). Regexes run on JavaScript's engine, which differs from RE2 in corners (no
// `(?i)` inside the pattern except a leading one, which becomes the `i` flag; lookarounds are
// accepted here although RE2 refuses them).
import { AppError } from '../util/app-error.js';
import type { LabelSet } from './labels.js';

/** One label matcher, e.g. `{ name: 'namespace', op: '=~', value: 'kube-.*' }`. */
export interface LabelMatcher {
  name: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

/** A matcher ready to test label sets. */
export type CompiledMatcher = (labels: LabelSet) => boolean;

/** Compiles a matcher; throws `AppError('bad-request')` for an invalid regular expression. */
export function compileMatcher(matcher: LabelMatcher): CompiledMatcher {
  const { name, op, value } = matcher;
  switch (op) {
    case '=':
      return (labels) => (labels[name] ?? '') === value;
    case '!=':
      return (labels) => (labels[name] ?? '') !== value;
    case '=~':
    case '!~': {
      const regex = anchoredRegex(value);
      return op === '=~' ? (labels) => regex.test(labels[name] ?? '') : (labels) => !regex.test(labels[name] ?? '');
    }
    default:
      throw new AppError('bad-request', `Unknown matcher operator "${String(op)}"; use =, !=, =~ or !~.`);
  }
}

/** `^(?:pattern)$` with dotAll, as PromQL anchors regex matchers. */
export function anchoredRegex(pattern: string): RegExp {
  let flags = 's';
  let body = pattern;
  if (body.startsWith('(?i)')) {
    flags += 'i';
    body = body.slice(4);
  }
  try {
    return new RegExp(`^(?:${body})$`, flags);
  } catch (error) {
    throw new AppError('bad-request', `Invalid regular expression "${pattern}": ${(error as Error).message}.`);
  }
}
