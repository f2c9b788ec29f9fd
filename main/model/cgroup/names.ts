/**
 * Cgroup names, driver-neutral. A cgroup id (cAdvisor's `id` label, or a path under a cgroup
 * hierarchy) is parsed into segments that know what they are (slice, QoS class, pod, container…),
 * and kubelet-managed segments can be written back in either driver's spelling.
 *
 * Semantics follow the kubelet (kubernetes/kubernetes pkg/kubelet/cm/cgroup_manager_linux.go):
 * its internal `CgroupName` is a list of parts, e.g. `['kubepods', 'burstable', 'pod1234-abcd']`.
 * - systemd driver (`ToSystemd`): each part has `-` escaped as `_`, parts are joined by `-` and every
 *   prefix becomes a nested slice: `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1234_abcd.slice`.
 *   `ParseSystemdToCgroupName` reverses it (base name without `.slice`, split on `-`, `_` → `-`).
 * - cgroupfs driver (`ToCgroupfs`): parts joined by `/`: `/kubepods/burstable/pod1234-abcd`.
 * Guaranteed pods sit directly under `kubepods` (no QoS level).
 *
 * Containers are created by the runtime, not the kubelet, so their spelling depends on the runtime
 * (protocols.md §6.3): `cri-containerd-<64hex>.scope`, `crio-<64hex>.scope` (plus
 * `crio-conmon-<64hex>.scope` for CRI-O's monitor), `docker-<64hex>.scope` under systemd; a bare
 * `<64hex>` (containerd, docker) or `crio-<64hex>` (CRI-O) under cgroupfs. Some setups put bare hex
 * leaves under systemd slices (google/cadvisor#2630); cAdvisor matches ids with `[a-z0-9]{64}`.
 */

export type CgroupDriver = 'systemd' | 'cgroupfs' | 'unknown';
export type ContainerRuntime = 'containerd' | 'crio' | 'docker' | 'unknown';
export type QosClass = 'guaranteed' | 'burstable' | 'besteffort';

/**
 * What one path component is, judged from its spelling alone (whether a container is the pod's
 * sandbox needs labels or pod metadata, see tree.ts).
 * `slice`: a systemd slice or a kubelet level without a more precise kind (`kubepods`);
 * `conmon`: CRI-O's per-container monitor scope; `other`: mounts, swaps, plain folders…
 */
export type SegmentKind = 'slice' | 'qos' | 'pod' | 'container' | 'conmon' | 'service' | 'scope' | 'other';

export interface CgroupSegment {
  /** The path component exactly as it appears in the id (systemd `\x2d` escapes kept). */
  raw: string;
  /**
   * Driver-neutral name: the kubelet `CgroupName` part for kubelet-managed levels (`kubepods`,
   * `burstable`, `pod<uid with dashes>`), the 64-hex id for containers, the slice's own part for
   * other slices (`user-1000.slice` under `user.slice` → `1000`), else `raw`.
   */
  name: string;
  kind: SegmentKind;
  /** True for levels the kubelet names (its cgroup root, `kubepods`, QoS, pod) and the containers below them. */
  isKubelet: boolean;
  /** QoS of a `qos` segment, and of a `pod` segment (guaranteed when directly under kubepods). */
  qos?: QosClass;
  /** Pod UID with dashes (kubelet unescapes `_` → `-`); static pods have a 32-hex config hash here. */
  podUid?: string;
  /** 64-hex container id, runtime prefix stripped (containers and conmon scopes). */
  containerId?: string;
  runtime?: ContainerRuntime;
}

export interface ParsedCgroupPath {
  /** Spelling of the kubelet-managed part; for paths without one, `systemd` when systemd unit names appear. */
  driver: CgroupDriver;
  segments: CgroupSegment[];
}

const CONTAINER_ID = /^[a-z0-9]{64}$/;
const POD_STEM = /^pod([0-9a-zA-Z_-]+)$/;
const SYSTEMD_UNIT_SUFFIX = /\.(slice|scope|service|socket|mount|swap|device|target|automount|path|timer)$/;
const QOS_NAMES: ReadonlySet<string> = new Set(['burstable', 'besteffort']);

/** Scope prefixes per runtime under the systemd driver (cAdvisor container/{containerd,crio,docker}/factory.go). */
const SYSTEMD_SCOPE_PREFIX: Record<Exclude<ContainerRuntime, 'unknown'>, string> = {
  containerd: 'cri-containerd-',
  crio: 'crio-',
  docker: 'docker-',
};

/** kubelet escapeSystemdCgroupName: `-` inside a part would split it, so it is written as `_`. */
export function escapeSystemdPart(part: string): string {
  return part.replaceAll('-', '_');
}

/** kubelet unescapeSystemdCgroupName. */
export function unescapeSystemdPart(part: string): string {
  return part.replaceAll('_', '-');
}

/**
 * Undoes systemd's C-style unit-name escapes for display (`dev-disk-by\x2did-…` →
 * `dev-disk-by-id-…`; systemd.unit(5) "String Escaping for Inclusion in Unit Names").
 */
export function unescapeSystemdUnitName(name: string): string {
  return name.replace(/\\x([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

/** Splits a cgroup id into its components; `/`, `` and `//` all mean the root (no components). */
export function splitCgroupPath(path: string): string[] {
  return path.split('/').filter((component) => component !== '');
}

/** Parses a cgroup id (cAdvisor `id` label or a hierarchy-relative path) into driver-neutral segments. */
export function parseCgroupPath(path: string): ParsedCgroupPath {
  const components = splitCgroupPath(path);
  const segments: CgroupSegment[] = [];
  // Stem of the enclosing systemd slice chain (`kubepods-burstable`), '' outside a chain.
  let sliceStem = '';
  let kubepodsDepth = -1;
  let kubeletSpelling: CgroupDriver = 'unknown';
  let hasUnitNames = false;

  for (const raw of components) {
    const parent = segments.at(-1);
    const underKubepods = kubepodsDepth >= 0;
    let segment: CgroupSegment;

    if (raw.endsWith('.slice')) {
      hasUnitNames = true;
      const stem = raw.slice(0, -'.slice'.length);
      const own = sliceStem !== '' && stem.startsWith(`${sliceStem}-`) ? stem.slice(sliceStem.length + 1) : stem;
      sliceStem = stem;
      segment = classifyKubeletLevel(raw, own, parent, underKubepods, 'systemd') ?? { raw, name: own, kind: 'slice', isKubelet: false };
      if (segment.isKubelet) kubeletSpelling = 'systemd';
    } else {
      sliceStem = '';
      const container = parseContainerComponent(raw, underKubepods);
      if (container) {
        segment = { ...container, isKubelet: underKubepods };
        if (raw.endsWith('.scope')) {
          hasUnitNames = true;
          if (underKubepods) kubeletSpelling = 'systemd';
        } else if (underKubepods && kubeletSpelling === 'unknown') {
          kubeletSpelling = 'cgroupfs';
        }
      } else {
        const level = classifyKubeletLevel(raw, raw, parent, underKubepods, 'cgroupfs');
        if (level) {
          segment = level;
          kubeletSpelling = 'cgroupfs';
        } else {
          const suffix = SYSTEMD_UNIT_SUFFIX.exec(raw)?.[1];
          if (suffix) hasUnitNames = true;
          const kind: SegmentKind = suffix === 'service' ? 'service' : suffix === 'scope' ? 'scope' : 'other';
          segment = { raw, name: raw, kind, isKubelet: false };
        }
      }
    }
    if (segment.isKubelet && segment.name === 'kubepods' && kubepodsDepth < 0) {
      kubepodsDepth = segments.length;
      markKubeletRoot(segments, segment.raw);
    }
    segments.push(segment);
  }
  const driver: CgroupDriver = kubeletSpelling !== 'unknown' ? kubeletSpelling : hasUnitNames ? 'systemd' : 'unknown';
  return { driver, segments };
}

/**
 * The kubelet's own levels: `kubepods`, a QoS level directly under it, a pod under either.
 * Returns undefined for anything else.
 */
function classifyKubeletLevel(
  raw: string,
  own: string,
  parent: CgroupSegment | undefined,
  underKubepods: boolean,
  spelling: 'systemd' | 'cgroupfs',
): CgroupSegment | undefined {
  const name = spelling === 'systemd' ? unescapeSystemdPart(own) : own;
  if (!underKubepods) {
    return name === 'kubepods' ? { raw, name, kind: 'slice', isKubelet: true } : undefined;
  }
  if (!parent?.isKubelet) return undefined;
  if (parent.name === 'kubepods' && parent.kind === 'slice' && QOS_NAMES.has(name)) {
    return { raw, name, kind: 'qos', isKubelet: true, qos: name as QosClass };
  }
  const pod = POD_STEM.exec(own);
  if (pod && (parent.kind === 'qos' || (parent.kind === 'slice' && parent.name === 'kubepods'))) {
    const podUid = spelling === 'systemd' ? unescapeSystemdPart(pod[1]) : pod[1];
    const qos: QosClass = parent.kind === 'qos' ? (parent.qos as QosClass) : 'guaranteed';
    return { raw, name: `pod${podUid}`, kind: 'pod', isKubelet: true, qos, podUid };
  }
  return undefined;
}

/**
 * Levels above `kubepods` that belong to the cgroup root the kubelet was given (`--cgroup-root`,
 * e.g. k3s/kind `/kubelet.slice/kubelet-kubepods.slice`, or cgroupfs `/kubelet/kubepods`) are
 * kubelet-named too: the slices whose stems prefix kubepods' stem, or the plain folders above it.
 */
function markKubeletRoot(segments: CgroupSegment[], kubepodsRaw: string): void {
  if (kubepodsRaw.endsWith('.slice')) {
    let stem = kubepodsRaw.slice(0, -'.slice'.length);
    for (let index = segments.length - 1; index >= 0; index--) {
      const segment = segments[index];
      const parentStem = segment.raw.endsWith('.slice') ? segment.raw.slice(0, -'.slice'.length) : undefined;
      if (segment.kind !== 'slice' || parentStem === undefined || !stem.startsWith(`${parentStem}-`)) break;
      segment.isKubelet = true;
      stem = parentStem;
    }
    return;
  }
  for (let index = segments.length - 1; index >= 0; index--) {
    const segment = segments[index];
    if (segment.kind !== 'other' || SYSTEMD_UNIT_SUFFIX.test(segment.raw)) break;
    segment.kind = 'slice';
    segment.isKubelet = true;
  }
}

type ContainerSegment = Omit<CgroupSegment, 'isKubelet'>;

/**
 * A container in any runtime's spelling: a systemd scope anywhere (plain docker containers live in
 * `system.slice`), a bare 64-hex folder anywhere (cgroupfs `/docker/<id>` too), and CRI-O's cgroupfs
 * `crio-<id>` / `crio-conmon-<id>` only below kubepods.
 */
function parseContainerComponent(raw: string, underKubepods: boolean): ContainerSegment | undefined {
  const scope = parseSystemdContainerScope(raw);
  if (scope) return scope;
  if (CONTAINER_ID.test(raw)) return { raw, name: raw, kind: 'container', containerId: raw, runtime: 'unknown' };
  if (!underKubepods) return undefined;
  if (raw.startsWith('crio-conmon-') && CONTAINER_ID.test(raw.slice('crio-conmon-'.length))) {
    const id = raw.slice('crio-conmon-'.length);
    return { raw, name: id, kind: 'conmon', containerId: id, runtime: 'crio' };
  }
  if (raw.startsWith('crio-') && CONTAINER_ID.test(raw.slice('crio-'.length))) {
    const id = raw.slice('crio-'.length);
    return { raw, name: id, kind: 'container', containerId: id, runtime: 'crio' };
  }
  return undefined;
}

/** `cri-containerd-<id>.scope`, `crio-<id>.scope`, `crio-conmon-<id>.scope`, `docker-<id>.scope`. */
function parseSystemdContainerScope(raw: string): ContainerSegment | undefined {
  if (!raw.endsWith('.scope')) return undefined;
  const stem = raw.slice(0, -'.scope'.length);
  if (stem.startsWith('crio-conmon-')) {
    const id = stem.slice('crio-conmon-'.length);
    return CONTAINER_ID.test(id) ? { raw, name: id, kind: 'conmon', containerId: id, runtime: 'crio' } : undefined;
  }
  for (const runtime of ['containerd', 'crio', 'docker'] as const) {
    const prefix = SYSTEMD_SCOPE_PREFIX[runtime];
    if (stem.startsWith(prefix) && CONTAINER_ID.test(stem.slice(prefix.length))) {
      const id = stem.slice(prefix.length);
      return { raw, name: id, kind: 'container', containerId: id, runtime };
    }
  }
  return undefined;
}

/**
 * Writes segments in the systemd driver's spelling. Kubelet-named levels are rebuilt from their
 * neutral names (nested slice prefixes, `-` escaped as `_`); containers get their runtime's scope
 * name (a container of unknown runtime stays a bare id, as cAdvisor#2630 shows); everything else
 * is written as it was found.
 */
export function toSystemdPath(segments: readonly CgroupSegment[]): string {
  const parts: string[] = [];
  let stem = '';
  for (const segment of segments) {
    if (segment.isKubelet && (segment.kind === 'slice' || segment.kind === 'qos' || segment.kind === 'pod')) {
      const part = escapeSystemdPart(segment.name);
      stem = stem === '' ? part : `${stem}-${part}`;
      parts.push(`${stem}.slice`);
      continue;
    }
    stem = '';
    if ((segment.kind === 'container' || segment.kind === 'conmon') && segment.containerId) {
      parts.push(systemdContainerName(segment));
    } else {
      parts.push(segment.raw);
    }
  }
  return `/${parts.join('/')}`;
}

function systemdContainerName(segment: CgroupSegment): string {
  const id = segment.containerId as string;
  if (segment.kind === 'conmon') return `crio-conmon-${id}.scope`;
  const runtime = segment.runtime ?? 'unknown';
  return runtime === 'unknown' ? id : `${SYSTEMD_SCOPE_PREFIX[runtime]}${id}.scope`;
}

/**
 * Writes segments in the cgroupfs driver's spelling: kubelet-named levels as their neutral names,
 * containers as their id (`crio-<id>` for CRI-O, which cAdvisor's crio factory expects), everything
 * else as found. Runtime is not encoded for containerd and docker, so it does not survive a trip
 * through cgroupfs spelling; everything else does.
 */
export function toCgroupfsPath(segments: readonly CgroupSegment[]): string {
  const parts = segments.map((segment) => {
    if ((segment.kind === 'container' || segment.kind === 'conmon') && segment.containerId) {
      if (segment.kind === 'conmon') return `crio-conmon-${segment.containerId}`;
      return segment.runtime === 'crio' ? `crio-${segment.containerId}` : segment.containerId;
    }
    return segment.isKubelet ? segment.name : segment.raw;
  });
  return `/${parts.join('/')}`;
}

/** Parent id of a cgroup id (`/a/b` → `/a`, `/a` → `/`); undefined for the root. */
export function parentCgroupPath(path: string): string | undefined {
  const components = splitCgroupPath(path);
  if (components.length === 0) return undefined;
  return `/${components.slice(0, -1).join('/')}`;
}

/** Canonical spelling of an id: leading `/`, no trailing or doubled slashes. */
export function normalizeCgroupPath(path: string): string {
  return `/${splitCgroupPath(path).join('/')}`;
}
