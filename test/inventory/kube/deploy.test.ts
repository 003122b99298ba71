// deploy/kubernetes and the Dockerfile: real kinds, real RBAC resources and verbs, references that resolve, flags the CLI has.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { addScanOptions } from '../../../src/cli/scan-command.js';
import { addSweepOptions } from '../../../src/cli/command-options.js';
import { parseIocFile } from '../../../src/iocs/index.js';
import { findKubectl } from '../../helpers/kube-api.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const deployDir = path.join(root, 'deploy/kubernetes');

/** Kinds as the API serves them; a typo in apiVersion or kind is the classic manifest bug. */
const KINDS: Record<string, string> = {
  Namespace: 'v1',
  ServiceAccount: 'v1',
  ConfigMap: 'v1',
  ClusterRole: 'rbac.authorization.k8s.io/v1',
  ClusterRoleBinding: 'rbac.authorization.k8s.io/v1',
  CronJob: 'batch/v1',
  PersistentVolumeClaim: 'v1',
  Kustomization: 'kustomize.config.k8s.io/v1beta1',
};
/** Real resources by API group, and the verbs RBAC knows. */
const RESOURCES: Record<string, string[]> = {
  '': ['pods', 'namespaces', 'nodes', 'configmaps', 'secrets', 'serviceaccounts'],
  apps: ['replicasets', 'deployments', 'statefulsets', 'daemonsets'],
  batch: ['jobs', 'cronjobs'],
};
const VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];

type Doc = Record<string, any>;
const files = readdirSync(deployDir).filter((f) => f.endsWith('.yaml')).sort();
const docs: { file: string; doc: Doc }[] = files.flatMap((file) =>
  parseAllDocuments(readFileSync(path.join(deployDir, file), 'utf8')).map((d) => {
    if (d.errors.length > 0) throw new Error(`${file}: ${d.errors[0]!.message}`);
    return { file, doc: d.toJS() as Doc };
  }),
);
const one = (kind: string): Doc => {
  const found = docs.filter((d) => d.doc.kind === kind);
  expect(found, kind).toHaveLength(1);
  return found[0]!.doc;
};

describe('deploy/kubernetes', () => {
  it('holds only known kinds with their real apiVersion, each named', () => {
    expect(docs.length).toBeGreaterThanOrEqual(7);
    for (const { file, doc } of docs) {
      expect(KINDS[doc.kind], `${file}: kind ${doc.kind}`).toBeDefined();
      expect(doc.apiVersion, `${file}: apiVersion of ${doc.kind}`).toBe(KINDS[doc.kind]);
      if (doc.kind !== 'Kustomization') expect(doc.metadata?.name, file).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    }
  });

  it('grants get and list on exactly what the inventory reads, and nothing else', () => {
    const role = one('ClusterRole');
    const grants = (role.rules as Doc[]).flatMap((r) =>
      (r.apiGroups as string[]).flatMap((g) => (r.resources as string[]).flatMap((res) => (r.verbs as string[]).map((v) => `${g}/${res}:${v}`))),
    );
    for (const g of grants) {
      const [group = '', rest = ''] = g.split('/');
      const [resource = '', verb = ''] = rest.split(':');
      expect(RESOURCES[group], g).toContain(resource);
      expect(VERBS, g).toContain(verb);
    }
    expect(grants.sort()).toEqual(['/pods:get', '/pods:list', 'apps/replicasets:get', 'apps/replicasets:list', 'batch/jobs:get', 'batch/jobs:list']);
  });

  it('binds that role to the service account the CronJob runs as', () => {
    const sa = one('ServiceAccount');
    const binding = one('ClusterRoleBinding');
    const cron = one('CronJob');
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: one('ClusterRole').metadata.name });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: sa.metadata.name, namespace: sa.metadata.namespace }]);
    expect(cron.metadata.namespace).toBe(sa.metadata.namespace);
    expect(cron.spec.jobTemplate.spec.template.spec.serviceAccountName).toBe(sa.metadata.name);
  });

  it('runs every 15 minutes, non-root, with mounts that name volumes and a ConfigMap that exists', () => {
    const cron = one('CronJob');
    expect(cron.spec.schedule).toBe('*/15 * * * *');
    const pod = cron.spec.jobTemplate.spec.template.spec;
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
    const volumes = new Set((pod.volumes as Doc[]).map((v) => v.name));
    const [container] = pod.containers as Doc[];
    for (const m of container!.volumeMounts as Doc[]) expect(volumes, m.name).toContain(m.name);
    const state = (pod.volumes as Doc[]).find((v) => v.persistentVolumeClaim)!;
    expect(state.persistentVolumeClaim.claimName).toBe(one('PersistentVolumeClaim').metadata.name);
    const cm = (pod.volumes as Doc[]).find((v) => v.configMap)!;
    expect(cm.configMap.name).toBe(one('ConfigMap').metadata.name);
  });

  it('passes the CLI only flags the sweep command has, and reads IOC files the ConfigMap provides', () => {
    const cron = one('CronJob');
    const container = cron.spec.jobTemplate.spec.template.spec.containers[0] as Doc;
    const args = container.args as string[];
    expect(args.slice(0, 2)).toEqual(['sweep', 'kube:']);
    const known = new Set(addSweepOptions(addScanOptions(new Command('sweep'))).options.flatMap((o) => [o.long, o.short]).filter(Boolean));
    for (const flag of args.filter((a) => a.startsWith('-'))) expect(known, flag).toContain(flag);
    const mount = (container.volumeMounts as Doc[]).find((m) => m.name === 'iocs')!;
    const cmData = one('ConfigMap').data as Record<string, string>;
    const iocPaths = args.filter((_, i) => args[i - 1] === '--ioc' && args[i]!.startsWith(mount.mountPath));
    expect(iocPaths.map((p) => path.relative(mount.mountPath, p)).sort()).toEqual(Object.keys(cmData).sort());
  });

  it('ships a ConfigMap of IOCs the project parser accepts', () => {
    for (const [key, text] of Object.entries(one('ConfigMap').data as Record<string, string>)) {
      expect(parseIocFile(text, key).length, key).toBeGreaterThan(0);
    }
  });

  it('lists every manifest in the kustomization', () => {
    expect([...one('Kustomization').resources].sort()).toEqual(files.filter((f) => f !== 'kustomization.yaml'));
  });

  const kubectl = findKubectl();
  it.skipIf(!kubectl)('builds with kubectl kustomize', async () => {
    const built = await execa(kubectl!, ['kustomize', deployDir], { reject: false });
    expect(built.stderr).toBe('');
    expect(parseAllDocuments(built.stdout).map((d) => (d.toJS() as Doc).kind).sort()).toEqual(
      docs.map((d) => d.doc.kind).filter((k) => k !== 'Kustomization').sort(),
    );
  });
});

describe('Dockerfile', () => {
  const text = readFileSync(path.join(root, 'Dockerfile'), 'utf8');
  const lines = text.split('\n').filter((l) => !l.startsWith('#'));
  const stages = lines.filter((l) => l.startsWith('FROM '));

  it('builds on node:24-slim and ends as a non-root user with kubectl on PATH', () => {
    expect(stages.length).toBeGreaterThan(0);
    for (const s of stages) expect(s).toMatch(/^FROM node:24-slim\b/);
    const finalStage = lines.slice(lines.lastIndexOf(stages.at(-1)!));
    const user = finalStage.filter((l) => l.startsWith('USER ')).at(-1);
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^USER (root|0)(:|$)/);
    expect(finalStage.some((l) => /^COPY --from=\S+ \S*kubectl \/usr\/local\/bin\/kubectl$/.test(l))).toBe(true);
    expect(text).toMatch(/sha256sum -c/);
  });

  it('copies only paths that exist in the repository', () => {
    const sources = lines.filter((l) => l.startsWith('COPY ') && !l.includes('--from=')).flatMap((l) => l.split(/\s+/).slice(1, -1));
    expect(sources.length).toBeGreaterThan(3);
    for (const s of sources) expect(existsSync(path.join(root, s)), s).toBe(true);
  });
});
