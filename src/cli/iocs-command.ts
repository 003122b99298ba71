// `sbom-hunt iocs lint|list`: validate and show IOC files.
import { lintIocs, loadIocs } from '../iocs/index.js';
import { bundledIocDir } from '../version.js';
import { EXIT } from '../errors.js';
import type { RunIo } from './scan-command.js';

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

export async function runIocsList(iocPaths: string[], format: string, io: RunIo): Promise<number> {
  const set = await loadIocs(iocPaths.length > 0 ? iocPaths : [bundledIocDir()]);
  if (format === 'json') {
    io.stdout.write(`${JSON.stringify(set.incidents, null, 2)}\n`);
    return EXIT.ok;
  }
  for (const inc of set.incidents) {
    io.stdout.write(`${inc.id}  ${inc.title}\n`);
    for (const w of inc.windows) io.stdout.write(`  window    ${w.start.toISOString()} .. ${w.end.toISOString()}\n`);
    for (const p of inc.packages) {
      const versions = p.anyVersion ? 'every version' : [...p.versions, ...p.ranges].join(', ');
      io.stdout.write(`  ${p.ecosystem.padEnd(8)}  ${p.name}  ${versions}\n`);
    }
    if (inc.indicators.length > 0) io.stdout.write(`  indicators ${inc.indicators.join(', ')}\n`);
    for (const r of inc.references) io.stdout.write(`  ref       ${r}\n`);
    io.stdout.write(`  file      ${inc.file}\n\n`);
  }
  return EXIT.ok;
}
