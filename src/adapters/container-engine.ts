// The local container engines (docker, podman): an image of the daemon's store saved to a tarball we then read ourselves.
import { runTool } from './exec.js';

export const ENGINES = ['docker', 'podman'] as const;
export type Engine = (typeof ENGINES)[number];

export interface SaveRequest {
  engine: Engine;
  /** The image as the engine names it: `nginx`, `localhost/app:1`, an image id. */
  ref: string;
  /** Where the archive goes (docker-archive format: manifest.json with RepoTags, as both engines write by default). */
  file: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** `docker save -o FILE -- REF` / `podman save -o FILE -- REF`; a failure is a ToolError with the engine's own message. */
export async function saveImage(req: SaveRequest): Promise<void> {
  await runTool({
    tool: req.engine,
    // `--` ends the options: a ref can never be read as a flag.
    args: ['save', '-o', req.file, '--', req.ref],
    timeoutMs: req.timeoutMs,
    ...(req.signal ? { signal: req.signal } : {}),
  });
}
