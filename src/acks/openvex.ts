// OpenVEX documents as acknowledgements: each `not_affected` statement, for the incident its vulnerability names,
// on the images its products name (an OCI purl's digest, a sha256 hash, or an image reference).
import { readFile } from 'node:fs/promises';
import * as z from 'zod';
import { lazySchema } from '../lazy-schema.js';
import { InputError } from '../errors.js';
import type { Acknowledgement } from './model.js';

const JUSTIFICATIONS = [
  'component_not_present',
  'vulnerable_code_not_present',
  'vulnerable_code_not_in_execute_path',
  'vulnerable_code_cannot_be_controlled_by_adversary',
  'inline_mitigations_already_exist',
] as const;

// v0.2 writes products and vulnerabilities as objects; v0.0.x as plain strings. Both are read.
const Identified = lazySchema(() =>
  z.union([
    z.string(),
    z.object({
      '@id': z.string().optional(),
      name: z.string().optional(),
      identifiers: z.record(z.string(), z.string()).optional(),
      hashes: z.record(z.string(), z.string()).optional(),
      aliases: z.array(z.string()).optional(),
      subcomponents: z.array(z.union([z.string(), z.object({ '@id': z.string().optional(), identifiers: z.record(z.string(), z.string()).optional() })])).optional(),
    }),
  ]),
);

const Statement = lazySchema(() =>
  z.object({
    vulnerability: Identified,
    products: z.array(Identified).default([]),
    status: z.enum(['not_affected', 'affected', 'fixed', 'under_investigation']),
    justification: z.enum(JUSTIFICATIONS).optional(),
    impact_statement: z.string().optional(),
    status_notes: z.string().optional(),
    author: z.string().optional(),
    timestamp: z.string().optional(),
  }),
);

const Document = lazySchema(() =>
  z.object({
    '@context': z.string().regex(/^https:\/\/openvex\.dev\/ns/, 'not an OpenVEX document (expected @context https://openvex.dev/ns/...)'),
    author: z.string().default('(no author)'),
    statements: z.array(z.unknown()),
  }),
);

type Product = z.infer<typeof Identified>;

/** The digest a product names: pkg:oci/NAME@sha256%3A…, a sha-256 hash, or an @id / name that is a digest. */
function digestOf(p: Product): string | undefined {
  const ids = typeof p === 'string' ? [p] : [p['@id'], p.name, p.identifiers?.purl].filter((x): x is string => !!x);
  for (const id of ids) {
    const m = /(?:^|@|%40)(sha256(?::|%3A))([0-9a-f]{64})(?:$|[?#])/i.exec(id);
    if (m) return `sha256:${m[2]!.toLowerCase()}`;
  }
  const hash = typeof p === 'string' ? undefined : (p.hashes?.['sha-256'] ?? p.hashes?.sha256);
  return hash && /^[0-9a-f]{64}$/i.test(hash) ? `sha256:${hash.toLowerCase()}` : undefined;
}

/** An OCI purl's repository_url qualifier, or an @id that is an image reference without a digest. */
function repositoryOf(p: Product): string | undefined {
  const id = typeof p === 'string' ? p : (p.identifiers?.purl ?? p['@id'] ?? p.name);
  if (!id) return undefined;
  if (id.startsWith('pkg:oci/')) {
    const q = new URLSearchParams(id.split('?')[1] ?? '').get('repository_url');
    return q ?? undefined;
  }
  return /^[a-z0-9.-]+(?::\d+)?\/[^@\s]+$/i.test(id) ? id.replace(/:[^/:]+$/, '') : undefined;
}

function vulnNames(v: Product): string[] {
  return typeof v === 'string' ? [v] : [v.name, v['@id'], ...(v.aliases ?? [])].filter((x): x is string => !!x);
}

function statementAcks(s: z.infer<typeof Statement>, author: string, source: string): Acknowledgement[] {
  const who = s.author ?? author;
  const reason = [s.justification, s.impact_statement, s.status_notes].filter(Boolean).join(': ');
  return s.products.flatMap((p) => {
    const digest = digestOf(p);
    const repository = digest ? undefined : repositoryOf(p);
    if (!digest && !repository) return [];
    return vulnNames(s.vulnerability).map((incident) => ({ incident, ...(digest ? { digest } : {}), ...(repository ? { repository } : {}), reason, who, source }));
  });
}

/** The acknowledgements of one OpenVEX document; a statement that cannot be used is an InputError of its own. */
export async function readOpenVex(file: string): Promise<{ acks: Acknowledgement[]; errors: InputError[] }> {
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new InputError(file, `cannot read: ${err.code ?? String(err)}`);
  });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new InputError(file, `not JSON: ${(err as Error).message}`);
  }
  const doc = Document.safeParse(json);
  if (!doc.success) throw new InputError(file, doc.error.issues[0]!.message, undefined, doc.error.issues[0]!.path.join('.') || undefined);
  const acks: Acknowledgement[] = [];
  const errors: InputError[] = [];
  doc.data.statements.forEach((raw, i) => {
    const field = `statements[${i}]`;
    const r = Statement.safeParse(raw);
    if (!r.success) {
      const issue = r.error.issues[0]!;
      errors.push(new InputError(file, issue.message, undefined, [field, ...issue.path].join('.')));
      return;
    }
    if (r.data.status !== 'not_affected') return; // affected, fixed, under_investigation acknowledge nothing
    // OpenVEX requires a justification or an impact statement for not_affected; without either it is not evidence.
    if (!r.data.justification && !r.data.impact_statement) {
      errors.push(new InputError(file, 'not_affected needs a justification or an impact_statement', undefined, `${field}.justification`));
      return;
    }
    const found = statementAcks(r.data, doc.data.author, `${file} (statement ${i + 1})`);
    if (found.length === 0) errors.push(new InputError(file, 'no product names an image (an OCI purl with a digest, a sha-256 hash, or an image reference)', undefined, `${field}.products`));
    acks.push(...found);
  });
  return { acks, errors };
}
