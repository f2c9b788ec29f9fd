import type { LabelSet } from './roles/object-meta.js';

/**
 * Prometheus `relabel_configs`, the subset the prometheus-community chart's jobs use, with the same
 * semantics as prometheus/prometheus model/relabel/relabel.go: regexes are fully anchored, source
 * values are joined with `;`, `$1`/`${1}`/`${name}` expand like Go's `Regexp.Expand`, a replacement
 * that expands to "" deletes the target label, and setting a label to "" removes it (labels.Builder).
 */

export type RelabelAction = 'replace' | 'keep' | 'drop' | 'labelmap' | 'labeldrop' | 'labelkeep';

export interface RelabelRule {
  action?: RelabelAction;
  source_labels?: string[];
  separator?: string;
  target_label?: string;
  /** RE2 syntax; the chart's patterns are also valid JavaScript. Anchored on both ends. */
  regex?: string;
  replacement?: string;
}

const compiled = new Map<string, RegExp>();

function anchored(regex: string): RegExp {
  let pattern = compiled.get(regex);
  if (!pattern) {
    // RE2 named groups are written (?P<name>…); JavaScript wants (?<name>…).
    pattern = new RegExp(`^(?:${regex.replace(/\(\?P</g, '(?<')})$`);
    compiled.set(regex, pattern);
  }
  return pattern;
}

/** Go `Regexp.Expand`: `$$` is `$`; `$name`/`${name}` is a group by number or name; unknown is "". */
export function expandTemplate(template: string, match: RegExpExecArray): string {
  return template.replace(/\$(?:(\$)|\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g, (_whole, dollar: string | undefined, braced: string | undefined, bare: string | undefined) => {
    if (dollar) return '$';
    const name = (braced ?? bare)!;
    if (/^\d+$/.test(name)) return match[Number(name)] ?? '';
    return match.groups?.[name] ?? '';
  });
}

/** True when the target passes `rule`, a keep or drop rule (empty and missing labels read as ""). */
export function passesFilter(labels: LabelSet, rule: RelabelRule): boolean {
  const value = (rule.source_labels ?? []).map((name) => labels[name] ?? '').join(rule.separator ?? ';');
  const matches = anchored(rule.regex ?? '(.*)').test(value);
  return rule.action === 'keep' ? matches : !matches;
}

/** Applies `rules` in order; `undefined` means the target was dropped. Does not modify `input`. */
export function relabel(input: LabelSet, rules: readonly RelabelRule[]): LabelSet | undefined {
  // Most targets are dropped by a leading keep/drop rule (no annotation): decide those before copying.
  let first = 0;
  while (first < rules.length && (rules[first].action === 'keep' || rules[first].action === 'drop')) {
    if (!passesFilter(input, rules[first])) return undefined;
    first += 1;
  }
  const labels: LabelSet = {};
  for (const [name, value] of Object.entries(input)) if (value !== '') labels[name] = value;
  const set = (name: string, value: string) => {
    if (value === '') delete labels[name];
    else labels[name] = value;
  };
  for (const rule of rules.slice(first)) {
    const action = rule.action ?? 'replace';
    const regex = anchored(rule.regex ?? '(.*)');
    const value = (rule.source_labels ?? []).map((name) => labels[name] ?? '').join(rule.separator ?? ';');
    switch (action) {
      case 'keep':
        if (!regex.test(value)) return undefined;
        break;
      case 'drop':
        if (regex.test(value)) return undefined;
        break;
      case 'replace': {
        const match = regex.exec(value);
        if (!match) break;
        const target = expandTemplate(rule.target_label ?? '', match);
        if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(target)) break;
        set(target, expandTemplate(rule.replacement ?? '$1', match));
        break;
      }
      case 'labelmap':
        for (const name of Object.keys(labels)) {
          const match = regex.exec(name);
          if (match) set(expandTemplate(rule.replacement ?? '$1', match), labels[name]);
        }
        break;
      case 'labeldrop':
        for (const name of Object.keys(labels)) if (regex.test(name)) delete labels[name];
        break;
      case 'labelkeep':
        for (const name of Object.keys(labels)) if (!regex.test(name)) delete labels[name];
        break;
    }
  }
  return labels;
}
