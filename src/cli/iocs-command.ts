// `sbom-hunt iocs lint|list|import osv|update`: validate, show, convert and fetch IOC files.
import { randomBytes } from 'node:crypto';
import { mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import * as z from 'zod';
import { lazySchema } from '../lazy-schema.js';
import { checkFeedUrl, downloadFeed } from '../adapters/feed-download.js';
import { DEFAULT_RETRY } from '../adapters/http.js';
// The writer and the feed installer load only for the commands that use them: `scan` registers this file too.
import { lintIocs, loadIocs } from '../iocs/load.js';
import { describeFileIndicator } from '../match/match-files.js';
import type { ImageIndicator } from '../model/ioc.js';
import { bundledIocDir, toolVersion } from '../version.js';
import { EXIT, InputError, ToolError, UsageError } from '../errors.js';
import type { RunIo } from './scan-command.js';
import { checkWritable, writeFileAtomic } from './output-file.js';

export async function runIocsLint(paths: string[], io: RunIo): Promise<number> {
  const results = await lintIocs(paths);
  let bad = 0;
  for (const r of results) {
    if (r.ok) io.stdout.write(`ok     ${r.file}: ${r.incidents} incident(s), ${r.packages} package(s)\n`);
    else {
      bad++;
      io.stdout.write(`error  ${r.error}\n`);
    }
  }
  if (results.length === 0) {
    io.stderr.write(`sbom-hunt: no IOC files found in ${paths.join(', ')}\n`);
    return EXIT.usage;
  }
  return bad > 0 ? EXIT.usage : EXIT.ok;
}

/** `docker.io/aquasec/trivy:0.69.4`, then its digests, config and how many base layers it names. */
function describeImageIndicator(img: ImageIndicator): string {
  const parts = [img.ref, ...img.digests, img.config ? `config ${img.config}` : undefined, img.layers.length > 0 ? `${img.layers.length} base layer(s) from ${img.layers[0]}` : undefined];
  return parts.filter((p) => p !== undefined).join('  ');
}

export async function runIocsList(iocPaths: string[], format: string, io: RunIo): Promise<number> {
  const set = await loadIocs(iocPaths.length > 0 ? iocPaths : [bundledIocDir()]);
  if (format === 'json') {
    io.stdout.write(`${JSON.stringify(set.incidents, null, 2)}\n`);
    return EXIT.ok;
  }
  if (format === 'yaml') {
    // The sbom-hunt/v1 form `iocs lint` reads back: a listing that can be edited and loaded again.
    const { incidentsToYaml } = await import('../iocs/write-yaml.js');
    const written = incidentsToYaml(set.incidents, `Listed by sbom-hunt ${toolVersion()} \`iocs list -f yaml\` from ${set.files.length} file(s).`);
    for (const d of written.dropped) io.stderr.write(`sbom-hunt: warning: ${d}\n`);
    io.stdout.write(written.text);
    return EXIT.ok;
  }
  if (format !== 'table') throw new UsageError(`iocs list: -f must be table, json or yaml, not ${format}`);
  for (const inc of set.incidents) {
    io.stdout.write(`${inc.id}  ${inc.title}\n`);
    for (const w of inc.windows) io.stdout.write(`  window    ${w.start.toISOString()} .. ${w.end.toISOString()}\n`);
    for (const p of inc.packages) {
      const versions = p.anyVersion ? 'every version' : [...p.versions, ...p.ranges].join(', ');
      io.stdout.write(`  ${p.ecosystem.padEnd(8)}  ${p.name}  ${versions}\n`);
    }
    for (const f of inc.files ?? []) io.stdout.write(`  path      ${describeFileIndicator(f)}\n`);
    for (const img of inc.images ?? []) io.stdout.write(`  image     ${describeImageIndicator(img)}\n`);
    if (inc.indicators.length > 0) io.stdout.write(`  indicators ${inc.indicators.join(', ')}\n`);
    for (const r of inc.references) io.stdout.write(`  ref       ${r}\n`);
    io.stdout.write(`  file      ${inc.file}\n\n`);
  }
  return EXIT.ok;
}

const ImportFlags = lazySchema(() =>
  z.object({ output: z.string().min(1, 'give a file, or - for stdout') }),
);

/** `iocs import osv PATH... -o FILE`: OSV records (files, trees, zips) -> one sbom-hunt/v1 YAML file. */
export async function runIocsImportOsv(paths: string[], raw: unknown, io: RunIo): Promise<number> {
  const flags = parseFlags(ImportFlags, raw);
  if (flags.output !== '-') await checkWritable(flags.output);
  const set = await loadIocs(paths);
  if (set.incidents.length === 0) throw new UsageError(`no incident in ${paths.join(', ')} (every record withdrawn?)`);
  const { incidentsToYaml } = await import('../iocs/write-yaml.js');
  const written = incidentsToYaml(set.incidents, `Written by sbom-hunt ${toolVersion()} \`iocs import osv\` from ${set.files.length} file(s).\nEdit freely: add a window, group records into one incident by listing their ids as aliases.`);
  for (const d of written.dropped) io.stderr.write(`sbom-hunt: warning: ${d}\n`);
  if (flags.output === '-') io.stdout.write(written.text);
  else {
    // Write beside the target and rename, so a reader never sees half a file.
    await writeFileAtomic(flags.output, written.text);
    io.stderr.write(`wrote ${written.incidents} incident(s) to ${flags.output}\n`);
  }
  return EXIT.ok;
}

const UpdateFlags = lazySchema(() =>
  z.object({
    from: z.string().min(1),
    to: z.string().min(1),
    name: z.string().min(1).optional(),
    maxMb: z.coerce.number().int().min(1).max(4096).default(512),
    timeout: z.coerce.number().int().min(1).max(3600).default(60),
  }),
);

/**
 * `iocs update --from URL --to DIR`: download, verify with the IOC loader, rename over the old copy.
 * A broken download leaves the old feed in place and exits 2 saying why.
 */
export async function runIocsUpdate(raw: unknown, io: RunIo): Promise<number> {
  const flags = parseFlags(UpdateFlags, raw);
  const url = checkFeedUrl(flags.from);
  const { feedFileName, installFeed } = await import('../iocs/feed-install.js');
  const final = path.join(flags.to, feedFileName(url, flags.name));
  await mkdir(flags.to, { recursive: true });
  const tmp = path.join(flags.to, `.${path.basename(final)}.${randomBytes(4).toString('hex')}.tmp`);
  const had = await stat(final).then(() => true, () => false);
  try {
    const got = await downloadFeed({ url: url.href, dest: tmp, maxBytes: flags.maxMb * 1024 * 1024, policy: { ...DEFAULT_RETRY, timeoutMs: flags.timeout * 1000 } });
    const set = await installFeed(tmp, final, got.url);
    const packages = set.incidents.reduce((n, i) => n + i.packages.length, 0);
    io.stdout.write(`updated ${final}: ${set.incidents.length} incident(s), ${packages} package(s), ${got.bytes} bytes from ${got.url}\n`);
    return EXIT.ok;
  } catch (e) {
    await rm(tmp, { force: true });
    if (!(e instanceof InputError || e instanceof ToolError || e instanceof UsageError)) throw e;
    io.stderr.write(`sbom-hunt: error: ${e.message}\n`);
    io.stderr.write(had ? `sbom-hunt: kept the previous ${final}\n` : `sbom-hunt: nothing written to ${flags.to}\n`);
    return EXIT.usage;
  }
}

function parseFlags<T>(schema: z.ZodType<T>, raw: unknown): T {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  throw new UsageError(`--${String(issue.path[0] ?? '').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: ${issue.message}`);
}

