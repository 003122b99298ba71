// Feed age: a hunt against last week's IOCs answers last week's question, so a stale feed is itself an alert.
import { stat } from 'node:fs/promises';
import { listIocFiles } from '../iocs/load.js';
import type { AlertBody } from './alert.js';

export interface FeedFreshness {
  file: string;
  newest: Date;
}

/** The most recently modified IOC file under the given paths (mtime: what a feed update touches). */
export async function newestIocFile(paths: string[]): Promise<FeedFreshness | undefined> {
  let best: FeedFreshness | undefined;
  for (const file of await listIocFiles(paths)) {
    const { mtime } = await stat(file);
    if (!best || mtime > best.newest) best = { file, newest: mtime };
  }
  return best;
}

/** The warning alert when the newest IOC file is older than `maxAgeMs`, else undefined. */
export function feedAgeAlert(fresh: FeedFreshness | undefined, maxAgeMs: number, maxAge: string, now: Date): AlertBody | undefined {
  if (fresh && now.getTime() - fresh.newest.getTime() <= maxAgeMs) return undefined;
  const newest = fresh ? fresh.newest.toISOString() : 'never';
  const hours = fresh ? Math.floor((now.getTime() - fresh.newest.getTime()) / 3_600_000) : undefined;
  return {
    kind: 'feed-age',
    severity: 'warning',
    workloads: [],
    reasons: [fresh ? `newest IOC file ${fresh.file} was last updated ${newest}` : 'no IOC file found'],
    feed: { newest, file: fresh?.file ?? '', maxAge },
    summary: `IOC feed is stale: newest file is ${hours ?? '?'} h old (limit ${maxAge}); new compromises would be missed`,
  };
}
