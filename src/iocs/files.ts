// What the folder listing (load.ts) and the per-file decoding (decode-file.ts) share, kept apart so the listing
// loads without the decoders.

/** Extensions read when walking a folder. A file named explicitly is read whatever its extension. */
export const IOC_EXTENSIONS = ['.yaml', '.yml', '.json', '.zip'] as const;

export interface Candidate {
  file: string;
  /** Found by walking a folder (so a JSON or zip that is not OSV is passed over), not named by the user. */
  walked: boolean;
}

/** Why a file could not be read: its errno code, else the message. */
export function readReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  return code ?? (e instanceof Error ? e.message : String(e));
}
