// The lockfile parsers, by file name; the directory acquirer runs the one that claims each file.
import { bunLockParser } from './bun.js';
import type { LockfileParser } from './lockfile.js';
import { npmLockParser } from './npm.js';
import { pipfileLockParser } from './pipfile.js';
import { pnpmLockParser } from './pnpm.js';
import { poetryLockParser } from './poetry.js';
import { requirementsParser } from './requirements.js';
import { uvLockParser } from './uv.js';
import { yarnLockParser } from './yarn.js';

export type { LockfileContext, LockfileParser, LockfileResult } from './lockfile.js';

export const LOCKFILE_PARSERS: readonly LockfileParser[] = [
  npmLockParser,
  pnpmLockParser,
  yarnLockParser,
  bunLockParser,
  poetryLockParser,
  uvLockParser,
  pipfileLockParser,
  requirementsParser,
];

/** The parser that claims a file by its base name, if any. */
export function lockfileParserFor(fileName: string): LockfileParser | undefined {
  return LOCKFILE_PARSERS.find((p) => p.matches(fileName));
}
