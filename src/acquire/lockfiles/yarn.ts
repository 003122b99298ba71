// yarn.lock: Yarn 1's own format or Yarn 2+'s YAML, told apart by berry's `__metadata` entry.
import type { LockfileContext, LockfileParser, LockfileResult } from './lockfile.js';
import { parseYarnBerry } from './yarn-berry.js';
import { parseYarnClassic } from './yarn-classic.js';

export function isBerryLock(text: string): boolean {
  return /^__metadata:\s*$/m.test(text);
}

export const yarnLockParser = {
  name: 'yarn-lock',
  manifest: 'package.json',
  matches: (fileName) => fileName === 'yarn.lock',
  parse: (text: string, file: string, context?: LockfileContext): LockfileResult =>
    isBerryLock(text) ? parseYarnBerry(text, file, context) : parseYarnClassic(text, file, context),
} satisfies LockfileParser;
