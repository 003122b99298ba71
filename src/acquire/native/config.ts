// The image config: when the image was built (and whether that time can be trusted) and its platform.
import * as z from 'zod';
import { lazySchema } from '../../lazy-schema.js';
import type { CreatedTime, TimeSource } from '../../model/finding.js';
import { decideBuildTime } from '../../match/build-time.js';

export const ImageConfig = lazySchema(() =>
  z
    .object({
      created: z.string().nullish(),
      os: z.string().nullish(),
      architecture: z.string().nullish(),
      variant: z.string().nullish(),
      config: z.object({ Labels: z.record(z.string(), z.string()).nullish() }).loose().nullish(),
      rootfs: z.object({ diff_ids: z.array(z.string()).nullish() }).loose().nullish(),
      // One bad history entry must not cost the whole config: each is read on its own below.
      history: z.array(z.unknown()).nullish(),
    })
    .loose(),
);
export type ImageConfig = z.infer<typeof ImageConfig>;

/** The last assignment of each variable in the config's Env (`KEY=value`), as the runtime applies them. */
export function envOf(config: Record<string, unknown> | undefined): Map<string, string> {
  const env = new Map<string, string>();
  const list = config?.Env;
  if (!Array.isArray(list)) return env;
  for (const e of list) {
    if (typeof e !== 'string') continue;
    const eq = e.indexOf('=');
    if (eq > 0) env.set(e.slice(0, eq), e.slice(eq + 1));
  }
  return env;
}

export const CREATED_LABEL = 'org.opencontainers.image.created';

export function parseImageConfig(bytes: Buffer, digest: string): ImageConfig {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new Error(`config ${digest} is not JSON`);
  }
  const parsed = ImageConfig.safeParse(json);
  if (!parsed.success) throw new Error(`config ${digest} is malformed: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

const HistoryEntry = lazySchema(() =>
  z.looseObject({ created: z.string().optional() }),
);

/** The newest `history[].created`: the last build step, written by the builder like `created`. */
function newestHistory(config: ImageConfig): string | undefined {
  let best: { value: string; t: number } | undefined;
  for (const raw of config.history ?? []) {
    const e = HistoryEntry.safeParse(raw);
    const value = e.success ? e.data.created : undefined;
    const t = value ? Date.parse(value) : NaN;
    if (value && Number.isFinite(t) && (!best || t > best.t)) best = { value, t };
  }
  return best?.value;
}

/** Every build time the config carries, labelled: `created`, the OCI `created` label, the newest history step. */
export function configTimeSources(config: ImageConfig): TimeSource[] {
  const out: TimeSource[] = [];
  if (config.created) out.push({ kind: 'config', source: 'config created', value: config.created, reliable: true });
  const label = config.config?.Labels?.[CREATED_LABEL];
  if (label) out.push({ kind: 'label', source: `label ${CREATED_LABEL}`, value: label, reliable: true });
  const history = newestHistory(config);
  if (history) out.push({ kind: 'history', source: 'config history[].created (newest)', value: history, reliable: true });
  return out;
}

/**
 * The build time. Reproducible builds stamp the Unix epoch or 1980-01-01, a future time is a broken
 * clock, and a missing or unparseable time proves nothing: such values are kept but marked unreliable,
 * never read as "built before"; the best reliable one of the config's own fields wins (rules in
 * docs/ioc-format.md).
 */
export function createdTime(config: ImageConfig, now: Date = new Date()): CreatedTime {
  return decideBuildTime(configTimeSources(config), now);
}
