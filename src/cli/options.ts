// Command-line flags -> validated options: the only place raw flag values are trusted.
import { UsageError } from '../errors.js';
import { VERDICTS } from '../model/verdict.js';
import { SBOM_SOURCES, DEFAULT_SBOM_SOURCES, type SbomSource } from '../acquire/chain.js';
import { DEFAULT_LIST_BOUNDS } from '../adapters/oci/listing.js';

export const FORMATS = ['table', 'json', 'markdown', 'sarif', 'html', 'cyclonedx', 'spdx-json'] as const;
/** Formats that are the inventory itself: they need every package kept. */
export const INVENTORY_FORMATS: ReadonlySet<string> = new Set(['cyclonedx', 'spdx-json']);
export const FAIL_ON = [...VERDICTS.filter((v) => v !== 'clean' && v !== 'acknowledged'), 'none'] as const;

type Format = (typeof FORMATS)[number];
type FailOn = (typeof FAIL_ON)[number];

export interface ScanFlags {
  ioc: string[];
  ack: string[];
  vex: string[];
  window: string[];
  format: Format;
  output?: string | undefined;
  failOn: FailOn;
  allowIncomplete: boolean;
  quiet: boolean;
  includePackages: boolean;
  color: boolean;
  concurrency: number;
  insecureRegistry: string[];
  pushTimeApi: string[];
  pushTimes: boolean;
  images?: string | undefined;
  sbomSources: SbomSource[];
  cache: boolean;
  cacheDir?: string | undefined;
  key?: string | undefined;
  allowUnverifiedAttestations: boolean;
  certificateIdentity?: string | undefined;
  certificateIdentityRegexp?: string | undefined;
  certificateOidcIssuer?: string | undefined;
  certificateOidcIssuerRegexp?: string | undefined;
  trustedRoot?: string | undefined;
  toolTimeout: number;
  imageTimeout: number;
  maxRepositories: number;
  maxTags: number;
  allContexts: boolean;
  namespace: string[];
  selector?: string | undefined;
  kubeconfig?: string | undefined;
  kubectl?: string | undefined;
  includeTerminated: boolean;
  shard?: { index: number; count: number } | undefined;
}

// Each flag's check, run once per command: written out rather than built with zod, whose schema for these 37 flags
// cost every scan ~7 ms to build and compile before it read a file. Messages are zod's own (test/cli/options.test.ts
// holds them to a zod schema of the same flags on generated option bags).
/** A bad value: the message, and the index inside a list when it is one element. */
class FlagProblem {
  constructor(
    readonly message: string,
    readonly index?: number,
  ) {}
}

type Check<T> = (v: unknown) => T;

function received(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  return typeof v;
}

const expected = (what: string, v: unknown) => new FlagProblem(`Invalid input: expected ${what}, received ${received(v)}`);

function strings(v: unknown): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw expected('array', v);
  v.forEach((e, i) => {
    if (typeof e !== 'string') throw new FlagProblem(`Invalid input: expected string, received ${received(e)}`, i);
  });
  return [...(v as string[])];
}

function text(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw expected('string', v);
  if (v.length < 1) throw new FlagProblem('Too small: expected string to have >=1 characters');
  return v;
}

const bool =
  (dflt: boolean): Check<boolean> =>
  (v) => {
    if (v === undefined) return dflt;
    if (typeof v !== 'boolean') throw expected('boolean', v);
    return v;
  };

function oneOf<T extends string>(values: readonly T[], v: unknown): T {
  if (typeof v === 'string' && (values as readonly string[]).includes(v)) return v as T;
  throw new FlagProblem(`Invalid option: expected one of ${values.map((x) => JSON.stringify(x)).join('|')}`);
}

const choice =
  <T extends string>(values: readonly T[], dflt: T): Check<T> =>
  (v) =>
    v === undefined ? dflt : oneOf(values, v);

/** A whole number from the flag's text, as `Number()` reads it. */
const count =
  (dflt: number, min: number, max = Infinity): Check<number> =>
  (v) => {
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!Number.isFinite(n)) throw expected('number', n);
    if (!Number.isInteger(n)) throw new FlagProblem('Invalid input: expected int, received number');
    if (n < min) throw new FlagProblem(`Too small: expected number to be >=${min}`);
    if (n > max) throw new FlagProblem(`Too big: expected number to be <=${max}`);
    return n;
  };

function sbomSources(v: unknown): SbomSource[] {
  if (v === undefined) return [...DEFAULT_SBOM_SOURCES];
  if (typeof v !== 'string') throw expected('string', v);
  const names = v.split(',').map((x) => x.trim().toLowerCase()).filter(Boolean);
  names.forEach((name, i) => {
    try {
      oneOf(SBOM_SOURCES, name);
    } catch (e) {
      throw new FlagProblem((e as FlagProblem).message, i);
    }
  });
  if (names.length < 1) throw new FlagProblem('name at least one way');
  return names as SbomSource[];
}

function shard(v: unknown): ScanFlags['shard'] {
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw expected('string', v);
  if (!/^\d+\/\d+$/.test(v)) throw new FlagProblem('expected INDEX/COUNT, e.g. 0/4');
  const [index, count] = v.split('/').map(Number) as [number, number];
  if (!(count >= 1 && index < count)) throw new FlagProblem('INDEX must be below COUNT (0-based)');
  return { index, count };
}

const CHECKS: { [K in keyof ScanFlags]-?: Check<ScanFlags[K]> } = {
  ioc: strings,
  ack: strings,
  vex: strings,
  window: strings,
  format: choice(FORMATS, 'table'),
  output: text,
  failOn: choice(FAIL_ON, 'affected'),
  allowIncomplete: bool(false),
  quiet: bool(false),
  includePackages: bool(false),
  color: bool(true),
  concurrency: count(8, 1, 256),
  insecureRegistry: strings,
  pushTimeApi: strings,
  pushTimes: bool(true),
  images: text,
  sbomSources,
  cache: bool(true),
  cacheDir: text,
  key: text,
  allowUnverifiedAttestations: bool(false),
  certificateIdentity: text,
  certificateIdentityRegexp: text,
  certificateOidcIssuer: text,
  certificateOidcIssuerRegexp: text,
  trustedRoot: text,
  toolTimeout: count(600, 1),
  imageTimeout: count(900, 1),
  maxRepositories: count(DEFAULT_LIST_BOUNDS.maxRepositories, 1),
  maxTags: count(DEFAULT_LIST_BOUNDS.maxTags, 1),
  allContexts: bool(false),
  namespace: strings,
  selector: text,
  kubeconfig: text,
  kubectl: text,
  includeTerminated: bool(false),
  shard,
};

/** The flags `parseScanFlags` reads, in the order it checks them. */
export const SCAN_FLAG_KEYS = Object.keys(CHECKS) as (keyof ScanFlags)[];

/**
 * Validate commander's raw option bag; a bad value is a usage error naming the flag. Keys it does not know are
 * left out of the result; an optional flag not given is absent, not undefined.
 */
export function parseScanFlags(raw: unknown): ScanFlags {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new UsageError(`options: ${expected('object', raw).message}`);
  const bag = raw as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of SCAN_FLAG_KEYS) {
    let value: unknown;
    try {
      value = CHECKS[key](bag[key] as never);
    } catch (e) {
      if (!(e instanceof FlagProblem)) throw e;
      throw new UsageError(`--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: ${e.message}`);
    }
    if (value !== undefined) out[key] = value;
  }
  return out as unknown as ScanFlags;
}

/** Collects a repeatable flag's values (commander's custom processing). */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
