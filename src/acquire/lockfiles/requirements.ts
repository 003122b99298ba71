// pip requirements files: `name[extras]==version` pins; includes (-r, -c) are noted, not followed.
import { InputError } from '../../errors.js';
import type { Package } from '../../model/package.js';
import type { LockfileParser, LockfileResult } from './lockfile.js';
import { pipCompileChains } from './pip-compile.js';
import { normalizePythonName } from './python.js';

const REQUIREMENT = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[[^\]]*\])?\s*(.*)$/;
const CLAUSE = String.raw`(?:===|[<>=!~]=?)\s*[A-Za-z0-9*][^\s,]*`;
const SPECIFIERS = new RegExp(String.raw`^${CLAUSE}(?:\s*,\s*${CLAUSE})*$`);
const INCLUDE = /^(?:-r|--requirement|-c|--constraint)(?:\s+|=)(\S+)/;

/** Logical lines: backslash continuations joined, comments dropped; each keeps the number of its first line. */
function logicalLines(text: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  let pending: { line: number; text: string } | undefined;
  text.split(/\r?\n/).forEach((raw, i) => {
    // `#` starts a comment only at the start or after whitespace; URLs use it for fragments.
    const stripped = raw.replace(/(^|\s)#.*$/, '');
    const continued = /\\$/.test(stripped);
    const piece = continued ? stripped.slice(0, -1) : stripped;
    pending = pending ? { line: pending.line, text: `${pending.text} ${piece}` } : { line: i + 1, text: piece };
    if (!continued) {
      if (pending.text.trim()) out.push({ line: pending.line, text: pending.text.trim() });
      pending = undefined;
    }
  });
  if (pending?.text.trim()) out.push({ line: pending.line, text: pending.text.trim() });
  return out;
}

/** The pinned version, or '' when the line allows a range (the installed version is then unknown). */
function pinnedVersion(spec: string, file: string, line: number): string {
  // Markers after `;` and per-requirement options (`--hash=...`) do not change the version.
  const bare = spec.split(';')[0]!.split(/\s--?[a-z]/)[0]!.trim();
  if (bare === '' || bare.startsWith('@')) return '';
  // `==1.4.*` is a range in disguise: it pins no single version.
  const pin = /^===?\s*([A-Za-z0-9][^\s,;*]*)$/.exec(bare);
  if (pin) return pin[1]!;
  if (!SPECIFIERS.test(bare)) {
    throw new InputError(file, `cannot read the version specifier "${bare}"`, line);
  }
  return '';
}

function parseRequirements(text: string, file: string): LockfileResult {
  const packages: Package[] = [];
  const notes: string[] = [];
  let unpinned = 0;
  for (const { line, text: entry } of logicalLines(text)) {
    const include = INCLUDE.exec(entry);
    if (include) notes.push(`${file}:${line}: includes ${include[1]}, which was not followed`);
    if (entry.startsWith('-')) {
      if (/^(?:-e|--editable)\b/.test(entry)) notes.push(`${file}:${line}: editable requirement skipped`);
      continue;
    }
    if (/^(?:\.|\/|[a-z+]+:\/\/)/i.test(entry)) {
      notes.push(`${file}:${line}: a path or URL requirement names no package version, skipped`);
      continue;
    }
    const m = REQUIREMENT.exec(entry);
    if (!m) throw new InputError(file, `cannot read the requirement "${entry}"`, line);
    const version = pinnedVersion(m[2]!, file, line);
    if (!version) unpinned++;
    packages.push({ ecosystem: 'pypi', name: m[1]!, version, paths: [file] });
  }
  if (unpinned > 0) notes.push(`${file}: ${unpinned} requirement(s) not pinned with ==, listed without a version`);
  return { packages: withChains(text, packages), notes };
}

function withChains(text: string, packages: Package[]): Package[] {
  const pins = new Map(packages.map((p) => [normalizePythonName(p.name), p]));
  const chains = pipCompileChains(text, pins);
  if (chains.size === 0) return packages;
  return packages.map((p) => {
    const chain = chains.get(normalizePythonName(p.name));
    return chain ? { ...p, dependencyPath: chain } : p;
  });
}

export const requirementsParser = {
  name: 'requirements',
  matches: (fileName) => /^(?:.*[-_.])?requirements(?:[-_.].*)?\.txt$/i.test(fileName),
  parse: parseRequirements,
} satisfies LockfileParser;
