// Containment over a scan's blast radius: check each workload's pods for live C2, check its replacement, decide, act behind gates.
import pLimit from 'p-limit';
import { rolloutRestart, type KubectlOptions } from '../adapters/kubectl.js';
import type { Pod } from '../inventory/kube/schema.js';
import type { Report } from '../model/report.js';
import { toolVersion } from '../version.js';
import { decide } from './gates.js';
import { CONTAINMENT_SCHEMA_VERSION, type ContainmentReport, type PodCheck, type ReplacementCheck, type WorkloadPlan, type WorkloadToContain } from './model.js';
import { networkIndicators } from './network.js';
import { checkPod } from './pod-check.js';
import { judgeReplacement, pullRisk, readTemplate } from './replacement.js';
import { livePods, validName, workloadKey, workloadsToContain } from './workloads.js';

export interface ContainOptions {
  report: Report;
  includeSuspect: boolean;
  apply: boolean;
  resolve: ReadonlyMap<string, readonly string[]>;
  allowNamespaces: readonly string[];
  excludeNamespaces: readonly string[];
  allowUnresolvedDomains: boolean;
  kubectl: KubectlOptions;
  /** Reads one image the way `scan` does (the template image a restart would run). */
  scanImage: (ref: string) => Promise<{ report?: Report; error?: string }>;
  now?: Date;
}

const RESTART_RESOURCE: Record<string, string> = { Deployment: 'deployment', StatefulSet: 'statefulset', DaemonSet: 'daemonset' };

export async function runContainment(o: ContainOptions): Promise<ContainmentReport> {
  const errors: string[] = [];
  const all = workloadsToContain(o.report, o.includeSuspect);
  const workloads = all.filter((w) => {
    const ok = [w.namespace, w.name, ...w.containers].every(validName);
    if (!ok) errors.push(`${w.kind} ${w.namespace}/${w.name}: not a valid Kubernetes name in the report; not touched`);
    return ok;
  });
  const live = await livePods(workloads, o.kubectl);
  errors.push(...live.errors);
  const scans = new Map<string, Promise<{ report?: Report; error?: string }>>();
  const scanOnce = (ref: string) => scans.get(ref) ?? scans.set(ref, o.scanImage(ref)).get(ref)!;
  const plans: WorkloadPlan[] = [];
  for (const w of workloads) plans.push(await planWorkload(w, o, live.pods.get(workloadKey(w)) ?? [], scanOnce));
  if (o.apply) for (const p of plans) if (p.decision === 'restart') p.action = await restart(p, o.kubectl);
  const set = networkIndicators(o.report.incidents, o.resolve);
  return {
    schemaVersion: CONTAINMENT_SCHEMA_VERSION,
    tool: { name: 'sbom-hunt', version: toolVersion() },
    generatedAt: (o.now ?? new Date()).toISOString(),
    apply: o.apply,
    indicators: { checkable: [...new Set(set.checkable.map((c) => c.indicator.text))], unresolved: [...new Set(set.unresolved.map((u) => u.text))] },
    workloads: plans,
    summary: {
      workloads: plans.length,
      restart: plans.filter((p) => p.decision === 'restart').length,
      restarted: plans.filter((p) => p.action?.applied).length,
      escalate: plans.filter((p) => p.decision === 'escalate').length,
      blocked: plans.filter((p) => p.decision === 'blocked').length,
      failed: plans.filter((p) => p.action && !p.action.applied).length,
    },
    errors,
  };
}


async function planWorkload(
  w: WorkloadToContain,
  o: ContainOptions,
  pods: Pod[],
  scanOnce: (ref: string) => Promise<{ report?: Report; error?: string }>,
): Promise<WorkloadPlan> {
  const incidents = o.report.incidents.filter((i) => w.incidents.includes(i.id));
  const set = networkIndicators(incidents, o.resolve);
  const limit = pLimit(4);
  const checks: PodCheck[] = await Promise.all(
    pods.map((pod) =>
      limit(() => {
        const names = (pod.spec.containers ?? []).map((c) => c.name);
        const containers = [...w.containers.filter((c) => names.includes(c)), ...names.filter((n) => !w.containers.includes(n))];
        return checkPod({ context: w.context, namespace: w.namespace, pod: pod.metadata.name, containers }, set, o.kubectl);
      }),
    ),
  );
  const template = await readTemplate(w, o.kubectl);
  const windowsEnd = latestEnd(incidents.flatMap((i) => i.windows.map((x) => new Date(x.end))));
  const replacement = template ? await replacementOf(w, template, windowsEnd, scanOnce) : { ok: false, reasons: [`a ${w.kind} has no template sbom-hunt would restart`] };
  const unresolvedDomains = [...new Set(set.unresolved.map((u) => u.text))];
  const { decision, reasons } = decide({
    kind: w.kind,
    namespace: w.namespace,
    pods: checks,
    replacement,
    allowNamespaces: o.allowNamespaces,
    excludeNamespaces: o.excludeNamespaces,
    optedOut: template?.optedOut ?? false,
    unresolvedDomains,
    allowUnresolvedDomains: o.allowUnresolvedDomains,
  });
  return { ...w, pods: checks, replacement, decision, reasons };
}

function latestEnd(ends: Date[]): Date | undefined {
  const valid = ends.filter((d) => !Number.isNaN(d.getTime()));
  return valid.length === 0 ? undefined : new Date(Math.max(...valid.map((d) => d.getTime())));
}

async function replacementOf(
  w: WorkloadToContain,
  template: NonNullable<Awaited<ReturnType<typeof readTemplate>>>,
  windowsEnd: Date | undefined,
  scanOnce: (ref: string) => Promise<{ report?: Report; error?: string }>,
): Promise<ReplacementCheck> {
  if (template.error) return { ok: false, reasons: [template.error] };
  const checks: ReplacementCheck[] = [];
  for (const name of w.containers) {
    const c = template.containers.find((t) => t.name === name);
    if (!c?.image) {
      checks.push({ ok: false, reasons: [`the template has no container ${name}`] });
      continue;
    }
    const risk = pullRisk(c);
    const scanned = await scanOnce(c.image);
    const judged = judgeReplacement(c.image, scanned.report, windowsEnd, scanned.error);
    checks.push(risk ? { ...judged, ok: false, reasons: [...judged.reasons, risk] } : judged);
  }
  const first = checks[0] ?? { ok: false, reasons: ['no container to check'] };
  return { ...first, ok: checks.length > 0 && checks.every((c) => c.ok), reasons: checks.flatMap((c) => c.reasons) };
}

async function restart(p: WorkloadPlan, opts: KubectlOptions): Promise<{ applied: boolean; message: string }> {
  try {
    return { applied: true, message: await rolloutRestart(RESTART_RESOURCE[p.kind]!, p.name, p.namespace, p.context, opts) };
  } catch (err) {
    return { applied: false, message: err instanceof Error ? err.message : String(err) };
  }
}
