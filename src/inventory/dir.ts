// Source `dir:PATH`: one project checkout or unpacked root filesystem, scanned as a whole before any image exists.
import { stat } from 'node:fs/promises';
import type { InventoryResult, Source } from './source.js';
import { emptyInventory } from './source.js';
import { SCHEME_TEXT } from './schemes.js';

export async function inventoryDirectory(spec: string): Promise<InventoryResult> {
  const result = emptyInventory();
  if (!spec) {
    result.inputErrors.push('dir: needs a path, e.g. dir:./my-app');
    return result;
  }
  const info = await stat(spec).catch(() => undefined);
  if (!info) result.inputErrors.push(`dir:${spec}: no such directory`);
  else if (!info.isDirectory()) result.inputErrors.push(`dir:${spec}: not a directory (for one SBOM file, use sbom:${spec})`);
  else result.targets.push({ kind: 'directory', ref: spec, path: spec });
  return result;
}

export const directorySource = {
  scheme: 'dir',
  describe: SCHEME_TEXT.dir,
  inventory: (spec) => inventoryDirectory(spec),
} satisfies Source;
