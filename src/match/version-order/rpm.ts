// RPM version ordering: `[epoch:]version[-release]`, each part compared by rpmvercmp (rpm 4.18).
import { sign, type VersionOrder } from './order.js';

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isAlpha = (c: string | undefined): boolean => c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
const isAlnum = (c: string | undefined): boolean => isDigit(c) || isAlpha(c);

/** rpmvercmp: alternating runs of digits and letters; `~` sorts before anything, `^` after the end only. */
export function rpmvercmp(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while (i < a.length && !isAlnum(a[i]) && a[i] !== '~' && a[i] !== '^') i++;
    while (j < b.length && !isAlnum(b[j]) && b[j] !== '~' && b[j] !== '^') j++;
    if (a[i] === '~' || b[j] === '~') {
      if (a[i] !== '~') return 1;
      if (b[j] !== '~') return -1;
      i++;
      j++;
      continue;
    }
    if (a[i] === '^' || b[j] === '^') {
      if (i >= a.length) return -1;
      if (j >= b.length) return 1;
      if (a[i] !== '^') return 1;
      if (b[j] !== '^') return -1;
      i++;
      j++;
      continue;
    }
    if (!(i < a.length && j < b.length)) break;
    const numeric = isDigit(a[i]);
    const run = numeric ? isDigit : isAlpha;
    let ei = i;
    let ej = j;
    while (ei < a.length && run(a[ei])) ei++;
    while (ej < b.length && run(b[ej])) ej++;
    // A number is newer than letters in the same place.
    if (ej === j) return numeric ? 1 : -1;
    let s1 = a.slice(i, ei);
    let s2 = b.slice(j, ej);
    if (numeric) {
      s1 = s1.replace(/^0+/, '');
      s2 = s2.replace(/^0+/, '');
      if (s1.length !== s2.length) return s1.length > s2.length ? 1 : -1;
    }
    if (s1 !== s2) return s1 < s2 ? -1 : 1;
    i = ei;
    j = ej;
  }
  if (i >= a.length && j >= b.length) return 0;
  return i < a.length ? 1 : -1;
}

interface Evr {
  epoch: string;
  version: string;
  release: string | undefined;
}

/** rpmverParse: digits then `:` is an epoch; the last `-` starts the release. */
function parse(v: string): Evr {
  const m = /^(\d*):/.exec(v);
  const epoch = m ? m[1]! || '0' : '0';
  const rest = m ? v.slice(m[0].length) : v;
  const dash = rest.lastIndexOf('-');
  return dash >= 0 ? { epoch, version: rest.slice(0, dash), release: rest.slice(dash + 1) } : { epoch, version: rest, release: undefined };
}

export const rpmOrder: VersionOrder = {
  problem(v) {
    if (v === '') return 'empty version';
    if (/\s/.test(v)) return 'whitespace in an RPM version';
    const { version, release } = parse(v);
    if (v.includes(':') && !/^\d*:/.test(v)) return 'the epoch (before :) must be a number';
    if (version === '') return 'no version between the epoch and the release';
    if (version.includes(':') || (release ?? '').includes(':')) return 'more than one : in an RPM version';
    if (release === '') return 'empty release after -';
    return undefined;
  },
  compare(a, b) {
    const x = parse(a);
    const y = parse(b);
    // A release missing on one side compares as the empty string, which is older than any release.
    return sign(rpmvercmp(x.epoch, y.epoch)) || sign(rpmvercmp(x.version, y.version)) || sign(rpmvercmp(x.release ?? '', y.release ?? ''));
  },
};
