import { describe, expect, it } from 'vitest';
import { addonOf, imageRepositoryName } from '../../../sim/cluster/dump-addons.js';
import { loadCadvisorDump } from '../../../sim/metrics/cadvisor-dump.js';
import { fixtureFile } from '../../../sim/cluster/scenario.js';

describe('add-ons among a dump’s pods', () => {
  it('reads repository names from image references', () => {
    expect(imageRepositoryName('registry.k8s.io/coredns/coredns:v1.13.1')).toBe('coredns');
    expect(imageRepositoryName('k8s.gcr.io/kube-state-metrics/kube-state-metrics@sha256:47d3')).toBe('kube-state-metrics');
    expect(imageRepositoryName('localhost:5000/k8s-dns-sidecar-amd64:1.14.13')).toBe('k8s-dns-sidecar-amd64');
    expect(imageRepositoryName('sha256:db91994f4ee8f894a1e8a6c1a76f615da8fc3c019300a3686291ce6fcbc57895')).toBe('');
  });

  it('recognises CoreDNS, the legacy kube-dns trio and kube-state-metrics by container name or image, and nothing else', () => {
    expect(addonOf([{ name: 'coredns', image: 'sha256:db91994f' }])?.backends).toEqual([{ containerPort: 9153, spec: { generated: 'coredns' } }]);
    expect(addonOf([{ name: 'dns', image: 'registry.k8s.io/coredns/coredns:v1.11.3' }])?.name).toBe('coredns');
    const kubeDns = addonOf([{ name: 'kubedns', image: 'sha256:512c' }, { name: 'dnsmasq', image: 'sha256:4599' }, { name: 'sidecar', image: 'sha256:fed8' }]);
    expect(kubeDns).toEqual({ name: 'kube-dns', annotations: { 'prometheus.io/port': '10054', 'prometheus.io/scrape': 'true' }, backends: [{ containerPort: 10054, spec: { generated: 'kube-dns-sidecar' } }] });
    expect(addonOf([{ name: 'kubedns', image: 'sha256:512c' }])).toBeUndefined();
    expect(addonOf([{ name: 'addon-resizer', image: 'gcr.io/google_containers/addon-resizer@sha256:e77a' }, { name: 'ksm', image: 'quay.io/coreos/kube-state-metrics@sha256:52a2' }])?.backends.map((b) => b.containerPort)).toEqual([8080, 8081]);
    expect(addonOf([{ name: 'metrics-server', image: 'registry.k8s.io/metrics-server/metrics-server:v0.8.1' }])).toBeUndefined();
  });

  it('finds CoreDNS in the 1.35 and 1.20 dumps and the legacy kube-dns in the 1.15 one', () => {
    const addons = (file: string) =>
      loadCadvisorDump(fixtureFile(`cadvisor/kubelet/${file}`))
        .pods.map((pod) => [pod.name.replace(/-[a-z0-9]+-[a-z0-9]{5}$/, ''), addonOf(pod.containers)?.name])
        .filter(([, name]) => name)
        .sort();
    expect(addons('k8s-1.35_minikube_containerd-2.2.1_cgroupfs_cgroupv2.prom')).toEqual([
      ['coredns', 'coredns'],
      ['e2e-kube-state-metrics', 'kube-state-metrics'],
    ]);
    expect(addons('k8s-1.20_minikube-vm_docker-20.10.8_systemd_cgroupv1.prom')).toEqual([
      ['coredns', 'coredns'],
      ['e2e-kube-state-metrics', 'kube-state-metrics'],
    ]);
    expect(addons('k8s-1.15_minikube-vm_docker-17.09_cgroupfs_cgroupv1.prom')).toEqual([
      ['kube-dns', 'kube-dns'],
      ['kube-state-metrics', 'kube-state-metrics'],
    ]);
  });
});
