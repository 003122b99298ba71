// The sweep state file: rows round-trip, and a row this version cannot read is dropped with a warning, never a crash.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/acquire/cache/sqlite.js';
import { SweepState } from '../../src/sweep/state.js';
import { alertKey, type AlertBody } from '../../src/sweep/alert.js';
import type { StateRow } from '../../src/sweep/diff.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'sbom-hunt-state-'));
const file = path.join(dir, 'state.db');
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const body: AlertBody = { kind: 'coverage', severity: 'warning', summary: 'coverage 50%', workloads: [], reasons: [], coverage: { checked: 1, total: 2, percent: 50, minimum: 100 } };
const run = { finishedAt: new Date('2026-04-02T03:00:00Z'), baseline: false, images: 2, checked: 1, undelivered: 0 };

describe('SweepState', () => {
  it('saves and reads rows back, and counts sweeps', () => {
    const r: StateRow = { key: alertKey(body), status: 'open', change: 'new', body, delivered: ['pagerduty'], firstSeen: 'a', lastSeen: 'b' };
    const s = SweepState.open(file, () => {});
    s.save([r], run);
    s.close();
    const again = SweepState.open(file, () => {});
    expect(again.rows()).toEqual([r]);
    expect(again.sweepCount()).toBe(1);
    again.close();
  });

  it('drops a row that does not pass the schema, with a warning', () => {
    SweepState.open(file, () => {}).close();
    const db = openDatabase(file);
    db.prepare('INSERT INTO sweep_alerts (key, status, change, body, delivered, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?)').run('k1', 'open', 'new', '{"kind":"nonsense"}', '[]', 'a', 'b');
    db.prepare('INSERT INTO sweep_alerts (key, status, change, body, delivered, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?)').run('k2', 'open', 'new', JSON.stringify(body), 'not json', 'a', 'b');
    db.close();
    const warnings: string[] = [];
    const s = SweepState.open(file, (m) => warnings.push(m));
    expect(s.rows()).toEqual([]);
    s.close();
    expect(warnings).toEqual([expect.stringContaining('(k1)'), expect.stringContaining('(k2)')]);
  });
});
