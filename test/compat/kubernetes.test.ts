// The Kubernetes inventory against real Pod and PodList JSON (../shared/real-world/kubernetes) and the facts recorded for each.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyImageId, resolveImage, type ClassifiedImageId } from '../../src/inventory/kube/image-id.js';
import { resolveWorkload } from '../../src/inventory/kube/owners.js';
import { parsePods, podContainers } from '../../src/inventory/kube/pods.js';
import type { Pod } from '../../src/inventory/kube/schema.js';
import { loadExpected, realWorldDir } from './real-world.js';

const kubeDir = realWorldDir ? path.join(realWorldDir, 'kubernetes') : undefined;
if (!kubeDir) console.log('compat/kubernetes: skipped, no real-world samples at ../shared/real-world beside the repository');

/** The labels SOURCES.md's K8S jq recipe gives each imageID form. */
function formLabel(id: ClassifiedImageId, raw: string | undefined): string {
  const labels: Record<ClassifiedImageId['form'], string> = {
    'docker-pullable': 'docker-pullable://<repo>@sha256:<hex>',
    'repo-digest': '<repo>@sha256:<hex>',
    'image-id': 'sha256:<hex>',
    'docker-image-id': 'docker://sha256:<hex>',
    empty: 'empty',
    missing: 'missing',
    other: `other:${raw}`,
  };
  return labels[id.form];
}

function tally(values: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}

function factsOf(pods: Pod[]) {
  const statuses = pods.flatMap((p) => [
    ...(p.status?.containerStatuses ?? []),
    ...(p.status?.initContainerStatuses ?? []),
    ...(p.status?.ephemeralContainerStatuses ?? []),
  ]);
  return {
    pods: pods.length,
    containers: pods.reduce((n, p) => n + (p.spec.containers?.length ?? 0), 0),
    initContainers: pods.reduce((n, p) => n + (p.spec.initContainers?.length ?? 0), 0),
    containerStatuses: pods.reduce((n, p) => n + (p.status?.containerStatuses?.length ?? 0), 0),
    initContainerStatuses: pods.reduce((n, p) => n + (p.status?.initContainerStatuses?.length ?? 0), 0),
    imageIDForms: tally(statuses.map((s) => formLabel(classifyImageId(s.imageID ?? undefined), s.imageID ?? undefined))),
    ownerKinds: tally(pods.flatMap((p) => (p.metadata.ownerReferences ?? []).map((o) => o.kind))),
    podsWithoutOwner: pods.filter((p) => (p.metadata.ownerReferences ?? []).length === 0).length,
  };
}

/** SOURCES.md: one cloudability pod was redacted by hand to image "..." in both spec and status; nothing names its image. */
const UNRESOLVABLE: Record<string, string[]> = {
  'cloudability-eks-docker.podlist.json': ['cloudability/cloudability-metrics-agent-f564d999d-8qwp8 container cloudability-metrics-agent'],
};

describe.skipIf(!kubeDir)('real-world Kubernetes pods', () => {
  const expected = new Map(loadExpected().map((e) => [e.file, e.facts]));
  const files = kubeDir ? readdirSync(kubeDir).filter((f) => f.endsWith('.json')).sort() : [];

  it('has recorded facts for every sample', () => {
    expect(files.length).toBeGreaterThan(0);
    expect(files.filter((f) => !expected.has(`kubernetes/${f}`))).toEqual([]);
  });

  it.each(files)('%s: counts and imageID forms match the recorded facts', (file) => {
    const facts = expected.get(`kubernetes/${file}`)!;
    const parsed = parsePods(JSON.parse(readFileSync(path.join(kubeDir!, file), 'utf8')), file);
    expect(parsed.errors).toEqual([]);
    const got = factsOf(parsed.pods);
    for (const key of Object.keys(got) as (keyof typeof got)[]) expect(got[key], key).toEqual(facts[key]);
  });

  it.each(files)('%s: every nameable container resolves to an image; only registry digests come without a note', (file) => {
    const { pods } = parsePods(JSON.parse(readFileSync(path.join(kubeDir!, file), 'utf8')), file);
    const unresolved: string[] = [];
    for (const pod of pods) {
      expect(resolveWorkload(pod, {}).name).not.toBe('');
      for (const c of podContainers(pod)) {
        const r = resolveImage(c);
        if (!r.ok) {
          unresolved.push(r.error.split(':')[0]!);
          continue;
        }
        const pulled = classifyImageId(c.imageID).pullable !== undefined;
        if (pulled) expect(r.target.digest, `${c.pod}/${c.container}`).toBe(c.imageID!.slice(-71));
        else if (r.target.digest === undefined) expect(r.note, `${c.pod}/${c.container}`).toMatch(/may differ/);
      }
    }
    expect(unresolved).toEqual(UNRESOLVABLE[file] ?? []);
  });
});
