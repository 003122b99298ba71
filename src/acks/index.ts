// Acknowledgements from every --ack ignore file and --vex OpenVEX document; a bad file or entry is named, the rest apply.
import { InputError } from '../errors.js';
import { readIgnoreFile } from './ignore-file.js';
import type { Acknowledgement } from './model.js';
import { readOpenVex } from './openvex.js';
import type { ExpiredAcknowledgement } from './apply.js';

export { applyAcknowledgements, type AckOutcome, type ExpiredAcknowledgement } from './apply.js';
export type { Acknowledgement } from './model.js';

export async function loadAcknowledgements(ackFiles: readonly string[], vexFiles: readonly string[]): Promise<{ acks: Acknowledgement[]; errors: string[] }> {
  const acks: Acknowledgement[] = [];
  const errors: string[] = [];
  const read = async (file: string, reader: typeof readIgnoreFile) => {
    try {
      const r = await reader(file);
      acks.push(...r.acks);
      errors.push(...r.errors.map((e) => e.message));
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      errors.push(`${err.message} (no acknowledgement of it applied)`);
    }
  };
  for (const f of ackFiles) await read(f, readIgnoreFile);
  for (const f of vexFiles) await read(f, readOpenVex);
  return { acks, errors };
}

/** The warning an expired entry gets on every run, until someone renews or removes it. */
export function expiredMessage(e: ExpiredAcknowledgement): string {
  return `${e.source}: the acknowledgement of ${e.incident} for ${e.image} by ${e.who} expired on ${e.expires}: not applied (renew or remove it)`;
}
