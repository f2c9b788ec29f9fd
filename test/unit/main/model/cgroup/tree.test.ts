import { describe, expect, it } from 'vitest';
import { buildCgroupTree, parseDockershimName, walkCgroupTree, type CgroupNode, type CgroupSample } from '../../../../../main/model/cgroup/tree.js';

const SANDBOX = 'a45aeeeb2fb0cc85ff346b965f103a97d27342d153a8a53447c380aabdbbc336';
const APP = '7d924b29ef7dfeb7d40ca7a5c7ede6ff080fa22db6649b27e069ff2ab3ac91b2';
const POD_SLICE = '/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-poda2fc3cbb_2db0_4954_9890_3dc51d74092c.slice';
const IDS = [
  '/',
  '/kubepods.slice',
  '/kubepods.slice/kubepods-burstable.slice',
  POD_SLICE,
  `${POD_SLICE}/cri-containerd-${SANDBOX}.scope`,
  `${POD_SLICE}/cri-containerd-${APP}.scope`,
  '/system.slice/kubelet.service',
];

function sample(id: string, labels: Record<string, string> = {}): CgroupSample {
  return { name: 'container_cpu_usage_seconds_total', labels: { container: '', cpu: 'total', id, image: '', name: '', namespace: '', pod: '', ...labels }, value: 1, timestampMs: 1 };
}

function reportedPaths(root: CgroupNode): string[] {
  const paths: string[] = [];
  walkCgroupTree(root, (node) => {
    if (node.isReported) paths.push(node.path);
  });
  return paths;
}

describe('buildCgroupTree from ids', () => {
  it('has every id exactly once and adds unreported parents', () => {
    const tree = buildCgroupTree({ ids: IDS });
    expect(reportedPaths(tree.root).sort()).toEqual([...IDS].sort());
    const systemSlice = tree.byPath.get('/system.slice');
    expect(systemSlice).toMatchObject({ kind: 'slice', isReported: false, name: 'system.slice' });
    expect(systemSlice?.children.map((child) => child.path)).toEqual(['/system.slice/kubelet.service']);
    expect(tree.driver).toBe('systemd');
    expect(tree.root.children.map((child) => child.path)).toEqual(['/kubepods.slice', '/system.slice']);
  });

  it('classifies each level', () => {
    const tree = buildCgroupTree({ ids: IDS });
    const kinds = Object.fromEntries([...tree.byPath.values()].map((node) => [node.path, node.kind]));
    expect(kinds).toEqual({
      '/': 'root',
      '/kubepods.slice': 'slice',
      '/kubepods.slice/kubepods-burstable.slice': 'qos',
      [POD_SLICE]: 'pod',
      [`${POD_SLICE}/cri-containerd-${SANDBOX}.scope`]: 'container',
      [`${POD_SLICE}/cri-containerd-${APP}.scope`]: 'container',
      '/system.slice': 'slice',
      '/system.slice/kubelet.service': 'service',
    });
  });

  it('joins pod metadata: names, owner, container names and the sandbox', () => {
    const tree = buildCgroupTree({
      ids: IDS,
      pods: [
        {
          uid: 'a2fc3cbb-2db0-4954-9890-3dc51d74092c',
          name: 'promtail-qmjtj',
          namespace: 'logging',
          owner: { kind: 'DaemonSet', name: 'promtail' },
          containers: [{ name: 'promtail', image: 'grafana/promtail:3.0', containerId: APP }],
        },
      ],
    });
    const pod = tree.byPath.get(POD_SLICE);
    expect(pod).toMatchObject({ kind: 'pod', name: 'logging/promtail-qmjtj', qos: 'burstable', pod: { uid: 'a2fc3cbb-2db0-4954-9890-3dc51d74092c', name: 'promtail-qmjtj', namespace: 'logging', owner: { kind: 'DaemonSet', name: 'promtail' } } });
    const app = tree.byPath.get(`${POD_SLICE}/cri-containerd-${APP}.scope`);
    expect(app).toMatchObject({ kind: 'container', name: 'promtail', container: { id: APP, name: 'promtail', image: 'grafana/promtail:3.0', runtime: 'containerd' }, pod: { name: 'promtail-qmjtj' } });
    expect(tree.byPath.get(`${POD_SLICE}/cri-containerd-${SANDBOX}.scope`)).toMatchObject({ kind: 'sandbox', container: { id: SANDBOX, runtime: 'containerd' } });
  });

  it('joins static pods through the mirror annotation hash', () => {
    const hash = '4753c81e740b13cd7bee9c421c5d6dbd';
    const tree = buildCgroupTree({
      ids: [`/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${hash}.slice`],
      pods: [{ uid: 'f00dcafe-0000-4000-8000-000000000000', mirrorHash: hash, name: 'kube-apiserver-minikube', namespace: 'kube-system', containers: [] }],
    });
    expect(tree.byPath.get(`/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${hash}.slice`)?.pod).toEqual({ uid: hash, name: 'kube-apiserver-minikube', namespace: 'kube-system' });
  });

  it('without any labels or metadata, names pods by UID and containers by short id', () => {
    const tree = buildCgroupTree({ ids: IDS });
    expect(tree.byPath.get(POD_SLICE)?.name).toBe('poda2fc3cbb-2db0-4954-9890-3dc51d74092c');
    expect(tree.byPath.get(`${POD_SLICE}/cri-containerd-${APP}.scope`)?.name).toBe(APP.slice(0, 12));
  });
});

describe('buildCgroupTree from cAdvisor labels', () => {
  it('marks a containerd sandbox (pod labels, no container name, pause image) and names app containers', () => {
    const tree = buildCgroupTree({
      samples: [
        sample(POD_SLICE, { namespace: 'logging', pod: 'promtail-qmjtj' }),
        sample(`${POD_SLICE}/cri-containerd-${SANDBOX}.scope`, { image: 'docker.io/rancher/mirrored-pause:3.6', name: SANDBOX, namespace: 'logging', pod: 'promtail-qmjtj' }),
        sample(`${POD_SLICE}/cri-containerd-${APP}.scope`, { container: 'promtail', image: 'grafana/promtail:3.0', name: APP, namespace: 'logging', pod: 'promtail-qmjtj' }),
      ],
    });
    expect(tree.byPath.get(POD_SLICE)).toMatchObject({ name: 'logging/promtail-qmjtj', pod: { name: 'promtail-qmjtj', namespace: 'logging' } });
    expect(tree.byPath.get(`${POD_SLICE}/cri-containerd-${SANDBOX}.scope`)).toMatchObject({ kind: 'sandbox', container: { image: 'docker.io/rancher/mirrored-pause:3.6' } });
    expect(tree.byPath.get(`${POD_SLICE}/cri-containerd-${APP}.scope`)).toMatchObject({ kind: 'container', name: 'promtail', container: { name: 'promtail', image: 'grafana/promtail:3.0' } });
    // The pod, and both QoS and kubepods levels above it, were never listed: they exist unreported.
    expect(tree.byPath.get('/kubepods.slice/kubepods-burstable.slice')).toMatchObject({ kind: 'qos', isReported: false });
  });

  it('reads pre-1.16 labels (container_name, pod_name) and dockershim names, with POD as the sandbox', () => {
    const pod = '/kubepods/besteffort/podba8b34d7-11a3-11e8-a084-080027352a02';
    const pause = 'a949bd136c1397b9f52905538ee11450427be33648abe38db06be2e5cfbeca49';
    const app = '473c90e8ec9e958c38e191b31fa1df8e705f6bde444351cb6ea5cf2fdef43ba2';
    const old = (id: string, labels: Record<string, string>): CgroupSample => ({
      name: 'container_memory_working_set_bytes',
      labels: { container_name: '', id, image: '', name: '', namespace: '', pod_name: '', ...labels },
      value: 5,
      timestampMs: null,
    });
    const tree = buildCgroupTree({
      samples: [
        old(pod, {}),
        old(`${pod}/${pause}`, { container_name: 'POD', image: 'gcr.io/google_containers/pause-amd64:3.0', name: 'k8s_POD_storage-provisioner_kube-system_ba8b34d7-11a3-11e8-a084-080027352a02_18', namespace: 'kube-system', pod_name: 'storage-provisioner' }),
        old(`${pod}/${app}`, { container_name: 'storage-provisioner', name: 'k8s_storage-provisioner_storage-provisioner_kube-system_ba8b34d7-11a3-11e8-a084-080027352a02_19', namespace: 'kube-system', pod_name: 'storage-provisioner' }),
      ],
    });
    expect(tree.driver).toBe('cgroupfs');
    expect(tree.byPath.get(pod)).toMatchObject({ kind: 'pod', qos: 'besteffort', name: 'kube-system/storage-provisioner' });
    expect(tree.byPath.get(`${pod}/${pause}`)).toMatchObject({ kind: 'sandbox', container: { runtime: 'docker' } });
    expect(tree.byPath.get(`${pod}/${app}`)).toMatchObject({ kind: 'container', name: 'storage-provisioner', container: { runtime: 'docker' }, qos: 'besteffort' });
  });

  it('ignores machine_* series (their boot_id label is not an id)', () => {
    const tree = buildCgroupTree({
      samples: [{ name: 'machine_memory_bytes', labels: { boot_id: 'ec20b3eb', machine_id: 'x', system_uuid: 'y' }, value: 1, timestampMs: null }, sample('/')],
    });
    expect(reportedPaths(tree.root)).toEqual(['/']);
    expect(tree.root.children).toEqual([]);
  });

  it('parses dockershim container names', () => {
    expect(parseDockershimName('k8s_POD_etcd-minikube_kube-system_fdf343f18285bfd826fdb0a8403cc1a4_0')).toEqual({
      container: 'POD',
      pod: 'etcd-minikube',
      namespace: 'kube-system',
      uid: 'fdf343f18285bfd826fdb0a8403cc1a4',
    });
    expect(parseDockershimName('33f87bbd414df619892b658bac8332549a581cf4b15b0d760b2865796ff711d0')).toBeUndefined();
  });
});
