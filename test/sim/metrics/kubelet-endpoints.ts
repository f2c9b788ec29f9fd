import type { Node, Pod } from '../cluster/kube-object.js';
import { rfc3339 } from '../cluster/time-format.js';
import type { CadvisorNode } from './cadvisor-node.js';
import { formatGoFloat, formatLabels } from './exposition-template.js';

/**
 * The kubelet endpoints other than `/metrics/cadvisor`, generated from the same replayed cAdvisor
 * state so all of them agree:
 * - `/metrics/resource` — derived: CPU and working set per node/pod/container from the cAdvisor
 *   series of the same cgroups; format as kubelet 1.32's resource metrics collector
 *   (pkg/kubelet/metrics/collectors/resource_metrics.go: `[STABLE]` HELP texts, ms timestamps).
 * - `/stats/summary` — derived: the statsapi.Summary shape (protocols.md §6.5) filled from the
 *   cAdvisor series; usageNanoCores is the counter's rate.
 * - `/metrics` — mostly invented: a plausible subset of the kubelet's own families; pod and
 *   container counts are derived from the objects, process CPU from the kubelet.service cgroup
 *   when the dump has one.
 * - `/configz` — derived: cgroup driver and version from the dump; the rest is kubelet defaults.
 */

export interface KubeletView {
  readonly node: Node;
  readonly cadvisor: CadvisorNode;
  /** Pods bound to the node (not deleted). */
  readonly pods: readonly Pod[];
  readonly startMs: number;
}

const RATE_WINDOW_MS = 10_000;

function rootCgroup(view: KubeletView): string {
  const dump = view.cadvisor.dump;
  if (dump.sampleCgroup.includes('/')) return '/';
  return dump.cgroupDriver === 'systemd' ? '/kubepods.slice' : '/kubepods';
}

function cpuSeconds(view: KubeletView, cgroup: string, nowMs: number): number | undefined {
  return view.cadvisor.sum('container_cpu_usage_seconds_total', cgroup, nowMs);
}

function workingSet(view: KubeletView, cgroup: string, nowMs: number): number | undefined {
  return view.cadvisor.sum('container_memory_working_set_bytes', cgroup, nowMs);
}

export function renderResourceMetrics(view: KubeletView, nowMs: number): string {
  const ts = ` ${Math.round(nowMs)}`;
  const containerCpu: string[] = [];
  const containerMemory: string[] = [];
  const containerStart: string[] = [];
  const podCpu: string[] = [];
  const podMemory: string[] = [];
  for (const pod of view.pods) {
    const cgroups = view.cadvisor.podCgroups(pod.metadata.uid);
    if (!cgroups) continue;
    const podLabels: Array<[string, string]> = [
      ['namespace', pod.metadata.namespace ?? ''],
      ['pod', pod.metadata.name],
    ];
    const cpu = cpuSeconds(view, cgroups.podCgroup, nowMs);
    if (cpu !== undefined) podCpu.push(`pod_cpu_usage_seconds_total${formatLabels(podLabels)} ${formatGoFloat(cpu)}${ts}`);
    const memory = workingSet(view, cgroups.podCgroup, nowMs);
    if (memory !== undefined) podMemory.push(`pod_memory_working_set_bytes${formatLabels(podLabels)} ${formatGoFloat(memory)}${ts}`);
    for (const [name, cgroup] of [...cgroups.containers].sort(([a], [b]) => a.localeCompare(b))) {
      const labels = formatLabels([['container', name], ...podLabels]);
      const c = cpuSeconds(view, cgroup, nowMs);
      if (c !== undefined) containerCpu.push(`container_cpu_usage_seconds_total${labels} ${formatGoFloat(c)}${ts}`);
      const m = workingSet(view, cgroup, nowMs);
      if (m !== undefined) containerMemory.push(`container_memory_working_set_bytes${labels} ${formatGoFloat(m)}${ts}`);
      const start = view.cadvisor.sum('container_start_time_seconds', cgroup, nowMs);
      if (start !== undefined) containerStart.push(`container_start_time_seconds${labels} ${formatGoFloat(start)}${ts}`);
    }
  }
  const root = rootCgroup(view);
  const nodeCpu = cpuSeconds(view, root, nowMs) ?? 0;
  const nodeMemory = workingSet(view, root, nowMs) ?? 0;
  return [
    '# HELP container_cpu_usage_seconds_total [STABLE] Cumulative cpu time consumed by the container in core-seconds',
    '# TYPE container_cpu_usage_seconds_total counter',
    ...containerCpu,
    '# HELP container_memory_working_set_bytes [STABLE] Current working set of the container in bytes',
    '# TYPE container_memory_working_set_bytes gauge',
    ...containerMemory,
    '# HELP container_start_time_seconds [STABLE] Start time of the container since unix epoch in seconds',
    '# TYPE container_start_time_seconds gauge',
    ...containerStart,
    '# HELP node_cpu_usage_seconds_total [STABLE] Cumulative cpu time consumed by the node in core-seconds',
    '# TYPE node_cpu_usage_seconds_total counter',
    `node_cpu_usage_seconds_total ${formatGoFloat(nodeCpu)}${ts}`,
    '# HELP node_memory_working_set_bytes [STABLE] Current working set of the node in bytes',
    '# TYPE node_memory_working_set_bytes gauge',
    `node_memory_working_set_bytes ${formatGoFloat(nodeMemory)}${ts}`,
    '# HELP pod_cpu_usage_seconds_total [STABLE] Cumulative cpu time consumed by the pod in core-seconds',
    '# TYPE pod_cpu_usage_seconds_total counter',
    ...podCpu,
    '# HELP pod_memory_working_set_bytes [STABLE] Current working set of the pod in bytes',
    '# TYPE pod_memory_working_set_bytes gauge',
    ...podMemory,
    '# HELP resource_scrape_error [STABLE] 1 if there was an error while getting container metrics, 0 otherwise',
    '# TYPE resource_scrape_error gauge',
    'resource_scrape_error 0',
    '',
  ].join('\n');
}

export function renderKubeletMetrics(view: KubeletView, nowMs: number, version: string): string {
  const elapsedSec = Math.max(0, (nowMs - view.startMs) / 1000);
  const running = view.pods.filter((p) => p.status.phase === 'Running');
  const containers = running.reduce((n, p) => n + p.spec.containers.length, 0);
  const kubeletCgroup = view.cadvisor.dump.sampleCgroup.includes('/system.slice/kubelet.service') ? '/system.slice/kubelet.service' : undefined;
  const processCpu = (kubeletCgroup ? cpuSeconds(view, kubeletCgroup, nowMs) : undefined) ?? 30 + elapsedSec * 0.03;
  const processMemory = (kubeletCgroup ? workingSet(view, kubeletCgroup, nowMs) : undefined) ?? 7.3e7;
  const [major, minor] = version.replace(/^v/, '').split('.');
  const operations = ['container_status', 'list_containers', 'list_podsandbox', 'podsandbox_status', 'image_fs_info', 'version'];
  const lines = [
    '# HELP go_goroutines Number of goroutines that currently exist.',
    '# TYPE go_goroutines gauge',
    `go_goroutines ${200 + view.pods.length * 6}`,
    '# HELP kubelet_node_name [ALPHA] The node\'s name. The count is always 1.',
    '# TYPE kubelet_node_name gauge',
    `kubelet_node_name${formatLabels([['node', view.node.metadata.name]])} 1`,
    '# HELP kubelet_running_containers [ALPHA] Number of containers currently running',
    '# TYPE kubelet_running_containers gauge',
    `kubelet_running_containers{container_state="running"} ${containers}`,
    '# HELP kubelet_running_pods [ALPHA] Number of pods that have a running pod sandbox',
    '# TYPE kubelet_running_pods gauge',
    `kubelet_running_pods ${running.length}`,
    '# HELP kubelet_runtime_operations_total [ALPHA] Cumulative number of runtime operations by operation type.',
    '# TYPE kubelet_runtime_operations_total counter',
    ...operations.map((op, i) => `kubelet_runtime_operations_total{operation_type="${op}"} ${Math.floor(1000 + elapsedSec * (3 - i * 0.4) * Math.max(1, running.length / 4))}`),
    '# HELP kubernetes_build_info [ALPHA] A metric with a constant \'1\' value labeled by major, minor, git version, git commit, git tree state, build date, Go version, and compiler from which Kubernetes was built, and platform on which it is running.',
    '# TYPE kubernetes_build_info gauge',
    `kubernetes_build_info${formatLabels([['build_date', '2025-01-01T00:00:00Z'], ['compiler', 'gc'], ['git_commit', ''], ['git_tree_state', 'clean'], ['git_version', version], ['go_version', 'go1.23.6'], ['major', major ?? '1'], ['minor', minor ?? ''], ['platform', `linux/${view.node.status.nodeInfo.architecture}`]])} 1`,
    '# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.',
    '# TYPE process_cpu_seconds_total counter',
    `process_cpu_seconds_total ${formatGoFloat(Math.round(processCpu * 100) / 100)}`,
    '# HELP process_resident_memory_bytes Resident memory size in bytes.',
    '# TYPE process_resident_memory_bytes gauge',
    `process_resident_memory_bytes ${formatGoFloat(processMemory)}`,
    '# HELP process_start_time_seconds Start time of the process since unix epoch in seconds.',
    '# TYPE process_start_time_seconds gauge',
    `process_start_time_seconds ${formatGoFloat(Math.floor(Date.parse(view.node.metadata.creationTimestamp) / 1000))}`,
    '# HELP rest_client_requests_total [ALPHA] Number of HTTP requests, partitioned by status code, method, and host.',
    '# TYPE rest_client_requests_total counter',
    `rest_client_requests_total{code="200",host="control-plane.minikube.internal:8443",method="GET"} ${Math.floor(500 + elapsedSec * 1.5)}`,
    `rest_client_requests_total{code="200",host="control-plane.minikube.internal:8443",method="PATCH"} ${Math.floor(100 + elapsedSec * 0.1)}`,
    '',
  ];
  return lines.join('\n');
}

export function renderProbeMetrics(view: KubeletView, nowMs: number): string {
  const elapsedSec = Math.max(0, (nowMs - view.startMs) / 1000);
  const lines = ['# HELP prober_probe_total [ALPHA] Cumulative number of a liveness, readiness or startup probe for a container by result.', '# TYPE prober_probe_total counter'];
  for (const pod of view.pods) {
    for (const container of pod.spec.containers) {
      lines.push(`prober_probe_total${formatLabels([['container', container.name], ['namespace', pod.metadata.namespace ?? ''], ['pod', pod.metadata.name], ['pod_uid', pod.metadata.uid], ['probe_type', 'Readiness'], ['result', 'successful']])} ${Math.floor(elapsedSec / 10) + 1}`);
    }
  }
  lines.push('');
  return lines.join('\n');
}

/** kubelet `/stats/summary` (statsapi.Summary). */
export function statsSummary(view: KubeletView, nowMs: number): object {
  const cad = view.cadvisor;
  const time = rfc3339(nowMs);
  const cpuStats = (cgroup: string) => {
    const now = cpuSeconds(view, cgroup, nowMs);
    if (now === undefined) return undefined;
    const before = cpuSeconds(view, cgroup, nowMs - RATE_WINDOW_MS) ?? now;
    return { time, usageNanoCores: Math.max(0, Math.round(((now - before) / (RATE_WINDOW_MS / 1000)) * 1e9)), usageCoreNanoSeconds: Math.round(now * 1e9) };
  };
  const memoryStats = (cgroup: string, limitBytes?: number) => {
    const ws = workingSet(view, cgroup, nowMs);
    if (ws === undefined) return undefined;
    const usage = cad.sum('container_memory_usage_bytes', cgroup, nowMs) ?? ws;
    const rss = cad.sum('container_memory_rss', cgroup, nowMs) ?? 0;
    const faults = (type: string) => Math.round(cad.sum('container_memory_failures_total', cgroup, nowMs, (l) => l.some(([k, v]) => k === 'failure_type' && v === type) && l.some(([k, v]) => k === 'scope' && v === 'container')) ?? 0);
    return { time, ...(limitBytes ? { availableBytes: Math.max(0, limitBytes - ws) } : {}), usageBytes: usage, workingSetBytes: ws, rssBytes: rss, pageFaults: faults('pgfault'), majorPageFaults: faults('pgmajfault') };
  };
  const networkStats = (cgroup: string | null) => {
    if (!cgroup) return undefined;
    const interfaces = new Map<string, { name: string; rxBytes: number; rxErrors: number; txBytes: number; txErrors: number }>();
    const fill = (family: string, key: 'rxBytes' | 'rxErrors' | 'txBytes' | 'txErrors') => {
      for (const reading of cad.read(family, cgroup, nowMs)) {
        const name = reading.labels.find(([k]) => k === 'interface')?.[1] ?? 'eth0';
        const entry = interfaces.get(name) ?? { name, rxBytes: 0, rxErrors: 0, txBytes: 0, txErrors: 0 };
        entry[key] = Math.round(reading.value);
        interfaces.set(name, entry);
      }
    };
    fill('container_network_receive_bytes_total', 'rxBytes');
    fill('container_network_receive_errors_total', 'rxErrors');
    fill('container_network_transmit_bytes_total', 'txBytes');
    fill('container_network_transmit_errors_total', 'txErrors');
    if (interfaces.size === 0) return undefined;
    const list = [...interfaces.values()];
    const primary = interfaces.get('eth0') ?? list[0];
    return { time, ...primary, interfaces: list };
  };
  const root = rootCgroup(view);
  const capacity = Number(cad.dump.memoryBytes);
  const fsLimit = cad.sum('container_fs_limit_bytes', root, nowMs) ?? 60e9;
  const fsUsage = cad.sum('container_fs_usage_bytes', root, nowMs) ?? 12e9;
  const fs = { time, availableBytes: Math.max(0, fsLimit - fsUsage), capacityBytes: fsLimit, usedBytes: fsUsage, inodesFree: 3_500_000, inodes: 3_900_000, inodesUsed: 400_000 };
  const systemContainer = (name: string, cgroup: string | undefined) => {
    if (!cgroup) return undefined;
    const cpu = cpuStats(cgroup);
    if (!cpu) return undefined;
    return { name, startTime: rfc3339(view.startMs), cpu, memory: memoryStats(cgroup) };
  };
  const dumpCgroups = new Set(cad.dump.sampleCgroup);
  const runtimeCgroup = ['/system.slice/containerd.service', '/system.slice/docker.service', '/system.slice/crio.service'].find((c) => dumpCgroups.has(c));
  const systemContainers = [
    systemContainer('kubelet', dumpCgroups.has('/system.slice/kubelet.service') ? '/system.slice/kubelet.service' : undefined),
    systemContainer('runtime', runtimeCgroup),
    systemContainer('pods', cad.dump.cgroupDriver === 'systemd' ? '/kubepods.slice' : '/kubepods'),
  ].filter((c) => c !== undefined);

  const pods = view.pods.flatMap((pod) => {
    const cgroups = cad.podCgroups(pod.metadata.uid);
    if (!cgroups) return [];
    const startTime = pod.status.startTime ?? pod.metadata.creationTimestamp;
    return [
      {
        podRef: { name: pod.metadata.name, namespace: pod.metadata.namespace ?? '', uid: pod.metadata.uid },
        startTime,
        containers: [...cgroups.containers].map(([name, cgroup]) => ({
          name,
          startTime,
          cpu: cpuStats(cgroup),
          memory: memoryStats(cgroup),
          rootfs: { time, availableBytes: fs.availableBytes, capacityBytes: fs.capacityBytes, usedBytes: Math.round(cad.sum('container_fs_usage_bytes', cgroup, nowMs) ?? 24_576), inodesFree: fs.inodesFree, inodes: fs.inodes, inodesUsed: 12 },
          logs: { time, availableBytes: fs.availableBytes, capacityBytes: fs.capacityBytes, usedBytes: 16_384, inodesFree: fs.inodesFree, inodes: fs.inodes, inodesUsed: 1 },
        })),
        cpu: cpuStats(cgroups.podCgroup),
        memory: memoryStats(cgroups.podCgroup),
        network: networkStats(cgroups.sandboxCgroup) ?? networkStats(cgroups.podCgroup),
        volume: [],
        'ephemeral-storage': { time, availableBytes: fs.availableBytes, capacityBytes: fs.capacityBytes, usedBytes: 40_960, inodesFree: fs.inodesFree, inodes: fs.inodes, inodesUsed: 13 },
        process_stats: { process_count: Math.round(cad.sum('container_processes', cgroups.podCgroup, nowMs) ?? cgroups.containers.size) },
      },
    ];
  });

  return {
    node: {
      nodeName: view.node.metadata.name,
      systemContainers,
      startTime: view.node.metadata.creationTimestamp,
      cpu: cpuStats(root),
      memory: memoryStats(root, capacity),
      network: networkStats(dumpCgroups.has('/') ? '/' : null),
      fs,
      runtime: { imageFs: { ...fs, usedBytes: Math.round(fsUsage * 0.6) } },
      rlimit: { time, maxpid: 4_194_304, curproc: 300 + pods.length * 8 },
    },
    pods,
  };
}

export function kubeletConfigz(view: KubeletView): object {
  const dump = view.cadvisor.dump;
  const runtimeEndpoint = dump.runtime === 'docker' ? 'unix:///var/run/cri-dockerd.sock' : dump.runtime === 'cri-o' ? 'unix:///var/run/crio/crio.sock' : 'unix:///run/containerd/containerd.sock';
  return {
    kubeletconfig: {
      enableServer: true,
      staticPodPath: '/etc/kubernetes/manifests',
      syncFrequency: '1m0s',
      address: '0.0.0.0',
      port: 10250,
      cgroupRoot: '/',
      cgroupsPerQOS: true,
      cgroupDriver: dump.cgroupDriver,
      containerRuntimeEndpoint: runtimeEndpoint,
      maxPods: 110,
      podPidsLimit: -1,
      failSwapOn: false,
      evictionHard: { 'imagefs.available': '15%', 'memory.available': '100Mi', 'nodefs.available': '10%', 'nodefs.inodesFree': '5%' },
      // Not a real kubelet field: the simulator's record of the dump's cgroup version (1 or 2).
      'x-kube-sim-cgroupVersion': dump.cgroupVersion,
    },
  };
}
