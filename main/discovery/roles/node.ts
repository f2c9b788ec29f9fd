import type { NodeLike } from '../target.js';
import { addObjectMetaLabels, joinHostPort, META, sanitizeLabelName, type LabelSet } from './object-meta.js';

/** Address preference of prometheus/prometheus discovery/kubernetes/node.go `nodeAddress`. */
const ADDRESS_ORDER = ['InternalIP', 'InternalDNS', 'ExternalIP', 'ExternalDNS', 'LegacyHostIP', 'Hostname'];

/**
 * The `node` role (prometheus discovery/kubernetes/node.go `buildNode`): one target per node at
 * `<preferred address>:<kubelet port>`, `instance` preset to the node name, provider id, labels,
 * annotations and the first address of each type. A node without any address yields nothing.
 */
export function nodeRoleTargets(node: NodeLike): LabelSet[] {
  const byType = new Map<string, string[]>();
  for (const address of node.status?.addresses ?? []) {
    if (!byType.has(address.type)) byType.set(address.type, []);
    byType.get(address.type)!.push(address.address);
  }
  const type = ADDRESS_ORDER.find((candidate) => byType.has(candidate));
  if (!type) return [];
  const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port ?? 0;
  const labels: LabelSet = { [`${META}node_provider_id`]: node.spec?.providerID ?? '' };
  addObjectMetaLabels(labels, node.metadata, 'node');
  labels.__address__ = joinHostPort(byType.get(type)![0], port);
  labels.instance = node.metadata.name;
  for (const [addressType, addresses] of byType) labels[sanitizeLabelName(`${META}node_address_${addressType}`)] = addresses[0];
  return [labels];
}
