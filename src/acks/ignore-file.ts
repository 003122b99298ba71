// The ignore file: YAML acknowledgements of findings a person has checked, each validated with its file, line and field.
import { readFile } from 'node:fs/promises';
import * as z from 'zod';
import { lazySchema } from '../lazy-schema.js';
import { InputError } from '../errors.js';
import { issueToInputError, readYaml, type YamlSource } from '../iocs/yaml-source.js';
import type { Acknowledgement } from './model.js';

const DATE = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

const text = (what: string) => z.string({ error: `${what} is required` }).trim().min(1, `${what} must not be empty`);

export const AckEntry = lazySchema(() =>
  z
    .strictObject({
      incident: text('incident'),
      digest: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'expected sha256: and 64 hex digits').optional(),
      repository: text('repository').optional(),
      package: text('package').optional(),
      indicator: text('indicator').optional(),
      reason: text('reason'),
      who: text('who'),
      // YAML reads an unquoted 2026-05-01 as a date; the failsafe-free toJS gives a Date, quoted gives a string.
      expires: z.union([z.date(), z.string().regex(DATE, 'expected a date, YYYY-MM-DD (or an ISO 8601 time)')]).transform((v, ctx) => {
        const d = v instanceof Date ? v : new Date(/T/.test(v) ? v : `${v}T23:59:59.999Z`);
        if (Number.isNaN(d.getTime())) {
          ctx.addIssue({ code: 'custom', message: 'not a real date' });
          return z.NEVER;
        }
        return d;
      }),
    })
    .refine((e) => e.digest !== undefined || e.repository !== undefined, { message: 'name the image: digest or repository (or both)', path: ['digest'] })
    .refine((e) => e.package === undefined || e.indicator === undefined, { message: 'one of package or indicator, not both', path: ['indicator'] }),
);

const AckFile = lazySchema(() =>
  z.strictObject({
    apiVersion: z.literal('sbom-hunt/v1', { error: 'expected apiVersion: sbom-hunt/v1' }),
    kind: z.literal('Acknowledgements', { error: 'expected kind: Acknowledgements' }),
    acknowledgements: z.array(z.unknown()),
  }),
);

/** `name`, `name@version` or `ecosystem:name@version` (a scoped npm name keeps its leading `@`). */
function packageOf(spec: string): Acknowledgement['package'] {
  const colon = /^([a-z0-9.-]+):(.+)$/i.exec(spec);
  const [ecosystem, rest] = colon ? [colon[1]!.toLowerCase(), colon[2]!] : [undefined, spec];
  const at = rest.lastIndexOf('@');
  const [name, version] = at > 0 ? [rest.slice(0, at), rest.slice(at + 1)] : [rest, undefined];
  return { ...(ecosystem ? { ecosystem } : {}), name, ...(version ? { version } : {}) };
}

function entryOf(e: z.infer<typeof AckEntry>, source: string): Acknowledgement {
  return {
    incident: e.incident,
    ...(e.digest ? { digest: e.digest } : {}),
    ...(e.repository ? { repository: e.repository } : {}),
    ...(e.package ? { package: packageOf(e.package) } : {}),
    ...(e.indicator ? { indicator: e.indicator } : {}),
    reason: e.reason,
    who: e.who,
    expires: e.expires,
    source,
  };
}

function lineAt(src: YamlSource, i: number): number | undefined {
  const node = src.doc.getIn(['acknowledgements', i], true) as { range?: [number, number, number] } | undefined;
  return node?.range ? src.lines.linePos(node.range[0]).line : undefined;
}

/** Every valid entry of one ignore file, and an InputError per invalid one (one bad entry never discards the rest). */
export async function readIgnoreFile(file: string): Promise<{ acks: Acknowledgement[]; errors: InputError[] }> {
  const content = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new InputError(file, `cannot read: ${err.code ?? String(err)}`);
  });
  if (content.trim() === '') throw new InputError(file, 'empty file: expected acknowledgements');
  const src = readYaml(content, file);
  const top = AckFile.safeParse(src.value);
  if (!top.success) throw issueToInputError(src, top.error.issues[0]!);
  const acks: Acknowledgement[] = [];
  const errors: InputError[] = [];
  top.data.acknowledgements.forEach((raw, i) => {
    const r = AckEntry.safeParse(raw);
    if (r.success) acks.push(entryOf(r.data, `${file}:${lineAt(src, i) ?? i + 1}`));
    else {
      const issue = r.error.issues.find((x) => x.code === 'unrecognized_keys') ?? r.error.issues[0]!;
      errors.push(issueToInputError(src, { ...issue, path: ['acknowledgements', i, ...issue.path] } as typeof issue));
    }
  });
  return { acks, errors };
}
