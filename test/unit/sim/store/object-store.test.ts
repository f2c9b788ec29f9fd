import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../sim/cluster/kube-object.js';
import { GeneratedCollection, MapCollection, type ObjectGenerator } from '../../../sim/store/collection.js';
import { ObjectStore } from '../../../sim/store/object-store.js';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector, SelectorError } from '../../../sim/store/selectors.js';

const object = (name: string, namespace = 'ns', labels: Record<string, string> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, uid: name, creationTimestamp: '2026-01-01T00:00:00Z', labels } });

describe('object store', () => {
  it('stamps one resourceVersion sequence and logs ADDED / MODIFIED / DELETED with the previous object', () => {
    const store = new ObjectStore({ initialRv: 100 });
    const seen: string[] = [];
    store.subscribe((e) => seen.push(`${e.rv}:${e.type}:${e.object.metadata.name}:${e.previous?.metadata.resourceVersion ?? '-'}`));
    store.put('configmaps', object('a'));
    store.put('configmaps', object('a'));
    store.put('secrets', object('b'));
    store.delete('configmaps', 'ns', 'a');
    expect(seen).toEqual(['101:ADDED:a:-', '102:MODIFIED:a:101', '103:ADDED:b:-', '104:DELETED:a:-']);
    expect(store.rv).toBe(104);
    expect(store.eventsAfter('configmaps', 101)).toMatchObject([{ rv: 102 }, { rv: 104, type: 'DELETED', object: { metadata: { resourceVersion: '104' } } }]);
    expect(store.eventsAfter('configmaps', 99)).toBe('expired');
  });

  it('compaction makes older versions expired but not the current one', () => {
    const store = new ObjectStore({ initialRv: 1 });
    store.put('pods', object('a'));
    const before = store.rv;
    store.compact('pods');
    expect(store.eventsAfter('pods', before)).toBe('expired');
    expect(store.eventsAfter('pods', store.rv)).toEqual([]);
    expect(store.eventsAfter('nodes', before)).toEqual([]);
  });

  it('expires versions that fell out of a full log', () => {
    const store = new ObjectStore({ initialRv: 1, logCapacity: 10 });
    for (let i = 0; i < 20; i++) store.put('pods', object(`p${i}`));
    expect(store.eventsAfter('pods', 2)).toBe('expired');
    expect(store.eventsAfter('pods', store.rv - 3)).toHaveLength(3);
  });
});

describe('collections', () => {
  const generator: ObjectGenerator = {
    count: 10,
    keyAt: (i) => `ns${i % 2}/g${i}`,
    indexOf: (key) => {
      const match = /^ns\d\/g(\d+)$/.exec(key);
      return match && Number(match[1]) < 10 && key === `ns${Number(match[1]) % 2}/g${match[1]}` ? Number(match[1]) : -1;
    },
    namespaceAt: (i) => `ns${i % 2}`,
    objectAt: (i) => object(`g${i}`, `ns${i % 2}`),
  };

  const scanAll = (collection: MapCollection | GeneratedCollection, pageSize: number, namespace?: string) => {
    const names: string[] = [];
    let cursor = '';
    for (;;) {
      let taken = 0;
      let more = false;
      collection.scan(cursor, (o, position) => {
        if (taken === pageSize) {
          more = true;
          return false;
        }
        names.push(o.metadata.name);
        cursor = position;
        taken++;
        return true;
      }, namespace ? { namespace } : undefined);
      if (!more) return names;
    }
  };

  it('pages a map collection in key order across inserts', () => {
    const map = new MapCollection();
    for (const name of ['d', 'b', 'a', 'c']) map.put(`ns/${name}`, object(name));
    expect(scanAll(map, 3)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('generates objects by index, overlays changes, and filters namespaces without materialising', () => {
    const generated = new GeneratedCollection(generator);
    expect(generated.count()).toBe(10);
    expect(scanAll(generated, 4)).toEqual(['g0', 'g1', 'g2', 'g3', 'g4', 'g5', 'g6', 'g7', 'g8', 'g9']);
    generated.delete('ns1/g3');
    generated.put('ns0/g4', object('g4-changed', 'ns0'));
    generated.put('ns0/extra', object('extra', 'ns0'));
    expect(generated.count()).toBe(10);
    expect(scanAll(generated, 3)).toEqual(['g0', 'g1', 'g2', 'g4-changed', 'g5', 'g6', 'g7', 'g8', 'g9', 'extra']);
    expect(scanAll(generated, 2, 'ns1')).toEqual(['g1', 'g5', 'g7', 'g9']);
    expect(generated.get('ns1/g3')).toBeUndefined();
    expect(generated.get('ns1/g7')?.metadata.name).toBe('g7');
  });
});

describe('selectors', () => {
  it('parse and match label selectors like apimachinery', () => {
    const labels = { app: 'web', tier: 'front', env: 'prod' };
    const cases: Array<[string, boolean]> = [
      ['app=web', true],
      ['app==web,tier=front', true],
      ['app!=web', false],
      ['app in (web, api)', true],
      ['env notin (prod)', false],
      ['tier', true],
      ['!tier', false],
      ['!missing', true],
      ['app.kubernetes.io/name=x', false],
    ];
    for (const [selector, expected] of cases) expect(matchesLabels(parseLabelSelector(selector), labels), selector).toBe(expected);
    expect(() => parseLabelSelector('app=web,=x')).toThrow(SelectorError);
  });

  it('support the pod field selectors and reject others with the apiserver message', () => {
    const pod = { ...object('p'), spec: { nodeName: 'n1', containers: [], restartPolicy: 'Always' }, status: { phase: 'Running' } } as KubeObject;
    expect(matchesFields(parseFieldSelector('spec.nodeName=n1,status.phase!=Failed', 'pods'), pod)).toBe(true);
    expect(matchesFields(parseFieldSelector('metadata.name==q', 'pods'), pod)).toBe(false);
    expect(() => parseFieldSelector('spec.nodeName=n1', 'services')).toThrow('field label not supported: spec.nodeName');
  });
});
