import { isIP } from 'node:net';
import type { ObjectMetaLike } from '../target.js';

/**
 * Helpers shared by the role builders, mirroring prometheus/prometheus discovery/kubernetes
 * (kubernetes.go `addObjectMetaLabels`, util/strutil `SanitizeLabelName`, Go's `net.JoinHostPort`).
 */

/** A label set: name → value. Empty values are kept here, as in Prometheus' discovered labels. */
export type LabelSet = Record<string, string>;

export const META = '__meta_kubernetes_';

/** Replaces every character outside `[a-zA-Z0-9_]` with `_` (strutil.SanitizeLabelName). */
export function sanitizeLabelName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_]/g, '_');
}

type Role = 'node' | 'pod' | 'service' | 'endpoints';
type MetaKind = 'label' | 'annotation';

/**
 * `[value label name, present label name]` per role, kind and Kubernetes key. The same few dozen
 * keys repeat on every object, so their label names are built once. Bounded, since annotation keys
 * are user data.
 */
const metaNames = new Map<string, [string, string]>();

function metaName(role: Role, kind: MetaKind, key: string): [string, string] {
  const cacheKey = `${role}\0${kind}\0${key}`;
  let names = metaNames.get(cacheKey);
  if (!names) {
    if (metaNames.size > 20_000) metaNames.clear();
    const name = sanitizeLabelName(key);
    names = [`${META}${role}_${kind}_${name}`, `${META}${role}_${kind}present_${name}`];
    metaNames.set(cacheKey, names);
  }
  return names;
}

/** `__meta_kubernetes_<role>_name`, `_label_*`, `_labelpresent_*`, `_annotation_*`, `_annotationpresent_*`. */
export function addObjectMetaLabels(labels: LabelSet, meta: ObjectMetaLike, role: Role): void {
  labels[`${META}${role}_name`] = meta.name;
  for (const kind of ['label', 'annotation'] as const) {
    const source = kind === 'label' ? meta.labels : meta.annotations;
    if (!source) continue;
    for (const key in source) {
      const [valueName, presentName] = metaName(role, kind, key);
      labels[valueName] = source[key];
      labels[presentName] = 'true';
    }
  }
}

/** `host:port`, with brackets around IPv6 hosts (net.JoinHostPort). */
export function joinHostPort(host: string, port: number | string): string {
  return isIP(host) === 6 || host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
