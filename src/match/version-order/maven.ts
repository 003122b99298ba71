// Maven version ordering: org.apache.maven.artifact.versioning.ComparableVersion (Maven 3.8), item for item.
import type { VersionOrder } from './order.js';

type Item = { kind: 'int'; value: bigint } | { kind: 'string'; value: string } | { kind: 'list'; items: Item[] };

const QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const ALIASES: Record<string, string> = { ga: '', final: '', release: '', cr: 'rc' };
const RELEASE_INDEX = String(QUALIFIERS.indexOf(''));

function stringItem(value: string, followedByDigit: boolean): Item {
  let v = value;
  if (followedByDigit && v.length === 1) v = v === 'a' ? 'alpha' : v === 'b' ? 'beta' : v === 'm' ? 'milestone' : v;
  return { kind: 'string', value: Object.hasOwn(ALIASES, v) ? ALIASES[v]! : v };
}

/** Known qualifiers sort by their index; unknown ones after all of them, as text. */
function qualifierKey(q: string): string {
  const i = QUALIFIERS.indexOf(q);
  return i === -1 ? `${QUALIFIERS.length}-${q}` : String(i);
}

const text = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function isNull(item: Item): boolean {
  if (item.kind === 'int') return item.value === 0n;
  if (item.kind === 'string') return qualifierKey(item.value) === RELEASE_INDEX;
  return item.items.length === 0;
}

/** Item.compareTo(other), with `undefined` for Java's null (a missing item). */
function compareItem(a: Item, b: Item | undefined): number {
  switch (a.kind) {
    case 'int':
      if (b === undefined) return a.value === 0n ? 0 : 1;
      if (b.kind === 'int') return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
      return 1;
    case 'string':
      if (b === undefined) return text(qualifierKey(a.value), RELEASE_INDEX);
      if (b.kind === 'string') return text(qualifierKey(a.value), qualifierKey(b.value));
      return -1;
    case 'list': {
      // Every item against null, not only the first (MNG-6964): `10` < `10-0.1`.
      if (b === undefined) {
        for (const item of a.items) {
          const c = compareItem(item, undefined);
          if (c !== 0) return c;
        }
        return 0;
      }
      if (b.kind === 'int') return -1;
      if (b.kind === 'string') return 1;
      for (let i = 0; i < Math.max(a.items.length, b.items.length); i++) {
        const l = a.items[i];
        const r = b.items[i];
        const c = l === undefined ? (r === undefined ? 0 : -compareItem(r, l)) : compareItem(l, r);
        if (c !== 0) return c;
      }
      return 0;
    }
  }
}

/** ListItem.normalize: trailing null items (0, "", ga, final) go, up to the last non-list item. */
function normalize(list: Item & { kind: 'list' }): void {
  for (let i = list.items.length - 1; i >= 0; i--) {
    const last = list.items[i]!;
    if (isNull(last)) list.items.splice(i, 1);
    else if (last.kind !== 'list') break;
  }
}

const parseItem = (isDigit: boolean, buf: string): Item => (isDigit ? { kind: 'int', value: BigInt(buf) } : stringItem(buf, false));

/** ComparableVersion.parseVersion. */
export function parseMaven(version: string): Item {
  const v = version.toLowerCase();
  const root: Item & { kind: 'list' } = { kind: 'list', items: [] };
  let list = root;
  const stack = [root];
  let isDigit = false;
  let start = 0;
  const sub = (): Item & { kind: 'list' } => {
    const l: Item & { kind: 'list' } = { kind: 'list', items: [] };
    list.items.push(l);
    stack.push(l);
    return l;
  };
  for (let i = 0; i < v.length; i++) {
    const c = v[i]!;
    const digit = c >= '0' && c <= '9';
    if (c === '.' || c === '-') {
      list.items.push(i === start ? { kind: 'int', value: 0n } : parseItem(isDigit, v.slice(start, i)));
      start = i + 1;
      if (c === '-') list = sub();
    } else if (digit) {
      if (!isDigit && i > start) {
        // `.X1` is read as `-X1` (1.0.0.X1 < 1.0.0-X2): a qualifier after other items opens a list.
        if (list.items.length > 0) list = sub();
        list.items.push(stringItem(v.slice(start, i), true));
        start = i;
        list = sub();
      }
      isDigit = true;
    } else {
      if (isDigit && i > start) {
        list.items.push(parseItem(true, v.slice(start, i)));
        start = i;
        list = sub();
      }
      isDigit = false;
    }
  }
  if (v.length > start) {
    // A trailing `.X` is `-X` too.
    if (!isDigit && list.items.length > 0) list = sub();
    list.items.push(parseItem(isDigit, v.slice(start)));
  }
  while (stack.length > 0) normalize(stack.pop()!);
  return root;
}

export const mavenOrder: VersionOrder = {
  // Maven orders any string; only a version with nothing to order is refused.
  problem: (v) => (v.trim() === '' ? 'empty version' : /\s/.test(v.trim()) ? 'whitespace in a Maven version' : undefined),
  compare: (a, b) => compareItem(parseMaven(a.trim()), parseMaven(b.trim())),
};
