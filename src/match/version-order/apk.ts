// Alpine (apk) version ordering: apk-tools' tokenizer (digits, one letter, `_suffix[N]`, `-rN`), step for step.
import type { VersionOrder } from './order.js';

// The token kinds, in apk-tools' order: a later kind may follow an earlier one, not the other way round.
const INVALID = -1;
const DIGIT_OR_ZERO = 0;
const DIGIT = 1;
const LETTER = 2;
const SUFFIX = 3;
const SUFFIX_NO = 4;
const REVISION_NO = 5;
const END = 6;

const PRE_SUFFIXES = ['alpha', 'beta', 'pre', 'rc'];
const POST_SUFFIXES = ['cvs', 'svn', 'git', 'hg', 'p'];

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isLower = (c: string | undefined): boolean => c !== undefined && c >= 'a' && c <= 'z';

interface Cursor {
  s: string;
  at: number;
  type: number;
}

function nextToken(c: Cursor): void {
  let n = INVALID;
  const ch = c.s[c.at];
  if (ch === undefined) n = END;
  else if ((c.type === DIGIT || c.type === DIGIT_OR_ZERO) && isLower(ch)) n = LETTER;
  else if (c.type === LETTER && isDigit(ch)) n = DIGIT;
  else if (c.type === SUFFIX && isDigit(ch)) n = SUFFIX_NO;
  else {
    if (ch === '.') n = DIGIT_OR_ZERO;
    else if (ch === '_') n = SUFFIX;
    else if (ch === '-' && c.s[c.at + 1] === 'r') {
      n = REVISION_NO;
      c.at++;
    }
    c.at++;
  }
  if (n < c.type && !((n === DIGIT_OR_ZERO && c.type === DIGIT) || (n === SUFFIX && c.type === SUFFIX_NO) || (n === DIGIT && c.type === LETTER))) n = INVALID;
  c.type = n;
}

function getToken(c: Cursor): number {
  if (c.at >= c.s.length) {
    c.type = END;
    return 0;
  }
  let v = 0;
  let i = c.at;
  let nt = INVALID;
  const digits = (): void => {
    while (isDigit(c.s[i])) v = v * 10 + (c.s.charCodeAt(i++) - 48);
  };
  switch (c.type) {
    case DIGIT_OR_ZERO:
      // Leading zeros: all but the last are a token of their own, worth minus their count, so
      // `1.001` < `1.01` < `1.1`, as if compared as text (apk-tools 2.12).
      if (c.s[i] === '0') {
        while (c.s[i + 1] === '0') i++;
        nt = DIGIT;
        v = -(i - c.at);
        break;
      }
      digits();
      break;
    case DIGIT:
    case SUFFIX_NO:
    case REVISION_NO:
      digits();
      break;
    case LETTER:
      v = c.s.charCodeAt(i++);
      break;
    case SUFFIX: {
      const rest = c.s.slice(i);
      const pre = PRE_SUFFIXES.findIndex((p) => rest.startsWith(p));
      const post = pre >= 0 ? -1 : POST_SUFFIXES.findIndex((p) => rest.startsWith(p));
      if (pre >= 0) {
        v = pre - PRE_SUFFIXES.length;
        i += PRE_SUFFIXES[pre]!.length;
      } else if (post >= 0) {
        v = post;
        i += POST_SUFFIXES[post]!.length;
      } else {
        c.type = INVALID;
        return -1;
      }
      nt = SUFFIX_NO;
      break;
    }
    default:
      c.type = INVALID;
      return -1;
  }
  c.at = i;
  if (c.at >= c.s.length) c.type = END;
  else if (nt !== INVALID) c.type = nt;
  else nextToken(c);
  return v;
}

/** apk_version_compare: -1, 0 or 1. */
function compareApk(a: string, b: string): number {
  const x: Cursor = { s: a, at: 0, type: DIGIT };
  const y: Cursor = { s: b, at: 0, type: DIGIT };
  let av = 0;
  let bv = 0;
  while (x.type === y.type && x.type !== END && x.type !== INVALID && av === bv) {
    av = getToken(x);
    bv = getToken(y);
  }
  if (av !== bv) return av < bv ? -1 : 1;
  if (x.type === y.type) return 0;
  // Equal so far: the longer one is newer, unless what it has more of is a pre-release suffix.
  if (x.type === SUFFIX && getToken({ ...x }) < 0) return -1;
  if (y.type === SUFFIX && getToken({ ...y }) < 0) return 1;
  if (x.type > y.type) return -1;
  if (y.type > x.type) return 1;
  return 0;
}

export const apkOrder: VersionOrder = {
  problem(v) {
    if (v === '' || !isDigit(v[0])) return 'an apk version starts with a digit';
    const c: Cursor = { s: v, at: 0, type: DIGIT };
    while (c.type !== END && c.type !== INVALID) getToken(c);
    return c.type === INVALID ? 'not an apk version (digits.digits[letter][_suffix[N]][-rN])' : undefined;
  },
  compare: compareApk,
};
