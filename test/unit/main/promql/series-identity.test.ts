// Finding a live series in a Prometheus that labels its targets in another dialect, against a
// stand-in client whose /api/v1/series answers come from a fixed list of label sets.
import { describe, expect, it } from 'vitest';
import type { PrometheusClient } from '../../../../main/promql/client.js';
import { exporterLabels, findInPrometheus, selectorOf } from '../../../../main/promql/series-identity.js';
import { compileMatcher } from '../../../../main/store/matchers.js';
import { parseSelector } from '../../../../main/store/selector.js';

/** A client whose `series` filters `held` with the real matcher semantics of the store. */
function holding(held: Record<string, string>[]) {
  const asked: string[] = [];
  const client = {
    async series(matchers: string[]) {
      asked.push(...matchers);
      const tests = parseSelector(matchers[0]).matchers.map(compileMatcher);
      return held.filter((labels) => tests.every((test) => test(labels)));
    },
  } as unknown as PrometheusClient;
  return { client, asked };
}

const WINDOW = { startMs: 0, endMs: 1000 };

describe('findInPrometheus', () => {
  it('tells the same cAdvisor series of two nodes apart by the label naming the node (kube-prometheus dialect)', async () => {
    const { client, asked } = holding([
      { __name__: 'container_cpu_usage_seconds_total', id: '/', cpu: 'total', job: 'kubelet', node: 'n1', instance: '10.0.0.1:10250' },
      { __name__: 'container_cpu_usage_seconds_total', id: '/', cpu: 'total', job: 'kubelet', node: 'n2', instance: '10.0.0.2:10250' },
    ]);
    const live = {
      labels: { __name__: 'container_cpu_usage_seconds_total', id: '/', cpu: 'total', job: 'kubernetes-nodes-cadvisor', instance: 'n2' },
      targetLabels: { job: 'kubernetes-nodes-cadvisor', instance: 'n2' },
      node: 'n2',
    };
    expect(await findInPrometheus(client, live, WINDOW)).toEqual({ selector: 'container_cpu_usage_seconds_total{cpu="total",id="/",node="n2"}', matched: 1 });
    expect(asked).toEqual(['container_cpu_usage_seconds_total{cpu="total",id="/"}']);
  });

  it('tries the honor_labels form of collided labels (exported_namespace → namespace)', async () => {
    const { client, asked } = holding([{ __name__: 'kube_pod_info', namespace: 'web', pod: 'nginx-1', job: 'kube-state-metrics', instance: '10.1.0.5:8080' }]);
    const live = {
      labels: { __name__: 'kube_pod_info', exported_namespace: 'web', exported_pod: 'nginx-1', namespace: 'monitoring', pod: 'ksm-0', job: 'kubernetes-pods' },
      targetLabels: { namespace: 'monitoring', pod: 'ksm-0', job: 'kubernetes-pods' },
    };
    expect(await findInPrometheus(client, live, WINDOW)).toEqual({ selector: 'kube_pod_info{namespace="web",pod="nginx-1"}', matched: 1 });
    expect(asked).toEqual(['kube_pod_info{exported_namespace="web",exported_pod="nginx-1"}', 'kube_pod_info{namespace="web",pod="nginx-1"}']);
  });

  it('says when it cannot tell several apart, and when Prometheus has none', async () => {
    const twice = holding([
      { __name__: 'up_total', job: 'a' },
      { __name__: 'up_total', job: 'b' },
    ]);
    expect(await findInPrometheus(twice.client, { labels: { __name__: 'up_total', job: 'x' }, targetLabels: { job: 'x' } }, WINDOW)).toEqual({ selector: 'up_total{}', matched: 2 });
    await expect(findInPrometheus(holding([]).client, { labels: { __name__: 'nginx_up', job: 'x' }, targetLabels: { job: 'x' } }, WINDOW)).rejects.toMatchObject({
      code: 'not-found',
      message: 'Prometheus has no series nginx_up{} in that time range; it may not scrape this target, or keeps it under other labels.',
    });
  });

  it('builds selectors and exporter labels', () => {
    expect(selectorOf({ __name__: 'm', b: 'x"y', a: 'back\\slash' })).toBe('m{a="back\\\\slash",b="x\\"y"}');
    expect(exporterLabels({ __name__: 'm', job: 'j', mode: 'idle', instance: 'other' }, { job: 'j', instance: 'i' })).toEqual({ __name__: 'm', mode: 'idle', instance: 'other' });
  });
});
