// ECR through a stand-in `aws` printing describe-images JSON as the CLI prints it (the AWS CLI reference's example
// output, epoch seconds; and CLI v2's ISO 8601 with an offset). No recorded real aws output exists in real-world/.
import { afterEach, describe, expect, it } from 'vitest';
import { ecrClient } from '../../../src/adapters/push-time/ecr.js';
import { resetToolAvailability } from '../../../src/adapters/exec.js';
import { installStandIns, type StandIns } from '../../helpers/stand-in.js';

const DIGEST = 'sha256:4a1c6567c38904384ebc64e35b7eeddd8451110c299e3368d2210066487d97e5';
const HOST = '012345678910.dkr.ecr.us-west-2.amazonaws.com';
const q = { registry: HOST, repository: 'cluster-autoscaler', digests: [DIGEST] };

function output(pushedAt: number | string): string {
  const detail = { registryId: '012345678910', repositoryName: 'cluster-autoscaler', imageDigest: DIGEST, imageTags: ['v1.13.6'], imageSizeInBytes: 48318255, imagePushedAt: pushedAt };
  return `${JSON.stringify({ imageDetails: [detail] }, null, 4)}\n`;
}

let tools: StandIns | undefined;
afterEach(() => {
  tools?.restore();
  tools = undefined;
});

describe('ECR push time through the aws CLI', () => {
  it('reads imagePushedAt in epoch seconds, with the account, region and digest on the command line', async () => {
    tools = installStandIns({ aws: { byFirstArg: { ecr: { stdout: output(1565128275.0) } }, logEnv: ['AWS_PAGER'] } });
    const a = await ecrClient({ timeoutMs: 10_000 }).lookup(q);
    expect(a).toEqual({ pushes: [{ digest: DIGEST, source: { kind: 'push', source: 'registry push time (ECR imagePushedAt)', value: '2019-08-06T21:51:15.000Z', reliable: true } }] });
    const call = tools.calls('aws')[0]!;
    expect(call.args).toEqual(['ecr', 'describe-images', '--registry-id', '012345678910', '--region', 'us-west-2', '--repository-name', 'cluster-autoscaler', '--image-ids', `imageDigest=${DIGEST}`, '--output', 'json']);
    expect(call.env.AWS_PAGER).toBe('');
  });

  it('reads CLI v2 ISO 8601 times with an offset', async () => {
    tools = installStandIns({ aws: { byFirstArg: { ecr: { stdout: output('2019-08-06T14:51:15.123000-07:00') } } } });
    const a = await ecrClient({ timeoutMs: 10_000 }).lookup(q);
    expect('pushes' in a && a.pushes[0]!.source.value).toBe('2019-08-06T21:51:15.123Z');
  });

  it('a CLI failure (no such image, no credentials) is absent with the CLI message', async () => {
    tools = installStandIns({ aws: { byFirstArg: { ecr: { exitCode: 254, stderr: 'An error occurred (ImageNotFoundException) when calling the DescribeImages operation: The image requested does not exist' } } } });
    const a = await ecrClient({ timeoutMs: 10_000 }).lookup(q);
    expect('absent' in a && a.absent).toMatch(/ImageNotFoundException/);
  });

  it('output that is not JSON, or no aws on PATH, is absent', async () => {
    tools = installStandIns({ aws: { byFirstArg: { ecr: { stdout: 'Unable to locate credentials' } } } });
    expect(await ecrClient({ timeoutMs: 10_000 }).lookup(q)).toMatchObject({ absent: expect.stringMatching(/not JSON/) });
    tools.restore();
    tools = undefined;
    const old = process.env.PATH;
    process.env.PATH = '/nonexistent';
    resetToolAvailability();
    try {
      expect(await ecrClient({ timeoutMs: 10_000 }).lookup(q)).toMatchObject({ absent: expect.stringMatching(/needs the aws CLI/) });
    } finally {
      process.env.PATH = old;
      resetToolAvailability();
    }
  });
});
