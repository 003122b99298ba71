// Generated versions per ecosystem, biased towards the cases the orderings disagree on (zeros, ~, suffixes, epochs).
import { seeded } from '../helpers/random.js';

export type Rng = () => number;

export const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
const int = (rng: Rng, max: number): number => Math.floor(rng() * (max + 1));
const num = (rng: Rng): string => pick(rng, ['0', '1', '2', '9', '10', '01', '00', '007', String(int(rng, 30)), String(int(rng, 3000))]);
const times = (rng: Rng, min: number, max: number, f: () => string, sep = ''): string =>
  Array.from({ length: min + int(rng, max - min) }, f).join(sep);

export function debVersion(rng: Rng): string {
  const epoch = rng() < 0.2 ? `${pick(rng, ['0', '1', '2', '10'])}:` : '';
  const part = () => (rng() < 0.7 ? num(rng) : pick(rng, ['a', 'b', 'rc', 'z', 'A', 'dfsg', 'git', 'ubuntu']));
  const sep = () => pick(rng, ['.', '.', '.', '+', '~', '', '-']);
  let upstream = num(rng);
  for (let i = int(rng, 4); i > 0; i--) upstream += sep() + part();
  if (rng() < 0.2) upstream += '~';
  // A `-` inside upstream is only allowed when there is a revision; add one then.
  const revision = upstream.includes('-') || rng() < 0.5 ? `-${times(rng, 1, 3, () => (rng() < 0.6 ? num(rng) : pick(rng, ['deb', 'u', '+', '.', '~', 'ubuntu', 'build'])))}` : '';
  const v = `${epoch}${upstream}${revision}`;
  return /-$/.test(v) || /-[^0-9A-Za-z.+~]/.test(v) ? `${v}0` : v;
}

export function rpmVersion(rng: Rng): string {
  const epoch = rng() < 0.2 ? `${pick(rng, ['0', '1', '2', '10'])}:` : '';
  const part = () => (rng() < 0.65 ? num(rng) : pick(rng, ['a', 'b', 'rc', 'beta', 'Z', 'el', 'fc', 'git']));
  const sep = () => pick(rng, ['.', '.', '.', '_', '+', '~', '^', '']);
  let version = num(rng);
  for (let i = int(rng, 4); i > 0; i--) version += sep() + part();
  const release = rng() < 0.6 ? `-${times(rng, 1, 3, part, pick(rng, ['.', '_', '~', '^']))}` : '';
  return `${epoch}${version}${release}`;
}

export function pep440Version(rng: Rng): string {
  const v = rng() < 0.1 ? 'v' : '';
  const epoch = rng() < 0.1 ? `${pick(rng, ['0', '1', '2'])}!` : '';
  const release = times(rng, 1, 4, () => num(rng), '.');
  const pre = rng() < 0.35 ? `${pick(rng, ['', '.', '-', '_'])}${pick(rng, ['a', 'b', 'rc', 'c', 'alpha', 'beta', 'pre', 'preview', 'RC'])}${pick(rng, ['', num(rng)])}` : '';
  const post = rng() < 0.25 ? pick(rng, [`.post${num(rng)}`, `-${num(rng)}`, `post${num(rng)}`, '.post', `.rev${num(rng)}`, `-r${num(rng)}`]) : '';
  const dev = rng() < 0.25 ? pick(rng, [`.dev${num(rng)}`, 'dev', `-dev${num(rng)}`, `.DEV${num(rng)}`]) : '';
  const local = rng() < 0.15 ? `+${times(rng, 1, 3, () => pick(rng, ['ubuntu', num(rng), 'abc', 'x1']), pick(rng, ['.', '-', '_']))}` : '';
  // A few that are not PEP 440 at all, to check that both sides refuse the same strings.
  if (rng() < 0.05) return pick(rng, ['1.0-foo', 'latest', '1..2', '1.0+', '.1', '1.0_', 'dev', '1.0.post-1']);
  return `${v}${epoch}${release}${pre}${post}${dev}${local}`;
}

export function mavenVersion(rng: Rng): string {
  const token = () =>
    rng() < 0.55
      ? num(rng)
      : pick(rng, ['alpha', 'a', 'beta', 'b', 'milestone', 'm', 'rc', 'cr', 'snapshot', 'SNAPSHOT', 'ga', 'final', 'release', 'sp', 'foo', 'x', 'Final', 'RELEASE']);
  let v = num(rng);
  for (let i = int(rng, 4); i > 0; i--) v += pick(rng, ['.', '-', '', '.', '-']) + token();
  return v;
}

/** Pairs of versions: fresh ones, and ones that differ from their neighbour by one small edit. */
export function pairs(gen: (rng: Rng) => string, count: number, seed: number): [string, string][] {
  const rng = seeded(seed);
  const out: [string, string][] = [];
  for (let i = 0; i < count; i++) {
    const a = gen(rng);
    const b = rng() < 0.5 ? gen(rng) : tweak(rng, a);
    out.push([a, b]);
  }
  return out;
}

/** One small edit: a digit bumped, a zero added, a trailing part added or dropped. */
function tweak(rng: Rng, v: string): string {
  switch (int(rng, 4)) {
    case 0:
      return v.replace(/\d(?!.*\d)/, (d) => String((Number(d) + 1) % 10));
    case 1:
      return v.replace(/(^|\D)(\d)/, '$10$2');
    case 2:
      return `${v}${pick(rng, ['.0', '~1', '.1', 'a', '+1', '-1', '0'])}`;
    case 3:
      return v.length > 1 ? v.slice(0, -1) : v;
    default:
      return v;
  }
}
