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

/** `__meta_kubernetes_<role>_name`, `_label_*`, `_labelpresent_*`, `_annotation_*`, `_annotationpresent_*`. */
export function addObjectMetaLabels(labels: LabelSet, meta: ObjectMetaLike, role: 'node' | 'pod' | 'service' | 'endpoints'): void {
  labels[`${META}${role}_name`] = meta.name;
  for (const [key, value] of Object.entries(meta.labels ?? {})) {
    const name = sanitizeLabelName(key);
    labels[`${META}${role}_label_${name}`] = value;
    labels[`${META}${role}_labelpresent_${name}`] = 'true';
  }
  for (const [key, value] of Object.entries(meta.annotations ?? {})) {
    const name = sanitizeLabelName(key);
    labels[`${META}${role}_annotation_${name}`] = value;
    labels[`${META}${role}_annotationpresent_${name}`] = 'true';
  }
}

/** `host:port`, with brackets around IPv6 hosts (net.JoinHostPort). */
export function joinHostPort(host: string, port: number | string): string {
  return isIP(host) === 6 || host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
