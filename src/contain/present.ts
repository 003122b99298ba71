// The containment report for people (a plan to read at 3 a.m.) and for machines (JSON).
import { terminalSafe } from '../report/terminal-safe.js';
import type { ContainmentReport, PodCheck, WorkloadPlan } from './model.js';

const LABEL: Record<WorkloadPlan['decision'], string> = { escalate: 'ESCALATE', restart: 'RESTART', blocked: 'BLOCKED' };

function podLine(p: PodCheck): string {
  if (p.outcome === 'not-checked') return `pod ${p.pod}: NOT CHECKED: ${p.reason ?? ''}`;
  const how = `${p.method} in ${p.container}, ${p.established} established`;
  if (p.outcome === 'none') return `pod ${p.pod}: no connection to a C2 indicator (${how})`;
  const conns = p.connections.map((c) => `${c.local}:${c.localPort} -> ${c.remote}:${c.remotePort}${c.process ? ` ${c.process}` : ''} [${c.indicators.join(', ')}]`);
  return `pod ${p.pod}: LIVE C2 CONNECTION (${how}): ${conns.join('; ')}`;
}

function workloadBlock(w: WorkloadPlan, apply: boolean): string[] {
  const where = `${w.context ? `${w.context}/` : ''}${w.namespace} ${w.kind} ${w.name}`;
  const lines = [`${LABEL[w.decision].padEnd(9)}${where}  (${w.incidents.join(', ')}; image ${w.images.join(', ')})`];
  for (const p of w.pods) lines.push(`  ${podLine(p)}`);
  for (const n of w.pods.flatMap((p) => p.notes)) lines.push(`  note: ${n}`);
  const r = w.replacement;
  lines.push(`  replacement: ${r.ok ? `ok: ${r.image ?? ''}${r.digest ? ` (${r.digest})` : ''}, built ${r.created ?? '?'}` : 'closed'}`);
  for (const reason of w.reasons) lines.push(`  why: ${reason}`);
  if (w.action) lines.push(`  action: ${w.action.applied ? 'restarted' : 'RESTART FAILED'}: ${w.action.message}`);
  else if (w.decision === 'restart' && !apply) lines.push('  action: none (plan only; --apply restarts it)');
  return lines;
}

/** Container output (ss process names) and report strings are escaped once, before any line is built. */
export function containmentTable(report: ContainmentReport): string {
  const r = terminalSafe(report);
  const head = r.apply ? 'Containment (--apply: restarts performed where every gate was open)' : 'Containment plan (dry run: nothing was restarted; --apply acts)';
  const lines = [head, `C2 indicators checked: ${r.indicators.checkable.join(', ') || 'none'}`];
  if (r.indicators.unresolved.length > 0) lines.push(`not checkable (domains, no --resolve): ${r.indicators.unresolved.join(', ')}`);
  lines.push('');
  if (r.workloads.length === 0) lines.push('No affected workload to contain.');
  for (const w of r.workloads) lines.push(...workloadBlock(w, r.apply), '');
  for (const e of r.errors) lines.push(`error: ${e}`);
  const s = r.summary;
  lines.push(`${s.workloads} workload(s): ${s.escalate} escalate, ${s.restart} restart (${s.restarted} restarted${s.failed ? `, ${s.failed} failed` : ''}), ${s.blocked} blocked`);
  return `${lines.join('\n')}\n`;
}

export function containmentJson(r: ContainmentReport): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}
