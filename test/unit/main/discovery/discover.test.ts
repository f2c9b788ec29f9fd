import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { discoverTargets } from '../../../../main/discovery/discover.js';
import type { ClusterObjects, DiscoveredTarget, EndpointSliceLike, NodeLike, PodLike, ServiceLike } from '../../../../main/discovery/target.js';
import { readFixture } from '../../../helpers/fixtures.js';

/** `items` of a `kubectl get -o yaml` List in the nri-kubernetes 1.35 fixture. */
function nri<T>(name: string): T[] {
  return (parse(readFixture('kubernetes-api', 'nri-kubernetes-1.35', `${name}.yaml`)) as { items: T[] }).items;
}

/** A label and its `labelpresent`/`annotationpresent` twin, names already sanitised by hand. */
function meta(prefix: string, kind: 'label' | 'annotation', name: string, value: string): Record<string, string> {
  return { [`__meta_kubernetes_${prefix}_${kind}_${name}`]: value, [`__meta_kubernetes_${prefix}_${kind}present_${name}`]: 'true' };
}

/** The columns a person checks in the Targets view. */
function table(targets: DiscoveredTarget[]) {
  return targets.map((target) => ({ job: target.job, role: target.role, source: target.source, address: target.address, scheme: target.scheme, path: target.path, endpoint: target.endpoint, nodeName: target.nodeName, reason: target.reason, slow: target.slow }));
}

const APISERVER = 'https://127.0.0.1:6443';

describe('discoverTargets on the nri-kubernetes 1.35 minikube objects', () => {
  const objects: ClusterObjects = { nodes: nri('nodes'), pods: nri('pods'), services: nri('services'), endpoints: nri('endpoints') };
  const targets = discoverTargets(objects, { apiserverUrl: APISERVER });

  it('finds the kubelet, cAdvisor, apiserver and the two annotated services, and nothing else', () => {
    const node = { kind: 'node', node: 'datagen-1-35' };
    expect(table(targets)).toEqual([
      { job: 'kubernetes-apiservers', role: 'endpoints', source: 'apiserver', address: '192.168.67.2:8443', scheme: 'https', path: '/metrics', endpoint: { kind: 'service', namespace: 'default', service: 'kubernetes', port: 443 }, nodeName: undefined, reason: 'endpoint 192.168.67.2:8443 (port https) of service default/kubernetes', slow: false },
      { job: 'kubernetes-nodes', role: 'node', source: 'kubelet', address: '127.0.0.1:6443', scheme: 'https', path: '/metrics', endpoint: node, nodeName: 'datagen-1-35', reason: 'kubelet /metrics of node datagen-1-35', slow: false },
      { job: 'kubernetes-nodes-cadvisor', role: 'node', source: 'cadvisor', address: '127.0.0.1:6443', scheme: 'https', path: '/metrics/cadvisor', endpoint: node, nodeName: 'datagen-1-35', reason: 'kubelet cAdvisor /metrics/cadvisor of node datagen-1-35', slow: false },
      { job: 'kubernetes-nodes-resource', role: 'node', source: 'kubelet', address: '127.0.0.1:6443', scheme: 'https', path: '/metrics/resource', endpoint: node, nodeName: 'datagen-1-35', reason: 'kubelet /metrics/resource of node datagen-1-35', slow: false },
      {
        job: 'kubernetes-service-endpoints',
        role: 'endpoints',
        source: 'application',
        address: '10.244.0.2:9153',
        scheme: 'http',
        path: '/metrics',
        endpoint: { kind: 'pod', namespace: 'kube-system', pod: 'coredns-7d764666f9-qdcxt', port: 9153, portName: 'metrics' },
        nodeName: undefined,
        reason: 'annotation prometheus.io/scrape=true on service kube-system/kube-dns',
        slow: false,
      },
      {
        job: 'kubernetes-service-endpoints',
        role: 'endpoints',
        source: 'kube-state-metrics',
        address: '10.244.0.7:8080',
        scheme: 'http',
        path: '/metrics',
        endpoint: { kind: 'pod', namespace: 'scraper', pod: 'e2e-kube-state-metrics-75b885dc9-97mtr', port: 8080, portName: 'http' },
        nodeName: undefined,
        reason: 'annotation prometheus.io/scrape=true on service scraper/e2e-kube-state-metrics; kube-state-metrics by container image registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.19.0',
        slow: false,
      },
    ]);
  });

  it('gives the kube-dns target exactly the discovered labels Prometheus would (endpoints role with service and pod)', () => {
    const dns = targets.find((target) => target.address === '10.244.0.2:9153')!;
    expect(dns.discoveredLabels).toEqual({
      __address__: '10.244.0.2:9153',
      __meta_kubernetes_namespace: 'kube-system',
      __meta_kubernetes_service_name: 'kube-dns',
      ...meta('service', 'label', 'k8s_app', 'kube-dns'),
      ...meta('service', 'label', 'kubernetes_io_cluster_service', 'true'),
      ...meta('service', 'label', 'kubernetes_io_name', 'CoreDNS'),
      ...meta('service', 'annotation', 'prometheus_io_port', '9153'),
      ...meta('service', 'annotation', 'prometheus_io_scrape', 'true'),
      __meta_kubernetes_endpoints_name: 'kube-dns',
      ...meta('endpoints', 'label', 'endpoints_kubernetes_io_managed_by', 'endpoint-controller'),
      ...meta('endpoints', 'label', 'k8s_app', 'kube-dns'),
      ...meta('endpoints', 'label', 'kubernetes_io_cluster_service', 'true'),
      ...meta('endpoints', 'label', 'kubernetes_io_name', 'CoreDNS'),
      ...meta('endpoints', 'annotation', 'endpoints_kubernetes_io_last_change_trigger_time', '2026-06-26T10:12:40Z'),
      __meta_kubernetes_endpoint_port_name: 'metrics',
      __meta_kubernetes_endpoint_port_protocol: 'TCP',
      __meta_kubernetes_endpoint_ready: 'true',
      __meta_kubernetes_endpoint_address_target_kind: 'Pod',
      __meta_kubernetes_endpoint_address_target_name: 'coredns-7d764666f9-qdcxt',
      __meta_kubernetes_endpoint_node_name: 'datagen-1-35',
      __meta_kubernetes_pod_name: 'coredns-7d764666f9-qdcxt',
      __meta_kubernetes_pod_ip: '10.244.0.2',
      __meta_kubernetes_pod_ready: 'true',
      __meta_kubernetes_pod_phase: 'Running',
      __meta_kubernetes_pod_node_name: 'datagen-1-35',
      __meta_kubernetes_pod_host_ip: '192.168.67.2',
      __meta_kubernetes_pod_uid: '36447428-81f8-45eb-b825-414de2e8012b',
      ...meta('pod', 'label', 'k8s_app', 'kube-dns'),
      ...meta('pod', 'label', 'pod_template_hash', '7d764666f9'),
      __meta_kubernetes_pod_controller_kind: 'ReplicaSet',
      __meta_kubernetes_pod_controller_name: 'coredns-7d764666f9',
      __meta_kubernetes_pod_container_name: 'coredns',
      __meta_kubernetes_pod_container_image: 'registry.k8s.io/coredns/coredns:v1.13.1',
      __meta_kubernetes_pod_container_port_name: 'metrics',
      __meta_kubernetes_pod_container_port_number: '9153',
      __meta_kubernetes_pod_container_port_protocol: 'TCP',
      job: 'kubernetes-service-endpoints',
      __scheme__: 'http',
      __metrics_path__: '/metrics',
      __scrape_interval__: '1m',
      __scrape_timeout__: '10s',
    });
    // The chart's relabeling: service labels mapped, namespace/service/node copied, instance from the address.
    expect(dns.labels).toEqual({ job: 'kubernetes-service-endpoints', instance: '10.244.0.2:9153', k8s_app: 'kube-dns', kubernetes_io_cluster_service: 'true', kubernetes_io_name: 'CoreDNS', namespace: 'kube-system', service: 'kube-dns', node: 'datagen-1-35' });
  });

  it('gives the node targets the node role labels and the chart’s node labels (empty values dropped)', () => {
    const cadvisor = targets.find((target) => target.job === 'kubernetes-nodes-cadvisor')!;
    const nodeLabels = {
      beta_kubernetes_io_arch: 'arm64',
      beta_kubernetes_io_os: 'linux',
      kubernetes_io_arch: 'arm64',
      kubernetes_io_hostname: 'datagen-1-35',
      kubernetes_io_os: 'linux',
      minikube_k8s_io_commit: 'c93a4cb9311efc66b90d33ea03f75f2c4120e9b0',
      minikube_k8s_io_name: 'datagen-1-35',
      minikube_k8s_io_primary: 'true',
      minikube_k8s_io_updated_at: '2026_06_26T12_12_14_0700',
      minikube_k8s_io_version: 'v1.38.1',
    };
    const discovered: Record<string, string> = {
      __address__: '192.168.67.2:10250',
      instance: 'datagen-1-35',
      __meta_kubernetes_node_name: 'datagen-1-35',
      __meta_kubernetes_node_provider_id: '',
      __meta_kubernetes_node_address_InternalIP: '192.168.67.2',
      __meta_kubernetes_node_address_Hostname: 'datagen-1-35',
      ...meta('node', 'label', 'node_role_kubernetes_io_control_plane', ''),
      ...meta('node', 'label', 'node_kubernetes_io_exclude_from_external_load_balancers', ''),
      ...meta('node', 'annotation', 'node_alpha_kubernetes_io_ttl', '0'),
      ...meta('node', 'annotation', 'volumes_kubernetes_io_controller_managed_attach_detach', 'true'),
      job: 'kubernetes-nodes-cadvisor',
      __scheme__: 'https',
      __metrics_path__: '/metrics',
      __scrape_interval__: '1m',
      __scrape_timeout__: '10s',
    };
    for (const [name, value] of Object.entries(nodeLabels)) Object.assign(discovered, meta('node', 'label', name, value));
    expect(cadvisor.discoveredLabels).toEqual(discovered);
    expect(cadvisor.labels).toEqual({ job: 'kubernetes-nodes-cadvisor', instance: 'datagen-1-35', ...nodeLabels });
  });

  it('gives each target a stable id from job, address and path', () => {
    expect(new Set(targets.map((target) => target.id)).size).toBe(targets.length);
    expect(discoverTargets(objects, { apiserverUrl: APISERVER }).map((target) => target.id)).toEqual(targets.map((target) => target.id));
    expect(targets.every((target) => /^[0-9a-f]{16}$/.test(target.id))).toBe(true);
  });
});

describe('discoverTargets on the VictoriaMetrics test data (NodeList and EndpointSlices only)', () => {
  const nodes = (JSON.parse(readFixture('kubernetes-api', 'victoriametrics-discovery-testdata', 'nodelist_minikube.json')) as { items: NodeLike[] }).items;
  const slices = (JSON.parse(readFixture('kubernetes-api', 'victoriametrics-discovery-testdata', 'endpointslicelist_kind.json')) as { items: EndpointSliceLike[] }).items;
  // The services the slices belong to (written here: the fixture has none); kube-dns annotated like kubeadm's.
  const services: ServiceLike[] = [
    { metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } }, spec: { type: 'ClusterIP', clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }] } },
    { metadata: { name: 'kube-dns', namespace: 'kube-system', annotations: { 'prometheus.io/port': '9153', 'prometheus.io/scrape': 'true' } }, spec: { type: 'ClusterIP', clusterIP: '10.96.0.10', ports: [{ name: 'metrics', port: 9153, protocol: 'TCP' }, { name: 'dns', port: 53, protocol: 'UDP' }] } },
  ];

  it('builds endpoints from the slices, and node targets from the minikube node', () => {
    const targets = discoverTargets({ nodes, pods: [], services, endpointSlices: slices }, { apiserverUrl: 'https://192.168.49.2:8443' });
    expect(table(targets)).toEqual([
      { job: 'kubernetes-apiservers', role: 'endpoints', source: 'apiserver', address: '172.18.0.2:6443', scheme: 'https', path: '/metrics', endpoint: { kind: 'service', namespace: 'default', service: 'kubernetes', port: 443 }, nodeName: undefined, reason: 'endpoint 172.18.0.2:6443 (port https) of service default/kubernetes', slow: false },
      { job: 'kubernetes-nodes', role: 'node', source: 'kubelet', address: '192.168.49.2:8443', scheme: 'https', path: '/metrics', endpoint: { kind: 'node', node: 'm01' }, nodeName: 'm01', reason: 'kubelet /metrics of node m01', slow: false },
      { job: 'kubernetes-nodes-cadvisor', role: 'node', source: 'cadvisor', address: '192.168.49.2:8443', scheme: 'https', path: '/metrics/cadvisor', endpoint: { kind: 'node', node: 'm01' }, nodeName: 'm01', reason: 'kubelet cAdvisor /metrics/cadvisor of node m01', slow: false },
      { job: 'kubernetes-nodes-resource', role: 'node', source: 'kubelet', address: '192.168.49.2:8443', scheme: 'https', path: '/metrics/resource', endpoint: { kind: 'node', node: 'm01' }, nodeName: 'm01', reason: 'kubelet /metrics/resource of node m01', slow: false },
      // The coredns pod is not in the object set, so the endpoint is reached through its service.
      { job: 'kubernetes-service-endpoints', role: 'endpoints', source: 'application', address: '10.244.0.3:9153', scheme: 'http', path: '/metrics', endpoint: { kind: 'service', namespace: 'kube-system', service: 'kube-dns', port: 9153 }, nodeName: undefined, reason: 'annotation prometheus.io/scrape=true on service kube-system/kube-dns', slow: false },
    ]);
    const node = targets.find((target) => target.job === 'kubernetes-nodes')!;
    expect(node.discoveredLabels.__address__).toBe('172.17.0.2:10250');
    expect(node.discoveredLabels.__meta_kubernetes_node_label_node_role_kubernetes_io_master).toBe('');
    const dns = targets.find((target) => target.address === '10.244.0.3:9153')!;
    expect(dns.discoveredLabels).toMatchObject({
      __meta_kubernetes_endpoints_name: 'kube-dns',
      __meta_kubernetes_endpoint_node_name: 'kind-control-plane',
      __meta_kubernetes_endpoint_address_target_kind: 'Pod',
      __meta_kubernetes_endpoint_address_target_name: 'coredns-66bff467f8-z8czk',
      __meta_kubernetes_endpoint_ready: 'true',
    });
    // Only the slice controller's own labels are dropped; none remain on these slices.
    expect(Object.keys(dns.discoveredLabels).filter((name) => name.startsWith('__meta_kubernetes_endpoints_label'))).toEqual([]);
  });
});

/** Small hand-made objects for the annotation and heuristic rules. */
function pod(namespace: string, name: string, options: { ip?: string; node?: string; phase?: string; labels?: Record<string, string>; annotations?: Record<string, string>; containers: PodLike['spec'] extends infer S ? (S extends { containers?: infer C } ? C : never) : never }): PodLike {
  return {
    metadata: { name, namespace, uid: `uid-${name}`, labels: options.labels, annotations: options.annotations },
    spec: { nodeName: options.node ?? 'node-a', containers: options.containers },
    status: { phase: options.phase ?? 'Running', podIP: options.ip, hostIP: '10.0.0.1', conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

describe('discoverTargets: annotations the way the chart reads them', () => {
  it('kubernetes-pods: scheme, path, port and params annotations; IPv6; pending pods dropped', () => {
    const pods = [
      pod('web', 'api-1', { ip: '10.1.0.5', annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9102', 'prometheus.io/path': '/custom/metrics', 'prometheus.io/scheme': 'https', 'prometheus.io/param_format': 'prometheus' }, containers: [{ name: 'api', image: 'example/api:1', ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }] }] }),
      pod('web', 'v6-1', { ip: 'fd00::5', labels: { app: 'v6' }, annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9102' }, containers: [{ name: 'app', image: 'example/v6:1' }] }),
      pod('web', 'starting', { ip: '10.1.0.9', phase: 'Pending', annotations: { 'prometheus.io/scrape': 'true' }, containers: [{ name: 'app', image: 'example/app:1', ports: [{ containerPort: 8080, protocol: 'TCP' }] }] }),
      pod('web', 'batch', { ip: '10.1.0.10', annotations: { 'prometheus.io/scrape-slow': 'true', 'prometheus.io/port': '9000' }, containers: [{ name: 'job', image: 'example/job:1' }] }),
      pod('web', 'both', { ip: '10.1.0.11', annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/scrape-slow': 'true' }, containers: [{ name: 'x', image: 'example/x:1', ports: [{ containerPort: 8000, protocol: 'TCP' }] }] }),
    ];
    const targets = discoverTargets({ nodes: [], pods, services: [] }, { apiserverUrl: APISERVER });
    expect(table(targets)).toEqual([
      { job: 'kubernetes-pods', role: 'pod', source: 'application', address: '10.1.0.5:9102', scheme: 'https', path: '/custom/metrics', endpoint: { kind: 'pod', namespace: 'web', pod: 'api-1', port: 9102 }, nodeName: undefined, reason: 'annotation prometheus.io/scrape=true on pod web/api-1', slow: false },
      { job: 'kubernetes-pods', role: 'pod', source: 'application', address: '[fd00::5]:9102', scheme: 'http', path: '/metrics', endpoint: { kind: 'pod', namespace: 'web', pod: 'v6-1', port: 9102 }, nodeName: undefined, reason: 'annotation prometheus.io/scrape=true on pod web/v6-1', slow: false },
      { job: 'kubernetes-pods-slow', role: 'pod', source: 'application', address: '10.1.0.10:9000', scheme: 'http', path: '/metrics', endpoint: { kind: 'pod', namespace: 'web', pod: 'batch', port: 9000 }, nodeName: undefined, reason: 'annotation prometheus.io/scrape-slow=true on pod web/batch', slow: true },
      { job: 'kubernetes-pods-slow', role: 'pod', source: 'application', address: '10.1.0.11:8000', scheme: 'http', path: '/metrics', endpoint: { kind: 'pod', namespace: 'web', pod: 'both', port: 8000 }, nodeName: undefined, reason: 'annotation prometheus.io/scrape-slow=true on pod web/both', slow: true },
    ]);
    expect(targets[0].params).toEqual({ format: 'prometheus' });
    expect(targets[0].labels).toEqual({ job: 'kubernetes-pods', instance: '10.1.0.5:9102', namespace: 'web', pod: 'api-1', node: 'node-a' });
    expect(targets[1].labels).toEqual({ job: 'kubernetes-pods', instance: '[fd00::5]:9102', app: 'v6', namespace: 'web', pod: 'v6-1', node: 'node-a' });
  });

  it('kubernetes-service-endpoints-slow: scrape-slow on a service, with scheme, path and port annotations', () => {
    const exporterPod = pod('billing', 'exporter-0', { ip: '10.2.0.7', containers: [{ name: 'exporter', image: 'example/billing-exporter:2', ports: [{ name: 'web', containerPort: 8443, protocol: 'TCP' }] }] });
    const services: ServiceLike[] = [
      { metadata: { name: 'billing-exporter', namespace: 'billing', labels: { team: 'pay' }, annotations: { 'prometheus.io/scrape-slow': 'true', 'prometheus.io/scheme': 'https', 'prometheus.io/path': '/stats', 'prometheus.io/port': '8443' } }, spec: { type: 'ClusterIP', clusterIP: '10.96.3.3', ports: [{ name: 'web', port: 443, protocol: 'TCP', targetPort: 8443 }] } },
    ];
    const endpoints = [{ metadata: { name: 'billing-exporter', namespace: 'billing' }, subsets: [{ addresses: [{ ip: '10.2.0.7', nodeName: 'node-a', targetRef: { kind: 'Pod', name: 'exporter-0', namespace: 'billing' } }], ports: [{ name: 'web', port: 8443, protocol: 'TCP' }] }] }];
    const targets = discoverTargets({ nodes: [], pods: [exporterPod], services, endpoints }, { apiserverUrl: APISERVER });
    expect(table(targets)).toEqual([
      { job: 'kubernetes-service-endpoints-slow', role: 'endpoints', source: 'application', address: '10.2.0.7:8443', scheme: 'https', path: '/stats', endpoint: { kind: 'pod', namespace: 'billing', pod: 'exporter-0', port: 8443, portName: 'web' }, nodeName: undefined, reason: 'annotation prometheus.io/scrape-slow=true on service billing/billing-exporter', slow: true },
    ]);
    expect(targets[0].labels).toEqual({ job: 'kubernetes-service-endpoints-slow', instance: '10.2.0.7:8443', team: 'pay', namespace: 'billing', service: 'billing-exporter', node: 'node-a' });
    expect(targets[0].discoveredLabels).toMatchObject({ __scrape_interval__: '5m', __scrape_timeout__: '30s' });
  });

  it('prometheus-pushgateway and kubernetes-services (blackbox probe) on the service role', () => {
    const services: ServiceLike[] = [
      { metadata: { name: 'pushgateway', namespace: 'monitoring', labels: { app: 'prometheus-pushgateway' }, annotations: { 'prometheus.io/probe': 'pushgateway' } }, spec: { type: 'ClusterIP', clusterIP: '10.96.5.5', ports: [{ name: 'http', port: 9091, protocol: 'TCP' }] } },
      { metadata: { name: 'shop', namespace: 'web', labels: { tier: 'front' }, annotations: { 'prometheus.io/probe': 'true' } }, spec: { type: 'LoadBalancer', clusterIP: '10.96.7.7', ports: [{ name: 'http', port: 80, protocol: 'TCP' }] } },
    ];
    const targets = discoverTargets({ nodes: [], pods: [], services }, { apiserverUrl: APISERVER });
    expect(table(targets)).toEqual([
      { job: 'prometheus-pushgateway', role: 'service', source: 'pushgateway', address: 'pushgateway.monitoring.svc:9091', scheme: 'http', path: '/metrics', endpoint: { kind: 'service', namespace: 'monitoring', service: 'pushgateway', port: 9091 }, nodeName: undefined, reason: 'annotation prometheus.io/probe=pushgateway on service monitoring/pushgateway; pushgateway by service label app=prometheus-pushgateway', slow: false },
      { job: 'kubernetes-services', role: 'service', source: 'application', address: 'blackbox', scheme: 'http', path: '/probe', endpoint: { kind: 'service', namespace: 'web', service: 'shop', port: 80 }, nodeName: undefined, reason: 'annotation prometheus.io/probe=true on service web/shop (a blackbox probe through the "blackbox" service)', slow: false },
    ]);
    expect(targets[1].params).toEqual({ module: 'http_2xx', target: 'shop.web.svc:80' });
    expect(targets[1].labels).toEqual({ job: 'kubernetes-services', instance: 'shop.web.svc:80', tier: 'front', namespace: 'web', service: 'shop' });
    expect(targets[1].discoveredLabels).toMatchObject({ __meta_kubernetes_service_type: 'LoadBalancer', __meta_kubernetes_service_loadbalancer_ip: '', __meta_kubernetes_service_cluster_ip: '10.96.7.7', __meta_kubernetes_service_port_name: 'http', __meta_kubernetes_service_port_number: '80', __meta_kubernetes_service_port_protocol: 'TCP' });
  });
});

describe('discoverTargets: exporters nobody annotated', () => {
  const nodeExporter = pod('monitoring', 'node-exporter-x7k2p', {
    ip: '10.0.0.1',
    node: 'node-a',
    labels: { 'app.kubernetes.io/name': 'prometheus-node-exporter' },
    containers: [{ name: 'node-exporter', image: 'quay.io/prometheus/node-exporter:v1.8.2', ports: [{ name: 'metrics', containerPort: 9100, protocol: 'TCP' }] }],
  });
  const bareNodeExporter = pod('monitoring', 'node-exporter-q9w8e', { ip: '10.0.0.2', node: 'node-b', containers: [{ name: 'exporter', image: 'prom/node-exporter:v1.7.0' }] });
  const ksm = pod('monitoring', 'kube-state-metrics-5d8f9', {
    ip: '10.1.0.20',
    labels: { 'app.kubernetes.io/name': 'kube-state-metrics' },
    containers: [{ name: 'kube-state-metrics', image: 'registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.13.0', ports: [{ name: 'http-metrics', containerPort: 8080, protocol: 'TCP' }, { name: 'telemetry', containerPort: 8081, protocol: 'TCP' }] }],
  });
  const prometheus = pod('monitoring', 'prometheus-server-0', {
    ip: '10.1.0.30',
    labels: { app: 'prometheus', component: 'server' },
    containers: [
      { name: 'prometheus-server', image: 'quay.io/prometheus/prometheus:v3.1.0', ports: [{ containerPort: 9090, protocol: 'TCP' }] },
      { name: 'configmap-reload', image: 'quay.io/prometheus-operator/prometheus-config-reloader:v0.87.0', ports: [{ name: 'reloader', containerPort: 8080, protocol: 'TCP' }] },
    ],
  });
  const app = pod('shop', 'nginx-6d4cf', { ip: '10.1.0.40', labels: { app: 'nginx' }, containers: [{ name: 'nginx', image: 'nginx:1.27' }, { name: 'exporter', image: 'nginx/nginx-prometheus-exporter:1.3', ports: [{ name: 'metrics', containerPort: 9113, protocol: 'TCP' }] }] });
  const quiet = pod('shop', 'worker-1', { ip: '10.1.0.41', containers: [{ name: 'worker', image: 'example/worker:1', ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }] }] });
  const ksmService: ServiceLike = { metadata: { name: 'kube-state-metrics', namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'kube-state-metrics' } }, spec: { type: 'ClusterIP', clusterIP: '10.96.9.9', selector: { 'app.kubernetes.io/name': 'kube-state-metrics' }, ports: [{ name: 'http-metrics', port: 8080, protocol: 'TCP' }] } };
  const ksmEndpoints = { metadata: { name: 'kube-state-metrics', namespace: 'monitoring' }, subsets: [{ addresses: [{ ip: '10.1.0.20', nodeName: 'node-a', targetRef: { kind: 'Pod', name: 'kube-state-metrics-5d8f9', namespace: 'monitoring' } }], ports: [{ name: 'http-metrics', port: 8080, protocol: 'TCP' }] }] };

  it('finds them by port name, image and labels, ties node-exporter to its node, and says why', () => {
    const targets = discoverTargets({ nodes: [], pods: [nodeExporter, bareNodeExporter, ksm, prometheus, app, quiet], services: [ksmService], endpoints: [ksmEndpoints] }, { apiserverUrl: APISERVER });
    expect(table(targets)).toEqual([
      { job: 'node-exporter', role: 'pod', source: 'node-exporter', address: '10.0.0.2:9100', scheme: 'http', path: '/metrics', endpoint: { kind: 'pod', namespace: 'monitoring', pod: 'node-exporter-q9w8e', port: 9100 }, nodeName: 'node-b', reason: 'default port 9100 of node-exporter on pod monitoring/node-exporter-q9w8e (container exporter), which declares no ports; node-exporter by container image prom/node-exporter:v1.7.0', slow: false },
      { job: 'node-exporter', role: 'pod', source: 'node-exporter', address: '10.0.0.1:9100', scheme: 'http', path: '/metrics', endpoint: { kind: 'pod', namespace: 'monitoring', pod: 'node-exporter-x7k2p', port: 9100, portName: 'metrics' }, nodeName: 'node-a', reason: 'port named metrics on pod monitoring/node-exporter-x7k2p (container node-exporter); node-exporter by container image quay.io/prometheus/node-exporter:v1.8.2', slow: false },
      { job: 'kube-state-metrics', role: 'endpoints', source: 'kube-state-metrics', address: '10.1.0.20:8080', scheme: 'http', path: '/metrics', endpoint: { kind: 'pod', namespace: 'monitoring', pod: 'kube-state-metrics-5d8f9', port: 8080, portName: 'http-metrics' }, nodeName: undefined, reason: 'port named http-metrics on service monitoring/kube-state-metrics; kube-state-metrics by container image registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.13.0', slow: false },
      { job: 'prometheus', role: 'pod', source: 'prometheus', address: '10.1.0.30:9090', scheme: 'http', path: '/metrics', endpoint: { kind: 'pod', namespace: 'monitoring', pod: 'prometheus-server-0', port: 9090 }, nodeName: undefined, reason: 'port 9090 of prometheus on pod monitoring/prometheus-server-0 (container prometheus-server); prometheus by container image quay.io/prometheus/prometheus:v3.1.0', slow: false },
      { job: 'application-exporters', role: 'pod', source: 'application', address: '10.1.0.40:9113', scheme: 'http', path: '/metrics', endpoint: { kind: 'pod', namespace: 'shop', pod: 'nginx-6d4cf', port: 9113, portName: 'metrics' }, nodeName: undefined, reason: 'port named metrics on pod shop/nginx-6d4cf (container exporter)', slow: false },
    ]);
    const ksmTarget = targets.find((target) => target.job === 'kube-state-metrics')!;
    expect(ksmTarget.labels).toEqual({ job: 'kube-state-metrics', instance: '10.1.0.20:8080', app_kubernetes_io_name: 'kube-state-metrics', namespace: 'monitoring', service: 'kube-state-metrics', node: 'node-a' });
    const exporter = targets.find((target) => target.address === '10.0.0.1:9100')!;
    expect(exporter.labels).toEqual({ job: 'node-exporter', instance: '10.0.0.1:9100', app_kubernetes_io_name: 'prometheus-node-exporter', namespace: 'monitoring', pod: 'node-exporter-x7k2p', node: 'node-a' });
  });

  it('leaves annotated pods to the chart’s jobs instead of adding them twice', () => {
    const annotated = { ...nodeExporter, metadata: { ...nodeExporter.metadata, annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9100' } } };
    const targets = discoverTargets({ nodes: [], pods: [annotated], services: [] }, { apiserverUrl: APISERVER });
    expect(table(targets).map((row) => [row.job, row.source, row.address, row.nodeName, row.reason])).toEqual([
      ['kubernetes-pods', 'node-exporter', '10.0.0.1:9100', 'node-a', 'annotation prometheus.io/scrape=true on pod monitoring/node-exporter-x7k2p; node-exporter by container image quay.io/prometheus/node-exporter:v1.8.2'],
    ]);
  });

  it('classifies the old chart’s components by app=prometheus plus component', () => {
    const exporter = pod('monitoring', 'prom-node-exporter-abc', { ip: '10.0.0.3', node: 'node-c', labels: { app: 'prometheus', component: 'node-exporter' }, containers: [{ name: 'exporter', image: 'example/custom:1', ports: [{ name: 'metrics', containerPort: 9100, protocol: 'TCP' }] }] });
    const [target] = discoverTargets({ nodes: [], pods: [exporter], services: [] }, { apiserverUrl: APISERVER });
    expect([target.source, target.nodeName, target.reason]).toEqual(['node-exporter', 'node-c', 'port named metrics on pod monitoring/prom-node-exporter-abc (container exporter); node-exporter by pod labels app=prometheus, component=node-exporter']);
  });
});
