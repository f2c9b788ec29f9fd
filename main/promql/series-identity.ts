// The same series in Slicewise's store and in a Prometheus. Target labels differ between scrapers
// (Slicewise relabels like the prometheus-community chart: job="kubernetes-nodes-cadvisor",
// instance=<node>; kube-prometheus says job="kubelet", node=<node>, instance=<ip>:10250 — anchors.md
// §5 item 3, the "label-dialect lottery"), but the labels the exporter itself exposed are the same
// everywhere. So a live series is found in Prometheus by its exporter labels, and told apart from
// the same series of other nodes by the label whose value names its node.
import type { PrometheusClient } from './client.js';
import { AppError } from '../util/app-error.js';

/** Prometheus' prefix for scraped labels that collided with target labels (`honor_labels: false`). */
const EXPORTED = 'exported_';

/** Quotes a label value the way PromQL reads it. */
function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** `name{a="1",b="2"}` from a label set with `__name__`. */
export function selectorOf(labels: Readonly<Record<string, string>>): string {
  const name = labels.__name__ ?? '';
  const matchers = Object.keys(labels)
    .filter((label) => label !== '__name__')
    .sort()
    .map((label) => `${label}=${quote(labels[label])}`);
  return `${name}{${matchers.join(',')}}`;
}

/** The labels the exporter exposed: the series' labels without the target's (same name and value). */
export function exporterLabels(series: Readonly<Record<string, string>>, target: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [label, value] of Object.entries(series)) if (target[label] !== value || label === '__name__') out[label] = value;
  return out;
}

/** The same labels as a scraper with `honor_labels: true` keeps them (`exported_namespace` → `namespace`). */
function honored(labels: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [label, value] of Object.entries(labels)) if (!label.startsWith(EXPORTED)) out[label] = value;
  for (const [label, value] of Object.entries(labels)) if (label.startsWith(EXPORTED)) out[label.slice(EXPORTED.length)] = value;
  return out;
}

export interface LiveSeries {
  /** The series' labels in Slicewise's store (target labels included). */
  labels: Readonly<Record<string, string>>;
  /** The labels of the target that produced it. */
  targetLabels: Readonly<Record<string, string>>;
  /** The node the target describes or runs on, when known. */
  node?: string;
}

/**
 * Finds `live` in Prometheus over `[startMs, endMs]` and returns the selector that picks it there.
 * Tries the exporter labels as Slicewise keeps them, then as an `honor_labels` scraper keeps them;
 * when several nodes expose the same labels (`id="/"` on every kubelet), keeps the one with a label
 * whose value is the node's name or the target's instance. `matched` above 1 means Prometheus holds
 * several series the live one cannot be told apart from (e.g. two Prometheus jobs scrape it).
 */
export async function findInPrometheus(client: PrometheusClient, live: LiveSeries, window: { startMs: number; endMs: number }, signal?: AbortSignal): Promise<{ selector: string; matched: number }> {
  const own = exporterLabels(live.labels, live.targetLabels);
  const attempts = [own];
  const alternative = honored(own);
  if (selectorOf(alternative) !== selectorOf(own)) attempts.push(alternative);
  const nodeValues = new Set([live.node, live.targetLabels.instance, live.labels.node].filter((value): value is string => !!value));
  for (const labels of attempts) {
    const selector = selectorOf(labels);
    const found = await client.series([selector], window.startMs, window.endMs, signal);
    if (found.length === 0) continue;
    if (found.length === 1) return { selector, matched: 1 };
    const sameNode = found.filter((series) => Object.entries(series).some(([label, value]) => label !== '__name__' && !(label in labels) && nodeValues.has(value)));
    if (sameNode.length === 0) return { selector, matched: found.length };
    // The label that names the node in Prometheus' dialect: node="n1", instance="n1", kubernetes_io_hostname="n1"….
    const [label, value] = Object.entries(sameNode[0]).find(([name, candidate]) => name !== '__name__' && !(name in labels) && nodeValues.has(candidate))!;
    const narrowed = sameNode.filter((series) => series[label] === value);
    return { selector: selectorOf({ ...labels, [label]: value }), matched: narrowed.length };
  }
  throw new AppError('not-found', `Prometheus has no series ${selectorOf(own)} in that time range; it may not scrape this target, or keeps it under other labels.`);
}
