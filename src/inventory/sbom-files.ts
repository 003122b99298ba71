// Source `sbom:PATH`: one SBOM file, or every SBOM-looking file under a directory.
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Source, InventoryResult } from './source.js';
import { emptyInventory } from './source.js';
import { SCHEME_TEXT } from './schemes.js';

/** Extensions SBOM tools write; in a directory, other files (READMEs, images) are not SBOMs. */
const SBOM_EXTENSIONS = [
  '.json', '.jsonl', '.jsonld', '.intoto', '.att', '.sbom', '.spdx', '.cdx', '.bom',
  // XML and YAML only with a name that says SBOM: a directory's pom.xml or CI YAML is not one.
  '.cdx.xml', 'bom.xml', '.spdx.xml', '.spdx.rdf', '.rdf.xml', '.spdx.yaml', '.spdx.yml',
];

export function looksLikeSbomFile(name: string): boolean {
  if (name.startsWith('.')) return false;
  const lower = name.toLowerCase();
  return SBOM_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

async function walk(dir: string, out: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  // Code-unit order: the same on every machine, and localeCompare's first call starts ICU's collator (~6 ms).
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory() && !e.name.startsWith('.')) await walk(full, out);
    else if (e.isFile() && looksLikeSbomFile(e.name)) out.push(full);
  }
}

export async function inventorySbomFiles(spec: string): Promise<InventoryResult> {
  const result = emptyInventory();
  if (!spec) {
    result.inputErrors.push('sbom: needs a path, e.g. sbom:./image.spdx.json');
    return result;
  }
  let info;
  try {
    info = await stat(spec);
  } catch {
    result.inputErrors.push(`sbom:${spec}: no such file or directory`);
    return result;
  }
  const files: string[] = [];
  if (info.isDirectory()) await walk(spec, files);
  else files.push(spec);
  if (files.length === 0) result.errors.push(`sbom:${spec}: no SBOM files (${SBOM_EXTENSIONS.join(', ')}) in the directory`);
  for (const file of files) result.targets.push({ kind: 'sbom-file', ref: file, path: file });
  return result;
}

export const sbomFactsSource = {
  scheme: 'sbom',
  describe: SCHEME_TEXT.sbom,
  inventory: (spec) => inventorySbomFiles(spec),
} satisfies Source;
