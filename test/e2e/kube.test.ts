// End to end from `kube:` to the workload-level report: the real kubectl reads a fake API server whose pods run
// images pushed to the real test registry; the CLI reads those images natively and names the workloads.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImageLayout, npmPackageFiles, type BuiltLayout, type LayerSpec } from '../helpers/image-builder.js';
import { pushOciLayout } from '../helpers/push.js';
import { registryAvailable, SKIP_MESSAGE, startRegistry, type TestRegistry } from '../helpers/registry.js';
import { findKubectl, startKubeApi, writeKubeconfig, type KubeApi } from '../helpers/kube-api.js';
import { runCli } from '../helpers/cli.js';
import type { Report } from '../../src/model/report.js';

if (!registryAvailable) console.warn(SKIP_MESSAGE);
const kubectl = findKubectl();

const base: LayerSpec = { files: npmPackageFiles('app/node_modules', 'lodash', '4.17.21') };
const ioc: LayerSpec = { files: [...npmPackageFiles('app/node_modules', 'axios', '1.14.1'), ...npmPackageFiles('app/node_modules', 'plain-crypto-js', '4.2.1')] };

interface PodSpec {
  name: string;
  phase: 'Running' | 'Succeeded';
  owner?: { kind: string; name: string };
  container: string;
  image: string;
  imageID: string;
}

/** A pod as the API server lists it: spec image, status imageID, controller owner. */
function pod(p: PodSpec): Record<string, unknown> {
  const ownerReferences = p.owner ? [{ apiVersion: 'apps/v1', kind: p.owner.kind, name: p.owner.name, uid: `uid-${p.owner.name}`, controller: true }] : [];
  const state = p.phase === 'Running' ? { running: { startedAt: '2026-11-20T08:00:00Z' } } : { terminated: { exitCode: 0, reason: 'Completed' } };
  return {
    metadata: { name: p.name, namespace: 'shop', uid: `uid-${p.name}`, labels: { app: p.container }, ownerReferences },
    spec: { containers: [{ name: p.container, image: p.image }], nodeName: 'node-1', restartPolicy: 'Always' },
    status: { phase: p.phase, containerStatuses: [{ name: p.container, image: p.image, imageID: p.imageID, ready: p.phase === 'Running', restartCount: 0, state }] },
  };
}

function replicaSet(name: string, deployment: string): Record<string, unknown> {
  return { metadata: { name, namespace: 'shop', uid: `uid-${name}`, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment, uid: `uid-${deployment}`, controller: true }] }, spec: {}, status: {} };
}

async function pushImage(reg: TestRegistry, dir: string, repo: string, tag: string, layers: LayerSpec[]): Promise<BuiltLayout> {
  const layout = await buildImageLayout(join(dir, repo.replace('/', '_')), { ref: tag, platforms: [{ layers }] });
  await pushOciLayout(reg.url, repo, layout.dir);
  return layout;
}

describe.skipIf(!registryAvailable || !kubectl)('kube: to the workload-level report', () => {
  let reg: TestRegistry;
  let api: KubeApi;
  let dir: string;
  let kubeconfig: string;
  let shopApi: BuiltLayout;
  let worker: BuiltLayout;

  beforeAll(async () => {
    reg = await startRegistry();
    dir = await mkdtemp(join(tmpdir(), 'sbom-hunt-e2e-kube-'));
    const h = reg.host;
    shopApi = await pushImage(reg, dir, 'shop/api', '1.1', [base, ioc]);
    worker = await pushImage(reg, dir, 'shop/worker', '2', [base]);
    const batch = await pushImage(reg, dir, 'shop/batch', '1', [base, ioc]);
    const workerConfig = worker.images[0]!.platforms[0]!.configDigest;
    const pods = [
      ...['x1', 'x2'].map((s) =>
        pod({ name: `api-7d4b9c-${s}`, phase: 'Running', owner: { kind: 'ReplicaSet', name: 'api-7d4b9c' }, container: 'api', image: `${h}/shop/api:1.1`, imageID: `${h}/shop/api@${shopApi.indexDigest}` }),
      ),
      // Preloaded on the node: only the config id is known, so the tag in the spec names the image.
      pod({ name: 'worker-5f6-a1', phase: 'Running', owner: { kind: 'ReplicaSet', name: 'worker-5f6' }, container: 'worker', image: `${h}/shop/worker:2`, imageID: workerConfig }),
      pod({ name: 'batch-done', phase: 'Succeeded', container: 'batch', image: `${h}/shop/batch:1`, imageID: `${h}/shop/batch@${batch.indexDigest}` }),
    ];
    const fixtures = join(dir, 'cluster');
    await mkdir(fixtures);
    await writeFile(join(fixtures, 'pods.json'), JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: {}, items: pods }));
    await writeFile(join(fixtures, 'replicasets.json'), JSON.stringify({ kind: 'ReplicaSetList', apiVersion: 'apps/v1', metadata: {}, items: [replicaSet('api-7d4b9c', 'api'), replicaSet('worker-5f6', 'worker')] }));
    api = await startKubeApi({ fixtureDir: fixtures });
    kubeconfig = await writeKubeconfig(join(dir, 'kubeconfig'), [{ name: 'e2e-prod', server: api.url }], 'e2e-prod');
  });
  afterAll(async () => {
    await api?.close();
    await reg?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('the affected image lists its workloads; a pod without a digest is resolved by tag with a note; terminated pods are left out', async () => {
    const h = reg.host;
    const args = ['scan', 'kube:', '--kubeconfig', kubeconfig, '--kubectl', kubectl!, '--insecure-registry', h, '--sbom-sources', 'native', '--no-cache'];
    const run = await runCli([...args, '-f', 'json', '-q']);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.errors).toEqual([]);
    expect(report.images.map((i) => i.ref).sort()).toEqual([`${h}/shop/api@${shopApi.indexDigest}`, `${h}/shop/worker:2`]);

    const affected = report.images.find((i) => i.ref.includes('shop/api'))!;
    expect(affected.verdict).toBe('affected');
    expect(affected.digest).toBe(shopApi.indexDigest);
    expect(affected.workloads).toEqual([{ context: 'e2e-prod', namespace: 'shop', kind: 'Deployment', name: 'api', container: 'api', pods: 2 }]);

    const byTag = report.images.find((i) => i.ref.includes('shop/worker'))!;
    expect(byTag.verdict).toBe('clean');
    expect(byTag.digest).toBe(worker.indexDigest);
    expect(byTag.workloads).toEqual([{ context: 'e2e-prod', namespace: 'shop', kind: 'Deployment', name: 'worker', container: 'worker', pods: 1 }]);
    expect(byTag.reasons.join('\n')).toMatch(/resolved from the tag/);

    const markdown = await runCli([...args, '-f', 'markdown', '-q']);
    expect(markdown.stdout).toContain('e2e-prod/shop Deployment/api (container api, 2 pods)');
    const table = await runCli([...args, '-f', 'table', '-q']);
    expect(table.stdout).toContain('runs in e2e-prod/shop Deployment/api (container api, 2 pods)');
  });

  it('an SBOM file that names a running digest gets its workloads, and every format names the image it describes', async () => {
    const h = reg.host;
    const sbom = join(dir, 'api.cdx.json');
    await writeFile(sbom, JSON.stringify({
      bomFormat: 'CycloneDX',
      specVersion: '1.5',
      metadata: { component: { type: 'container', name: `${h}/shop/api:1.1`, version: shopApi.indexDigest } },
      components: [{ type: 'library', name: 'axios', version: '1.14.1', purl: 'pkg:npm/axios@1.14.1' }],
    }));
    const args = ['scan', 'kube:', `sbom:${sbom}`, '--kubeconfig', kubeconfig, '--kubectl', kubectl!, '--insecure-registry', h, '--sbom-sources', 'native', '--no-cache', '-q'];
    const report = JSON.parse((await runCli([...args, '-f', 'json'])).stdout) as Report;
    const file = report.images.find((i) => i.ref === sbom)!;
    expect(file.describes).toEqual({ name: `${h}/shop/api:1.1`, digest: shopApi.indexDigest });
    expect(file.workloads.map((w) => `${w.kind}/${w.name}:${w.pods}`)).toEqual(['Deployment/api:2']);
    expect(file.reasons).toContain(`runs in the cluster as ${h}/shop/api@${shopApi.indexDigest} (joined by the digest the SBOM names)`);
    // A worker's digest is not named by the SBOM: its workload stays with its own image.
    expect(file.workloads.some((w) => w.name === 'worker')).toBe(false);
    for (const format of ['table', 'markdown', 'html', 'sarif']) {
      const out = (await runCli([...args, '-f', format])).stdout;
      expect(out, format).toContain(`${h}/shop/api:1.1`);
      expect(out, format).toMatch(/describes/);
    }
  });

  it('the same digest found by registry: (as a tag) and by kube: (pinned) is scanned once and keeps its workloads', async () => {
    const h = reg.host;
    const args = ['scan', `registry:${h}/shop/api`, 'kube:', '--kubeconfig', kubeconfig, '--kubectl', kubectl!, '--insecure-registry', h, '--sbom-sources', 'native', '--no-cache'];
    const report = JSON.parse((await runCli([...args, '-f', 'json', '-q'])).stdout) as Report;
    const api = report.images.filter((i) => i.digest === shopApi.indexDigest);
    expect(api.map((i) => i.ref)).toEqual([`${h}/shop/api:1.1`]);
    expect(api[0]!.workloads.map((w) => `${w.kind}/${w.name}:${w.pods}`)).toEqual(['Deployment/api:2']);
    expect(api[0]!.reasons.join('\n')).toContain(`also named ${h}/shop/api@${shopApi.indexDigest}`);
  });
});
