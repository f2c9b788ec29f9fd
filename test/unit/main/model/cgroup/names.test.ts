import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  parentCgroupPath,
  parseCgroupPath,
  toCgroupfsPath,
  toSystemdPath,
  unescapeSystemdUnitName,
} from '../../../../../main/model/cgroup/names.js';

const HEX64 = 'c40dff48a1b2c3d4e5f60718293a4b5c6d7e8f9012345678'.padEnd(64, '0');
const DOCKER_ID = '38fc5e2984ac2c9020174556070a8e490ea4c3b2b5d9b1bf5587c4cb66f6048c';

function summary(path: string) {
  const parsed = parseCgroupPath(path);
  return { driver: parsed.driver, segments: parsed.segments.map((s) => [s.kind, s.name, s.isKubelet, s.qos ?? '', s.podUid ?? '', s.runtime ?? '']) };
}

describe('parseCgroupPath', () => {
  it('parses the kubelet documented example (cgroup_manager_linux.go) in both spellings', () => {
    const systemd = '/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1234_abcd_5678_efgh.slice';
    const cgroupfs = '/kubepods/burstable/pod1234-abcd-5678-efgh';
    const expected = [
      ['slice', 'kubepods', true, '', '', ''],
      ['qos', 'burstable', true, 'burstable', '', ''],
      ['pod', 'pod1234-abcd-5678-efgh', true, 'burstable', '1234-abcd-5678-efgh', ''],
    ];
    expect(summary(systemd)).toEqual({ driver: 'systemd', segments: expected });
    expect(summary(cgroupfs)).toEqual({ driver: 'cgroupfs', segments: expected });
  });

  it('puts Guaranteed pods directly under kubepods, with no QoS level', () => {
    expect(summary('/kubepods.slice/kubepods-pod22d41fe2_20a3_44f0_97e6_24f2d8811751.slice').segments[1]).toEqual([
      'pod', 'pod22d41fe2-20a3-44f0-97e6-24f2d8811751', true, 'guaranteed', '22d41fe2-20a3-44f0-97e6-24f2d8811751', '',
    ]);
    expect(summary('/kubepods/podebb73de1-03ec-4c34-bda3-bb8a44f01c2b').segments[1]).toEqual([
      'pod', 'podebb73de1-03ec-4c34-bda3-bb8a44f01c2b', true, 'guaranteed', 'ebb73de1-03ec-4c34-bda3-bb8a44f01c2b', '',
    ]);
  });

  it('recognises every runtime spelling of a container and strips the prefix from the id', () => {
    const pod = '/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod6553a60b_2b97_442a_b6da_a5704d81dd98.slice';
    const cases: [string, string, string][] = [
      [`${pod}/cri-containerd-${HEX64}.scope`, 'container', 'containerd'],
      [`${pod}/crio-${HEX64}.scope`, 'container', 'crio'],
      [`${pod}/crio-conmon-${HEX64}.scope`, 'conmon', 'crio'],
      [`${pod}/docker-${HEX64}.scope`, 'container', 'docker'],
      [`${pod}/${HEX64}`, 'container', 'unknown'],
      [`/kubepods/besteffort/pod6553a60b-2b97-442a-b6da-a5704d81dd98/${HEX64}`, 'container', 'unknown'],
      [`/kubepods/besteffort/pod6553a60b-2b97-442a-b6da-a5704d81dd98/crio-${HEX64}`, 'container', 'crio'],
    ];
    for (const [path, kind, runtime] of cases) {
      const last = parseCgroupPath(path).segments.at(-1);
      expect(last, path).toMatchObject({ kind, runtime, containerId: HEX64, name: HEX64, isKubelet: true });
    }
  });

  it('parses unsuffixed 64-hex leaves under systemd slices (google/cadvisor#2630)', () => {
    const path = '/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-podfa92a330f4b025479d8e2f1804482b69.slice/547ab08695706f15aa0c9f9c7e2b85bb74cba534d35f5873dbeff33d19cd25f1';
    const parsed = parseCgroupPath(path);
    expect(parsed.driver).toBe('systemd');
    expect(parsed.segments[2]).toMatchObject({ kind: 'pod', podUid: 'fa92a330f4b025479d8e2f1804482b69', qos: 'besteffort' });
    expect(parsed.segments[3]).toMatchObject({ kind: 'container', runtime: 'unknown', containerId: '547ab08695706f15aa0c9f9c7e2b85bb74cba534d35f5873dbeff33d19cd25f1' });
    // No runtime is known, so the systemd spelling keeps the bare id.
    expect(toSystemdPath(parsed.segments)).toBe(path);
  });

  it('parses k3s/kind kubelet-kubepods prefixes (a --cgroup-root slice above kubepods)', () => {
    const path = `/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-burstable.slice/kubelet-kubepods-burstable-poda2fc3cbb_2db0_4954_9890_3dc51d74092c.slice/cri-containerd-${HEX64}.scope`;
    expect(summary(path)).toEqual({
      driver: 'systemd',
      segments: [
        ['slice', 'kubelet', true, '', '', ''],
        ['slice', 'kubepods', true, '', '', ''],
        ['qos', 'burstable', true, 'burstable', '', ''],
        ['pod', 'poda2fc3cbb-2db0-4954-9890-3dc51d74092c', true, 'burstable', 'a2fc3cbb-2db0-4954-9890-3dc51d74092c', ''],
        ['container', HEX64, true, '', '', 'containerd'],
      ],
    });
    const cgroupfs = toCgroupfsPath(parseCgroupPath(path).segments);
    expect(cgroupfs).toBe(`/kubelet/kubepods/burstable/poda2fc3cbb-2db0-4954-9890-3dc51d74092c/${HEX64}`);
    // Back to systemd: the runtime is lost in cgroupfs spelling, everything else comes back.
    expect(toSystemdPath(parseCgroupPath(cgroupfs).segments)).toBe(
      `/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-burstable.slice/kubelet-kubepods-burstable-poda2fc3cbb_2db0_4954_9890_3dc51d74092c.slice/${HEX64}`,
    );
  });

  it('keeps systemd units outside kubepods as they are, with nested slices and \\x2d escapes', () => {
    expect(summary('/system.slice/system-getty.slice').segments).toEqual([
      ['slice', 'system', false, '', '', ''],
      ['slice', 'getty', false, '', '', ''],
    ]);
    expect(summary('/user.slice/user-1000.slice/session-2.scope').segments).toEqual([
      ['slice', 'user', false, '', '', ''],
      ['slice', '1000', false, '', '', ''],
      ['scope', 'session-2.scope', false, '', '', ''],
    ]);
    const swap = '/system.slice/dev-disk-by\\x2did-ata\\x2dVBOX_HARDDISK_VB889e9320\\x2d6f5efc34\\x2dpart2.swap';
    const parsed = parseCgroupPath(swap);
    expect(parsed.segments[1]).toMatchObject({ kind: 'other', raw: 'dev-disk-by\\x2did-ata\\x2dVBOX_HARDDISK_VB889e9320\\x2d6f5efc34\\x2dpart2.swap', isKubelet: false });
    expect(unescapeSystemdUnitName(parsed.segments[1].raw)).toBe('dev-disk-by-id-ata-VBOX_HARDDISK_VB889e9320-6f5efc34-part2.swap');
    expect(summary('/system.slice/kubelet.service').segments[1]).toEqual(['service', 'kubelet.service', false, '', '', '']);
    expect(summary('/init.scope')).toEqual({ driver: 'systemd', segments: [['scope', 'init.scope', false, '', '', '']] });
    // Conversions leave what the kubelet does not name alone.
    expect(toCgroupfsPath(parsed.segments)).toBe(swap);
    expect(toSystemdPath(parsed.segments)).toBe(swap);
    expect(toCgroupfsPath(parseCgroupPath('/system.slice/docker.service').segments)).toBe('/system.slice/docker.service');
  });

  it('treats the root and plain folders sensibly', () => {
    expect(parseCgroupPath('/')).toEqual({ driver: 'unknown', segments: [] });
    expect(parseCgroupPath('')).toEqual({ driver: 'unknown', segments: [] });
    expect(toSystemdPath([])).toBe('/');
    expect(toCgroupfsPath([])).toBe('/');
    expect(summary('/process_api/6feb3ee59dc6bf757c4da5afb7c79960')).toEqual({
      driver: 'unknown',
      segments: [
        ['other', 'process_api', false, '', '', ''],
        ['other', '6feb3ee59dc6bf757c4da5afb7c79960', false, '', '', ''],
      ],
    });
    // A plain docker (not Kubernetes) container is still a container.
    expect(parseCgroupPath(`/system.slice/docker-${DOCKER_ID}.scope`).segments[1]).toMatchObject({ kind: 'container', runtime: 'docker', isKubelet: false });
    expect(parseCgroupPath(`/docker/${DOCKER_ID}`).segments[1]).toMatchObject({ kind: 'container', runtime: 'unknown', isKubelet: false });
  });

  it('keeps nested duplicates below a container as plain slices (kubernetes/kubernetes#129253)', () => {
    const pod = '/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-poddc35e999_4467_45c5_92ee_4dd4ae8baa2c.slice';
    const nested = `${pod}/cri-containerd-${HEX64}.scope/kubepods.slice/kubepods-burstable.slice`;
    const parsed = parseCgroupPath(nested);
    expect(parsed.segments.map((s) => s.kind)).toEqual(['slice', 'qos', 'pod', 'container', 'slice', 'slice']);
    expect(parsed.segments.slice(4).every((s) => !s.isKubelet)).toBe(true);
    expect(toSystemdPath(parsed.segments)).toBe(nested);
  });

  it('gives parents of ids', () => {
    expect(parentCgroupPath('/a.slice/b.service')).toBe('/a.slice');
    expect(parentCgroupPath('/a.slice')).toBe('/');
    expect(parentCgroupPath('/')).toBeUndefined();
  });
});

describe('systemd ⇄ cgroupfs round trip', () => {
  // Independent oracle: both spellings are written here with template strings, following the
  // kubelet rules by hand; the code under test must map each to the other.
  const hex = (length: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });
  const podUid = fc.oneof(fc.uuid(), hex(32));
  const qos = fc.constantFrom<'burstable' | 'besteffort' | null>('burstable', 'besteffort', null);
  const runtime = fc.constantFrom('containerd', 'crio', 'docker');
  const prefix = fc.constantFrom<string | null>(null, 'kubelet');

  it('maps kubelet paths both ways for any pod UID, QoS and runtime', () => {
    fc.assert(
      fc.property(prefix, qos, podUid, hex(64), runtime, (rootName, qosName, uid, id, rt) => {
        const fsParts = [...(rootName ? [rootName] : []), 'kubepods', ...(qosName ? [qosName] : []), `pod${uid}`];
        const cgroupfsPod = `/${fsParts.join('/')}`;
        const sdParts: string[] = [];
        for (let i = 0; i < fsParts.length; i++) sdParts.push(`${fsParts.slice(0, i + 1).map((p) => p.replaceAll('-', '_')).join('-')}.slice`);
        const systemdPod = `/${sdParts.join('/')}`;
        const scope = rt === 'containerd' ? `cri-containerd-${id}.scope` : rt === 'crio' ? `crio-${id}.scope` : `docker-${id}.scope`;
        const fsLeaf = rt === 'crio' ? `crio-${id}` : id;

        expect(toCgroupfsPath(parseCgroupPath(systemdPod).segments)).toBe(cgroupfsPod);
        expect(toSystemdPath(parseCgroupPath(cgroupfsPod).segments)).toBe(systemdPod);
        expect(toSystemdPath(parseCgroupPath(systemdPod).segments)).toBe(systemdPod);
        expect(toCgroupfsPath(parseCgroupPath(`${systemdPod}/${scope}`).segments)).toBe(`${cgroupfsPod}/${fsLeaf}`);
        expect(toSystemdPath(parseCgroupPath(`${systemdPod}/${scope}`).segments)).toBe(`${systemdPod}/${scope}`);
        const pod = parseCgroupPath(cgroupfsPod).segments.at(-1);
        expect(pod).toMatchObject({ kind: 'pod', podUid: uid, qos: qosName ?? 'guaranteed' });
      }),
      { numRuns: 300 },
    );
  });
});
