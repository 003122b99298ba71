import { describe, expect, it } from 'vitest';
import { neededOwners, parseOwners, resolveWorkload } from '../../../src/inventory/kube/owners.js';
import type { Pod } from '../../../src/inventory/kube/schema.js';

function pod(name: string, owners?: { kind: string; name: string; controller?: boolean }[], namespace = 'shop'): Pod {
  return { metadata: { name, namespace, ...(owners ? { ownerReferences: owners } : {}) }, spec: { containers: [] } };
}

const replicasets = parseOwners(
  {
    kind: 'ReplicaSetList',
    items: [
      { metadata: { name: 'web-7d4b9c', namespace: 'shop', ownerReferences: [{ kind: 'Deployment', name: 'web', controller: true }] } },
      { metadata: { name: 'orphan-1', namespace: 'shop' } },
      { metadata: { name: 'roll-abc', namespace: 'shop', ownerReferences: [{ kind: 'Rollout', name: 'roll', controller: true }] } },
      { notMetadata: true },
    ],
  },
  'rs',
).index;
const jobs = parseOwners({ items: [{ metadata: { name: 'report-1', namespace: 'batch', ownerReferences: [{ kind: 'CronJob', name: 'report' }] } }] }, 'jobs').index;

describe('resolveWorkload', () => {
  it.each([
    ['Deployment via ReplicaSet', pod('web-7d4b9c-x', [{ kind: 'ReplicaSet', name: 'web-7d4b9c', controller: true }]), 'Deployment', 'web'],
    ['CronJob via Job', pod('report-1-x', [{ kind: 'Job', name: 'report-1', controller: true }], 'batch'), 'CronJob', 'report'],
    ['ReplicaSet with no owner', pod('orphan-1-x', [{ kind: 'ReplicaSet', name: 'orphan-1' }]), 'ReplicaSet', 'orphan-1'],
    ['ReplicaSet owned by another controller', pod('roll-abc-x', [{ kind: 'ReplicaSet', name: 'roll-abc' }]), 'Rollout', 'roll'],
    ['ReplicaSet not listed (same name, other namespace)', pod('web-7d4b9c-x', [{ kind: 'ReplicaSet', name: 'web-7d4b9c' }], 'other'), 'ReplicaSet', 'web-7d4b9c'],
    ['StatefulSet', pod('pg-0', [{ kind: 'StatefulSet', name: 'pg', controller: true }]), 'StatefulSet', 'pg'],
    ['DaemonSet', pod('agent-x', [{ kind: 'DaemonSet', name: 'agent', controller: true }]), 'DaemonSet', 'agent'],
    ['static pod owned by a Node', pod('etcd-cp-1', [{ kind: 'Node', name: 'cp-1', controller: true }]), 'StaticPod', 'etcd-cp-1'],
    ['bare pod', pod('toolbox'), 'Pod', 'toolbox'],
    ['controller wins over a first non-controller owner', pod('p', [{ kind: 'ConfigMap', name: 'c' }, { kind: 'StatefulSet', name: 's', controller: true }]), 'StatefulSet', 's'],
  ])('%s', (_label, p, kind, name) => {
    expect(resolveWorkload(p, { replicasets, jobs })).toEqual({ kind, name });
  });
});

describe('neededOwners', () => {
  it('asks only for the kinds and namespaces the pods point at', () => {
    const needed = neededOwners([
      pod('a', [{ kind: 'ReplicaSet', name: 'r' }], 'shop'),
      pod('b', [{ kind: 'ReplicaSet', name: 'r' }], 'data'),
      pod('c', [{ kind: 'StatefulSet', name: 's' }], 'kv'),
    ]);
    expect([...needed.keys()]).toEqual(['replicasets']);
    expect([...needed.get('replicasets')!].sort()).toEqual(['data', 'shop']);
  });
});

describe('parseOwners', () => {
  it('reports a document that is not a list', () => {
    expect(parseOwners({ kind: 'Status' }, 'kube:x replicasets').errors).toEqual(['kube:x replicasets: not a list']);
  });
});
