import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isActive, parsePods, podContainers } from '../../../src/inventory/kube/pods.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../fixtures/kube');
const read = (f: string): unknown => JSON.parse(readFileSync(path.join(fixtures, f), 'utf8'));

describe('parsePods', () => {
  it('reads a PodList whose items carry no kind', () => {
    const r = parsePods(read('cluster-a/pods.json'), 'a');
    expect(r.errors).toEqual([]);
    expect(r.pods.map((p) => p.metadata.name)).toContain('etcd-cp-1');
    expect(r.pods).toHaveLength(11);
  });

  it('reads a single Pod', () => {
    const list = read('cluster-a/pods.json') as { items: unknown[] };
    expect(parsePods(list.items[0], 'one').pods.map((p) => p.metadata.name)).toEqual(['web-7d4b9c-abcde']);
  });

  it.each([
    ['bad/status-forbidden.json', /a Status, not a pod list or a pod \(pods is forbidden: User "dev"/],
    ['bad/items-not-array.json', /items are not an array/],
    ['bad/array.json', /not a pod list or a pod/],
  ])('refuses %s with a named reason', (file, why) => {
    const r = parsePods(read(file), file);
    expect(r.pods).toEqual([]);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(why);
  });

  it('keeps the readable items of a list and names the others', () => {
    const r = parsePods(read('bad/one-bad-item.json'), 'list');
    expect(r.pods.map((p) => p.metadata.name)).toEqual(['good']);
    expect(r.errors).toEqual([
      'list: item 1 is not a readable pod (metadata.name: Invalid input: expected string, received undefined)',
      'list: item 2 is not a readable pod (spec: Invalid input: expected object, received undefined)',
    ]);
  });
});

describe('podContainers and isActive', () => {
  const pods = parsePods(read('cluster-a/pods.json'), 'a').pods;
  const byName = (n: string) => pods.find((p) => p.metadata.name === n)!;

  it('lists app, init (native sidecar) and ephemeral containers with their status', () => {
    const web = podContainers(byName('web-7d4b9c-abcde'));
    expect(web.map((c) => [c.role, c.container, c.imageID?.slice(0, 20)])).toEqual([
      ['container', 'web', 'ghcr.io/acme/web@sha'],
      ['init', 'migrate', 'ghcr.io/acme/migrate'],
      ['ephemeral', 'debugger', 'docker.io/library/bu'],
    ]);
    const api = podContainers(byName('api-5f6c7d-xyz12'));
    expect(api.map((c) => [c.role, c.container, c.imageID])).toEqual([
      ['container', 'api', ''],
      ['init', 'envoy', expect.stringMatching(/^docker\.io\/envoyproxy\/envoy@sha256:/)],
    ]);
  });

  it('keeps spec containers of a pod with no statuses yet', () => {
    const [c, ...rest] = podContainers(byName('coredns-5d78c9869d-q7x2m'));
    expect(rest).toEqual([]);
    expect(c).toMatchObject({ container: 'coredns', hasStatus: false, specImage: 'registry.k8s.io/coredns/coredns:v1.11.1' });
    expect(c!.imageID).toBeUndefined();
  });

  it('treats Running and Pending as active, finished pods as not', () => {
    expect(new Set(pods.filter(isActive).map((p) => p.status?.phase))).toEqual(new Set(['Running', 'Pending']));
    expect(pods.filter((p) => !isActive(p)).map((p) => p.metadata.name).sort()).toEqual(['oneoff-k2j4d', 'report-28566705-ab12c']);
    expect(pods.filter(isActive)).toHaveLength(9);
  });
});
