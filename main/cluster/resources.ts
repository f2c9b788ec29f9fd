/** A resource Slicewise lists and watches. `path` is the cluster-wide collection path. */
export interface ResourceType {
  /** Short name used in status messages and the contract, e.g. `pods`. */
  name: ResourceName;
  kind: string;
  /** Collection path across all namespaces, e.g. `/api/v1/pods`. */
  path: string;
  namespaced: boolean;
  /** Needed for the node views to work at all; optional ones degrade a view when forbidden. */
  required: boolean;
}

export type ResourceName =
  | 'nodes'
  | 'pods'
  | 'services'
  | 'endpointslices'
  | 'endpoints'
  | 'deployments'
  | 'daemonsets'
  | 'statefulsets'
  | 'replicasets'
  | 'namespaces';

export const RESOURCES: Readonly<Record<ResourceName, ResourceType>> = {
  nodes: { name: 'nodes', kind: 'Node', path: '/api/v1/nodes', namespaced: false, required: true },
  pods: { name: 'pods', kind: 'Pod', path: '/api/v1/pods', namespaced: true, required: true },
  services: { name: 'services', kind: 'Service', path: '/api/v1/services', namespaced: true, required: false },
  endpointslices: { name: 'endpointslices', kind: 'EndpointSlice', path: '/apis/discovery.k8s.io/v1/endpointslices', namespaced: true, required: false },
  endpoints: { name: 'endpoints', kind: 'Endpoints', path: '/api/v1/endpoints', namespaced: true, required: false },
  deployments: { name: 'deployments', kind: 'Deployment', path: '/apis/apps/v1/deployments', namespaced: true, required: false },
  daemonsets: { name: 'daemonsets', kind: 'DaemonSet', path: '/apis/apps/v1/daemonsets', namespaced: true, required: false },
  statefulsets: { name: 'statefulsets', kind: 'StatefulSet', path: '/apis/apps/v1/statefulsets', namespaced: true, required: false },
  replicasets: { name: 'replicasets', kind: 'ReplicaSet', path: '/apis/apps/v1/replicasets', namespaced: true, required: false },
  namespaces: { name: 'namespaces', kind: 'Namespace', path: '/api/v1/namespaces', namespaced: false, required: false },
};

/** The collection path limited to one namespace, e.g. `/api/v1/namespaces/web/pods`. */
export function namespacedPath(resource: ResourceType, namespace: string): string {
  const index = resource.path.lastIndexOf('/');
  return `${resource.path.slice(0, index)}/namespaces/${encodeURIComponent(namespace)}${resource.path.slice(index)}`;
}
