// One target per image digest (or per tag when no digest is known), with every workload that runs it.
import type { Workload } from '../../model/finding.js';
import type { Target } from '../../model/target.js';

export type RegistryTarget = Extract<Target, { kind: 'registry' }>;

export interface CollectedImages {
  /** Sorted by ref; a digest appears once however many pods, namespaces and clusters run it. */
  targets: RegistryTarget[];
  /** Target ref -> the workloads running it, with how many pods each. */
  workloads: Map<string, Workload[]>;
  /** Target ref -> why its running digest is not certain (resolved from a tag). */
  notes: Map<string, string[]>;
  /** Tag-resolved target ref -> the image config digests nodes reported for it (more than one: the tag moved). */
  configDigests: Map<string, string[]>;
}

/** What else one container tells about its image. */
export interface ImageRemarks {
  note?: string;
  configDigest?: string;
}

function addTo(map: Map<string, Set<string>>, key: string, value: string | undefined): void {
  if (value === undefined) return;
  const set = map.get(key) ?? new Set<string>();
  set.add(value);
  map.set(key, set);
}

function sortedLists(map: Map<string, Set<string>>): Map<string, string[]> {
  return new Map([...map].map(([k, s]) => [k, [...s].sort()]));
}

/** Gathers containers before any SBOM work, so a digest run by a thousand pods is scanned once. */
export class ImageCollector {
  private readonly targets = new Map<string, RegistryTarget>();
  private readonly workloads = new Map<string, Map<string, Workload>>();
  private readonly notes = new Map<string, Set<string>>();
  private readonly configDigests = new Map<string, Set<string>>();

  add(target: RegistryTarget, workload: Omit<Workload, 'pods'>, remarks: ImageRemarks = {}): void {
    if (!this.targets.has(target.ref)) this.targets.set(target.ref, target);
    const byWorkload = this.workloads.get(target.ref) ?? new Map<string, Workload>();
    this.workloads.set(target.ref, byWorkload);
    const key = [workload.context, workload.namespace, workload.kind, workload.name, workload.container].join('\u0000');
    const seen = byWorkload.get(key);
    if (seen) seen.pods += 1;
    else byWorkload.set(key, { ...workload, pods: 1 });
    addTo(this.notes, target.ref, remarks.note);
    addTo(this.configDigests, target.ref, remarks.configDigest);
  }

  result(): CollectedImages {
    const refs = [...this.targets.keys()].sort();
    const order = (w: Workload): string => [w.context, w.namespace, w.kind, w.name, w.container].join('\u0000');
    return {
      targets: refs.map((r) => this.targets.get(r)!),
      workloads: new Map(refs.map((r) => [r, [...this.workloads.get(r)!.values()].sort((a, b) => order(a).localeCompare(order(b)))])),
      notes: sortedLists(this.notes),
      configDigests: sortedLists(this.configDigests),
    };
  }
}
