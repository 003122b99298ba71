// Gradle dependency locks: `gradle.lockfile` (Gradle 6.8+) with `group:artifact:version=configurations` lines and
// an `empty=` line, and the older one-file-per-configuration `gradle/dependency-locks/*.lockfile` with bare coordinates.
import type { Package } from '../../model/package.js';
import type { LockfileParser, LockfileResult } from './lockfile.js';

const COORDINATE = /^([^:\s=]+):([^:\s=]+):([^:\s=]+)(?:=(.*))?$/;

function parseGradleLock(text: string, file: string): LockfileResult {
  const packages: Package[] = [];
  const errors: string[] = [];
  const seen = new Set<string>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || /^empty=/.test(line)) return;
    const m = COORDINATE.exec(line);
    if (!m) return void errors.push(`${file}:${i + 1}: expected "group:artifact:version[=configurations]", got "${line.slice(0, 200)}"`);
    const name = `${m[1]}:${m[2]}`;
    if (seen.has(`${name}:${m[3]}`)) return;
    seen.add(`${name}:${m[3]}`);
    packages.push({ ecosystem: 'maven', name, version: m[3]!, paths: [file] });
  });
  return { packages, notes: [], errors };
}

export const gradleLockParser = {
  name: 'gradle-lockfile',
  // Per-configuration lockfiles are claimed by their folder (directory.ts), not by name alone.
  matches: (fileName) => fileName === 'gradle.lockfile' || fileName.endsWith('-gradle.lockfile'),
  parse: parseGradleLock,
} satisfies LockfileParser;
