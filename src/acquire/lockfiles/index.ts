// The lockfile parsers, by file name; the directory acquirer runs the one that claims each file.
import { bunLockParser } from './bun.js';
import { cargoLockParser } from './cargo.js';
import { composerLockParser } from './composer.js';
import { gemfileLockParser } from './gemfile.js';
import { goModParser } from './go-mod.js';
import { goSumParser } from './go-sum.js';
import { gradleLockParser } from './gradle.js';
import { nugetLockParser } from './nuget.js';
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
  goModParser,
  goSumParser,
  cargoLockParser,
  gemfileLockParser,
  composerLockParser,
  nugetLockParser,
  gradleLockParser,
];

/** Gradle's older per-configuration locks (`gradle/dependency-locks/compileClasspath.lockfile`), known by their folder. */
export const GRADLE_DEPENDENCY_LOCKS = /(?:^|\/)gradle\/dependency-locks\/[^/]+\.lockfile$/;

/** The parser that claims a file by its base name, if any. */
export function lockfileParserFor(fileName: string, relPath?: string): LockfileParser | undefined {
  if (relPath !== undefined && GRADLE_DEPENDENCY_LOCKS.test(relPath)) return gradleLockParser;
  return LOCKFILE_PARSERS.find((p) => p.matches(fileName));
}
