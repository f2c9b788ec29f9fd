import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { nodeRoles, parseQuantity, summarizeNode } from '../../../../main/model/nodes.js';
import { readFixture } from '../../../helpers/fixtures.js';

describe('Kubernetes quantities', () => {
  it('parse decimal, binary and milli suffixes', () => {
    expect(parseQuantity('250m')).toBe(0.25);
    expect(parseQuantity('4')).toBe(4);
    expect(parseQuantity('16Gi')).toBe(16 * 1024 ** 3);
    expect(parseQuantity('3945324Ki')).toBe(3945324 * 1024);
    expect(parseQuantity('1.5')).toBe(1.5);
    expect(parseQuantity('100M')).toBe(1e8);
    expect(parseQuantity('2e3')).toBe(2000);
    expect(parseQuantity('bogus')).toBeNull();
    expect(parseQuantity(undefined)).toBeNull();
  });
});

describe('node summary', () => {
  it('reads the real 1.35 minikube Node object', () => {
    const list = parse(readFixture('kubernetes-api', 'nri-kubernetes-1.35', 'nodes.yaml'));
    const node = list.items[0];
    const summary = summarizeNode(node, 17, { cpuUsedCores: 0.5, memoryWorkingSetBytes: 1024 });
    // Values read by hand from nodes.yaml.
    expect(summary.name).toBe(node.metadata.name);
    expect(summary.roles).toEqual(['control-plane']);
    expect(summary.ready).toBe(true);
    expect(summary.kubeletVersion).toBe('v1.35.0');
    expect(summary.containerRuntime).toMatch(/^containerd:\/\//);
    expect(summary.cpuCapacityCores).toBe(Number(node.status.capacity.cpu));
    expect(summary.memoryCapacityBytes).toBe(parseQuantity(node.status.capacity.memory));
    expect(summary.podCount).toBe(17);
    expect(summary.cpuUsedCores).toBe(0.5);
    expect(summary.conditions.map((condition) => condition.type)).toContain('MemoryPressure');
  });

  it('derives roles from both label styles', () => {
    expect(nodeRoles({ metadata: { name: 'n', uid: 'u', labels: { 'node-role.kubernetes.io/worker': '', 'node-role.kubernetes.io/infra': 'true', 'kubernetes.io/role': 'master' } } })).toEqual(['infra', 'master', 'worker']);
    expect(nodeRoles({ metadata: { name: 'n', uid: 'u' } })).toEqual([]);
  });
});
