import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseExposition, parseLabels, type ExpositionTemplate } from './exposition-template.js';

/**
 * What a recorded kubelet `/metrics/cadvisor` dump says about its node and pods, read from the
 * labels and cgroup ids alone (protocols.md §6.3): pod names, namespaces, UIDs, QoS classes,
 * container ids, images, cgroup driver, runtime, machine size. The simulator builds its Pod objects
 * from this so that objects and metrics agree.
 */

export type CgroupDriver = 'systemd' | 'cgroupfs';
export type QosClass = 'Guaranteed' | 'Burstable' | 'BestEffort';
export type ContainerRuntime = 'containerd' | 'docker' | 'cri-o';

export interface DumpContainer {
  readonly name: string;
  readonly image: string;
  /** 64-hex container id (the cgroup leaf's id). */
  readonly id: string;
  readonly cgroupPath: string;
  readonly startSec: number | null;
  /** cgroup cpu shares (cAdvisor converts cgroup v2 weights back to shares). */
  readonly cpuShares: number | null;
  readonly cpuQuotaUs: number | null;
  readonly cpuPeriodUs: number | null;
  /** 0 = unlimited, as cAdvisor reports it. */
  readonly memoryLimitBytes: number | null;
}

export interface DumpPod {
  readonly index: number;
  /** Pod cgroup path, e.g. `/kubepods/burstable/pod<uid>`. */
  readonly cgroupPath: string;
  /** The UID as written in the cgroup name, with dashes (static pods: the 32-hex config hash). */
  readonly cgroupUid: string;
  /** Static (file) pods have a 32-hex config hash instead of a UUID in their cgroup name. */
  readonly isStatic: boolean;
  readonly name: string;
  readonly namespace: string;
  readonly qos: QosClass;
  readonly startSec: number | null;
  readonly containers: DumpContainer[];
  readonly sandbox: { readonly id: string; readonly image: string; readonly cgroupPath: string; readonly containerLabel: string } | null;
}

/** How a sample's value moves when the dump is replayed. */
export const SampleKind = {
  Constant: 0,
  Counter: 1,
  /** `container_start_time_seconds`: shifted so that the dump's "now" is the simulation start. */
  StartTime: 2,
  /** `container_last_seen`: always about now. */
  LastSeen: 3,
} as const;

export interface CadvisorDump {
  readonly path: string;
  readonly fileName: string;
  readonly template: ExpositionTemplate;
  /** The instant the dump was taken (epoch ms): its newest sample timestamp. */
  readonly dumpTimeMs: number;
  readonly cgroupDriver: CgroupDriver;
  readonly cgroupVersion: 1 | 2 | null;
  readonly runtime: ContainerRuntime;
  /** `current` = container/pod labels; `legacy` = container_name/pod_name (kubelet ≤ 1.15). */
  readonly labelStyle: 'current' | 'legacy';
  readonly cores: number;
  readonly memoryBytes: number;
  readonly machineId: string | null;
  readonly systemUuid: string | null;
  readonly bootId: string | null;
  readonly kernelVersion: string | null;
  readonly osImage: string | null;
  readonly dockerVersion: string | null;
  /** From control-plane image tags (e.g. `kube-proxy:v1.35.0`) or the file name. */
  readonly kubeletVersion: string | null;
  /** The node name the static pods carry as their suffix (`kube-apiserver-<node>`). */
  readonly dumpNodeName: string | null;
  readonly pods: DumpPod[];
  /** Per sample (in template order): its cgroup id (the `id` label), or ''. */
  readonly sampleCgroup: string[];
  /** Per sample: index into `pods`, or -1. */
  readonly samplePod: Int32Array;
  /** Per sample: its parsed labels. */
  readonly sampleLabels: Array<Array<[string, string]>>;
  readonly kind: Uint8Array;
  /** Per sample: counter rate (per second), the cgroup's lifetime average in the dump. */
  readonly rate: Float64Array;
  readonly integer: Uint8Array;
  readonly cgroupStartSec: ReadonlyMap<string, number>;
}

const CGROUPFS_POD = /^\/kubepods(?:\/(besteffort|burstable))?\/pod([0-9a-f-]{32,36})(?:\/([^/]+))?$/;
const SYSTEMD_POD = /^\/kubepods\.slice(?:\/kubepods-(besteffort|burstable)\.slice)?\/kubepods(?:-(?:besteffort|burstable))?-pod([0-9a-f_]{32,36})\.slice(?:\/([^/]+))?$/;
const CONTAINER_ID = /([0-9a-f]{64})/;
const CPU_SECONDS_FAMILY = /^container_cpu_.*seconds_total$/;
const STATIC_POD_PREFIXES = ['kube-apiserver-', 'kube-controller-manager-', 'kube-scheduler-', 'etcd-', 'kube-addon-manager-'];

/** Splits a cgroup id into its pod cgroup, QoS, UID and container leaf; null for non-pod cgroups. */
export function parsePodCgroup(id: string): { podCgroup: string; qos: QosClass; cgroupUid: string; leaf: string | null; driver: CgroupDriver } | null {
  const fs = CGROUPFS_POD.exec(id);
  const sd = fs ? null : SYSTEMD_POD.exec(id);
  const match = fs ?? sd;
  if (!match) return null;
  const [, qosText, uidText, leaf] = match;
  const qos: QosClass = qosText === 'besteffort' ? 'BestEffort' : qosText === 'burstable' ? 'Burstable' : 'Guaranteed';
  const podCgroup = leaf ? id.slice(0, id.length - leaf.length - 1) : id;
  return { podCgroup, qos, cgroupUid: uidText.replace(/_/g, '-'), leaf: leaf ?? null, driver: fs ? 'cgroupfs' : 'systemd' };
}

/** The pod cgroup path a kubelet with this driver gives a pod (kubelet pkg/kubelet/cm naming). */
export function podCgroupPath(driver: CgroupDriver, qos: QosClass, uid: string): string {
  const q = qos.toLowerCase();
  if (driver === 'cgroupfs') return qos === 'Guaranteed' ? `/kubepods/pod${uid}` : `/kubepods/${q}/pod${uid}`;
  const escaped = uid.replace(/-/g, '_');
  return qos === 'Guaranteed' ? `/kubepods.slice/kubepods-pod${escaped}.slice` : `/kubepods.slice/kubepods-${q}.slice/kubepods-${q}-pod${escaped}.slice`;
}

const cache = new Map<string, CadvisorDump>();

/** Reads and analyses a dump once per process (the four dumps are 0.9–1.4 MB each). */
export function loadCadvisorDump(path: string): CadvisorDump {
  let dump = cache.get(path);
  if (!dump) {
    dump = analyseCadvisorDump(readFileSync(path, 'utf8'), path);
    cache.set(path, dump);
  }
  return dump;
}

interface MutablePod {
  index: number;
  cgroupPath: string;
  cgroupUid: string;
  qos: QosClass;
  name: string;
  namespace: string;
  containers: Map<string, { name: string; image: string; id: string; cgroupPath: string; nameLabel: string }>;
}

export function analyseCadvisorDump(text: string, path = '<memory>'): CadvisorDump {
  const template = parseExposition(text);
  const total = template.sampleCount;
  const sampleCgroup: string[] = new Array(total);
  const sampleLabels: Array<Array<[string, string]>> = new Array(total);
  const samplePodKey: Array<string | null> = new Array(total);
  const pods = new Map<string, MutablePod>();
  const cgroupStartSec = new Map<string, number>();
  const spec = new Map<string, { shares?: number; quota?: number; period?: number; memory?: number }>();
  let labelStyle: 'current' | 'legacy' = 'current';
  let cores = 0;
  let memoryBytes = 0;
  let machine: Record<string, string> = {};
  let version: Record<string, string> = {};
  let hasPressure = false;
  let driver: CgroupDriver | null = null;
  let runtime: ContainerRuntime | null = null;
  let kubeletVersion: string | null = null;

  let index = 0;
  for (const family of template.families) {
    if (family.name.startsWith('container_pressure_')) hasPressure = true;
    for (const sample of family.samples) {
      const labels = parseLabels(sample.labelsText);
      sampleLabels[index] = labels;
      const get = (name: string) => labels.find(([key]) => key === name)?.[1];
      const id = get('id') ?? '';
      sampleCgroup[index] = id;
      samplePodKey[index] = null;
      if (family.name === 'machine_cpu_cores') {
        cores = sample.value;
        machine = Object.fromEntries(labels);
      } else if (family.name === 'machine_memory_bytes') memoryBytes = sample.value;
      else if (family.name === 'cadvisor_version_info') version = Object.fromEntries(labels);
      if (get('pod_name') !== undefined) labelStyle = 'legacy';
      if (id) {
        // cAdvisor writes Go's zero time (-6.21355968e+10) when it does not know a start time.
        if (family.name === 'container_start_time_seconds' && sample.value > 0) cgroupStartSec.set(id, sample.value);
        const entry = spec.get(id) ?? {};
        if (family.name === 'container_spec_cpu_shares') entry.shares = sample.value;
        else if (family.name === 'container_spec_cpu_quota') entry.quota = sample.value;
        else if (family.name === 'container_spec_cpu_period') entry.period = sample.value;
        else if (family.name === 'container_spec_memory_limit_bytes') entry.memory = sample.value;
        spec.set(id, entry);
        const parsed = parsePodCgroup(id);
        if (parsed) {
          driver ??= parsed.driver;
          let pod = pods.get(parsed.podCgroup);
          if (!pod) {
            pod = { index: -1, cgroupPath: parsed.podCgroup, cgroupUid: parsed.cgroupUid, qos: parsed.qos, name: '', namespace: '', containers: new Map() };
            pods.set(parsed.podCgroup, pod);
          }
          samplePodKey[index] = parsed.podCgroup;
          const podName = get('pod') ?? get('pod_name') ?? '';
          const namespace = get('namespace') ?? '';
          if (podName && !pod.name) pod.name = podName;
          if (namespace && !pod.namespace) pod.namespace = namespace;
          if (parsed.leaf) {
            const hex = CONTAINER_ID.exec(parsed.leaf)?.[1];
            if (hex && !pod.containers.has(hex)) {
              const image = get('image') ?? '';
              const nameLabel = get('name') ?? '';
              pod.containers.set(hex, { name: get('container') ?? get('container_name') ?? '', image, id: hex, cgroupPath: id, nameLabel });
              if (!runtime) {
                if (parsed.leaf.startsWith('cri-containerd-')) runtime = 'containerd';
                else if (parsed.leaf.startsWith('docker-') || nameLabel.startsWith('k8s_')) runtime = 'docker';
                else if (parsed.leaf.startsWith('crio-')) runtime = 'cri-o';
                else if (nameLabel === hex) runtime = 'containerd';
              }
              const tag = /kube-(?:apiserver|proxy|controller-manager|scheduler)(?:-[a-z0-9]+)?:(v\d+\.\d+\.\d+)/.exec(image)?.[1];
              if (tag) kubeletVersion ??= tag;
            }
          }
        }
      }
      index++;
    }
  }

  const fileName = basename(path);
  const dumpTimeMs = template.maxTsMs ?? (Math.max(0, ...cgroupStartSec.values()) + 600) * 1000;
  const podList: DumpPod[] = [];
  const podIndexByKey = new Map<string, number>();
  for (const pod of pods.values()) {
    if (!pod.name) continue; // a pod cgroup the kubelet could not name: left as node-level noise
    const containers: DumpContainer[] = [];
    let sandbox: DumpPod['sandbox'] = null;
    for (const container of pod.containers.values()) {
      if (container.name === '' || container.name === 'POD') {
        sandbox ??= { id: container.id, image: container.image, cgroupPath: container.cgroupPath, containerLabel: container.name };
        continue;
      }
      const s = spec.get(container.cgroupPath) ?? {};
      containers.push({
        name: container.name,
        image: container.image,
        id: container.id,
        cgroupPath: container.cgroupPath,
        startSec: cgroupStartSec.get(container.cgroupPath) ?? null,
        cpuShares: s.shares ?? null,
        cpuQuotaUs: s.quota ?? null,
        cpuPeriodUs: s.period ?? null,
        memoryLimitBytes: s.memory ?? null,
      });
    }
    const isStatic = /^[0-9a-f]{32}$/.test(pod.cgroupUid);
    const entry: DumpPod = {
      index: podList.length,
      cgroupPath: pod.cgroupPath,
      cgroupUid: pod.cgroupUid,
      isStatic,
      name: pod.name,
      namespace: pod.namespace,
      qos: pod.qos,
      startSec: cgroupStartSec.get(pod.cgroupPath) ?? minOrNull(containers.map((c) => c.startSec)) ?? (sandbox ? (cgroupStartSec.get(sandbox.cgroupPath) ?? null) : null),
      containers,
      sandbox,
    };
    podIndexByKey.set(pod.cgroupPath, entry.index);
    podList.push(entry);
  }

  let dumpNodeName: string | null = null;
  for (const pod of podList) {
    if (!pod.isStatic) continue;
    const prefix = STATIC_POD_PREFIXES.find((p) => pod.name.startsWith(p));
    if (prefix) {
      dumpNodeName = pod.name.slice(prefix.length);
      break;
    }
  }
  if (!kubeletVersion) {
    const fromName = /k8s-(\d+\.\d+)/.exec(fileName)?.[1];
    if (fromName) kubeletVersion = `v${fromName}.0`;
  }

  // Per-sample replay dynamics.
  const kind = new Uint8Array(total);
  const rate = new Float64Array(total);
  const integer = new Uint8Array(total);
  const samplePod = new Int32Array(total);
  const rootStart = cgroupStartSec.get('/') ?? null;
  const dumpSec = dumpTimeMs / 1000;
  const fallbackAgeSec = rootStart !== null ? Math.max(60, dumpSec - rootStart) : 3600;
  index = 0;
  for (const family of template.families) {
    const isCounter = family.type === 'counter';
    for (const sample of family.samples) {
      const key = samplePodKey[index];
      samplePod[index] = key === null ? -1 : (podIndexByKey.get(key) ?? -1);
      if (family.name === 'container_start_time_seconds') kind[index] = sample.value > 0 ? SampleKind.StartTime : SampleKind.Constant;
      else if (family.name === 'container_last_seen') kind[index] = SampleKind.LastSeen;
      else if (isCounter && Number.isFinite(sample.value) && sample.value > 0) {
        kind[index] = SampleKind.Counter;
        const start = cgroupStartSec.get(sampleCgroup[index]);
        const ageSec = start !== undefined ? Math.max(60, dumpSec - start) : fallbackAgeSec;
        let r = sample.value / ageSec;
        if (CPU_SECONDS_FAMILY.test(family.name) && cores > 0) r = Math.min(r, cores);
        rate[index] = r;
        integer[index] = Number.isInteger(sample.value) ? 1 : 0;
      }
      index++;
    }
  }

  const versionFromName = /cgroupv([12])/.exec(fileName)?.[1];
  return {
    path,
    fileName,
    template,
    dumpTimeMs,
    cgroupDriver: driver ?? (fileName.includes('systemd') ? 'systemd' : 'cgroupfs'),
    cgroupVersion: hasPressure ? 2 : versionFromName ? (Number(versionFromName) as 1 | 2) : null,
    runtime: runtime ?? (version.dockerVersion ? 'docker' : 'containerd'),
    labelStyle,
    cores: cores || 2,
    memoryBytes: memoryBytes || 4 * 1024 ** 3,
    machineId: machine.machine_id ?? null,
    systemUuid: machine.system_uuid ?? null,
    bootId: machine.boot_id ?? null,
    kernelVersion: version.kernelVersion || null,
    osImage: version.osVersion || null,
    dockerVersion: version.dockerVersion || null,
    kubeletVersion,
    dumpNodeName,
    pods: podList,
    sampleCgroup,
    samplePod,
    sampleLabels,
    kind,
    rate,
    integer,
    cgroupStartSec,
  };
}

function minOrNull(values: ReadonlyArray<number | null>): number | null {
  const known = values.filter((v): v is number => v !== null);
  return known.length ? Math.min(...known) : null;
}
