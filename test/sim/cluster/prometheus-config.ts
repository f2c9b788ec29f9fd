import { stringify } from 'yaml';
import type { BackendAddress } from '../backends/backend-registry.js';
import type { Node, Pod } from './kube-object.js';

/**
 * Configuration for the real Prometheus of the demo, shaped like an in-cluster Prometheus: pods
 * annotated `prometheus.io/scrape: "true"` become targets labelled job, instance (pod IP:port),
 * namespace, pod, container, node; kubelet cAdvisor is scraped through the apiserver's node proxy
 * with a bearer token and the run's CA, as kube-prometheus does. Targets live in file_sd files the
 * simulator rewrites when pods change, because a static config could not follow scaling.
 */

export function prometheusConfigYaml(input: { dir: string; clusterName: string; caFile: string; token: string }): string {
  return stringify(
    {
      global: { scrape_interval: '5s', scrape_timeout: '4s', evaluation_interval: '30s', external_labels: { cluster: input.clusterName } },
      scrape_configs: [
        { job_name: 'kubernetes-pods', honor_labels: false, file_sd_configs: [{ files: [`${input.dir}/targets-pods.json`], refresh_interval: '5s' }] },
        {
          job_name: 'kubelet',
          scheme: 'https',
          tls_config: { ca_file: input.caFile },
          authorization: { type: 'Bearer', credentials: input.token },
          honor_timestamps: true,
          file_sd_configs: [{ files: [`${input.dir}/targets-kubelet.json`], refresh_interval: '5s' }],
        },
      ],
    },
    { lineWidth: 0 },
  );
}

interface TargetGroup {
  targets: string[];
  labels: Record<string, string>;
}

export function prometheusTargets(input: { apiPort: number; nodes: readonly Node[]; pods: readonly Pod[]; address: (pod: Pod, port: number) => BackendAddress | undefined }): { pods: TargetGroup[]; kubelets: TargetGroup[] } {
  const pods: TargetGroup[] = [];
  for (const pod of input.pods) {
    const annotations = pod.metadata.annotations ?? {};
    if (annotations['prometheus.io/scrape'] !== 'true' || pod.status.phase !== 'Running' || pod.metadata.deletionTimestamp) continue;
    const declared = pod.spec.containers.flatMap((c) => (c.ports ?? []).map((p) => ({ container: c.name, port: p.containerPort })));
    const wanted = annotations['prometheus.io/port'] ? Number(annotations['prometheus.io/port']) : declared[0]?.port;
    const entry = declared.find((d) => d.port === wanted) ?? (wanted !== undefined ? { container: pod.spec.containers[0].name, port: wanted } : undefined);
    if (!entry) continue;
    const backend = input.address(pod, entry.port);
    if (!backend) continue;
    const labels = pod.metadata.labels ?? {};
    pods.push({
      targets: [`${backend.host}:${backend.port}`],
      labels: {
        job: labels['app.kubernetes.io/name'] ?? labels.app ?? labels['k8s-app'] ?? 'kubernetes-pods',
        instance: `${pod.status.podIP}:${entry.port}`,
        namespace: pod.metadata.namespace ?? '',
        pod: pod.metadata.name,
        container: entry.container,
        node: pod.spec.nodeName ?? '',
        __metrics_path__: annotations['prometheus.io/path'] ?? '/metrics',
      },
    });
  }
  const kubelets = input.nodes.map((node) => ({
    targets: [`127.0.0.1:${input.apiPort}`],
    labels: { instance: node.metadata.name, node: node.metadata.name, metrics_path: '/metrics/cadvisor', __metrics_path__: `/api/v1/nodes/${node.metadata.name}/proxy/metrics/cadvisor` },
  }));
  return { pods, kubelets };
}
