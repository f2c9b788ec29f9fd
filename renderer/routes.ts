import type { Component } from 'svelte';
import ClusterView from './views/cluster/ClusterView.svelte';
import NodeView from './views/node/NodeView.svelte';
import CgroupsView from './views/cgroups/CgroupsView.svelte';
import ContainersView from './views/containers/ContainersView.svelte';
import WorkloadsView from './views/workloads/WorkloadsView.svelte';
import ApplicationsView from './views/applications/ApplicationsView.svelte';
import TargetsView from './views/targets/TargetsView.svelte';
import ExplorerView from './views/explorer/ExplorerView.svelte';

export interface Route {
  /** First hash segment: `#/<id>`. */
  id: string;
  label: string;
  /**
   * Gets `rest`, the hash segments after the view id (e.g. the node name of `#/node/<name>`); views
   * that take no parameters declare no props, hence the loose type.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  component: Component<any>;
}

/** The views in navigation order; Alt+1…Alt+8 jump to them. */
export const ROUTES: readonly Route[] = [
  { id: 'cluster', label: 'Cluster', component: ClusterView },
  { id: 'node', label: 'Node', component: NodeView },
  { id: 'cgroups', label: 'Cgroups', component: CgroupsView },
  { id: 'containers', label: 'Containers', component: ContainersView },
  { id: 'workloads', label: 'Workloads', component: WorkloadsView },
  { id: 'applications', label: 'Applications', component: ApplicationsView },
  { id: 'targets', label: 'Targets', component: TargetsView },
  { id: 'explorer', label: 'Explorer', component: ExplorerView },
];

export const DEFAULT_ROUTE = ROUTES[0];
