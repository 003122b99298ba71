// Amazon ECR: DescribeImages' imagePushedAt, through the aws CLI (it signs the request; we hold no AWS credentials).
import { awsAvailable, describeImage, ecrHost } from '../aws.js';
import { epochIso, pushSource, type PushTimeClient } from './vendor.js';

export function ecrClient(opts: { timeoutMs: number }): PushTimeClient {
  return {
    vendor: 'ecr',
    async lookup(q) {
      const host = ecrHost(q.registry);
      if (!host) return { absent: `${q.registry} is not an ECR registry host` };
      if (!awsAvailable()) return { absent: 'ECR push time needs the aws CLI, which is not installed' };
      const digest = q.digests[0]!;
      let out;
      try {
        out = await describeImage({ ...host, repository: q.repository, digest }, { timeoutMs: opts.timeoutMs, ...(q.signal ? { signal: q.signal } : {}) });
      } catch (err) {
        return { absent: err instanceof Error ? err.message : String(err) };
      }
      const detail = out.imageDetails.find((d) => d.imageDigest === digest);
      const raw = detail?.imagePushedAt;
      const at = typeof raw === 'number' ? epochIso(raw, 's') : raw && Number.isFinite(Date.parse(raw)) ? new Date(raw).toISOString() : undefined;
      if (!at) return { absent: `aws ecr describe-images: no imagePushedAt for ${digest}` };
      return { pushes: [{ digest, source: pushSource('ECR imagePushedAt', at) }] };
    },
  };
}
