// Reading registry responses: manifest media types, JSON listings against their schema, error bodies.
import { createHash } from 'node:crypto';
import type * as z from 'zod';
import { ToolError } from '../../errors.js';
import type { HttpResponse } from '../http.js';
import { bareMediaType, isSchema1, MANIFEST_TYPES, OCI_INDEX, OCI_MANIFEST } from './media-types.js';
import { ErrorBody, ManifestHead } from './schema.js';

/** The served media type; sniffed from the body when Content-Type is missing or generic. */
export function manifestMediaType(res: HttpResponse, repo: { registry: string; repository: string }, reference: string): string {
  const header = bareMediaType(res.headers.get('content-type'));
  let head: ManifestHead = {};
  try {
    head = ManifestHead.parse(JSON.parse(res.body.toString('utf8')));
  } catch {
    // Not JSON: the reader reports it when it parses the manifest against its digest.
  }
  if (isSchema1(header) || head.schemaVersion === 1) {
    throw new ToolError(repo.registry, `manifest ${repo.repository}:${reference} is docker schema 1, which is not supported`);
  }
  if (MANIFEST_TYPES.includes(header)) return header;
  if (head.mediaType) return head.mediaType;
  return res.body.includes('"manifests"') ? OCI_INDEX : OCI_MANIFEST;
}

export function parseJson<T>(schema: z.ZodType<T>, body: Buffer, registry: string, what: string): T {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw new ToolError(registry, `${what}: response is not JSON`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new ToolError(registry, `${what}: unexpected response (${parsed.error.issues[0]?.message ?? 'invalid'})`);
  return parsed.data;
}

/** `CODE message; ...` from a distribution error body, or empty. */
export function registryErrors(body: Buffer): string {
  try {
    const parsed = ErrorBody.parse(JSON.parse(body.toString('utf8')));
    return parsed.errors.map((e) => [e.code, e.message].filter(Boolean).join(' ')).join('; ');
  } catch {
    return '';
  }
}

export function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}
