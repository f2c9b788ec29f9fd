import type { KubeObject, Node, Pod, Service } from '../cluster/kube-object.js';

/**
 * Label and field selectors as the apiserver parses them (apimachinery pkg/labels/selector.go,
 * pkg/fields/selector.go). Errors carry the apiserver's wording so clients show familiar text.
 */

export class SelectorError extends Error {}

export interface LabelRequirement {
  readonly key: string;
  readonly op: '=' | '!=' | 'in' | 'notin' | 'exists' | '!';
  readonly values: readonly string[];
}

/** Splits on commas that are not inside parentheses. */
function splitTerms(text: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')') depth--;
    else if (text[i] === ',' && depth === 0) {
      terms.push(text.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(text.slice(start));
  return terms.map((t) => t.trim()).filter((t) => t.length > 0);
}

const KEY = /^([a-z0-9A-Z.-]+\/)?[a-zA-Z0-9]([-a-zA-Z0-9_.]*[a-zA-Z0-9])?$/;

export function parseLabelSelector(text: string | null | undefined): LabelRequirement[] {
  if (!text) return [];
  return splitTerms(text).map((term): LabelRequirement => {
    let match = /^(\S+?)\s+(in|notin)\s*\(([^)]*)\)$/.exec(term);
    if (match) return checkKey({ key: match[1], op: match[2] as 'in' | 'notin', values: match[3].split(',').map((v) => v.trim()).filter(Boolean) }, text);
    match = /^!\s*(\S+)$/.exec(term);
    if (match) return checkKey({ key: match[1], op: '!', values: [] }, text);
    match = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term);
    if (match) return checkKey({ key: match[1], op: match[2] === '!=' ? '!=' : '=', values: [match[3]] }, text);
    match = /^([^=!\s()]+)$/.exec(term);
    if (match) return checkKey({ key: match[1], op: 'exists', values: [] }, text);
    throw new SelectorError(`unable to parse requirement: found '${term}', expected: in, notin, =, ==, !=, gt, lt`);
  });
}

function checkKey(requirement: LabelRequirement, text: string): LabelRequirement {
  if (!KEY.test(requirement.key)) throw new SelectorError(`unable to parse requirement: invalid label key "${requirement.key}" in selector "${text}"`);
  return requirement;
}

export function matchesLabels(requirements: readonly LabelRequirement[], labels: Record<string, string> | undefined): boolean {
  for (const r of requirements) {
    const value = labels?.[r.key];
    switch (r.op) {
      case '=':
        if (value !== r.values[0]) return false;
        break;
      case '!=':
        if (value === r.values[0]) return false;
        break;
      case 'in':
        if (value === undefined || !r.values.includes(value)) return false;
        break;
      case 'notin':
        if (value !== undefined && r.values.includes(value)) return false;
        break;
      case 'exists':
        if (value === undefined) return false;
        break;
      case '!':
        if (value !== undefined) return false;
        break;
    }
  }
  return true;
}

export interface FieldRequirement {
  readonly field: string;
  readonly op: '=' | '!=';
  readonly value: string;
}

/** Field selectors each resource supports (apiserver registry GetAttrs/field label conversion funcs). */
const FIELDS: Record<string, readonly string[]> = {
  pods: ['metadata.name', 'metadata.namespace', 'spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.nominatedNodeName'],
  nodes: ['metadata.name', 'spec.unschedulable'],
  services: ['metadata.name', 'metadata.namespace', 'spec.clusterIP', 'spec.type'],
  namespaces: ['metadata.name', 'status.phase'],
  events: ['metadata.name', 'metadata.namespace', 'involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid', 'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason', 'reportingComponent', 'source', 'type'],
};

export function parseFieldSelector(text: string | null | undefined, resource: string): FieldRequirement[] {
  if (!text) return [];
  const supported = FIELDS[resource] ?? ['metadata.name', 'metadata.namespace'];
  return splitTerms(text).map((term): FieldRequirement => {
    const match = /^([^=!\s]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!match) throw new SelectorError(`invalid selector: '${text}'; can't understand '${term}'`);
    const [, field, op, value] = match;
    if (!supported.includes(field)) throw new SelectorError(`field label not supported: ${field}`);
    return { field, op: op === '!=' ? '!=' : '=', value };
  });
}

export function fieldValue(object: KubeObject, field: string): string {
  const pod = object as Pod;
  switch (field) {
    case 'metadata.name':
      return object.metadata.name;
    case 'metadata.namespace':
      return object.metadata.namespace ?? '';
    case 'spec.nodeName':
      return pod.spec?.nodeName ?? '';
    case 'spec.restartPolicy':
      return pod.spec?.restartPolicy ?? '';
    case 'spec.schedulerName':
      return pod.spec?.schedulerName ?? '';
    case 'spec.serviceAccountName':
      return pod.spec?.serviceAccountName ?? '';
    case 'spec.hostNetwork':
      return String(pod.spec?.hostNetwork ?? false);
    case 'status.phase':
      return (object as Pod).status?.phase ?? '';
    case 'status.podIP':
      return pod.status?.podIP ?? '';
    case 'status.nominatedNodeName':
      return '';
    case 'spec.unschedulable':
      return String((object as Node).spec?.unschedulable ?? false);
    case 'spec.clusterIP':
      return (object as Service).spec?.clusterIP ?? '';
    case 'spec.type':
      return (object as Service).spec?.type ?? '';
    default:
      return '';
  }
}

export function matchesFields(requirements: readonly FieldRequirement[], object: KubeObject): boolean {
  for (const r of requirements) {
    const value = fieldValue(object, r.field);
    if (r.op === '=' ? value !== r.value : value === r.value) return false;
  }
  return true;
}

/** A single equality on `field`, which generated collections can use to skip objects cheaply. */
export function equalityOn(requirements: readonly FieldRequirement[], field: string): string | undefined {
  return requirements.find((r) => r.field === field && r.op === '=')?.value;
}
