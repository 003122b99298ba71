// A small tmpfs for full-disk and read-only cases (we run as root in CI). Where mounting is impossible the
// test is skipped with a visible reason, except under CI, where that is a failure.
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface Tmpfs {
  dir: string;
  /** Writes a filler file until the disk is full; returns its path. */
  fill(): string;
  remount(mode: 'ro' | 'rw'): void;
  close(): void;
}

/** The mounted tmpfs, or the reason it could not be mounted. */
export function mountTmpfs(size: string): Tmpfs | string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sbom-hunt-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    const reason = `cannot mount a tmpfs (${String((err as { stderr?: Buffer }).stderr ?? err).trim()})`;
    if (process.env.CI) throw new Error(`${reason}: CI must run these tests as root`);
    return reason;
  }
  return {
    dir,
    fill() {
      const filler = path.join(dir, 'filler');
      // Big pieces, then page-sized ones: tmpfs allocates 4 KiB pages, so when one more page fails it is full.
      for (const size of [64 * 1024, 4096]) {
        const chunk = Buffer.alloc(size, 1);
        for (;;) {
          try {
            appendFileSync(filler, chunk);
          } catch {
            break;
          }
        }
      }
      return filler;
    },
    remount(mode) {
      execFileSync('mount', ['-o', `remount,${mode}`, dir], { stdio: 'pipe' });
    },
    close() {
      execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
