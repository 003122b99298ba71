// Gate (a): what a restart would run. The workload's template image, read like any image, must be clean and built after the window.
import * as z from 'zod';
import { lazySchema } from '../lazy-schema.js';
import { getObject, type KubectlOptions } from '../adapters/kubectl.js';
import type { Report } from '../model/report.js';
import type { ReplacementCheck } from './model.js';
import type { WorkloadToContain } from './model.js';

const RESOURCE: Record<string, string> = { Deployment: 'deployments.apps', StatefulSet: 'statefulsets.apps', DaemonSet: 'daemonsets.apps' };

const TemplateContainer = lazySchema(() =>
  z.object({ name: z.string(), image: z.string().optional(), imagePullPolicy: z.string().optional() }),
);
const WorkloadObject = lazySchema(() =>
  z.object({
    metadata: z.object({ labels: z.record(z.string(), z.string()).nullish(), annotations: z.record(z.string(), z.string()).nullish() }),
    spec: z.object({
      template: z.object({
        spec: z.object({ containers: z.array(TemplateContainer), initContainers: z.array(TemplateContainer).nullish() }),
      }),
    }),
  }),
);
type TemplateContainer = z.infer<typeof TemplateContainer>;

export const OPT_OUT_KEY = 'sbom-hunt.io/containment';

export interface TemplateRead {
  containers: TemplateContainer[];
  optedOut: boolean;
  error?: string;
}

/** The workload object's pod template; a kind sbom-hunt never restarts is not read at all. */
export async function readTemplate(w: WorkloadToContain, opts: KubectlOptions): Promise<TemplateRead | undefined> {
  const resource = RESOURCE[w.kind];
  if (!resource) return undefined;
  try {
    const json = await getObject(resource, w.name, w.namespace, w.context, opts);
    if (json === undefined) return { containers: [], optedOut: false, error: `${w.kind} ${w.namespace}/${w.name} no longer exists` };
    const parsed = WorkloadObject.safeParse(json);
    if (!parsed.success) return { containers: [], optedOut: false, error: `${w.kind} ${w.namespace}/${w.name}: not a readable workload object` };
    const meta = parsed.data.metadata;
    const flag = (meta.labels?.[OPT_OUT_KEY] ?? meta.annotations?.[OPT_OUT_KEY] ?? '').toLowerCase();
    const t = parsed.data.spec.template.spec;
    return { containers: [...t.containers, ...(t.initContainers ?? [])], optedOut: flag === 'disabled' || flag === 'false' || flag === 'off' };
  } catch (err) {
    return { containers: [], optedOut: false, error: err instanceof Error ? err.message : String(err) };
  }
}

/** A tag with IfNotPresent (the default for a tag other than `latest`) lets a node run the old image it still holds. */
export function pullRisk(c: TemplateContainer): string | undefined {
  const image = c.image ?? '';
  if (image.includes('@sha256:')) return undefined;
  const lastPart = image.split('/').at(-1) ?? '';
  const tag = lastPart.includes(':') ? lastPart.split(':').at(-1) : 'latest';
  const policy = c.imagePullPolicy ?? (tag === 'latest' ? 'Always' : 'IfNotPresent');
  if (policy === 'Always') return undefined;
  return `container ${c.name} names ${image} by tag with imagePullPolicy ${policy}: a node that still holds the old image would run it again (pin a digest or use Always)`;
}

/** Judges the scanned template image against the incidents' windows. */
export function judgeReplacement(image: string, scanned: Report | undefined, windowsEnd: Date | undefined, scanError?: string): ReplacementCheck {
  const reasons: string[] = [];
  const img = scanned?.images[0];
  if (!img) return { ok: false, image, reasons: [scanError ?? `${image} could not be scanned`] };
  const base = { image, ...(img.digest ? { digest: img.digest } : {}), verdict: img.verdict, ...(img.created?.value ? { created: img.created.value } : {}) };
  if (img.verdict !== 'clean') reasons.push(`the template image ${image} is ${img.verdict}${img.reasons[0] ? ` (${img.reasons[0]})` : ''}`);
  if (!img.created?.reliable || !img.created.value) reasons.push(`the template image's build time is not reliable, so it cannot be shown to postdate the window`);
  else if (windowsEnd && !(new Date(img.created.value).getTime() > windowsEnd.getTime())) {
    reasons.push(`the template image was built ${img.created.value}, not after the window ended ${windowsEnd.toISOString()}`);
  }
  return { ...base, ok: reasons.length === 0, reasons };
}
