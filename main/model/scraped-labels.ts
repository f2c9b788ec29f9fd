/**
 * The labels a series had in its exposition, recovered from the store's label set: the target's own
 * labels (job, instance, namespace, pod, node… from relabelling) are removed, and scraped labels
 * that collided with them and were kept as `exported_<name>` (Prometheus `honor_labels: false`,
 * main/store/labels.ts) get their names back. kube-state-metrics' `namespace`/`pod`/`node` and a
 * Pushgateway's `job`/`instance` come back this way. `__name__` is left out.
 */
export function scrapedLabels(labels: Readonly<Record<string, string>>, targetLabels: Readonly<Record<string, string>>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const name in labels) {
    if (name === '__name__' || Object.hasOwn(targetLabels, name)) continue;
    let original = name;
    // `exported_exported_x` happens only when `exported_x` is itself a target label.
    while (original.startsWith('exported_') && Object.hasOwn(targetLabels, original.slice(9))) original = original.slice(9);
    if (original !== name && Object.hasOwn(result, original)) continue;
    result[original] = labels[name];
  }
  return result;
}
