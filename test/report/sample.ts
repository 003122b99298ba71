// A hand-written fleet covering every verdict path the report must show, and the IOCs it was hunted with.
import type { ImageResult, WindowCheck } from '../../src/model/finding.js';
import type { IocSet } from '../../src/model/ioc.js';

const AXIOS_WINDOW = { incident: 'axios-2026-03', start: '2026-03-31T00:21:00.000Z', end: '2026-03-31T03:29:00.000Z' };
const OTHER_WINDOW = { incident: 'example-2025-09', start: '2025-09-15T00:00:00.000Z', end: '2025-09-16T12:00:00.000Z' };

function windows(axios: WindowCheck['outcome'], other: WindowCheck['outcome'] = 'outside'): WindowCheck[] {
  return [
    { ...AXIOS_WINDOW, outcome: axios },
    { ...OTHER_WINDOW, outcome: other },
  ];
}

const axiosMatch = {
  incident: 'axios-2026-03',
  ecosystem: 'npm',
  name: 'axios',
  version: '1.14.1',
  paths: ['/srv/app/node_modules/axios/package.json'],
  matchedBy: 'version' as const,
  matchKind: 'package-version' as const,
  iocVersion: '1.14.1',
  reference: 'https://github.com/advisories/GHSA-fw8c-xr5c-95f9',
  inFinalFilesystem: true,
};
const plainCryptoMatch = {
  ...axiosMatch,
  name: 'plain-crypto-js',
  version: '4.2.1',
  iocVersion: '4.2.1',
  paths: ['/srv/app/node_modules/plain-crypto-js/package.json'],
  reference: 'https://osv.dev/vulnerability/MAL-2026-2306',
};

const paymentsCreated = { value: '2026-03-31T01:47:12Z', source: 'config created', reliable: true };

/** Affected, two platforms, running in two clusters. Matches are out of order on purpose: the report sorts them. */
export const affectedImage: ImageResult = {
  ref: 'registry.example.com/payments/api:2.3.0',
  digest: 'sha256:0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9',
  verdict: 'affected',
  reasons: ['npm axios@1.14.1 and plain-crypto-js@4.2.1 match axios-2026-03'],
  packageCount: 812,
  created: paymentsCreated,
  windows: windows('inside'),
  source: { kind: 'attestation', verified: true, detail: 'cosign key registry.example.com/keys/release.pub', format: 'spdx-json-2.3' },
  matches: [plainCryptoMatch, axiosMatch],
  platforms: [
    {
      platform: 'linux/amd64',
      digest: 'sha256:1111aaaa2222bbbb3333cccc4444dddd5555eeee6666ffff7777000088889999',
      verdict: 'affected',
      reasons: [],
      packageCount: 812,
      created: paymentsCreated,
      windows: windows('inside'),
      matches: [axiosMatch, plainCryptoMatch],
      source: { kind: 'attestation', verified: true, format: 'spdx-json-2.3' },
    },
    {
      platform: 'linux/arm64',
      digest: 'sha256:9999888800007777ffff6666eeee5555dddd4444cccc3333bbbb2222aaaa1111',
      verdict: 'affected',
      reasons: [],
      packageCount: 809,
      created: paymentsCreated,
      windows: windows('inside'),
      matches: [axiosMatch, plainCryptoMatch],
      source: { kind: 'attestation', verified: true, format: 'spdx-json-2.3' },
    },
  ],
  workloads: [
    { context: 'staging', namespace: 'payments', kind: 'Deployment', name: 'payments-api', container: 'api', pods: 1 },
    { context: 'prod-eu', namespace: 'payments', kind: 'Deployment', name: 'payments-api', container: 'api', pods: 3 },
  ],
};

/** Suspect: no IOC package, but built inside the axios window. */
export const windowSuspectImage: ImageResult = {
  ref: 'registry.example.com/web/frontend:5.1.0',
  digest: 'sha256:5e5e5e5e4d4d4d4d3c3c3c3c2b2b2b2b1a1a1a1a09090909f8f8f8f8e7e7e7e7',
  verdict: 'suspect',
  reasons: ['built inside the axios-2026-03 window'],
  packageCount: 431,
  created: { value: '2026-03-31T02:47:00Z', source: 'SBOM metadata', reliable: true },
  windows: windows('inside'),
  source: { kind: 'syft', detail: 'syft 1.18.0' },
  matches: [],
  platforms: [{ verdict: 'suspect', reasons: [], packageCount: 431, windows: windows('inside'), matches: [] }],
  workloads: [],
};

/** Suspect: plain-crypto-js was installed in a lower layer and deleted by a later one. */
export const deletedLayerImage: ImageResult = {
  ref: 'registry.example.com/tools/builder:1.4.2',
  digest: 'sha256:deadbeef00112233445566778899aabbccddeeff00112233445566778899aabb',
  verdict: 'suspect',
  reasons: ['plain-crypto-js@4.2.1 only in a deleted layer'],
  packageCount: 156,
  created: { value: '2026-04-02T09:00:00Z', source: 'config created', reliable: true },
  windows: windows('outside'),
  source: { kind: 'native', detail: 'layer walk' },
  matches: [{ ...plainCryptoMatch, paths: ['/build/node_modules/plain-crypto-js/package.json'], inFinalFilesystem: false }],
  platforms: [],
  workloads: [],
};

/** Unknown: nothing could be read. The reason has a `|`, which the markdown must escape. */
export const unknownImage: ImageResult = {
  ref: 'registry.internal:5000/legacy/batch:0.9',
  verdict: 'unknown',
  reasons: ['syft failed: exit status 1 | stderr: unexpected EOF', 'registry.internal:5000: 401 Unauthorized'],
  packageCount: 0,
  windows: [],
  matches: [],
  platforms: [],
  workloads: [],
};

/** Clean, from an unsigned BuildKit attestation, built in February. */
export const cleanImage: ImageResult = {
  ref: 'registry.example.com/admin/console:7.0.1',
  digest: 'sha256:c1ea4c1ea4c1ea4c1ea4c1ea4c1ea4c1ea4c1ea4c1ea4c1ea4c1ea4c1ea4c1ea',
  verdict: 'clean',
  reasons: [],
  packageCount: 298,
  created: { value: '2026-02-11T16:30:00Z', source: 'label org.opencontainers.image.created', reliable: true },
  windows: windows('outside'),
  source: { kind: 'buildkit-attestation', verified: false, format: 'spdx-json-2.3' },
  matches: [],
  platforms: [],
  workloads: [],
};

/** Clean, runs as a DaemonSet; its timestamp is the epoch, so the window check could not be made. */
export const workloadImage: ImageResult = {
  ref: 'docker.io/library/nginx:1.27',
  digest: 'sha256:ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12',
  verdict: 'clean',
  reasons: ['created time is the epoch: window check not possible'],
  packageCount: 143,
  created: { value: '1970-01-01T00:00:00Z', source: 'config created', reliable: false },
  windows: windows('unreliable', 'unreliable'),
  source: { kind: 'grype', detail: 'grype 0.86.1' },
  matches: [],
  platforms: [],
  workloads: [{ context: 'prod-eu', namespace: 'ingress', kind: 'DaemonSet', name: 'edge-nginx', container: 'nginx', pods: 12 }],
};

/** Deliberately not in report order. */
export const sampleImages: ImageResult[] = [cleanImage, unknownImage, workloadImage, windowSuspectImage, affectedImage, deletedLayerImage];

export const sampleIocs: IocSet = {
  files: ['iocs/axios-2026-03.yaml', 'iocs/example-2025-09.yaml'],
  incidents: [
    {
      id: 'axios-2026-03',
      title: 'axios 1.14.1 and 0.30.4 published with a stolen maintainer token (plain-crypto-js RAT dropper)',
      references: ['https://github.com/advisories/GHSA-fw8c-xr5c-95f9', 'https://osv.dev/vulnerability/MAL-2026-2307'],
      aliases: ['GHSA-fw8c-xr5c-95f9', 'MAL-2026-2307'],
      windows: [{ start: new Date(AXIOS_WINDOW.start), end: new Date(AXIOS_WINDOW.end), source: 'iocs/axios-2026-03.yaml' }],
      packages: [
        { ecosystem: 'npm', name: 'axios', versions: ['1.14.1', '0.30.4'], ranges: [], anyVersion: false },
        { ecosystem: 'npm', name: 'plain-crypto-js', versions: ['4.2.1'], ranges: [], anyVersion: false },
      ],
      indicators: ['sfrclak.com', 'http://sfrclak.com:8000/6202033'],
      notes: 'Treat any host that installed these versions as fully compromised.',
      file: 'iocs/axios-2026-03.yaml',
    },
    {
      id: 'example-2025-09',
      title: 'An example incident that no image matches',
      references: [],
      aliases: [],
      windows: [{ start: new Date(OTHER_WINDOW.start), end: new Date(OTHER_WINDOW.end), source: 'iocs/example-2025-09.yaml' }],
      packages: [{ ecosystem: 'npm', name: 'example-worm', versions: [], ranges: [], anyVersion: true }],
      indicators: [],
      file: 'iocs/example-2025-09.yaml',
    },
  ],
};

export const sampleMeta = {
  version: '0.1.0',
  generatedAt: new Date('2026-04-01T06:00:00Z'),
  errors: ['kube context prod-us: pods is forbidden: User "oncall" cannot list resource "pods"'],
  notes: ['Version strings are evidence, not proof: a package can be renamed or vendored.'],
};

/** Collects what a presenter writes. */
export function sink(): { write(s: string): void; text(): string } {
  const chunks: string[] = [];
  return { write: (s: string) => void chunks.push(s), text: () => chunks.join('') };
}
