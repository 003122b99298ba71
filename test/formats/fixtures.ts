// Reads the one SBOM file in a fixtures/sbom/<case>/ folder.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const SBOM_FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/sbom');

export function fixtureFile(name: string): string {
  const dir = path.join(SBOM_FIXTURES, name);
  const files = readdirSync(dir).filter((f) => f !== 'README.md');
  if (files.length !== 1) throw new Error(`${dir}: expected one SBOM file, found ${files.join(', ') || 'none'}`);
  return path.join(dir, files[0] as string);
}

export function readFixture(name: string): { file: string; text: string } {
  const file = fixtureFile(name);
  return { file, text: readFileSync(file, 'utf8') };
}
