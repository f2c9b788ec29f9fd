import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { findPrometheusServices } from '../../../../main/discovery/prometheus-services.js';
import type { PodLike, ServiceLike } from '../../../../main/discovery/target.js';
import { readFixture } from '../../../helpers/fixtures.js';

function service(namespace: string, name: string, labels: Record<string, string>, ports: ServiceLike['spec'] extends infer S ? (S extends { ports?: infer P } ? P : never) : never, selector?: Record<string, string>): ServiceLike {
  return { metadata: { name, namespace, labels }, spec: { type: 'ClusterIP', ports, ...(selector ? { selector } : {}) } };
}

describe('findPrometheusServices', () => {
  const services: ServiceLike[] = [
    service('monitoring', 'prometheus-operated', { 'operated-prometheus': 'true' }, [{ name: 'web', port: 9090, protocol: 'TCP', targetPort: 'web' }]),
    service('monitoring', 'kps-kube-prometheus-stack-prometheus', { app: 'kube-prometheus-stack-prometheus', 'self-monitor': 'true' }, [{ name: 'http-web', port: 9090, protocol: 'TCP' }, { name: 'reloader-web', port: 8080, protocol: 'TCP' }]),
    service('metrics', 'prometheus-server', { 'app.kubernetes.io/name': 'prometheus', 'app.kubernetes.io/component': 'server' }, [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 9090 }]),
    service('legacy', 'old-prometheus-server', { app: 'prometheus', component: 'server' }, [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 9090 }]),
    service('legacy', 'old-prometheus-alertmanager', { app: 'prometheus', component: 'alertmanager' }, [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 9093 }]),
    service('monitoring', 'prometheus-k8s', { 'app.kubernetes.io/name': 'prometheus' }, [{ name: 'web', port: 9090, protocol: 'TCP' }, { name: 'reloader-web', port: 8080, protocol: 'TCP' }]),
    service('team', 'tsdb', {}, [{ name: 'api', port: 9090, protocol: 'TCP' }], { run: 'tsdb' }),
    service('kube-system', 'prometheus', {}, [{ port: 9090, protocol: 'TCP' }]),
    service('monitoring', 'prometheus-node-exporter', { 'app.kubernetes.io/name': 'prometheus-node-exporter' }, [{ name: 'metrics', port: 9100, protocol: 'TCP' }]),
    service('monitoring', 'prometheus-operator', { 'app.kubernetes.io/name': 'prometheus-operator' }, [{ name: 'https', port: 443, protocol: 'TCP' }]),
  ];
  const pods: PodLike[] = [{ metadata: { name: 'tsdb-0', namespace: 'team', labels: { run: 'tsdb' } }, spec: { containers: [{ name: 'main', image: 'docker.io/prom/prometheus:v2.55.0' }] } }];

  it('recognises the operator, both chart label styles, kube-prometheus, the pods’ image and plain names, most certain first', () => {
    expect(findPrometheusServices({ services, pods })).toEqual([
      { namespace: 'monitoring', service: 'prometheus-operated', port: 9090, reason: 'service prometheus-operated created by the Prometheus operator (label operated-prometheus=true)' },
      { namespace: 'metrics', service: 'prometheus-server', port: 80, reason: 'labels app.kubernetes.io/name=prometheus, app.kubernetes.io/component=server (prometheus-community chart)' },
      { namespace: 'legacy', service: 'old-prometheus-server', port: 80, reason: 'labels app=prometheus, component=server (older prometheus chart)' },
      { namespace: 'monitoring', service: 'prometheus-k8s', port: 9090, reason: 'label app.kubernetes.io/name=prometheus' },
      { namespace: 'monitoring', service: 'kps-kube-prometheus-stack-prometheus', port: 9090, reason: 'label self-monitor=true (kube-prometheus-stack)' },
      { namespace: 'team', service: 'tsdb', port: 9090, reason: 'selects pod tsdb-0 running image docker.io/prom/prometheus:v2.55.0' },
      { namespace: 'kube-system', service: 'prometheus', port: 9090, reason: 'service name prometheus' },
    ]);
  });

  it('finds nothing in a cluster without Prometheus: the exporters alone, and the nri-kubernetes minikube', () => {
    expect(findPrometheusServices({ services: services.slice(8), pods: [] })).toEqual([]);
    const items = (name: string) => (parse(readFixture('kubernetes-api', 'nri-kubernetes-1.35', `${name}.yaml`)) as { items: never[] }).items;
    expect(findPrometheusServices({ services: items('services'), pods: items('pods') })).toEqual([]);
  });
});
