import { describe, expect, it } from 'vitest';
import { imageName } from '../../../../main/discovery/known-exporters.js';
import { expandTemplate, relabel } from '../../../../main/discovery/relabel.js';

describe('relabel (Prometheus semantics)', () => {
  const base = { __address__: '10.0.0.5:8080', __meta_kubernetes_pod_annotation_prometheus_io_port: '9102', __meta_kubernetes_pod_label_app: 'web', a: 'x' };

  it('anchors regexes: keep needs a full match', () => {
    expect(relabel({ v: 'truex' }, [{ source_labels: ['v'], action: 'keep', regex: 'true' }])).toBeUndefined();
    expect(relabel({ v: 'true' }, [{ source_labels: ['v'], action: 'keep', regex: 'true' }])).toEqual({ v: 'true' });
    // A missing source label is the empty string, which `true` does not match.
    expect(relabel({}, [{ source_labels: ['v'], action: 'keep', regex: 'true' }])).toBeUndefined();
  });

  it('joins source labels with ; and expands $1:$2 (the chart’s port rewrite)', () => {
    const rule = { source_labels: ['__address__', '__meta_kubernetes_pod_annotation_prometheus_io_port'], target_label: '__address__', regex: '(.+?)(?::\\d+)?;(\\d+)', replacement: '$1:$2' };
    expect(relabel(base, [rule])?.__address__).toBe('10.0.0.5:9102');
    expect(relabel({ __address__: 'svc.ns.svc' }, [rule])?.__address__).toBe('svc.ns.svc');
  });

  it('deletes the target label when the replacement expands to nothing, and leaves it when the regex does not match', () => {
    expect(relabel({ a: 'x', b: '' }, [{ source_labels: ['b'], target_label: 'a' }])).toEqual({});
    expect(relabel({ a: 'x' }, [{ source_labels: ['a'], regex: 'y', target_label: 'c', replacement: 'z' }])).toEqual({ a: 'x' });
  });

  it('labelmap copies matching names, and drops empty values like labels.Builder', () => {
    expect(relabel({ __meta_kubernetes_pod_label_app: 'web', __meta_kubernetes_pod_label_empty: '' }, [{ action: 'labelmap', regex: '__meta_kubernetes_pod_label_(.+)' }])).toEqual({ __meta_kubernetes_pod_label_app: 'web', app: 'web' });
  });

  it('labeldrop and labelkeep work on names', () => {
    expect(relabel({ a: '1', b: '2', ab: '3' }, [{ action: 'labeldrop', regex: 'a.*' }])).toEqual({ b: '2' });
    expect(relabel({ a: '1', b: '2', ab: '3' }, [{ action: 'labelkeep', regex: 'a.*' }])).toEqual({ a: '1', ab: '3' });
  });

  it('expands templates like Go’s Regexp.Expand', () => {
    const match = /^(?<host>[^:]+):(\d+)$/.exec('web:80')!;
    expect(expandTemplate('$1:$2', match)).toBe('web:80');
    expect(expandTemplate('${1}x', match)).toBe('webx');
    // $1x names group "1x", which does not exist: empty, as in Go.
    expect(expandTemplate('$1x', match)).toBe('');
    expect(expandTemplate('$host/$$', match)).toBe('web/$');
    expect(expandTemplate('${9}-', match)).toBe('-');
  });

  it('accepts RE2 named groups (?P<name>…)', () => {
    expect(relabel({ v: 'abc' }, [{ source_labels: ['v'], regex: '(?P<first>a)bc', target_label: 'w', replacement: '${first}' }])).toEqual({ v: 'abc', w: 'a' });
  });
});

describe('imageName', () => {
  it.each([
    ['quay.io/prometheus/node-exporter:v1.8.2', 'node-exporter'],
    ['prom/prometheus', 'prometheus'],
    ['registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.19.0@sha256:abcd', 'kube-state-metrics'],
    ['localhost:5000/cadvisor', 'cadvisor'],
    ['quay.io/prometheus-operator/prometheus-config-reloader:v0.87.0', 'prometheus-config-reloader'],
  ])('%s → %s', (image, name) => {
    expect(imageName(image)).toBe(name);
  });
});
