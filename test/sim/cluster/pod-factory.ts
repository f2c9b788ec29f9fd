import type { ContainerRuntime, DumpPod, QosClass } from '../metrics/cadvisor-dump.js';
import { parseQuantity } from '../metrics/kube-state-metrics.js';
import type { Container, ContainerStatus, OwnerReference, Pod, PodCondition } from './kube-object.js';
import { rfc3339 } from './time-format.js';
import type { BackendSpec, ScenarioContainer, ScenarioPodTemplate } from './scenario.js';

/**
 * What a controller needs to stamp out pods: labels, annotations, containers and which backend
 * answers each container port. Scenario workloads carry their template; workloads derived from a
 * cAdvisor dump get one built from the dump pod's containers (no backends).
 */
export interface PodBlueprint {
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly hostNetwork: boolean;
  readonly priorityClassName?: string;
  readonly serviceAccountName?: string;
  readonly nodeSelector?: Record<string, string>;
  readonly containers: Container[];
  /** In start order; those with `restartPolicy: Always` are sidecars that keep running. */
  readonly initContainers: Container[];
  readonly backends: ReadonlyArray<{ readonly containerPort: number; readonly spec: BackendSpec }>;
}

export function blueprintFromTemplate(template: ScenarioPodTemplate, extraLabels: Record<string, string> = {}): PodBlueprint {
  const toContainer = (c: ScenarioContainer): Container => ({
    name: c.name,
    image: c.image,
    ...(c.args ? { args: c.args } : {}),
    ...(c.restartPolicy ? { restartPolicy: c.restartPolicy } : {}),
    ...(c.ports?.length ? { ports: c.ports.map((p) => ({ ...(p.name ? { name: p.name } : {}), containerPort: p.containerPort, protocol: p.protocol ?? 'TCP' })) } : {}),
    resources: { ...(c.resources?.requests ? { requests: { ...c.resources.requests } } : {}), ...(c.resources?.limits ? { limits: { ...c.resources.limits } } : {}) },
  });
  const containers = template.containers.map(toContainer);
  const initContainers = (template.initContainers ?? []).map(toContainer);
  const backends = template.containers.flatMap((c) => (c.ports ?? []).filter((p) => p.backend).map((p) => ({ containerPort: p.containerPort, spec: p.backend as BackendSpec })));
  return {
    labels: { ...(template.labels ?? {}), ...extraLabels },
    annotations: { ...(template.annotations ?? {}) },
    hostNetwork: template.hostNetwork ?? false,
    priorityClassName: template.priorityClassName,
    serviceAccountName: template.serviceAccountName,
    nodeSelector: template.nodeSelector,
    containers,
    initContainers,
    backends,
  };
}

const millicores = (cores: number) => `${Math.max(1, Math.round(cores * 1000))}m`;
const mebibytes = (bytes: number) => `${Math.max(1, Math.round(bytes / 1024 / 1024))}Mi`;

/**
 * Containers of a dump pod, with resources read back from cgroup settings: CPU request from
 * cpu.shares (shares/1024 cores; 2 = none), CPU limit from quota/period, memory limit from
 * memory.max. Memory requests are not visible in cgroups: Guaranteed pods get request = limit,
 * Burstable pods get none. BestEffort pods get no resources at all, so the QoS class computed from
 * the spec always equals the one the cgroup path shows.
 */
export function containersFromDump(pod: DumpPod): Container[] {
  if (pod.containers.length === 0) {
    // A pod still creating its containers (only the sandbox exists in the dump).
    return [{ name: 'app', image: 'docker.io/library/busybox:1.36', resources: pod.qos === 'Guaranteed' ? { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '100m', memory: '64Mi' } } : {} }];
  }
  return pod.containers.map((c) => {
    const container: Container = { name: c.name, image: c.image || 'unknown', resources: {} };
    if (pod.qos === 'BestEffort') return container;
    const limitCpu = c.cpuQuotaUs && c.cpuQuotaUs > 0 && c.cpuPeriodUs ? c.cpuQuotaUs / c.cpuPeriodUs : undefined;
    const requestCpu = c.cpuShares && c.cpuShares > 2 ? c.cpuShares / 1024 : undefined;
    const limitMemory = c.memoryLimitBytes && c.memoryLimitBytes > 0 && c.memoryLimitBytes < 2 ** 62 ? c.memoryLimitBytes : undefined;
    if (pod.qos === 'Guaranteed') {
      const cpu = millicores(limitCpu ?? requestCpu ?? 0.1);
      const memory = mebibytes(limitMemory ?? 64 * 1024 * 1024);
      container.resources = { requests: { cpu, memory }, limits: { cpu, memory } };
      return container;
    }
    const requests: Record<string, string> = { cpu: millicores(requestCpu ?? 0.1) };
    const limits: Record<string, string> = {};
    if (limitCpu !== undefined) limits.cpu = millicores(limitCpu);
    if (limitMemory !== undefined) limits.memory = mebibytes(limitMemory);
    container.resources = { requests, ...(Object.keys(limits).length ? { limits } : {}) };
    return container;
  });
}

/** The QoS class the kubelet computes from a pod spec, init containers included (pkg/apis/core/v1/helper/qos). */
export function qosClassOf(containers: readonly Container[]): QosClass {
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const requests = c.resources?.requests ?? {};
    const limits = c.resources?.limits ?? {};
    if (Object.keys(requests).length || Object.keys(limits).length) any = true;
    for (const resource of ['cpu', 'memory']) {
      const limit = limits[resource];
      const request = requests[resource] ?? limit;
      if (!limit || !request || parseQuantity(limit) !== parseQuantity(request)) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

export interface PodPlan {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly nodeName: string;
  readonly blueprint: PodBlueprint;
  readonly owner?: OwnerReference;
  readonly createdMs: number;
  readonly hostIP: string;
  readonly podIP: string;
  readonly runtime: ContainerRuntime;
  /** Container ids (64 hex), one per container in blueprint order. */
  readonly containerIds: readonly string[];
  /** Container ids (64 hex), one per init container in blueprint order. */
  readonly initContainerIds: readonly string[];
  readonly extraAnnotations?: Record<string, string>;
  readonly extraLabels?: Record<string, string>;
}

export type PodPhaseState = 'pending' | 'running' | 'creating';

const condition = (type: string, status: boolean, tsMs: number): PodCondition => ({ type, status: status ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: rfc3339(tsMs) });

/** A Pod object as the apiserver would show it in the given phase. */
export function buildPod(plan: PodPlan, state: PodPhaseState, nowMs: number): Pod {
  const { blueprint } = plan;
  const created = plan.createdMs;
  const running = state === 'running';
  const scheme = plan.runtime === 'docker' ? 'docker' : plan.runtime === 'cri-o' ? 'cri-o' : 'containerd';
  const containerStatuses: ContainerStatus[] = blueprint.containers.map((c, i) => ({
    name: c.name,
    image: c.image,
    imageID: imageId(c.image, plan.containerIds[i], plan.runtime),
    ...(running ? { containerID: `${scheme}://${plan.containerIds[i]}` } : {}),
    ready: running,
    started: running,
    restartCount: 0,
    state: running ? { running: { startedAt: rfc3339(created + 2000) } } : { waiting: { reason: 'ContainerCreating' } },
  }));
  // Sidecars run with the pod; plain init containers ran to completion before the app started.
  const initContainerStatuses: ContainerStatus[] = blueprint.initContainers.map((c, i) => {
    const sidecar = c.restartPolicy === 'Always';
    return {
      name: c.name,
      image: c.image,
      imageID: imageId(c.image, plan.initContainerIds[i], plan.runtime),
      ...(running ? { containerID: `${scheme}://${plan.initContainerIds[i]}` } : {}),
      ready: running && sidecar,
      started: running && sidecar,
      restartCount: 0,
      state: !running
        ? { waiting: { reason: 'PodInitializing' } }
        : sidecar
          ? { running: { startedAt: rfc3339(created + 1500) } }
          : { terminated: { exitCode: 0, reason: 'Completed', startedAt: rfc3339(created + 1000), finishedAt: rfc3339(created + 1400) } },
    };
  });
  const tolerations = [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  ];
  const transition = running ? created + 2000 : nowMs;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: plan.name,
      namespace: plan.namespace,
      uid: plan.uid,
      creationTimestamp: rfc3339(created),
      labels: { ...blueprint.labels, ...(plan.extraLabels ?? {}) },
      ...(Object.keys(blueprint.annotations).length || plan.extraAnnotations ? { annotations: { ...blueprint.annotations, ...(plan.extraAnnotations ?? {}) } } : {}),
      ...(plan.owner ? { ownerReferences: [plan.owner] } : {}),
      ...(plan.owner && plan.owner.kind !== 'Node' && plan.owner.kind !== 'StatefulSet' ? { generateName: plan.name.slice(0, plan.name.lastIndexOf('-') + 1) } : {}),
    },
    spec: {
      nodeName: plan.nodeName,
      ...(blueprint.initContainers.length ? { initContainers: blueprint.initContainers.map((c) => ({ ...c, imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' })) } : {}),
      containers: blueprint.containers.map((c) => ({ ...c, imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' })),
      ...(blueprint.hostNetwork ? { hostNetwork: true } : {}),
      restartPolicy: 'Always',
      serviceAccountName: blueprint.serviceAccountName ?? 'default',
      ...(blueprint.priorityClassName ? { priorityClassName: blueprint.priorityClassName, priority: blueprint.priorityClassName === 'system-node-critical' ? 2000001000 : 2000000000 } : { priority: 0 }),
      ...(blueprint.nodeSelector ? { nodeSelector: blueprint.nodeSelector } : {}),
      schedulerName: 'default-scheduler',
      dnsPolicy: blueprint.hostNetwork ? 'ClusterFirstWithHostNet' : 'ClusterFirst',
      terminationGracePeriodSeconds: 30,
      enableServiceLinks: true,
      tolerations,
    },
    status: {
      phase: running ? 'Running' : 'Pending',
      conditions: [
        condition('PodReadyToStartContainers', running, transition),
        condition('Initialized', true, created + 1000),
        condition('Ready', running, transition),
        condition('ContainersReady', running, transition),
        condition('PodScheduled', true, created),
      ],
      hostIP: plan.hostIP,
      hostIPs: [{ ip: plan.hostIP }],
      ...(running || state === 'creating' ? { podIP: plan.podIP, podIPs: [{ ip: plan.podIP }] } : {}),
      startTime: rfc3339(created + 1000),
      qosClass: qosClassOf([...blueprint.initContainers, ...blueprint.containers]),
      ...(initContainerStatuses.length ? { initContainerStatuses } : {}),
      containerStatuses,
    },
  };
}

/** A terminating copy: deletionTimestamp set, not ready (what `kubectl get` shows as Terminating). */
export function terminatingPod(pod: Pod, nowMs: number): Pod {
  const next = structuredClone(pod);
  next.metadata.deletionTimestamp = rfc3339(nowMs + 30_000);
  next.metadata.deletionGracePeriodSeconds = 30;
  for (const c of next.status.conditions ?? []) {
    if (c.type === 'Ready' || c.type === 'ContainersReady') {
      c.status = 'False';
      c.lastTransitionTime = rfc3339(nowMs);
    }
  }
  for (const s of next.status.containerStatuses ?? []) s.ready = false;
  return next;
}

function imageId(image: string, containerId: string, runtime: ContainerRuntime): string {
  if (image.startsWith('sha256:')) return runtime === 'docker' ? `docker-pullable://${image}` : image;
  const digest = image.includes('@') ? image.slice(image.indexOf('@') + 1) : `sha256:${containerId.split('').reverse().join('')}`;
  const repository = image.includes('@') ? image.slice(0, image.indexOf('@')) : image.replace(/:[^/:]+$/, '');
  return runtime === 'docker' ? `docker-pullable://${repository}@${digest}` : `${repository}@${digest}`;
}
