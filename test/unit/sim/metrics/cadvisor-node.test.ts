import { describe, expect, it } from 'vitest';
import { fixturePath, readFixture } from '../../../helpers/fixtures.js';
import { loadCadvisorDump } from '../../../sim/metrics/cadvisor-dump.js';
import { CadvisorNode } from '../../../sim/metrics/cadvisor-node.js';
import { parseExposition } from '../../../sim/metrics/exposition-template.js';

const FILE = 'k8s-1.20_minikube-vm_docker-20.10.8_systemd_cgroupv1.prom';

describe('a replayed kubelet cAdvisor endpoint', () => {
  const dump = loadCadvisorDump(fixturePath('cadvisor', 'kubelet', FILE));
  const at = dump.template.maxTsMs as number;

  const withAllPods = () => {
    const node = new CadvisorNode(dump, { startMs: at });
    for (const pod of dump.pods) node.attachDumpPod(pod, pod.cgroupUid);
    return node;
  };

  it('is the recording itself at the recorded instant', () => {
    expect(withAllPods().render(at)).toBe(readFixture('cadvisor', 'kubelet', FILE));
  });

  it('drops exactly a removed pod\'s series', () => {
    const node = withAllPods();
    const pod = dump.pods.find((p) => p.name === 'e2e-statefulset-0');
    if (!pod) throw new Error('pod missing from the dump');
    const expected = dump.samplePod.filter((i) => i === pod.index).length;
    const before = node.render(at).split('\n').length;
    node.removePod(pod.cgroupUid);
    const after = node.render(at);
    expect(before - after.split('\n').length).toBe(expected);
    expect(after).not.toContain(pod.cgroupUid.replace(/-/g, '_'));
  });

  it('clones a donor pod for a new pod: new ids and names, counters from zero at the donor\'s rate', () => {
    const node = withAllPods();
    const createdMs = at + 60_000;
    node.addSyntheticPod({ uid: '11111111-2222-4333-8444-555555555555', name: 'web-1', namespace: 'shop', qos: 'BestEffort', createdMs, containers: [{ name: 'web', image: 'nginx:1.22', id: 'c'.repeat(64) }], sandboxId: 'd'.repeat(64) });
    const cgroups = node.podCgroups('11111111-2222-4333-8444-555555555555');
    expect(cgroups?.podCgroup).toBe('/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod11111111_2222_4333_8444_555555555555.slice');
    expect(cgroups?.containers.get('web')).toBe(`${cgroups?.podCgroup}/docker-${'c'.repeat(64)}.scope`);
    const template = parseExposition(node.render(createdMs + 10_000));
    const cpu = template.families.find((f) => f.name === 'container_cpu_usage_seconds_total');
    const sample = cpu?.samples.find((s) => s.labelsText.includes(`docker-${'c'.repeat(64)}.scope`));
    expect(sample?.labelsText).toBe(`{container="web",cpu="total",id="${cgroups?.containers.get('web')}",image="nginx:1.22",name="k8s_web_web-1_shop_11111111-2222-4333-8444-555555555555_0",namespace="shop",pod="web-1"}`);
    // The donor is the dump's first BestEffort pod with an app container; its lifetime-average rate applies.
    const donor = dump.pods.find((p) => p.qos === 'BestEffort' && p.containers.length > 0 && p.sandbox && !p.isStatic);
    const donorCgroup = donor?.containers[0].cgroupPath ?? '';
    const donorGain = (node.sum('container_cpu_usage_seconds_total', donorCgroup, at + 10_000) ?? 0) - (node.sum('container_cpu_usage_seconds_total', donorCgroup, at) ?? 0);
    expect(donorGain).toBeGreaterThan(0);
    expect(sample?.value).toBeCloseTo(donorGain, 8);
    expect(node.sum('container_cpu_usage_seconds_total', cgroups?.containers.get('web') ?? '', createdMs)).toBe(0);
  });
});
