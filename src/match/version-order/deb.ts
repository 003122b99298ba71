// Debian version ordering: `[epoch:]upstream[-revision]`, compared as dpkg's verrevcmp does.
import { sign, type VersionOrder } from './order.js';

interface DebVersion {
  epoch: number;
  upstream: string;
  revision: string;
}

const isDigit = (c: string): boolean => c >= '0' && c <= '9';
const isAlpha = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');

function parse(v: string): DebVersion {
  const colon = v.indexOf(':');
  const epoch = colon >= 0 ? Number(v.slice(0, colon)) : 0;
  const rest = colon >= 0 ? v.slice(colon + 1) : v;
  const dash = rest.lastIndexOf('-');
  return dash >= 0 ? { epoch, upstream: rest.slice(0, dash), revision: rest.slice(dash + 1) } : { epoch, upstream: rest, revision: '' };
}

/** dpkg's order(): `~` sorts before the end of the string, letters before other symbols. */
function order(c: string | undefined): number {
  if (c === undefined || isDigit(c)) return 0;
  if (isAlpha(c)) return c.charCodeAt(0);
  if (c === '~') return -1;
  return c.charCodeAt(0) + 256;
}

/** dpkg's verrevcmp, step for step. */
function verrevcmp(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let firstDiff = 0;
    while ((i < a.length && !isDigit(a[i]!)) || (j < b.length && !isDigit(b[j]!))) {
      const ac = order(a[i]);
      const bc = order(b[j]);
      if (ac !== bc) return ac - bc;
      i++;
      j++;
    }
    while (a[i] === '0') i++;
    while (b[j] === '0') j++;
    while (i < a.length && j < b.length && isDigit(a[i]!) && isDigit(b[j]!)) {
      if (firstDiff === 0) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (i < a.length && isDigit(a[i]!)) return 1;
    if (j < b.length && isDigit(b[j]!)) return -1;
    if (firstDiff !== 0) return firstDiff;
  }
  return 0;
}

export const debianOrder: VersionOrder = {
  problem(v) {
    if (v === '') return 'empty version';
    const colon = v.indexOf(':');
    if (colon >= 0 && !/^\d+$/.test(v.slice(0, colon))) return 'the epoch (before :) must be a number';
    const { upstream, revision } = parse(v);
    if (upstream === '') return 'nothing between the epoch and the revision';
    if (!isDigit(upstream[0]!)) return 'a Debian version starts with a digit';
    if (!/^[A-Za-z0-9.+~:-]+$/.test(upstream) || (colon < 0 && upstream.includes(':'))) return 'invalid character in the upstream version';
    if (v.includes('-') && revision === '') return 'empty revision after -';
    if (!/^[A-Za-z0-9.+~]*$/.test(revision)) return 'invalid character in the revision';
    return undefined;
  },
  compare(a, b) {
    const x = parse(a);
    const y = parse(b);
    if (x.epoch !== y.epoch) return x.epoch < y.epoch ? -1 : 1;
    return sign(verrevcmp(x.upstream, y.upstream)) || sign(verrevcmp(x.revision, y.revision));
  },
};
