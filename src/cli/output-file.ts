// Output files (reports, IOC files): checked before the work, written beside the target and renamed into place.
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { OutputError } from '../errors.js';

const REASONS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a part of the path is not a directory',
  EISDIR: 'is a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
};

/** An fs error as the few words a user acts on, never a stack. */
export function writeReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code && REASONS[code]) return REASONS[code]!;
  return err instanceof Error ? err.message : String(err);
}

/**
 * Fails (OutputError) unless `file` can be written by rename from its own folder: the folder exists, is a folder
 * and is writable, and the file itself is not a directory. Run before a scan, so an hour of work is never lost to a typo.
 */
export async function checkWritable(file: string): Promise<void> {
  const dir = path.dirname(path.resolve(file));
  const target = await stat(file).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? undefined : err));
  if (target instanceof Error) throw new OutputError(file, writeReason(target));
  if (target?.isDirectory()) throw new OutputError(file, 'is a directory');
  const folder = await stat(dir).catch((err: NodeJS.ErrnoException) => err);
  if (folder instanceof Error) throw new OutputError(file, `folder ${dir}: ${writeReason(folder)}`);
  if (!folder.isDirectory()) throw new OutputError(file, `${dir} is not a directory`);
  await access(dir, constants.W_OK).catch((err: unknown) => {
    throw new OutputError(file, `folder ${dir}: ${writeReason(err)}`);
  });
}

/** Writes `text` to a temporary file in the target's folder, then renames it over the target: a reader never sees half. */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, text, { flush: true });
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => {});
    throw new OutputError(file, writeReason(err));
  }
}
