// One pod's established TCP connections, read through `kubectl exec`, judged against the incidents' network indicators.
import { execInPod, type ExecOutcome, type KubectlOptions } from '../adapters/kubectl.js';
import type { LiveConnection, PodCheck } from './model.js';
import { indicatorsFor, type NetworkIndicators } from './network.js';
import { parseProcNetTcp, parseSs, type ParsedConnections } from './sockets.js';

export interface PodToCheck {
  context: string;
  namespace: string;
  pod: string;
  /** Containers to try, the affected one first: they share the pod's network namespace, so any one can tell. */
  containers: string[];
}

/** Failures that no other command or container can get around: stop and say so. */
const FINAL = new Set(['forbidden', 'pod-gone', 'timeout', 'unreachable', 'missing']);

type Attempt = { parsed: ParsedConnections; method: NonNullable<PodCheck['method']>; notes: string[] } | { final: boolean; why: string };

async function viaSs(target: Parameters<typeof execInPod>[0], opts: KubectlOptions): Promise<Attempt> {
  const r = await execInPod(target, ['ss', '-tnp', 'state', 'established'], opts);
  if (!r.ok) return failed(r);
  return { parsed: parseSs(r.stdout), method: 'ss', notes: [] };
}

async function viaProc(target: Parameters<typeof execInPod>[0], opts: KubectlOptions): Promise<Attempt> {
  const v4 = await execInPod(target, ['cat', '/proc/net/tcp'], opts);
  if (!v4.ok) return failed(v4);
  const v6 = await execInPod(target, ['cat', '/proc/net/tcp6'], opts);
  if (!v6.ok && FINAL.has(v6.failure)) return failed(v6);
  const parsed = parseProcNetTcp(v4.stdout);
  const notes: string[] = [];
  if (v6.ok) {
    const six = parseProcNetTcp(v6.stdout);
    parsed.connections.push(...six.connections);
    parsed.unreadable.push(...six.unreadable);
  } else {
    // No tcp6 table: the pod's kernel has IPv6 off, so there are no IPv6 sockets to miss.
    notes.push(`no /proc/net/tcp6 in ${target.container} (${v6.message}): IPv4 only`);
  }
  return { parsed, method: 'proc-net-tcp', notes };
}

function failed(r: Extract<ExecOutcome, { ok: false }>): Attempt {
  return { final: FINAL.has(r.failure), why: r.message };
}

/** Tries `ss`, then /proc/net/tcp{,6} through `cat`, in each container in turn; "could not check" is its own outcome. */
export async function checkPod(p: PodToCheck, indicators: NetworkIndicators, opts: KubectlOptions): Promise<PodCheck> {
  const whys: string[] = [];
  for (const container of p.containers) {
    const target = { context: p.context, namespace: p.namespace, pod: p.pod, container };
    for (const method of [viaSs, viaProc]) {
      const a = await method(target, opts);
      if ('why' in a) {
        whys.push(`${container}: ${a.why}`);
        if (a.final) return notChecked(p.pod, whys);
        continue;
      }
      if (a.parsed.unreadable.length > 0) {
        whys.push(`${container}: ${a.method} printed ${a.parsed.unreadable.length} line(s) that could not be read (first: ${JSON.stringify(a.parsed.unreadable[0])})`);
        continue;
      }
      return judged(p.pod, container, a.method, a.parsed, a.notes, indicators);
    }
  }
  return notChecked(p.pod, whys.length > 0 ? whys : ['the pod has no container to run a check in']);
}

function notChecked(pod: string, whys: string[]): PodCheck {
  return { pod, outcome: 'not-checked', established: 0, connections: [], reason: whys.join('; '), notes: [] };
}

function judged(pod: string, container: string, method: NonNullable<PodCheck['method']>, parsed: ParsedConnections, notes: string[], set: NetworkIndicators): PodCheck {
  const connections: LiveConnection[] = [];
  for (const c of parsed.connections) {
    const hits = indicatorsFor(c.remote, set);
    if (hits.length > 0) connections.push({ ...c, indicators: [...new Set(hits.map((h) => h.text))] });
  }
  return { pod, outcome: connections.length > 0 ? 'connections' : 'none', method, container, established: parsed.connections.length, connections, notes };
}
