import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { parse } from 'yaml';
import { FIXTURES_DIR, REPO_ROOT } from '../../helpers/fixtures.js';

/**
 * Scenario files (test/sim/scenarios/*.yaml): the nodes, workloads, services of a simulated cluster
 * and what answers each container port. See scenarios/minimal.yaml for an annotated example.
 */

export type ProcessKind = 'node-exporter' | 'nginx' | 'nginx-exporter' | 'pushgateway' | 'prometheus';
export type GeneratedKind = 'kube-state-metrics' | 'kube-state-metrics-telemetry' | 'metallb-controller' | 'coredns' | 'kube-dns-sidecar';

/** Generated payloads, in validation order. CoreDNS and kube-dns count their own pod's traffic, so they default to one server per pod. */
export const GENERATED_KINDS: readonly GeneratedKind[] = ['kube-state-metrics', 'kube-state-metrics-telemetry', 'metallb-controller', 'coredns', 'kube-dns-sidecar'];
export const PER_POD_GENERATED: ReadonlySet<GeneratedKind> = new Set(['coredns', 'kube-dns-sidecar']);

/** What answers a container port: a real local process, a recorded payload, or a payload the simulator generates. */
export type BackendSpec =
  | {
      /** A Debian program started on 127.0.0.1 at a port chosen at run time. */
      process: ProcessKind;
      /** `cluster`: one process for every pod using this spec (default for node-exporter); `pod`: one per pod. */
      share?: 'cluster' | 'pod';
      /** nginx-exporter only: the container port of the same pod whose nginx it scrapes (default 80). */
      nginxPort?: number;
      /** Used when the program is not installed or processes are disabled. */
      fallback?: BackendSpec;
    }
  | {
      /** A recorded payload, path relative to ../shared/fixtures (or absolute). */
      fixture: string;
      /** Advance counters and timestamps on every request (default true for text expositions). */
      advance?: boolean;
      contentType?: string;
    }
  | {
      generated: GeneratedKind;
      /** `cluster`: one payload server for every pod using it; `pod`: one per pod (default: per kind, see PER_POD_GENERATED). */
      share?: 'cluster' | 'pod';
    };

export interface ScenarioPort {
  name?: string;
  containerPort: number;
  protocol?: string;
  backend?: BackendSpec;
}

export interface ScenarioContainer {
  name: string;
  image: string;
  args?: string[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  ports?: ScenarioPort[];
  /** Init containers only: `Always` makes it a sidecar that runs beside the app (KEP-753). */
  restartPolicy?: 'Always';
}

export interface ScenarioPodTemplate {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  hostNetwork?: boolean;
  priorityClassName?: string;
  serviceAccountName?: string;
  nodeSelector?: Record<string, string>;
  containers: ScenarioContainer[];
  /** Run in order before the containers; plain ones have completed by the time the pod runs. */
  initContainers?: ScenarioContainer[];
}

export interface ScenarioWorkload {
  kind: 'Deployment' | 'DaemonSet' | 'StatefulSet' | 'Pod';
  namespace: string;
  name: string;
  replicas?: number;
  labels?: Record<string, string>;
  /** Pin every pod of this workload to one node. */
  nodeName?: string;
  template: ScenarioPodTemplate;
}

export interface ScenarioService {
  namespace: string;
  name: string;
  type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
  /** `None` makes a headless service. */
  clusterIP?: string;
  selector: Record<string, string>;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ports: Array<{ name?: string; port: number; targetPort?: number | string; protocol?: string }>;
}

export interface ScenarioNode {
  name: string;
  roles?: string[];
  arch?: string;
  labels?: Record<string, string>;
  internalIP?: string;
  kubelet?: {
    /** A kubelet /metrics/cadvisor dump, relative to ../shared/fixtures (default: the 1.35 containerd dump). */
    cadvisor?: string;
    /** Create the pods the dump contains (default true). */
    dumpPods?: boolean;
    kubeletVersion?: string;
    containerRuntimeVersion?: string;
    osImage?: string;
    kernelVersion?: string;
  };
}

/** A timed change, run when the scenario script is enabled (`script: true` / the CLI). */
export interface ScenarioStep {
  /** Milliseconds after start. */
  atMs: number;
  /** Repeat every this many ms. */
  everyMs?: number;
  scaleDeployment?: { namespace: string; name: string; replicas: number };
  /** Replace a pod: by name, or the oldest pod of a Deployment (`deployment`). */
  replacePod?: { namespace: string; name?: string; deployment?: string };
  /** A fault call, e.g. `{ slow: ['/api/v1/nodes', 2000] }` or `{ expireTokens: [] }`. */
  fault?: Record<string, unknown[]>;
}

export interface Scenario {
  name: string;
  description?: string;
  /** Seed for generated names and UIDs (default: the scenario name). */
  seed?: string;
  namespaces?: string[];
  nodes: ScenarioNode[];
  workloads?: ScenarioWorkload[];
  services?: ScenarioService[];
  script?: ScenarioStep[];
}

export const SCENARIOS_DIR = join(REPO_ROOT, 'test', 'sim', 'scenarios');

/** The default kubelet dump: Kubernetes 1.35, containerd 2.2.1, cgroupfs, cgroup v2. */
export const DEFAULT_CADVISOR_DUMP = 'cadvisor/kubelet/k8s-1.35_minikube_containerd-2.2.1_cgroupfs_cgroupv2.prom';

/** A fixture path as written in a scenario → an absolute path. */
export function fixtureFile(path: string): string {
  const full = isAbsolute(path) ? path : join(FIXTURES_DIR, path);
  if (!existsSync(full)) throw new Error(`scenario refers to a missing fixture: ${full} (is ../shared/fixtures beside the checkout?)`);
  return full;
}

/** Loads a scenario by built-in name (`demo`, `minimal`, `edge`), YAML path, or parsed object. */
export function loadScenario(source: string | Scenario): Scenario {
  let scenario: unknown;
  if (typeof source !== 'string') scenario = source;
  else {
    const builtIn = join(SCENARIOS_DIR, `${source}.yaml`);
    const path = existsSync(builtIn) ? builtIn : source;
    if (!existsSync(path)) throw new Error(`no scenario "${source}": not a built-in (${listBuiltInScenarios().join(', ')}) and no such file`);
    scenario = parse(readFileSync(path, 'utf8'));
  }
  return validateScenario(scenario);
}

export function listBuiltInScenarios(): string[] {
  return ['demo', 'minimal', 'edge', 'scale'];
}

function fail(message: string): never {
  throw new Error(`invalid scenario: ${message}`);
}

/** Structural checks with messages that point at the offending entry. */
export function validateScenario(value: unknown): Scenario {
  if (!value || typeof value !== 'object') fail('expected a mapping at the top level');
  const scenario = value as Scenario;
  if (typeof scenario.name !== 'string' || !scenario.name) fail('`name` is required');
  if (!Array.isArray(scenario.nodes) || scenario.nodes.length === 0) fail('`nodes` must list at least one node');
  const nodeNames = new Set<string>();
  for (const [i, node] of scenario.nodes.entries()) {
    if (typeof node?.name !== 'string' || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(node.name)) fail(`nodes[${i}].name must be a DNS name`);
    if (nodeNames.has(node.name)) fail(`node ${node.name} is listed twice`);
    nodeNames.add(node.name);
  }
  for (const [i, workload] of (scenario.workloads ?? []).entries()) {
    const where = `workloads[${i}] (${workload?.namespace}/${workload?.name})`;
    if (!['Deployment', 'DaemonSet', 'StatefulSet', 'Pod'].includes(workload?.kind)) fail(`${where}.kind must be Deployment, DaemonSet, StatefulSet or Pod`);
    if (!workload.namespace || !workload.name) fail(`${where} needs namespace and name`);
    if (!workload.template || !Array.isArray(workload.template.containers) || workload.template.containers.length === 0) fail(`${where}.template.containers must list at least one container`);
    if (workload.nodeName && !nodeNames.has(workload.nodeName)) fail(`${where}.nodeName ${workload.nodeName} is not a node of the scenario`);
    for (const container of workload.template.initContainers ?? []) {
      if (!container.name || !container.image) fail(`${where}: every init container needs name and image`);
      if (container.restartPolicy !== undefined && container.restartPolicy !== 'Always') fail(`${where}: init container ${container.name} may only have restartPolicy Always (a sidecar)`);
      if (container.ports?.length) fail(`${where}: init container ${container.name} has ports; the simulator backs container ports only`);
    }
    for (const container of workload.template.containers) {
      if (!container.name || !container.image) fail(`${where}: every container needs name and image`);
      for (const port of container.ports ?? []) {
        if (!Number.isInteger(port.containerPort)) fail(`${where}: container ${container.name} has a port without containerPort`);
        if (port.backend) validateBackend(port.backend, `${where} port ${port.containerPort}`);
      }
    }
  }
  for (const [i, service] of (scenario.services ?? []).entries()) {
    if (!service?.namespace || !service.name) fail(`services[${i}] needs namespace and name`);
    if (!Array.isArray(service.ports) || service.ports.length === 0) fail(`services[${i}] (${service.name}) needs ports`);
  }
  return scenario;
}

function validateBackend(spec: BackendSpec, where: string): void {
  if ('process' in spec) {
    if (!['node-exporter', 'nginx', 'nginx-exporter', 'pushgateway', 'prometheus'].includes(spec.process)) fail(`${where}: unknown process ${spec.process}`);
    if (spec.fallback) validateBackend(spec.fallback, where);
  } else if ('fixture' in spec) fixtureFile(spec.fixture);
  else if ('generated' in spec) {
    if (!GENERATED_KINDS.includes(spec.generated)) fail(`${where}: unknown generated payload ${spec.generated}`);
  } else fail(`${where}: backend needs one of process, fixture, generated`);
}
