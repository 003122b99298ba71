// WWW-Authenticate parsing (RFC 7235): several challenges per header, quoted values that hold commas.

export interface Challenge {
  /** Lower-cased scheme: `bearer`, `basic`. */
  scheme: string;
  /** Lower-cased parameter names: `realm`, `service`, `scope`, `error`. */
  params: Record<string, string>;
}

const TOKEN_RE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+/;
const TOKEN68_RE = /^[A-Za-z0-9\-._~+/]+=*(?=\s*(?:,|$))/;

/** Parses every challenge of a header value; unparseable rest is dropped, never thrown. */
export function parseChallenges(header: string | null | undefined): Challenge[] {
  const out: Challenge[] = [];
  if (!header) return out;
  let s = header;
  let current: Challenge | undefined;
  while (s.length > 0) {
    s = s.replace(/^[\s,]+/, '');
    const name = TOKEN_RE.exec(s)?.[0];
    if (!name) break;
    s = s.slice(name.length);
    const afterSpaces = s.replace(/^\s+/, '');
    if (current && afterSpaces.startsWith('=')) {
      const [value, rest] = readValue(afterSpaces.slice(1).replace(/^\s+/, ''));
      current.params[name.toLowerCase()] = value;
      s = rest;
      continue;
    }
    current = { scheme: name.toLowerCase(), params: {} };
    out.push(current);
    s = afterSpaces;
    const token68 = TOKEN68_RE.exec(s)?.[0];
    // A token68 (`Negotiate abc==`) is a bare credential blob, not a parameter: skip it.
    if (token68 && !/^[^=\s,]+\s*=\s*[^\s,=]/.test(s)) s = s.slice(token68.length);
  }
  return out;
}

function readValue(s: string): [string, string] {
  if (!s.startsWith('"')) {
    const token = /^[^\s,]*/.exec(s)?.[0] ?? '';
    return [token, s.slice(token.length)];
  }
  let value = '';
  for (let i = 1; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && i + 1 < s.length) {
      value += s[++i];
    } else if (c === '"') {
      return [value, s.slice(i + 1)];
    } else {
      value += c;
    }
  }
  return [value, ''];
}

/** The challenge to answer: Bearer when offered, else Basic, else none we can answer. */
export function pickChallenge(challenges: Challenge[]): Challenge | undefined {
  return challenges.find((c) => c.scheme === 'bearer' && c.params.realm) ?? challenges.find((c) => c.scheme === 'basic');
}
