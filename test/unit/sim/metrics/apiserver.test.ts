import { describe, expect, it } from 'vitest';
import { familyTypes, key, samples } from '../../../helpers/exposition-samples.js';
import { ApiserverMetrics, nonResourceLabels, type RequestLabels } from '../../../sim/metrics/apiserver.js';

describe('apiserver metrics', () => {
  const pods: RequestLabels = { verb: 'LIST', group: '', version: 'v1', resource: 'pods', subresource: '', scope: 'cluster', component: 'apiserver' };
  const version = { major: '1', minor: '32', gitVersion: 'v1.32.4' };

  it('counts requests by labels and code, with the apiserver’s label names', () => {
    const metrics = new ApiserverMetrics({ startMs: 0 });
    metrics.count(pods, 200);
    metrics.count(pods, 200);
    metrics.count(pods, 500);
    metrics.count(nonResourceLabels('HEAD', '/version'), 200);
    const text = metrics.render(1000, [{ resource: 'pods', count: 7 }], version);
    expect(text).toContain('apiserver_request_total{code="200",component="apiserver",dry_run="",group="",resource="pods",scope="cluster",subresource="",verb="LIST",version="v1"} 2\n');
    expect(text).toContain('apiserver_request_total{code="500",component="apiserver",dry_run="",group="",resource="pods",scope="cluster",subresource="",verb="LIST",version="v1"} 1\n');
    expect(text).toContain('apiserver_request_total{code="200",component="",dry_run="",group="",resource="",scope="",subresource="/version",verb="GET",version=""} 1\n');
    expect(text).toContain('apiserver_storage_objects{resource="pods"} 7\n');
    expect(metrics.countOf({ resource: 'pods', code: 200 })).toBe(2);
    expect(familyTypes(text)).toMatchObject({ apiserver_request_total: 'COUNTER', apiserver_current_inflight_requests: 'GAUGE', apiserver_storage_objects: 'GAUGE', kubernetes_build_info: 'GAUGE', process_cpu_seconds_total: 'COUNTER' });
  });

  it('reports the in-flight peak of the last second, and long-running requests while they run', () => {
    let nowMs = 10_000;
    const metrics = new ApiserverMetrics({ startMs: 0, now: () => nowMs });
    const inflight = (kind: string) => samples(metrics.render(nowMs, [], version)).get(key('apiserver_current_inflight_requests', { request_kind: kind }));
    const a = metrics.begin(pods, 'readOnly');
    const b = metrics.begin(pods, 'readOnly');
    a();
    a();
    b();
    expect(inflight('readOnly')).toBe(2);
    expect(inflight('mutating')).toBe(0);
    nowMs += 1500;
    expect(inflight('readOnly')).toBe(0);
    const watch = { ...pods, verb: 'WATCH' };
    const end = metrics.begin(watch, 'readOnly');
    expect(inflight('readOnly')).toBe(0);
    const longRunning = () => samples(metrics.render(nowMs, [], version)).get(key('apiserver_longrunning_requests', { verb: 'WATCH', group: '', version: 'v1', resource: 'pods', subresource: '', scope: 'cluster', component: 'apiserver' }));
    expect(longRunning()).toBe(1);
    end();
    expect(longRunning()).toBeUndefined();
  });
});
