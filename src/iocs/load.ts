// IOC files and folders on disk -> one validated IOC set; and the per-file summary behind `iocs lint`.
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors.js';
import type { Incident, IocSet } from '../model/ioc.js';
import { parseIocFile } from './parse.js';

/** Extensions read when walking a folder. A file named explicitly is read whatever its extension. */
export const IOC_EXTENSIONS = ['.yaml', '.yml'] as const;

export interface LintResult {
  file: string;
  ok: boolean;
  error?: string;
  incidents: number;
  packages: number;
}

function reason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  return code ?? (e instanceof Error ? e.message : String(e));
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const sorted = entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: string[] = [];
  for (const e of sorted) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(full)));
    else if (IOC_EXTENSIONS.some((ext) => e.name.toLowerCase().endsWith(ext))) out.push(full);
  }
  return out;
}

/**
 * The IOC files named by `paths`, folders walked recursively in name order. A folder without IOC
 * files is an error: scanning against no IOCs would call every image clean.
 */
export async function listIocFiles(paths: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const p of paths) {
    const info = await stat(p).catch((e: unknown) => {
      throw new InputError(p, `cannot read: ${reason(e)}`);
    });
    if (!info.isDirectory()) {
      files.push(p);
      continue;
    }
    const found = await walk(p).catch((e: unknown) => {
      throw new InputError(p, `cannot read folder: ${reason(e)}`);
    });
    if (found.length === 0) throw new InputError(p, `no IOC files (${IOC_EXTENSIONS.join(', ')}) in this folder`);
    files.push(...found);
  }
  return [...new Set(files)];
}

async function readIocFile(file: string): Promise<Incident[]> {
  const text = await readFile(file, 'utf8').catch((e: unknown) => {
    throw new InputError(file, `cannot read: ${reason(e)}`);
  });
  return parseIocFile(text, file);
}

/** Loads and validates every IOC file; the first bad file stops the load with its InputError. */
export async function loadIocs(paths: string[]): Promise<IocSet> {
  if (paths.length === 0) throw new InputError('(no IOC files)', 'give at least one IOC file or folder');
  const files = await listIocFiles(paths);
  const incidents: Incident[] = [];
  const byId = new Map<string, string>();
  for (const file of files) {
    for (const inc of await readIocFile(file)) {
      const other = byId.get(inc.id);
      if (other !== undefined) throw new InputError(file, `incident id ${inc.id} is also defined in ${other}`, undefined, 'id');
      byId.set(inc.id, file);
      incidents.push(inc);
    }
  }
  return { incidents, files };
}

/** Checks each file on its own and reports every one, good or bad, instead of stopping at the first. */
export async function lintIocs(paths: string[]): Promise<LintResult[]> {
  const results: LintResult[] = [];
  for (const p of paths) {
    let files: string[];
    try {
      files = await listIocFiles([p]);
    } catch (e) {
      results.push({ file: p, ok: false, error: e instanceof Error ? e.message : String(e), incidents: 0, packages: 0 });
      continue;
    }
    for (const file of files) {
      try {
        const incs = await readIocFile(file);
        results.push({ file, ok: true, incidents: incs.length, packages: incs.reduce((n, i) => n + i.packages.length, 0) });
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        results.push({ file, ok: false, error: e.message, incidents: 0, packages: 0 });
      }
    }
  }
  return results;
}
