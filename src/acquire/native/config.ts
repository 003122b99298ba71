// The image config: when the image was built (and whether that time can be trusted) and its platform.
import { z } from 'zod';
import type { CreatedTime } from '../../model/finding.js';

export const ImageConfig = z
  .object({
    created: z.string().nullish(),
    os: z.string().nullish(),
    architecture: z.string().nullish(),
    variant: z.string().nullish(),
    config: z.object({ Labels: z.record(z.string(), z.string()).nullish() }).loose().nullish(),
  })
  .loose();
export type ImageConfig = z.infer<typeof ImageConfig>;

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

/**
 * The build time. Reproducible builds stamp the Unix epoch (SOURCE_DATE_EPOCH=0), and a missing or
 * unparseable time proves nothing, so both are kept but marked unreliable: never read as "built before".
 */
export function createdTime(config: ImageConfig): CreatedTime {
  const candidates: { value: string; source: string }[] = [];
  if (config.created) candidates.push({ value: config.created, source: 'config created' });
  const label = config.config?.Labels?.[CREATED_LABEL];
  if (label) candidates.push({ value: label, source: `label ${CREATED_LABEL}` });
  const good = candidates.find((c) => isTrustworthyTime(c.value));
  if (good) return { ...good, reliable: true };
  const first = candidates[0];
  return first ? { ...first, reliable: false } : { reliable: false };
}

function isTrustworthyTime(value: string): boolean {
  const t = Date.parse(value);
  return Number.isFinite(t) && t > 0;
}
