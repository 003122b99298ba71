// The containment report: per workload, what was checked, what the gates said, and what was done.
import type { Connection } from './sockets.js';

export const CONTAINMENT_SCHEMA_VERSION = '1.0';

export interface LiveConnection extends Connection {
  /** The indicators (as the IOC file wrote them) the remote address falls in. */
  indicators: string[];
}

/** One pod's live-connection check. `not-checked` is never read as "no connections". */
export interface PodCheck {
  pod: string;
  outcome: 'connections' | 'none' | 'not-checked';
  /** How the sockets were read: `ss` inside the container, or the kernel's /proc/net/tcp tables through `cat`. */
  method?: 'ss' | 'proc-net-tcp';
  /** The container the check ran in (every container of a pod shares its network namespace). */
  container?: string;
  /** Established connections seen in all, matching or not. */
  established: number;
  connections: LiveConnection[];
  reason?: string;
  notes: string[];
}

export interface ReplacementCheck {
  /** Gate (a): a restart would run an image that is fully read, not affected, not suspect, and reliably built after the window. */
  ok: boolean;
  image?: string;
  digest?: string;
  verdict?: string;
  created?: string;
  reasons: string[];
}

export type Decision = 'restart' | 'escalate' | 'blocked';

/** A workload of the blast radius, with every container and incident that put it there. */
export interface WorkloadToContain {
  context: string;
  namespace: string;
  kind: string;
  name: string;
  containers: string[];
  /** The affected (or suspect) images this workload runs, as the scan named them. */
  images: string[];
  incidents: string[];
}

export interface WorkloadPlan extends WorkloadToContain {
  pods: PodCheck[];
  replacement: ReplacementCheck;
  decision: Decision;
  /** Why: every gate that is closed, or why a restart is safe. */
  reasons: string[];
  action?: { applied: boolean; message: string };
}

export interface ContainmentReport {
  schemaVersion: string;
  tool: { name: string; version: string };
  generatedAt: string;
  apply: boolean;
  indicators: { checkable: string[]; unresolved: string[] };
  workloads: WorkloadPlan[];
  summary: { workloads: number; restart: number; restarted: number; escalate: number; blocked: number; failed: number };
  errors: string[];
}
