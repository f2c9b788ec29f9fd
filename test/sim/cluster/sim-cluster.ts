import type { IncomingMessage, ServerResponse } from 'node:http';
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startApiServer, type ApiBackend, type ApiServer } from '../api/api-server.js';
import type { Authenticator } from '../api/auth.js';
import { Faults, type FaultControls } from '../api/faults.js';
import { WatchHub } from '../api/list-watch.js';
import type { ForwardInfo } from '../api/port-forward.js';
import { RequestLog, type RequestRecord } from '../api/request-log.js';
import type { ResourceType } from '../api/resources.js';
import { BackendRegistry, type BackendAddress } from '../backends/backend-registry.js';
import { TEXT_FORMAT, type Payload } from '../backends/payload-server.js';
import { ApiserverMetrics } from '../metrics/apiserver.js';
import { loadCadvisorDump, type CadvisorDump } from '../metrics/cadvisor-dump.js';
import { CadvisorNode } from '../metrics/cadvisor-node.js';
import { CorednsMetrics } from '../metrics/coredns.js';
import { KubeDnsSidecarMetrics } from '../metrics/kube-dns.js';
import { renderKsmTelemetry, renderKubeStateMetrics } from '../metrics/kube-state-metrics.js';
import { kubeletConfigz, renderKubeletMetrics, renderProbeMetrics, renderResourceMetrics, statsSummary, type KubeletView } from '../metrics/kubelet-endpoints.js';
import { renderMetallbController } from '../metrics/metallb.js';
import { ObjectStore } from '../store/object-store.js';
import { addonOf, type AddonName } from './dump-addons.js';
import { buildNode, inferOwner, staticComponent, workloadLabels } from './dump-objects.js';
import type { Endpoints, EndpointSlice, KubeObject, Namespace, Node, OwnerReference, Pod, Service, Workload } from './kube-object.js';
import { NameSource, templateHash } from './names.js';
import { blueprintFromTemplate, buildPod, containersFromDump, qosClassOf, terminatingPod, type PodBlueprint, type PodPlan } from './pod-factory.js';
import { prometheusConfigYaml, prometheusTargets } from './prometheus-config.js';
import { DEFAULT_CADVISOR_DUMP, fixtureFile, type GeneratedKind, type Scenario, type ScenarioStep } from './scenario.js';
import { rfc3339 } from './time-format.js';

/**
 * One simulated cluster: its objects, its apiserver, its kubelets (replayed cAdvisor dumps), the
 * processes and payload servers behind pod ports, and the controllers that keep Deployments,
 * ReplicaSets, DaemonSets, StatefulSets, Endpoints and EndpointSlices consistent with pods.
 */

export interface SimClusterOptions {
  readonly scenario: Scenario;
  /** The kubeconfig cluster name. */
  readonly clusterName: string;
  /** This cluster's own temp folder (configs, Prometheus data). */
  readonly dir: string;
  readonly processes: boolean;
  readonly startMs: number;
  readonly authenticator: Authenticator;
  readonly tls: { key: string; cert: string; ca: string; caFile: string };
  /** Token Prometheus uses to scrape kubelets through this apiserver. */
  readonly prometheusToken: string;
  readonly port?: number;
  /** Pending → Running delay of new pods, and Terminating → gone delay (ms). */
  readonly podStartDelayMs: number;
  readonly podStopDelayMs: number;
  readonly bookmarkIntervalMs: number;
  /** Pre-built collections (scale mode) installed before the scenario is built. */
  readonly prepare?: (cluster: SimCluster) => void;
}

interface NodeState {
  readonly node: Node;
  readonly dump: CadvisorDump;
  readonly cadvisor: CadvisorNode;
  readonly internalIP: string;
  readonly podNet: string;
  nextPodHost: number;
}

interface ReplicaSetRef {
  readonly name: string;
  readonly uid: string;
  readonly hash: string;
}

interface WorkloadRecord {
  readonly kind: 'Deployment' | 'DaemonSet' | 'StatefulSet' | 'Pod';
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly blueprint: PodBlueprint;
  readonly nodeName?: string;
  /** Deployments: their ReplicaSets, the current one first. */
  readonly replicaSets: ReplicaSetRef[];
}

interface PodRecord {
  readonly plan: PodPlan;
  readonly workload?: WorkloadRecord;
}

/** Read-only access to a cluster's current objects (copies; mutate freely). */
export interface ObjectsView {
  list<T extends KubeObject = KubeObject>(resource: string, namespace?: string): T[];
  get<T extends KubeObject = KubeObject>(resource: string, namespace: string | undefined, name: string): T | undefined;
  count(resource: string): number;
  /** The current resourceVersion. */
  readonly resourceVersion: string;
}

const SERVICE_NET = [10, 96];

export class SimCluster implements ApiBackend {
  readonly store = new ObjectStore();
  readonly faults: Faults;
  readonly requestLog = new RequestLog();
  readonly apiserverMetrics: ApiserverMetrics;
  readonly watches: WatchHub;
  readonly authenticator: Authenticator;
  readonly options: SimClusterOptions;
  readonly names: NameSource;
  readonly #nodes = new Map<string, NodeState>();
  readonly #workloads = new Map<string, WorkloadRecord>();
  readonly #pods = new Map<string, PodRecord>();
  readonly #backends: BackendRegistry;
  readonly #forwards = new Map<number, { info: ForwardInfo; stop: () => void }>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #usedServiceIps = new Set<string>();
  /** Add-ons seen among the dumps' pods (they decide the shape of the kube-dns Service). */
  readonly #addons = new Set<AddonName>();
  /** Per-pod generated payloads (CoreDNS, kube-dns), by pod UID, created on first scrape. */
  readonly #podPayloads = new Map<string, { render(nowMs: number): string }>();
  #lbNext = 200;
  #updates = 0;
  #ksmLists = 0;
  #server: ApiServer | null = null;
  #stopped = false;
  #prometheusDirty = false;
  /** Extra kubelet views for nodes not in #nodes (scale mode builds them on demand). */
  kubeletFor?: (node: Node) => KubeletView | undefined;

  constructor(options: SimClusterOptions) {
    this.options = options;
    this.names = new NameSource(options.scenario.seed ?? options.scenario.name);
    this.authenticator = options.authenticator;
    this.apiserverMetrics = new ApiserverMetrics({ startMs: options.startMs });
    this.watches = new WatchHub(this.store, { bookmarkIntervalMs: options.bookmarkIntervalMs, now: () => Date.now() });
    this.faults = new Faults({
      expireTokens: () => this.authenticator.expireExecTokens(),
      closeWatches: (resource) => this.watches.closeAll(resource),
      gone: (resource) => {
        this.store.compact(resource);
        this.watches.closeAll(resource);
      },
    });
    this.#backends = new BackendRegistry({
      dir: options.dir,
      processes: options.processes,
      startMs: options.startMs,
      generate: (kind, pod) => this.#generate(kind, pod),
      prometheusConfigFile: () => join(options.dir, 'prometheus.yml'),
    });
    this.store.subscribe(() => {
      this.#updates++;
      this.#prometheusDirty = true;
    });
  }

  get url(): string {
    return this.#server?.url ?? '';
  }

  get port(): number {
    return this.#server?.port ?? 0;
  }

  now(): number {
    return Date.now();
  }

  // ------------------------------------------------------------------ build

  /** Creates every object of the scenario, starts the apiserver and the backends. */
  async start(): Promise<void> {
    const { scenario } = this.options;
    this.options.prepare?.(this);
    this.#buildNodes(scenario);
    this.#buildNamespaces(scenario);
    for (const state of this.#nodes.values()) this.#buildDumpPods(state, scenario);
    for (const workload of scenario.workloads ?? []) this.#buildWorkload(workload);
    this.#buildServices(scenario);
    for (const namespace of new Set([...this.#workloads.values()].map((w) => w.namespace))) this.#syncNamespace(namespace);
    this.#server = await startApiServer(this, this.options.tls, { port: this.options.port });
    this.#writePrometheusConfig();
    await Promise.all([...this.#pods.entries()].map(([uid, record]) => (record.plan.blueprint.backends.length ? this.#backends.acquire(uid, record.plan.name, record.plan.blueprint.backends) : undefined)));
    // Only a cluster running a Prometheus needs its file_sd targets kept current.
    const usesPrometheus = [...this.#pods.values()].some((r) => r.plan.blueprint.backends.some((b) => 'process' in b.spec && b.spec.process === 'prometheus'));
    if (usesPrometheus) {
      this.#writePrometheusTargets();
      this.#every(2000, () => {
        if (this.#prometheusDirty) this.#writePrometheusTargets();
      });
    }
  }

  /** When the cluster was created: a little before its oldest node. */
  get #birthMs(): number {
    let oldest = this.options.startMs - 600_000;
    for (const state of this.#nodes.values()) oldest = Math.min(oldest, Date.parse(state.node.metadata.creationTimestamp));
    return oldest - 30_000;
  }

  #buildNamespaces(scenario: Scenario): void {
    for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) this.#ensureNamespace(name, this.#birthMs);
    const names = new Set([...(scenario.namespaces ?? []), ...(scenario.workloads ?? []).map((w) => w.namespace), ...(scenario.services ?? []).map((s) => s.namespace)]);
    for (const name of names) this.#ensureNamespace(name);
  }

  #ensureNamespace(name: string, createdMs = this.options.startMs - 60_000): void {
    if (this.store.get('namespaces', undefined, name)) return;
    const ns: Namespace = {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name, uid: this.names.uid(), creationTimestamp: rfc3339(createdMs), labels: { 'kubernetes.io/metadata.name': name } },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    };
    this.store.put('namespaces', ns);
  }

  #buildNodes(scenario: Scenario): void {
    scenario.nodes.forEach((spec, index) => {
      const dump = loadCadvisorDump(fixtureFile(spec.kubelet?.cadvisor ?? DEFAULT_CADVISOR_DUMP));
      const internalIP = spec.internalIP ?? `192.168.49.${index + 2}`;
      const podCidr = `10.244.${index}.0/24`;
      const node = buildNode({ spec, dump, index, internalIP, podCidr, startMs: this.options.startMs }, this.names);
      this.store.put('nodes', node);
      this.#nodes.set(spec.name, { node, dump, cadvisor: new CadvisorNode(dump, { startMs: this.options.startMs }), internalIP, podNet: `10.244.${index}`, nextPodHost: 2 });
    });
  }

  /** Pods the node's dump contains, with owners inferred from their names. */
  #buildDumpPods(state: NodeState, scenario: Scenario): void {
    const spec = scenario.nodes.find((n) => n.name === state.node.metadata.name);
    if (spec?.kubelet?.dumpPods === false) return;
    const { dump } = state;
    const shiftMs = this.options.startMs - dump.dumpTimeMs;
    for (const dumpPod of dump.pods) {
      this.#ensureNamespace(dumpPod.namespace, this.#birthMs + 60_000);
      const owner = inferOwner(dumpPod);
      const containers = containersFromDump(dumpPod);
      // CoreDNS, kube-dns, kube-state-metrics: the metrics ports their manifests expose get a backend.
      const addon = addonOf(dumpPod.containers);
      if (addon) this.#addons.add(addon.name);
      const addonBackends = addon?.backends ?? [];
      const createdMs = (dumpPod.startSec !== null ? dumpPod.startSec * 1000 : dump.dumpTimeMs - 300_000) + shiftMs;
      let name = dumpPod.name;
      let labels: Record<string, string> = {};
      let workload: WorkloadRecord | undefined;
      let ownerRef: OwnerReference | undefined;
      const annotations: Record<string, string> = {};
      const nodeName = state.node.metadata.name;
      if (owner?.kind === 'Node') {
        const component = staticComponent(dumpPod.name, dump.dumpNodeName);
        name = `${component}-${nodeName}`;
        labels = { component, tier: 'control-plane' };
        ownerRef = { apiVersion: 'v1', kind: 'Node', name: nodeName, uid: state.node.metadata.uid, controller: true };
        // Mirror pods: the cgroup carries the static pod's config hash, the API object its own UID.
        Object.assign(annotations, { 'kubernetes.io/config.hash': dumpPod.cgroupUid, 'kubernetes.io/config.mirror': dumpPod.cgroupUid, 'kubernetes.io/config.seen': rfc3339(createdMs), 'kubernetes.io/config.source': 'file' });
      } else if (owner) {
        labels = workloadLabels(owner.name);
        const kind = owner.kind;
        const key = `${kind}:${dumpPod.namespace}/${owner.name}`;
        workload = this.#workloads.get(key);
        if (!workload) {
          workload = { kind, namespace: dumpPod.namespace, name: owner.name, uid: this.names.uid(), blueprint: { labels, annotations: { ...addon?.annotations }, hostNetwork: false, containers, initContainers: [], backends: addonBackends }, replicaSets: [] };
          this.#workloads.set(key, workload);
        }
        if (owner.kind === 'Deployment') {
          let rs = workload.replicaSets.find((r) => r.hash === owner.hash);
          if (!rs) workload.replicaSets.push((rs = { name: `${owner.name}-${owner.hash}`, uid: this.names.uid(), hash: owner.hash }));
          labels = { ...labels, 'pod-template-hash': owner.hash };
          ownerRef = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs.name, uid: rs.uid, controller: true, blockOwnerDeletion: true };
        } else if (owner.kind === 'DaemonSet') {
          labels = { ...labels, 'controller-revision-hash': templateHash(`${owner.name}`, 10), 'pod-template-generation': '1' };
          ownerRef = { apiVersion: 'apps/v1', kind: 'DaemonSet', name: owner.name, uid: workload.uid, controller: true, blockOwnerDeletion: true };
        } else {
          ownerRef = { apiVersion: 'apps/v1', kind: 'StatefulSet', name: owner.name, uid: workload.uid, controller: true, blockOwnerDeletion: true };
        }
      } else {
        labels = workloadLabels(dumpPod.name);
      }
      // Two dumps can hold the same pod name (every minikube has a storage-provisioner).
      if (this.store.get('pods', dumpPod.namespace, name)) {
        if (owner?.kind === 'StatefulSet') {
          let ordinal = 0;
          while (this.store.get('pods', dumpPod.namespace, `${owner.name}-${ordinal}`)) ordinal++;
          name = `${owner.name}-${ordinal}`;
        } else name = `${name}-${nodeName}`;
      }
      if (owner?.kind === 'StatefulSet') labels = { ...labels, 'controller-revision-hash': `${owner.name}-${templateHash(owner.name, 10)}`, 'statefulset.kubernetes.io/pod-name': name, 'apps.kubernetes.io/pod-index': name.slice(owner.name.length + 1) };
      const hostNetwork = owner?.kind === 'Node' || ['kube-proxy', 'kindnet'].includes(workload?.name ?? '') || dumpPod.name.startsWith('e2e-scraper');
      const blueprint: PodBlueprint = {
        labels,
        annotations: { ...annotations, ...addon?.annotations },
        hostNetwork,
        priorityClassName: owner?.kind === 'Node' || workload?.name === 'kube-proxy' ? 'system-node-critical' : dumpPod.namespace === 'kube-system' && workload ? 'system-cluster-critical' : undefined,
        serviceAccountName: workload ? workload.name : 'default',
        containers,
        initContainers: [],
        backends: addonBackends,
      };
      const uid = dumpPod.isStatic ? this.names.uid() : dumpPod.cgroupUid;
      const plan: PodPlan = {
        namespace: dumpPod.namespace,
        name,
        uid,
        nodeName,
        blueprint,
        owner: ownerRef,
        createdMs,
        hostIP: state.internalIP,
        podIP: hostNetwork ? state.internalIP : this.#allocatePodIp(state),
        runtime: dump.runtime,
        containerIds: dumpPod.containers.length ? dumpPod.containers.map((c) => c.id) : [this.names.hex(64)],
        initContainerIds: [],
      };
      const pod = buildPod(plan, dumpPod.containers.length === 0 ? 'creating' : 'running', this.options.startMs);
      state.cadvisor.attachDumpPod(dumpPod, uid, name);
      this.#pods.set(uid, { plan, workload });
      this.store.put('pods', pod);
    }
    // Workload objects for what was inferred (created once all nodes contributed their pods).
  }

  #buildWorkload(spec: NonNullable<Scenario['workloads']>[number]): void {
    const selector = spec.template.labels && Object.keys(spec.template.labels).length ? spec.template.labels : { app: spec.name };
    const blueprint = blueprintFromTemplate({ ...spec.template, labels: selector });
    const workload: WorkloadRecord = { kind: spec.kind, namespace: spec.namespace, name: spec.name, uid: this.names.uid(), blueprint, nodeName: spec.nodeName, replicaSets: [] };
    this.#workloads.set(`${spec.kind}:${spec.namespace}/${spec.name}`, workload);
    const replicas = spec.kind === 'Pod' ? 1 : (spec.replicas ?? 1);
    if (spec.kind === 'Deployment') {
      const hash = templateHash(JSON.stringify(spec.template), 10);
      workload.replicaSets.push({ name: `${spec.name}-${hash}`, uid: this.names.uid(), hash });
    }
    if (spec.kind === 'DaemonSet') {
      const selector = spec.template.nodeSelector ?? {};
      for (const state of this.#nodes.values()) {
        if (spec.nodeName && state.node.metadata.name !== spec.nodeName) continue;
        if (Object.entries(selector).every(([k, v]) => state.node.metadata.labels?.[k] === v)) this.#createPodFor(workload, state, 'running', this.options.startMs);
      }
    } else {
      for (let i = 0; i < replicas; i++) this.#createPodFor(workload, this.#pickNode(workload, i), 'running', this.options.startMs, i);
    }
    this.#workloadLabelsExtra.set(workload, spec.labels ?? {});
  }

  readonly #workloadLabelsExtra = new WeakMap<WorkloadRecord, Record<string, string>>();

  #pickNode(workload: WorkloadRecord, ordinal: number): NodeState {
    const nodes = [...this.#nodes.values()];
    if (workload.nodeName) return this.#nodes.get(workload.nodeName) ?? nodes[0];
    // Spread like the default scheduler's PodTopologySpread: fewest pods of this workload first.
    const counts = new Map(nodes.map((n) => [n.node.metadata.name, 0]));
    for (const record of this.#pods.values()) if (record.workload === workload) counts.set(record.plan.nodeName, (counts.get(record.plan.nodeName) ?? 0) + 1);
    const sorted = [...nodes].sort((a, b) => (counts.get(a.node.metadata.name) ?? 0) - (counts.get(b.node.metadata.name) ?? 0));
    return sorted[0] ?? nodes[ordinal % nodes.length];
  }

  /** Creates (and stores) a pod of a scenario workload on a node. */
  #createPodFor(workload: WorkloadRecord, state: NodeState, phase: 'running' | 'pending', createdMs: number, ordinal?: number, nameOverride?: string): Pod {
    const nodeName = state.node.metadata.name;
    let name: string;
    let owner: OwnerReference | undefined;
    const extraLabels: Record<string, string> = {};
    switch (workload.kind) {
      case 'Deployment': {
        const rs = workload.replicaSets[0];
        do name = `${rs.name}-${this.names.suffix()}`;
        while (this.store.get('pods', workload.namespace, name));
        owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs.name, uid: rs.uid, controller: true, blockOwnerDeletion: true };
        extraLabels['pod-template-hash'] = rs.hash;
        break;
      }
      case 'DaemonSet':
        do name = `${workload.name}-${this.names.suffix()}`;
        while (this.store.get('pods', workload.namespace, name));
        owner = { apiVersion: 'apps/v1', kind: 'DaemonSet', name: workload.name, uid: workload.uid, controller: true, blockOwnerDeletion: true };
        extraLabels['controller-revision-hash'] = templateHash(workload.name, 10);
        extraLabels['pod-template-generation'] = '1';
        break;
      case 'StatefulSet': {
        let index = ordinal ?? 0;
        while (!nameOverride && this.store.get('pods', workload.namespace, `${workload.name}-${index}`)) index++;
        name = nameOverride ?? `${workload.name}-${index}`;
        owner = { apiVersion: 'apps/v1', kind: 'StatefulSet', name: workload.name, uid: workload.uid, controller: true, blockOwnerDeletion: true };
        extraLabels['statefulset.kubernetes.io/pod-name'] = name;
        extraLabels['apps.kubernetes.io/pod-index'] = name.slice(workload.name.length + 1);
        extraLabels['controller-revision-hash'] = `${workload.name}-${templateHash(workload.name, 10)}`;
        break;
      }
      default:
        name = nameOverride ?? workload.name;
    }
    const uid = this.names.uid();
    const blueprint = workload.blueprint;
    const plan: PodPlan = {
      namespace: workload.namespace,
      name: nameOverride ?? name,
      uid,
      nodeName,
      blueprint,
      owner,
      createdMs,
      hostIP: state.internalIP,
      podIP: blueprint.hostNetwork ? state.internalIP : this.#allocatePodIp(state),
      runtime: state.dump.runtime,
      containerIds: blueprint.containers.map(() => this.names.hex(64)),
      initContainerIds: blueprint.initContainers.map(() => this.names.hex(64)),
      extraLabels,
    };
    state.cadvisor.addSyntheticPod({
      uid,
      name: plan.name,
      namespace: plan.namespace,
      qos: qosClassOf([...blueprint.initContainers, ...blueprint.containers]),
      createdMs,
      // Sidecars have cgroups beside the app containers; completed init containers' are gone.
      containers: [
        ...blueprint.containers.map((c, i) => ({ name: c.name, image: c.image, id: plan.containerIds[i] })),
        ...blueprint.initContainers.flatMap((c, i) => (c.restartPolicy === 'Always' ? [{ name: c.name, image: c.image, id: plan.initContainerIds[i] }] : [])),
      ],
      sandboxId: this.names.hex(64),
    });
    this.#pods.set(uid, { plan, workload });
    return this.store.put('pods', buildPod(plan, phase, this.now()));
  }

  #allocatePodIp(state: NodeState): string {
    const used = new Set(this.store.all<Pod>('pods').filter((p) => p.spec.nodeName === state.node.metadata.name).map((p) => p.status.podIP));
    for (let i = 0; i < 250; i++) {
      const host = state.nextPodHost;
      state.nextPodHost = host >= 254 ? 2 : host + 1;
      const ip = `${state.podNet}.${host}`;
      if (!used.has(ip)) return ip;
    }
    throw new Error(`node ${state.node.metadata.name} has no free pod IP left`);
  }

  #buildServices(scenario: Scenario): void {
    const controlPlane = [...this.#nodes.values()].find((n) => 'node-role.kubernetes.io/control-plane' in (n.node.metadata.labels ?? {})) ?? [...this.#nodes.values()][0];
    const birth = this.#birthMs;
    this.#putService({ namespace: 'default', name: 'kubernetes', selector: {}, labels: { component: 'apiserver', provider: 'kubernetes' }, ports: [{ name: 'https', port: 443, targetPort: 8443 }], clusterIP: '10.96.0.1', createdMs: birth });
    const endpoints: Endpoints = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'kubernetes', namespace: 'default', uid: this.names.uid(), creationTimestamp: rfc3339(birth), labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
      subsets: [{ addresses: [{ ip: controlPlane?.internalIP ?? '10.1.0.2' }], ports: [{ name: 'https', port: 8443, protocol: 'TCP' }] }],
    };
    this.store.put('endpoints', endpoints);
    // The apiserver writes this slice itself (no managed-by label), as it does the Endpoints above;
    // slice-based discovery (Prometheus' `kubernetes-apiservers` job) reads it.
    const apiserverSlice: EndpointSlice = {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'kubernetes', namespace: 'default', uid: this.names.uid(), generation: 1, creationTimestamp: rfc3339(birth), labels: { 'kubernetes.io/service-name': 'kubernetes' } },
      addressType: 'IPv4',
      endpoints: [{ addresses: [controlPlane?.internalIP ?? '10.1.0.2'], conditions: { ready: true, serving: true, terminating: false } }],
      ports: [{ name: 'https', port: 8443, protocol: 'TCP' }],
    };
    this.store.put('endpointslices', apiserverSlice);
    const hasDns = this.store.all<Pod>('pods', 'kube-system').some((p) => p.metadata.labels?.['k8s-app'] === 'kube-dns');
    if (hasDns && this.#addons.has('kube-dns') && !this.#addons.has('coredns')) {
      // The legacy kube-dns addon's Service: DNS ports only, no metrics port, no scrape annotation
      // (its pods carry the annotation instead).
      this.#putService({
        namespace: 'kube-system',
        name: 'kube-dns',
        selector: { 'k8s-app': 'kube-dns' },
        labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'addonmanager.kubernetes.io/mode': 'Reconcile', 'kubernetes.io/name': 'KubeDNS' },
        ports: [
          { name: 'dns', port: 53, targetPort: 53, protocol: 'UDP' },
          { name: 'dns-tcp', port: 53, targetPort: 53 },
        ],
        clusterIP: '10.96.0.10',
        createdMs: birth + 5000,
      });
    } else if (hasDns) {
      this.#putService({
        namespace: 'kube-system',
        name: 'kube-dns',
        selector: { 'k8s-app': 'kube-dns' },
        labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/name': 'CoreDNS' },
        annotations: { 'prometheus.io/port': '9153', 'prometheus.io/scrape': 'true' },
        ports: [
          { name: 'dns', port: 53, targetPort: 53, protocol: 'UDP' },
          { name: 'dns-tcp', port: 53, targetPort: 53 },
          { name: 'metrics', port: 9153, targetPort: 9153 },
        ],
        clusterIP: '10.96.0.10',
        createdMs: birth + 5000,
      });
    }
    for (const spec of scenario.services ?? []) this.#putService(spec);
  }

  #putService(spec: { namespace: string; name: string; type?: Service['spec']['type']; clusterIP?: string; selector: Record<string, string>; labels?: Record<string, string>; annotations?: Record<string, string>; ports: Array<{ name?: string; port: number; targetPort?: number | string; protocol?: string }>; createdMs?: number }): void {
    let clusterIP = spec.clusterIP;
    if (!clusterIP) {
      do clusterIP = `${SERVICE_NET[0]}.${SERVICE_NET[1] + Math.floor(this.names.next() * 16)}.${Math.floor(this.names.next() * 256)}.${1 + Math.floor(this.names.next() * 254)}`;
      while (this.#usedServiceIps.has(clusterIP));
    }
    this.#usedServiceIps.add(clusterIP);
    const type = spec.type ?? 'ClusterIP';
    const service: Service = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: spec.name,
        namespace: spec.namespace,
        uid: this.names.uid(),
        creationTimestamp: rfc3339(spec.createdMs ?? this.options.startMs - 30_000),
        ...(spec.labels ? { labels: { ...spec.labels } } : {}),
        ...(spec.annotations ? { annotations: { ...spec.annotations } } : {}),
      },
      spec: {
        type,
        ...(Object.keys(spec.selector).length ? { selector: { ...spec.selector } } : {}),
        ports: spec.ports.map((p, i) => ({
          ...(p.name ? { name: p.name } : {}),
          protocol: p.protocol ?? 'TCP',
          port: p.port,
          targetPort: p.targetPort ?? p.port,
          ...(type !== 'ClusterIP' ? { nodePort: 30000 + ((Math.floor(this.names.next() * 2000) + i) % 2767) } : {}),
        })),
        clusterIP,
        clusterIPs: [clusterIP],
        sessionAffinity: 'None',
        ipFamilies: ['IPv4'],
        ipFamilyPolicy: 'SingleStack',
        internalTrafficPolicy: 'Cluster',
        ...(type !== 'ClusterIP' ? { externalTrafficPolicy: 'Cluster' } : {}),
      },
      status: { loadBalancer: type === 'LoadBalancer' ? { ingress: [{ ip: `172.18.255.${this.#lbNext++}`, ipMode: 'VIP' }] } : {} },
    };
    this.store.put('services', service);
  }

  // ------------------------------------------------------------ controllers

  /** Recomputes workloads, Endpoints and EndpointSlices of a namespace after pods changed. */
  #syncNamespace(namespace: string): void {
    const pods = this.store.all<Pod>('pods', namespace);
    for (const workload of this.#workloads.values()) if (workload.namespace === namespace) this.#syncWorkload(workload, pods);
    for (const service of this.store.all<Service>('services', namespace)) if (service.spec.selector) this.#syncEndpoints(service, pods);
  }

  #syncWorkload(workload: WorkloadRecord, namespacePods: readonly Pod[]): void {
    if (workload.kind === 'Pod') return;
    const ready = (p: Pod) => !p.metadata.deletionTimestamp && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
    const ownedBy = (p: Pod, uid: string) => p.metadata.ownerReferences?.some((o) => o.uid === uid);
    const extraLabels = this.#workloadLabelsExtra.get(workload) ?? workload.blueprint.labels;
    const selector = Object.fromEntries(Object.entries(workload.blueprint.labels).filter(([k]) => !['pod-template-hash', 'controller-revision-hash', 'pod-template-generation', 'statefulset.kubernetes.io/pod-name', 'apps.kubernetes.io/pod-index'].includes(k)));
    const template = { metadata: { labels: { ...selector }, ...(Object.keys(workload.blueprint.annotations).length ? { annotations: workload.blueprint.annotations } : {}) }, spec: this.#templateSpec(workload) };
    const resource = workload.kind === 'Deployment' ? 'deployments' : workload.kind === 'DaemonSet' ? 'daemonsets' : 'statefulsets';
    const existing = this.store.get<Workload>(resource, workload.namespace, workload.name);
    const base = (kind: string, name: string, uid: string, replicas: number | undefined, labels: Record<string, string>, owner?: OwnerReference): Workload => ({
      apiVersion: 'apps/v1',
      kind,
      metadata: {
        name,
        namespace: workload.namespace,
        uid,
        generation: existing?.metadata.generation ?? 1,
        creationTimestamp: existing?.metadata.creationTimestamp ?? rfc3339(this.#oldestPodMs(workload, namespacePods)),
        labels,
        annotations: kind === 'Deployment' ? { 'deployment.kubernetes.io/revision': '1' } : undefined,
        ...(owner ? { ownerReferences: [owner] } : {}),
      },
      spec: { ...(replicas !== undefined ? { replicas } : {}), selector: { matchLabels: { ...selector } }, template: structuredClone(template) as Workload['spec']['template'], ...(kind === 'StatefulSet' ? { serviceName: workload.name } : {}) },
      status: {},
    });
    const putIfChanged = (res: string, object: Workload) => {
      if (object.metadata.annotations === undefined) delete object.metadata.annotations;
      const current = this.store.get<Workload>(res, object.metadata.namespace, object.metadata.name);
      if (current) object.metadata.generation = current.metadata.generation;
      const comparable = (o: Workload | undefined) => (o ? JSON.stringify({ ...o, metadata: { ...o.metadata, resourceVersion: undefined } }) : '');
      if (comparable(current) !== comparable(object)) this.store.put(res, object);
    };

    if (workload.kind === 'Deployment') {
      let total = 0;
      let totalReady = 0;
      for (const rs of workload.replicaSets) {
        const pods = namespacePods.filter((p) => ownedBy(p, rs.uid) && !p.metadata.deletionTimestamp);
        const readyCount = pods.filter(ready).length;
        total += pods.length;
        totalReady += readyCount;
        const current = this.store.get<Workload>('replicasets', workload.namespace, rs.name);
        const desired = rs === workload.replicaSets[0] ? (current?.spec.replicas ?? pods.length) : pods.length;
        const object = base('ReplicaSet', rs.name, rs.uid, desired, { ...selector, 'pod-template-hash': rs.hash }, { apiVersion: 'apps/v1', kind: 'Deployment', name: workload.name, uid: workload.uid, controller: true, blockOwnerDeletion: true });
        object.metadata.annotations = { 'deployment.kubernetes.io/desired-replicas': String(desired), 'deployment.kubernetes.io/max-replicas': String(desired + 1), 'deployment.kubernetes.io/revision': '1' };
        object.spec.selector.matchLabels['pod-template-hash'] = rs.hash;
        object.spec.template.metadata.labels = { ...selector, 'pod-template-hash': rs.hash };
        object.status = { replicas: pods.length, fullyLabeledReplicas: pods.length, readyReplicas: readyCount, availableReplicas: readyCount, observedGeneration: object.metadata.generation };
        putIfChanged('replicasets', object);
      }
      const desired = existing?.spec.replicas ?? total;
      const object = base('Deployment', workload.name, workload.uid, desired, extraLabels);
      object.status = {
        observedGeneration: object.metadata.generation,
        replicas: total,
        updatedReplicas: total,
        readyReplicas: totalReady,
        availableReplicas: totalReady,
        ...(desired - totalReady > 0 ? { unavailableReplicas: desired - totalReady } : {}),
      };
      putIfChanged('deployments', object);
    } else if (workload.kind === 'DaemonSet') {
      const pods = namespacePods.filter((p) => ownedBy(p, workload.uid) && !p.metadata.deletionTimestamp);
      const readyCount = pods.filter(ready).length;
      const desired = new Set(pods.map((p) => p.spec.nodeName)).size;
      const object = base('DaemonSet', workload.name, workload.uid, undefined, extraLabels);
      object.status = { currentNumberScheduled: pods.length, desiredNumberScheduled: Math.max(desired, pods.length), numberMisscheduled: 0, numberReady: readyCount, numberAvailable: readyCount, updatedNumberScheduled: pods.length, observedGeneration: object.metadata.generation };
      putIfChanged('daemonsets', object);
    } else {
      const pods = namespacePods.filter((p) => ownedBy(p, workload.uid) && !p.metadata.deletionTimestamp);
      const readyCount = pods.filter(ready).length;
      const desired = existing?.spec.replicas ?? pods.length;
      const object = base('StatefulSet', workload.name, workload.uid, desired, extraLabels);
      const revision = `${workload.name}-${templateHash(workload.name, 10)}`;
      object.status = { observedGeneration: object.metadata.generation, replicas: pods.length, readyReplicas: readyCount, currentReplicas: pods.length, updatedReplicas: pods.length, availableReplicas: readyCount, collisionCount: 0 };
      (object.status as Record<string, unknown>).currentRevision = revision;
      (object.status as Record<string, unknown>).updateRevision = revision;
      putIfChanged('statefulsets', object);
    }
  }

  #templateSpec(workload: WorkloadRecord): Pod['spec'] {
    const b = workload.blueprint;
    return {
      ...(b.initContainers.length ? { initContainers: b.initContainers.map((c) => structuredClone(c)) } : {}),
      containers: b.containers.map((c) => structuredClone(c)),
      ...(b.hostNetwork ? { hostNetwork: true } : {}),
      restartPolicy: 'Always',
      serviceAccountName: b.serviceAccountName ?? 'default',
      ...(b.priorityClassName ? { priorityClassName: b.priorityClassName } : {}),
      ...(b.nodeSelector ? { nodeSelector: b.nodeSelector } : {}),
      schedulerName: 'default-scheduler',
      dnsPolicy: 'ClusterFirst',
      terminationGracePeriodSeconds: 30,
    };
  }

  #oldestPodMs(workload: WorkloadRecord, pods: readonly Pod[]): number {
    let oldest = this.options.startMs;
    for (const record of this.#pods.values()) if (record.workload === workload) oldest = Math.min(oldest, record.plan.createdMs);
    void pods;
    return oldest - 5000;
  }

  #syncEndpoints(service: Service, namespacePods: readonly Pod[]): void {
    const selector = service.spec.selector ?? {};
    const selected = namespacePods.filter((p) => Object.entries(selector).every(([k, v]) => p.metadata.labels?.[k] === v) && p.status.podIP);
    const isReady = (p: Pod) => !p.metadata.deletionTimestamp && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
    const resolvePort = (pod: Pod | undefined, target: number | string) => (typeof target === 'number' ? target : pod?.spec.containers.flatMap((c) => c.ports ?? []).find((p) => p.name === target)?.containerPort);
    const first = selected[0];
    const ports = service.spec.ports.flatMap((p) => {
      const port = resolvePort(first, p.targetPort);
      return port === undefined ? [] : [{ ...(p.name ? { name: p.name } : {}), port, protocol: p.protocol }];
    });
    const address = (p: Pod) => ({ ip: p.status.podIP as string, nodeName: p.spec.nodeName, targetRef: { kind: 'Pod', namespace: p.metadata.namespace ?? '', name: p.metadata.name, uid: p.metadata.uid } });
    const readyAddresses = selected.filter(isReady).map(address);
    const notReady = selected.filter((p) => !isReady(p)).map(address);
    const existing = this.store.get<Endpoints>('endpoints', service.metadata.namespace, service.metadata.name);
    const endpoints: Endpoints = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: {
        name: service.metadata.name,
        namespace: service.metadata.namespace,
        uid: existing?.metadata.uid ?? this.names.uid(),
        creationTimestamp: existing?.metadata.creationTimestamp ?? service.metadata.creationTimestamp,
        labels: { ...(service.metadata.labels ?? {}), ...(service.spec.clusterIP === 'None' ? { 'service.kubernetes.io/headless': '' } : {}) },
      },
      ...(selected.length && ports.length ? { subsets: [{ ...(readyAddresses.length ? { addresses: readyAddresses } : {}), ...(notReady.length ? { notReadyAddresses: notReady } : {}), ports }] } : {}),
    };
    const comparable = (o: KubeObject | undefined) => (o ? JSON.stringify({ ...o, metadata: { ...o.metadata, resourceVersion: undefined } }) : '');
    if (comparable(existing) !== comparable(endpoints)) this.store.put('endpoints', endpoints);

    const sliceName = `${service.metadata.name}-${templateHash(service.metadata.uid, 5)}`;
    const existingSlice = this.store.get<EndpointSlice>('endpointslices', service.metadata.namespace, sliceName);
    const slice: EndpointSlice = {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        name: sliceName,
        generateName: `${service.metadata.name}-`,
        namespace: service.metadata.namespace,
        uid: existingSlice?.metadata.uid ?? this.names.uid(),
        creationTimestamp: existingSlice?.metadata.creationTimestamp ?? service.metadata.creationTimestamp,
        labels: { ...(service.metadata.labels ?? {}), 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io', 'kubernetes.io/service-name': service.metadata.name },
        ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: service.metadata.name, uid: service.metadata.uid, controller: true, blockOwnerDeletion: true }],
      },
      addressType: 'IPv4',
      endpoints: selected.map((p) => ({
        addresses: [p.status.podIP as string],
        conditions: { ready: Boolean(isReady(p)), serving: !p.metadata.deletionTimestamp || Boolean(isReady(p)), terminating: Boolean(p.metadata.deletionTimestamp) },
        nodeName: p.spec.nodeName,
        targetRef: { kind: 'Pod', namespace: p.metadata.namespace ?? '', name: p.metadata.name, uid: p.metadata.uid },
      })),
      ports: ports.map((p) => ({ name: p.name ?? '', port: p.port, protocol: p.protocol })),
    };
    if (comparable(existingSlice) !== comparable(slice)) this.store.put('endpointslices', slice);
  }

  // ------------------------------------------------------------- changes

  /** Scales a Deployment (or StatefulSet); resolves when new pods are Running and removed ones are gone. */
  async scale(type: ResourceType, namespace: string, name: string, replicas: number): Promise<void> {
    const kind = type.kind === 'ReplicaSet' ? 'Deployment' : type.kind;
    let workload = this.#workloads.get(`${kind}:${namespace}/${name}`);
    if (!workload && type.kind === 'ReplicaSet') workload = [...this.#workloads.values()].find((w) => w.namespace === namespace && w.replicaSets.some((r) => r.name === name));
    if (!workload || (workload.kind !== 'Deployment' && workload.kind !== 'StatefulSet')) throw new Error(`no scalable workload ${type.resource} ${namespace}/${name}`);
    await this.#scaleWorkload(workload, replicas);
  }

  async scaleDeployment(namespace: string, name: string, replicas: number): Promise<void> {
    const workload = this.#workloads.get(`Deployment:${namespace}/${name}`);
    if (!workload) throw new Error(`no Deployment ${namespace}/${name} in the simulated cluster`);
    await this.#scaleWorkload(workload, replicas);
  }

  async #scaleWorkload(workload: WorkloadRecord, replicas: number): Promise<void> {
    if (!Number.isInteger(replicas) || replicas < 0) throw new Error(`replicas must be a non-negative integer, got ${replicas}`);
    const resource = workload.kind === 'Deployment' ? 'deployments' : 'statefulsets';
    const current = this.store.get<Workload>(resource, workload.namespace, workload.name);
    if (current) {
      const next = structuredClone(current);
      next.spec.replicas = replicas;
      next.metadata.generation = (next.metadata.generation ?? 1) + 1;
      this.store.put(resource, next);
    }
    if (workload.kind === 'Deployment') {
      const rs = this.store.get<Workload>('replicasets', workload.namespace, workload.replicaSets[0].name);
      if (rs) {
        const next = structuredClone(rs);
        next.spec.replicas = replicas;
        next.metadata.generation = (next.metadata.generation ?? 1) + 1;
        this.store.put('replicasets', next);
      }
    }
    const live = this.#livePods(workload).sort((a, b) => Date.parse(b.metadata.creationTimestamp) - Date.parse(a.metadata.creationTimestamp) || b.metadata.name.localeCompare(a.metadata.name));
    const work: Array<Promise<unknown>> = [];
    if (live.length < replicas) {
      for (let i = live.length; i < replicas; i++) work.push(this.#startPod(workload, this.#pickNode(workload, i), i));
    } else if (workload.kind === 'StatefulSet') {
      const byOrdinal = live.sort((a, b) => Number(b.metadata.name.slice(workload.name.length + 1)) - Number(a.metadata.name.slice(workload.name.length + 1)));
      for (const pod of byOrdinal.slice(0, live.length - replicas)) work.push(this.#stopPod(pod));
    } else {
      for (const pod of live.slice(0, live.length - replicas)) work.push(this.#stopPod(pod));
    }
    this.#syncNamespace(workload.namespace);
    await Promise.all(work);
  }

  #livePods(workload: WorkloadRecord): Pod[] {
    const uids = new Set([workload.uid, ...workload.replicaSets.map((r) => r.uid)]);
    return this.store.all<Pod>('pods', workload.namespace).filter((p) => !p.metadata.deletionTimestamp && p.metadata.ownerReferences?.some((o) => uids.has(o.uid)));
  }

  /** A new pod: Pending now, Running once its backends listen (and podStartDelayMs passed). */
  async #startPod(workload: WorkloadRecord, state: NodeState, ordinal?: number, nameOverride?: string): Promise<Pod> {
    const pod = this.#createPodFor(workload, state, 'pending', this.now(), ordinal, nameOverride);
    this.#syncNamespace(workload.namespace);
    const record = this.#pods.get(pod.metadata.uid) as PodRecord;
    await Promise.all([this.#backends.acquire(pod.metadata.uid, pod.metadata.name, record.plan.blueprint.backends), this.#sleep(this.options.podStartDelayMs)]);
    if (this.#stopped || !this.#pods.has(pod.metadata.uid)) return pod;
    const running = buildPod(record.plan, 'running', this.now());
    running.status.conditions?.forEach((c) => {
      if (c.type !== 'PodScheduled' && c.type !== 'Initialized') c.lastTransitionTime = rfc3339(this.now());
    });
    this.store.put('pods', running);
    this.#syncNamespace(workload.namespace);
    return running;
  }

  /** Terminating now, gone after podStopDelayMs; its cgroups and own processes go with it. */
  async #stopPod(pod: Pod): Promise<void> {
    const current = this.store.get<Pod>('pods', pod.metadata.namespace, pod.metadata.name);
    if (!current || current.metadata.uid !== pod.metadata.uid) return;
    if (!current.metadata.deletionTimestamp) this.store.put('pods', terminatingPod(current, this.now()));
    this.#syncNamespace(pod.metadata.namespace ?? '');
    await this.#sleep(this.options.podStopDelayMs);
    if (this.#stopped) return;
    const latest = this.store.get<Pod>('pods', pod.metadata.namespace, pod.metadata.name);
    if (latest?.metadata.uid === pod.metadata.uid) this.store.delete('pods', pod.metadata.namespace, pod.metadata.name);
    const record = this.#pods.get(pod.metadata.uid);
    this.#pods.delete(pod.metadata.uid);
    this.#podPayloads.delete(pod.metadata.uid);
    if (record) this.#nodes.get(record.plan.nodeName)?.cadvisor.removePod(pod.metadata.uid);
    for (const forward of this.#forwards.values()) if (forward.info.namespace === pod.metadata.namespace && forward.info.pod === pod.metadata.name) forward.stop();
    await this.#backends.release(pod.metadata.uid);
    this.#syncNamespace(pod.metadata.namespace ?? '');
  }

  /**
   * Replaces a pod as its controller would after a deletion: ReplicaSet and DaemonSet pods get a
   * new name, StatefulSet, static and bare pods keep their name; all get a new UID. Resolves with
   * the new pod's name once it is Running.
   */
  async replacePod(namespace: string, name: string): Promise<string> {
    const pod = this.store.get<Pod>('pods', namespace, name);
    if (!pod) throw new Error(`no pod ${namespace}/${name} in the simulated cluster`);
    const record = this.#pods.get(pod.metadata.uid);
    const state = this.#nodes.get(pod.spec.nodeName ?? '');
    if (!record || !state) throw new Error(`pod ${namespace}/${name} cannot be replaced (unknown node)`);
    const ownerKind = pod.metadata.ownerReferences?.[0]?.kind;
    const workload: WorkloadRecord = record.workload ?? {
      kind: 'Pod',
      namespace,
      name,
      uid: this.names.uid(),
      blueprint: { ...record.plan.blueprint, labels: { ...record.plan.blueprint.labels, ...(record.plan.extraLabels ?? {}) } },
      replicaSets: [],
    };
    if (ownerKind === 'ReplicaSet' || ownerKind === 'DaemonSet') {
      const stopping = this.#stopPod(pod);
      const next = await this.#startPod(workload, state);
      await stopping;
      return next.metadata.name;
    }
    await this.#stopPod(pod);
    const blueprint = ownerKind === 'Node' ? { ...workload.blueprint, annotations: { ...workload.blueprint.annotations } } : workload.blueprint;
    const next = await this.#startPod(ownerKind === 'StatefulSet' ? workload : { ...workload, kind: 'Pod', blueprint }, state, undefined, name);
    if (ownerKind === 'Node') {
      // Keep it a mirror pod of the same static manifest.
      const current = this.store.get<Pod>('pods', namespace, name);
      if (current) {
        const mirror = structuredClone(current);
        mirror.metadata.ownerReferences = pod.metadata.ownerReferences;
        this.store.put('pods', mirror);
      }
    }
    return next.metadata.name;
  }

  /** DELETE of a pod through the API: controllers replace owned pods, bare pods just go. */
  async deletePod(namespace: string, name: string): Promise<Pod | undefined> {
    const pod = this.store.get<Pod>('pods', namespace, name);
    if (!pod) return undefined;
    const terminating = terminatingPod(pod, this.now());
    const owned = Boolean(pod.metadata.ownerReferences?.length);
    if (owned) void this.replacePod(namespace, name).catch(() => undefined);
    else void this.#stopPod(pod);
    return terminating;
  }

  // --------------------------------------------------------------- kubelet

  serveKubelet(node: Node, path: string, _query: string, _req: IncomingMessage, res: ServerResponse): void {
    const state = this.#nodes.get(node.metadata.name);
    const view: KubeletView | undefined = state
      ? { node: state.node, cadvisor: state.cadvisor, pods: this.store.all<Pod>('pods').filter((p) => p.spec.nodeName === node.metadata.name && p.status.phase !== 'Pending'), startMs: this.options.startMs }
      : this.kubeletFor?.(node);
    const send = (payload: Payload) => {
      res.writeHead(payload.status ?? 200, { 'Content-Type': payload.contentType });
      res.end(payload.body);
    };
    if (!view) return send({ status: 502, contentType: 'text/plain; charset=utf-8', body: `kubelet on ${node.metadata.name} is not simulated\n` });
    const now = this.now();
    const version = node.status.nodeInfo.kubeletVersion;
    switch (path.replace(/\/+$/, '')) {
      case 'metrics/cadvisor':
        return send({ contentType: TEXT_FORMAT, body: view.cadvisor.render(now) });
      case 'metrics/resource':
        return send({ contentType: TEXT_FORMAT, body: renderResourceMetrics(view, now) });
      case 'metrics':
        return send({ contentType: TEXT_FORMAT, body: renderKubeletMetrics(view, now, version) });
      case 'metrics/probes':
        return send({ contentType: TEXT_FORMAT, body: renderProbeMetrics(view, now) });
      case 'stats/summary':
        return send({ contentType: 'application/json', body: JSON.stringify(statsSummary(view, now), null, 2) });
      case 'pods':
        return send({ contentType: 'application/json', body: JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: {}, items: view.pods }) });
      case 'healthz':
        return send({ contentType: 'text/plain; charset=utf-8', body: 'ok' });
      case 'configz':
        return send({ contentType: 'application/json', body: JSON.stringify(kubeletConfigz(view)) });
      default:
        return send({ status: 404, contentType: 'text/plain; charset=utf-8', body: '404 page not found\n' });
    }
  }

  /** The dump replayed by a node's kubelet (tests compare `/metrics/cadvisor` to it). */
  nodeDump(nodeName: string): CadvisorDump | undefined {
    return this.#nodes.get(nodeName)?.dump;
  }

  podPortAddress(pod: Pod, port: number): { host: string; port: number } | undefined {
    return this.#backends.address(pod.metadata.uid, port);
  }

  backendFor(namespace: string, podName: string, port: number): BackendAddress | undefined {
    const pod = this.store.get<Pod>('pods', namespace, podName);
    return pod ? this.#backends.address(pod.metadata.uid, port) : undefined;
  }

  runningProcesses(): BackendAddress[] {
    return this.#backends.processes();
  }

  forwardOpened(info: ForwardInfo, stop: () => void): void {
    this.#forwards.set(info.id, { info, stop });
  }

  forwardEnded(info: ForwardInfo): void {
    this.#forwards.delete(info.id);
    this.#endedForwards.push(info);
    if (this.#endedForwards.length > 1000) this.#endedForwards.shift();
  }

  readonly #endedForwards: ForwardInfo[] = [];

  /** Open port-forwards, then the most recently ended ones. */
  get forwards(): ForwardInfo[] {
    return [...[...this.#forwards.values()].map((f) => f.info), ...this.#endedForwards];
  }

  get requests(): readonly RequestRecord[] {
    return this.requestLog.records;
  }

  get faultControls(): FaultControls {
    return this.faults;
  }

  readonly objects: ObjectsView = objectsView(this.store);

  // -------------------------------------------------------------- payloads

  #generate(kind: GeneratedKind, pod?: { uid: string; name: string }): Payload {
    const all = <T extends KubeObject>(r: string) => this.store.all<T>(r);
    switch (kind) {
      case 'coredns':
      case 'kube-dns-sidecar': {
        const metrics = pod ? this.#podPayload(kind, pod.uid) : undefined;
        if (!metrics) return { status: 500, contentType: 'text/plain; charset=utf-8', body: `${kind}: no such pod in the simulated cluster\n` };
        return { contentType: TEXT_FORMAT, body: metrics.render(this.now()) };
      }
      case 'kube-state-metrics':
        this.#ksmLists++;
        return {
          contentType: TEXT_FORMAT,
          body: renderKubeStateMetrics({
            namespaces: all<Namespace>('namespaces'),
            nodes: all<Node>('nodes'),
            pods: all<Pod>('pods'),
            deployments: all<Workload>('deployments'),
            replicasets: all<Workload>('replicasets'),
            daemonsets: all<Workload>('daemonsets'),
            statefulsets: all<Workload>('statefulsets'),
            services: all<Service>('services'),
            endpoints: all<Endpoints>('endpoints'),
          }),
        };
      case 'kube-state-metrics-telemetry':
        return { contentType: TEXT_FORMAT, body: renderKsmTelemetry(this.#ksmLists, this.options.startMs) };
      case 'metallb-controller': {
        const inUse = all<Service>('services').filter((s) => s.spec.type === 'LoadBalancer' && s.status.loadBalancer.ingress?.length).length;
        return { contentType: TEXT_FORMAT, body: renderMetallbController({ addressesInUse: inUse, poolSize: 11, updates: this.#updates, startMs: this.options.startMs, nowMs: this.now() }) };
      }
      default:
        return { status: 404, contentType: 'text/plain', body: '404 page not found\n' };
    }
  }

  /** A pod's own CoreDNS or kube-dns counters, started when its containers started. */
  #podPayload(kind: 'coredns' | 'kube-dns-sidecar', uid: string): { render(nowMs: number): string } | undefined {
    const existing = this.#podPayloads.get(uid);
    if (existing) return existing;
    const record = this.#pods.get(uid);
    if (!record) return undefined;
    const startedMs = record.plan.createdMs + 2000;
    // /etc/resolv.conf of a node on a minikube/kind network points at the network's gateway (x.y.z.1).
    const upstream = `${record.plan.hostIP.replace(/\.\d+$/, '.1')}:53`;
    const metrics = kind === 'coredns' ? new CorednsMetrics({ seed: uid, startedMs, upstream }) : new KubeDnsSidecarMetrics({ seed: uid, startedMs });
    this.#podPayloads.set(uid, metrics);
    return metrics;
  }

  #writePrometheusConfig(): void {
    writeFileSync(join(this.options.dir, 'prometheus.yml'), prometheusConfigYaml({ dir: this.options.dir, clusterName: this.options.clusterName, caFile: this.options.tls.caFile, token: this.options.prometheusToken }));
  }

  #writePrometheusTargets(): void {
    this.#prometheusDirty = false;
    if (!this.#server) return;
    const targets = prometheusTargets({
      apiPort: this.#server.port,
      nodes: this.store.all<Node>('nodes').slice(0, 50),
      pods: this.#nodes.size > 0 && this.store.collection('pods').count() < 5000 ? this.store.all<Pod>('pods') : [],
      address: (pod, port) => this.#backends.address(pod.metadata.uid, port),
    });
    // Write-then-rename so Prometheus never reads a half-written file.
    for (const [name, groups] of [['targets-pods.json', targets.pods], ['targets-kubelet.json', targets.kubelets]] as const) {
      const path = join(this.options.dir, name);
      writeFileSync(`${path}.tmp`, JSON.stringify(groups, null, 1));
      renameSync(`${path}.tmp`, path);
    }
  }

  // ---------------------------------------------------------------- script

  /** Runs the scenario's timed steps (scale, replace, faults) until stop(). */
  runScript(steps: readonly ScenarioStep[], log: (line: string) => void = () => undefined): void {
    for (const step of steps) {
      const run = () => {
        this.#runStep(step).then(
          (text) => log(text),
          (error: unknown) => log(`script step failed: ${error instanceof Error ? error.message : String(error)}`),
        );
      };
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        run();
        if (step.everyMs) this.#every(step.everyMs, run);
      }, step.atMs);
      this.#timers.add(timer);
    }
  }

  async #runStep(step: ScenarioStep): Promise<string> {
    if (step.scaleDeployment) {
      const { namespace, name, replicas } = step.scaleDeployment;
      await this.scaleDeployment(namespace, name, replicas);
      return `script: scaled deployment ${namespace}/${name} to ${replicas}`;
    }
    if (step.replacePod) {
      const { namespace, name, deployment } = step.replacePod;
      let target = name;
      if (!target && deployment) {
        const workload = this.#workloads.get(`Deployment:${namespace}/${deployment}`);
        target = workload ? this.#livePods(workload).sort((a, b) => Date.parse(a.metadata.creationTimestamp) - Date.parse(b.metadata.creationTimestamp))[0]?.metadata.name : undefined;
      }
      if (!target) return 'script: nothing to replace';
      const next = await this.replacePod(namespace, target);
      return `script: replaced pod ${namespace}/${target} with ${next}`;
    }
    if (step.fault) {
      for (const [method, args] of Object.entries(step.fault)) {
        const fn = (this.faults as unknown as Record<string, (...a: unknown[]) => void>)[method];
        if (typeof fn !== 'function') throw new Error(`unknown fault ${method}`);
        fn.apply(this.faults, args ?? []);
      }
      return `script: fault ${Object.keys(step.fault).join(', ')}`;
    }
    return 'script: empty step';
  }

  // --------------------------------------------------------------- timing

  #sleep(ms: number): Promise<void> {
    if (ms <= 0 || this.#stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        resolve();
      }, ms);
      this.#timers.add(timer);
    });
  }

  #every(ms: number, fn: () => void): void {
    const timer = setInterval(fn, ms);
    this.#timers.add(timer);
  }

  /** Stops the apiserver, every forward, watch, timer, process and payload server. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    for (const forward of [...this.#forwards.values()]) forward.stop();
    this.watches.closeAll();
    await this.#server?.close();
    await this.#backends.stop();
  }
}

/** Copies out of a store, so tests can read objects without being able to corrupt them. */
export function objectsView(store: ObjectStore): ObjectsView {
  return {
    list: <T extends KubeObject = KubeObject>(resource: string, namespace?: string) => structuredClone(store.all<T>(resource, namespace)),
    get: <T extends KubeObject = KubeObject>(resource: string, namespace: string | undefined, name: string) => {
      const object = store.get<T>(resource, namespace, name);
      return object ? structuredClone(object) : undefined;
    },
    count: (resource: string) => store.collection(resource).count(),
    get resourceVersion() {
      return String(store.rv);
    },
  };
}
