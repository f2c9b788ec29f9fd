import { formatGoFloat, formatLabels } from './exposition-template.js';
import { advanceCounter } from './advancing-exposition.js';
import { podCgroupPath, SampleKind, type CadvisorDump, type DumpPod, type QosClass } from './cadvisor-dump.js';

/**
 * One node's kubelet cAdvisor endpoint, replayed from a recorded dump.
 *
 * Derived from the dump: every line of the payload, the pod/container cgroups of the dump's pods,
 * counter rates (each cgroup's lifetime average in the dump), timestamp spread.
 * Invented: series of pods the dump does not contain (scenario pods, replacements, scale-outs) are
 * cloned from a "donor" pod of the dump with the same QoS class, with new ids and names; their
 * counters start at zero when the pod is created. Parent aggregates (`/kubepods`, QoS slices) are
 * not adjusted for added or removed pods.
 */

export interface SyntheticPodSpec {
  readonly uid: string;
  readonly name: string;
  readonly namespace: string;
  readonly qos: QosClass;
  readonly createdMs: number;
  readonly containers: ReadonlyArray<{ readonly name: string; readonly image: string; readonly id: string }>;
  readonly sandboxId: string;
}

export interface PodCgroups {
  readonly podCgroup: string;
  /** Container name → cgroup id. */
  readonly containers: ReadonlyMap<string, string>;
  readonly sandboxCgroup: string | null;
}

interface SyntheticSample {
  readonly prefix: string;
  readonly donor: number;
  readonly cgroup: string;
}

interface SyntheticPod {
  readonly createdMs: number;
  readonly cgroups: PodCgroups;
  /** family index → samples */
  readonly byFamily: Map<number, SyntheticSample[]>;
}

export interface SampleReading {
  readonly labels: ReadonlyArray<readonly [string, string]>;
  readonly value: number;
}

export class CadvisorNode {
  readonly dump: CadvisorDump;
  readonly #startMs: number;
  readonly #startShiftSec: number;
  /** Dump pod index → pod object UID, for dump pods that are alive. */
  readonly #liveDumpPods = new Map<number, string>();
  readonly #dumpPodByUid = new Map<string, number>();
  readonly #synthetic = new Map<string, SyntheticPod>();
  /** Per-sample prefix override (renamed dump pods). */
  readonly #prefixOverride = new Map<number, string>();
  /** family name → family index */
  readonly #familyIndex = new Map<string, number>();
  /** family index → first global sample index */
  readonly #familyStart: number[] = [];
  /** cgroup id → global sample indexes (original samples) */
  readonly #byCgroup = new Map<string, number[]>();

  constructor(dump: CadvisorDump, options: { startMs: number }) {
    this.dump = dump;
    this.#startMs = options.startMs;
    this.#startShiftSec = Math.round((options.startMs - dump.dumpTimeMs) / 1000);
    let index = 0;
    dump.template.families.forEach((family, familyIndex) => {
      this.#familyIndex.set(family.name, familyIndex);
      this.#familyStart.push(index);
      for (let i = 0; i < family.samples.length; i++, index++) {
        const cgroup = dump.sampleCgroup[index];
        if (!cgroup) continue;
        let list = this.#byCgroup.get(cgroup);
        if (!list) this.#byCgroup.set(cgroup, (list = []));
        list.push(index);
      }
    });
  }

  /** Marks a dump pod as alive under a pod object's UID, optionally under a new pod name. */
  attachDumpPod(pod: DumpPod, uid: string, name = pod.name): void {
    this.#liveDumpPods.set(pod.index, uid);
    this.#dumpPodByUid.set(uid, pod.index);
    if (name !== pod.name) this.#renameDumpPod(pod, name);
  }

  /** Adds the cgroups of a pod the dump does not contain, cloned from a donor pod of the dump. */
  addSyntheticPod(spec: SyntheticPodSpec): PodCgroups {
    const donor = this.#pickDonor(spec.qos);
    const driver = this.dump.cgroupDriver;
    const podCgroup = podCgroupPath(driver, spec.qos, spec.uid);
    const byFamily = new Map<number, SyntheticSample[]>();
    const containers = new Map<string, string>();
    let sandboxCgroup: string | null = null;
    if (!donor) {
      const cgroups = { podCgroup, containers, sandboxCgroup };
      this.#synthetic.set(spec.uid, { createdMs: spec.createdMs, cgroups, byFamily });
      return cgroups;
    }
    const add = (donorIndex: number, cgroup: string, prefix: string) => {
      const family = this.#familyOf(donorIndex);
      let list = byFamily.get(family);
      if (!list) byFamily.set(family, (list = []));
      list.push({ prefix, donor: donorIndex, cgroup });
    };
    const leafFor = (donorCgroup: string, donorId: string, newId: string) => donorCgroup.slice(donor.cgroupPath.length).replace(donorId, newId);
    // Pod-level cgroup.
    for (const i of this.#byCgroup.get(donor.cgroupPath) ?? []) {
      add(i, podCgroup, this.#clonePrefix(i, { id: podCgroup, pod: spec.name, namespace: spec.namespace, uid: spec.uid }));
    }
    if (donor.sandbox) {
      const cgroup = podCgroup + leafFor(donor.sandbox.cgroupPath, donor.sandbox.id, spec.sandboxId);
      sandboxCgroup = cgroup;
      for (const i of this.#byCgroup.get(donor.sandbox.cgroupPath) ?? []) {
        add(i, cgroup, this.#clonePrefix(i, { id: cgroup, pod: spec.name, namespace: spec.namespace, uid: spec.uid, containerId: spec.sandboxId, donorId: donor.sandbox.id, container: donor.sandbox.containerLabel }));
      }
    }
    spec.containers.forEach((container, n) => {
      const from = donor.containers[n % donor.containers.length];
      const cgroup = podCgroup + leafFor(from.cgroupPath, from.id, container.id);
      containers.set(container.name, cgroup);
      for (const i of this.#byCgroup.get(from.cgroupPath) ?? []) {
        add(i, cgroup, this.#clonePrefix(i, { id: cgroup, pod: spec.name, namespace: spec.namespace, uid: spec.uid, containerId: container.id, donorId: from.id, container: container.name, image: container.image }));
      }
    });
    const cgroups = { podCgroup, containers, sandboxCgroup };
    this.#synthetic.set(spec.uid, { createdMs: spec.createdMs, cgroups, byFamily });
    return cgroups;
  }

  /** Removes a pod's series (dump or synthetic). */
  removePod(uid: string): void {
    const dumpIndex = this.#dumpPodByUid.get(uid);
    if (dumpIndex !== undefined) {
      this.#liveDumpPods.delete(dumpIndex);
      this.#dumpPodByUid.delete(uid);
    }
    this.#synthetic.delete(uid);
  }

  /** The cgroups of a live pod, by pod object UID. */
  podCgroups(uid: string): PodCgroups | undefined {
    const synthetic = this.#synthetic.get(uid);
    if (synthetic) return synthetic.cgroups;
    const dumpIndex = this.#dumpPodByUid.get(uid);
    if (dumpIndex === undefined) return undefined;
    const pod = this.dump.pods[dumpIndex];
    return {
      podCgroup: pod.cgroupPath,
      containers: new Map(pod.containers.map((c) => [c.name, c.cgroupPath])),
      sandboxCgroup: pod.sandbox?.cgroupPath ?? null,
    };
  }

  /** The whole `/metrics/cadvisor` payload at `nowMs`. */
  render(nowMs: number): string {
    const dump = this.dump;
    const template = dump.template;
    const elapsedSec = Math.max(0, (nowMs - this.#startMs) / 1000);
    const maxTs = template.maxTsMs;
    const out: string[] = [];
    let index = 0;
    template.families.forEach((family, familyIndex) => {
      for (const line of family.header) out.push(line);
      for (const sample of family.samples) {
        const pod = dump.samplePod[index];
        if (pod >= 0 && !this.#liveDumpPods.has(pod)) {
          index++;
          continue;
        }
        let line = (this.#prefixOverride.get(index) ?? sample.prefix) + formatGoFloat(this.#originalValue(index, sample.value, elapsedSec, nowMs));
        if (sample.tsMs !== null && maxTs !== null) line += sample.tsSeparator + String(Math.round(nowMs - (maxTs - sample.tsMs)));
        out.push(line);
        index++;
      }
      for (const pod of this.#synthetic.values()) {
        for (const s of pod.byFamily.get(familyIndex) ?? []) {
          const donorSample = family.samples[s.donor - this.#familyStart[familyIndex]];
          let line = s.prefix + formatGoFloat(this.#syntheticValue(s.donor, donorSample.value, pod.createdMs, nowMs));
          if (donorSample.tsMs !== null && maxTs !== null) line += donorSample.tsSeparator + String(Math.round(nowMs - (maxTs - donorSample.tsMs)));
          out.push(line);
        }
      }
    });
    for (const line of template.trailer) out.push(line);
    return out.join('\n') + '\n';
  }

  /** Current readings of one family for one cgroup (several when the family has extra labels). */
  read(familyName: string, cgroup: string, nowMs: number): SampleReading[] {
    const familyIndex = this.#familyIndex.get(familyName);
    if (familyIndex === undefined) return [];
    const family = this.dump.template.families[familyIndex];
    const readings: SampleReading[] = [];
    const elapsedSec = Math.max(0, (nowMs - this.#startMs) / 1000);
    const first = this.#familyStart[familyIndex];
    const last = first + family.samples.length;
    for (const i of this.#byCgroup.get(cgroup) ?? []) {
      if (i < first || i >= last) continue;
      const pod = this.dump.samplePod[i];
      if (pod >= 0 && !this.#liveDumpPods.has(pod)) continue;
      readings.push({ labels: this.dump.sampleLabels[i], value: this.#originalValue(i, family.samples[i - first].value, elapsedSec, nowMs) });
    }
    if (readings.length > 0) return readings;
    for (const pod of this.#synthetic.values()) {
      for (const s of pod.byFamily.get(familyIndex) ?? []) {
        if (s.cgroup !== cgroup) continue;
        readings.push({ labels: this.dump.sampleLabels[s.donor], value: this.#syntheticValue(s.donor, family.samples[s.donor - first].value, pod.createdMs, nowMs) });
      }
    }
    return readings;
  }

  /** Sum of a family's readings for a cgroup (e.g. network bytes over interfaces), or undefined. */
  sum(familyName: string, cgroup: string, nowMs: number, filter?: (labels: ReadonlyArray<readonly [string, string]>) => boolean): number | undefined {
    const readings = this.read(familyName, cgroup, nowMs).filter((r) => !filter || filter(r.labels));
    if (readings.length === 0) return undefined;
    return readings.reduce((total, r) => total + r.value, 0);
  }

  #originalValue(index: number, base: number, elapsedSec: number, nowMs: number): number {
    switch (this.dump.kind[index]) {
      case SampleKind.Counter:
        return advanceCounter(base, this.dump.rate[index], elapsedSec, this.dump.integer[index] === 1);
      case SampleKind.StartTime:
        return base + this.#startShiftSec;
      case SampleKind.LastSeen:
        return Math.round(nowMs / 1000 - (this.dump.dumpTimeMs / 1000 - base));
      default:
        return base;
    }
  }

  #syntheticValue(donor: number, base: number, createdMs: number, nowMs: number): number {
    switch (this.dump.kind[donor]) {
      case SampleKind.Counter:
        return advanceCounter(0, this.dump.rate[donor], (nowMs - createdMs) / 1000, this.dump.integer[donor] === 1);
      case SampleKind.StartTime:
        return Math.floor(createdMs / 1000);
      case SampleKind.LastSeen:
        return Math.round(nowMs / 1000 - (this.dump.dumpTimeMs / 1000 - base));
      default:
        return base;
    }
  }

  #familyOf(sampleIndex: number): number {
    let lo = 0;
    let hi = this.#familyStart.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.#familyStart[mid] <= sampleIndex) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  #pickDonor(qos: QosClass): DumpPod | undefined {
    const usable = this.dump.pods.filter((p) => p.containers.length > 0 && p.sandbox && !p.isStatic);
    return usable.find((p) => p.qos === qos) ?? usable[0] ?? this.dump.pods.find((p) => p.containers.length > 0);
  }

  #renameDumpPod(pod: DumpPod, name: string): void {
    const dump = this.dump;
    for (let i = 0; i < dump.samplePod.length; i++) {
      if (dump.samplePod[i] !== pod.index) continue;
      const labels = dump.sampleLabels[i].map(([key, value]): [string, string] => {
        if ((key === 'pod' || key === 'pod_name') && value === pod.name) return [key, name];
        if (key === 'name' && value.startsWith('k8s_')) return [key, value.replace(`_${pod.name}_`, `_${name}_`)];
        return [key, value];
      });
      const sample = this.#sampleAt(i);
      this.#prefixOverride.set(i, sample.name + formatLabels(labels) + sample.prefix.slice(sample.name.length + sample.labelsText.length));
    }
  }

  #sampleAt(index: number) {
    const family = this.#familyOf(index);
    return this.dump.template.families[family].samples[index - this.#familyStart[family]];
  }

  #clonePrefix(
    index: number,
    change: { id: string; pod: string; namespace: string; uid: string; containerId?: string; donorId?: string; container?: string; image?: string },
  ): string {
    const sample = this.#sampleAt(index);
    const labels = this.dump.sampleLabels[index].map(([key, value]): [string, string] => {
      switch (key) {
        case 'id':
          return [key, change.id];
        case 'pod':
        case 'pod_name':
          return [key, value === '' ? value : change.pod];
        case 'namespace':
          return [key, value === '' ? value : change.namespace];
        case 'container':
        case 'container_name':
          return [key, change.container ?? value];
        case 'image':
          return [key, change.image ?? value];
        case 'name':
          if (change.containerId && change.donorId && value === change.donorId) return [key, change.containerId];
          if (value.startsWith('k8s_')) return [key, `k8s_${change.container ?? 'POD'}_${change.pod}_${change.namespace}_${change.uid}_0`];
          return [key, value];
        default:
          return [key, value];
      }
    });
    return sample.name + formatLabels(labels) + sample.prefix.slice(sample.name.length + sample.labelsText.length);
  }
}
