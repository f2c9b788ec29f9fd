import type { BackendSpec } from './scenario.js';

/**
 * Cluster add-ons found among a kubelet dump's pods, and what their real manifests give them that a
 * dump cannot show: the metrics port something must answer, and pod annotations. The dump only has
 * container names and images (often bare `sha256:` ids, so names are checked too).
 * - CoreDNS (kubeadm/minikube `coredns` Deployment): metrics on :9153; the `kube-dns` Service
 *   carries the `prometheus.io/scrape` annotation, the pods do not.
 * - Legacy kube-dns (cluster/addons/dns/kube-dns/kube-dns.yaml.base: containers kubedns, dnsmasq,
 *   sidecar): the pods are annotated `prometheus.io/scrape: "true"`, `prometheus.io/port: "10054"`
 *   (the sidecar's metrics); its Service has no metrics port and no annotation.
 * - kube-state-metrics (the e2e chart's and minikube's): :8080 metrics, :8081 telemetry, answered by
 *   the payload generated from the simulator's own objects, like the scenario's own KSM.
 */

export type AddonName = 'coredns' | 'kube-dns' | 'kube-state-metrics';

export interface DumpAddon {
  readonly name: AddonName;
  readonly annotations: Readonly<Record<string, string>>;
  readonly backends: ReadonlyArray<{ readonly containerPort: number; readonly spec: BackendSpec }>;
}

interface ContainerLike {
  readonly name: string;
  readonly image?: string;
}

/** `registry.k8s.io/coredns/coredns:v1.13.1@sha256:…` → `coredns`; a bare `sha256:…` id → ''. */
export function imageRepositoryName(image: string | undefined): string {
  if (!image || image.startsWith('sha256:')) return '';
  const withoutDigest = image.split('@')[0];
  const lastSlash = withoutDigest.lastIndexOf('/');
  const lastColon = withoutDigest.lastIndexOf(':');
  const repository = lastColon > lastSlash ? withoutDigest.slice(0, lastColon) : withoutDigest;
  return repository.slice(repository.lastIndexOf('/') + 1).toLowerCase();
}

const is = (container: ContainerLike, name: string, image: RegExp) => container.name === name || image.test(imageRepositoryName(container.image));

/** The add-on a pod's containers make it, if any. */
export function addonOf(containers: readonly ContainerLike[]): DumpAddon | undefined {
  if (containers.some((c) => is(c, 'coredns', /^coredns$/))) {
    return { name: 'coredns', annotations: {}, backends: [{ containerPort: 9153, spec: { generated: 'coredns' } }] };
  }
  if (containers.some((c) => is(c, 'kubedns', /^k8s-dns-kube-dns(-amd64)?$/)) && containers.some((c) => is(c, 'sidecar', /^k8s-dns-sidecar(-amd64)?$/))) {
    return { name: 'kube-dns', annotations: { 'prometheus.io/port': '10054', 'prometheus.io/scrape': 'true' }, backends: [{ containerPort: 10054, spec: { generated: 'kube-dns-sidecar' } }] };
  }
  if (containers.some((c) => is(c, 'kube-state-metrics', /^kube-state-metrics$/))) {
    return {
      name: 'kube-state-metrics',
      annotations: {},
      backends: [
        { containerPort: 8080, spec: { generated: 'kube-state-metrics' } },
        { containerPort: 8081, spec: { generated: 'kube-state-metrics-telemetry' } },
      ],
    };
  }
  return undefined;
}
