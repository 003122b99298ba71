// The gate table: live C2 escalates whatever else holds; any closed gate blocks; only all-open restarts.
import { describe, expect, it } from 'vitest';
import { decide, type GateInput } from '../../src/contain/gates.js';
import type { PodCheck } from '../../src/contain/model.js';

const none: PodCheck = { pod: 'p1', outcome: 'none', method: 'ss', container: 'app', established: 3, connections: [], notes: [] };
const live: PodCheck = { ...none, pod: 'p2', outcome: 'connections', connections: [{ local: '10.0.0.1', localPort: 1, remote: '142.11.206.73', remotePort: 8000, indicators: ['142.11.206.73'] }] };
const unchecked: PodCheck = { pod: 'p3', outcome: 'not-checked', established: 0, connections: [], reason: 'exec forbidden', notes: [] };

const open: GateInput = {
  kind: 'Deployment',
  namespace: 'shop',
  pods: [none],
  replacement: { ok: true, image: 'r/app@sha256:1', reasons: [] },
  allowNamespaces: [],
  excludeNamespaces: [],
  optedOut: false,
  unresolvedDomains: [],
  allowUnresolvedDomains: false,
};

describe('decide', () => {
  it('restarts only when every gate is open', () => {
    expect(decide(open).decision).toBe('restart');
  });

  it.each<[string, Partial<GateInput>, RegExp]>([
    ['a Job', { kind: 'Job' }, /a Job is never restarted/],
    ['a bare Pod', { kind: 'Pod' }, /a Pod is never restarted/],
    ['a CronJob', { kind: 'CronJob' }, /a CronJob is never restarted/],
    ['an excluded namespace', { excludeNamespaces: ['shop'] }, /excluded/],
    ['a namespace outside --namespace', { allowNamespaces: ['other'] }, /not among --namespace other/],
    ['an opted-out workload', { optedOut: true }, /opted out/],
    ['a pod not checked', { pods: [none, unchecked] }, /pod p3 could not be checked.*exec forbidden/],
    ['no running pod', { pods: [] }, /no running pod/],
    ['an unresolved domain', { unresolvedDomains: ['sfrclak.com'] }, /sfrclak\.com not checked/],
    ['no clean replacement', { replacement: { ok: false, reasons: ['the template image is affected'] } }, /no clean replacement: the template image is affected/],
  ])('blocks %s', (_name, change, reason) => {
    const d = decide({ ...open, ...change });
    expect(d.decision).toBe('blocked');
    expect(d.reasons.join('\n')).toMatch(reason);
  });

  it('an accepted unresolved domain no longer blocks', () => {
    expect(decide({ ...open, unresolvedDomains: ['sfrclak.com'], allowUnresolvedDomains: true }).decision).toBe('restart');
  });

  it('a live C2 connection escalates even when every other gate is closed, and names the peer', () => {
    const d = decide({ ...open, kind: 'Job', optedOut: true, pods: [live, unchecked], replacement: { ok: false, reasons: ['x'] } });
    expect(d.decision).toBe('escalate');
    expect(d.reasons[0]).toMatch(/p2 -> 142\.11\.206\.73:8000.*forensics/);
  });
});
