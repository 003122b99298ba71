// Pushes blobs and manifests to a registry over the distribution API (upload sessions, manifests by tag and digest).
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface PushManifest {
  bytes: Buffer;
  mediaType: string;
  tags?: string[];
}

export interface PushContent {
  blobs: Buffer[];
  /** Children before the indexes that list them: the registry checks references on PUT. */
  manifests: PushManifest[];
}

/** An Authorization header for a scope (token registries), a fixed one (Basic), or none. */
export type PushAuth = string | ((scope: string) => string) | undefined;

export function digestOf(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

export async function pushContent(baseUrl: string, repository: string, content: PushContent, auth?: PushAuth): Promise<void> {
  const authorization = typeof auth === 'function' ? auth(`repository:${repository}:pull,push`) : auth;
  const headers: Record<string, string> = authorization ? { authorization } : {};
  for (const blob of content.blobs) await pushBlob(baseUrl, repository, blob, headers);
  for (const m of content.manifests) {
    for (const ref of [digestOf(m.bytes), ...(m.tags ?? [])]) {
      const res = await fetch(`${baseUrl}/v2/${repository}/manifests/${ref}`, {
        method: 'PUT',
        headers: { ...headers, 'content-type': m.mediaType },
        body: m.bytes,
      });
      if (res.status !== 201) throw new Error(`PUT manifest ${repository}:${ref}: HTTP ${res.status} ${await res.text()}`);
    }
  }
}

async function pushBlob(baseUrl: string, repository: string, blob: Buffer, headers: Record<string, string>): Promise<void> {
  const digest = digestOf(blob);
  const head = await fetch(`${baseUrl}/v2/${repository}/blobs/${digest}`, { method: 'HEAD', headers });
  if (head.status === 200) return;
  const start = await fetch(`${baseUrl}/v2/${repository}/blobs/uploads/`, { method: 'POST', headers });
  const location = start.headers.get('location');
  if (start.status !== 202 || !location) throw new Error(`POST upload ${repository}: HTTP ${start.status} ${await start.text()}`);
  const url = new URL(location, baseUrl);
  url.searchParams.set('digest', digest);
  const put = await fetch(url, {
    method: 'PUT',
    headers: { ...headers, 'content-type': 'application/octet-stream', 'content-length': String(blob.length) },
    body: blob,
  });
  if (put.status !== 201) throw new Error(`PUT blob ${digest}: HTTP ${put.status} ${await put.text()}`);
}

interface LayoutDescriptor {
  mediaType: string;
  digest: string;
  annotations?: Record<string, string>;
}

/**
 * Pushes every image of an OCI layout directory: blobs, then manifests children first. A manifest
 * listed in index.json is tagged with its `org.opencontainers.image.ref.name` annotation when it has one.
 */
export async function pushOciLayout(baseUrl: string, repository: string, dir: string, auth?: PushAuth): Promise<void> {
  const read = (digest: string): Promise<Buffer> => readFile(join(dir, 'blobs', ...digest.split(':')));
  const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as { manifests: LayoutDescriptor[] };
  const content: PushContent = { blobs: [], manifests: [] };
  const visit = async (desc: LayoutDescriptor, tags: string[]): Promise<void> => {
    const bytes = await read(desc.digest);
    const json = JSON.parse(bytes.toString('utf8')) as { manifests?: LayoutDescriptor[]; config?: LayoutDescriptor; layers?: LayoutDescriptor[] };
    for (const child of json.manifests ?? []) await visit(child, []);
    for (const blob of [json.config, ...(json.layers ?? [])]) if (blob) content.blobs.push(await read(blob.digest));
    content.manifests.push({ bytes, mediaType: desc.mediaType, tags });
  };
  for (const desc of index.manifests) {
    const name = desc.annotations?.['org.opencontainers.image.ref.name'];
    await visit(desc, name ? [name.replace(/^.*:/, '')] : []);
  }
  await pushContent(baseUrl, repository, content, auth);
}
