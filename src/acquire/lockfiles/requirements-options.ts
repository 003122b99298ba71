// The options a requirements line may carry, read the way pip's optparse parser reads them (shlex words,
// `-rFILE`, `--requirement=FILE`, unambiguous long-option prefixes).

/** pip's SUPPORTED_OPTIONS and SUPPORTED_OPTIONS_REQ: long name -> [short name, takes a value]. */
const OPTIONS: Record<string, [string | undefined, boolean]> = {
  'index-url': ['i', true],
  'extra-index-url': [undefined, true],
  'no-index': [undefined, false],
  constraint: ['c', true],
  requirement: ['r', true],
  editable: ['e', true],
  'find-links': ['f', true],
  'no-binary': [undefined, true],
  'only-binary': [undefined, true],
  'no-deps-for': [undefined, true],
  'prefer-binary': [undefined, false],
  'require-hashes': [undefined, false],
  pre: [undefined, false],
  'trusted-host': [undefined, true],
  'use-feature': [undefined, true],
  'global-option': [undefined, true],
  hash: [undefined, true],
  'config-settings': ['C', true],
};
const SHORT = new Map(Object.entries(OPTIONS).flatMap(([long, [short]]) => (short ? [[short, long] as const] : [])));

export interface LineOptions {
  requirements: string[];
  constraints: string[];
  editables: string[];
  hashes: string[];
}

/** POSIX shlex.split: quotes group words, a backslash escapes outside single quotes. */
export function shlexSplit(s: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (quote === "'") {
      if (ch === "'") quote = undefined;
      else word += ch;
    } else if (quote === '"') {
      if (ch === '"') quote = undefined;
      else if (ch === '\\' && i + 1 < s.length && '\\"$`\n'.includes(s[i + 1]!)) word += s[++i];
      else word += ch;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      inWord = true;
      if (ch === "'" || ch === '"') quote = ch;
      else if (ch === '\\') {
        if (i + 1 >= s.length) throw new Error('no escaped character');
        word += s[++i];
      } else word += ch;
    }
  }
  if (quote) throw new Error('no closing quotation');
  if (inWord) words.push(word);
  return words;
}

function longOption(name: string): string {
  if (Object.hasOwn(OPTIONS, name)) return name;
  const matches = Object.keys(OPTIONS).filter((o) => o.startsWith(name));
  if (matches.length === 1) return matches[0]!;
  throw new Error(matches.length === 0 ? `no such option: --${name}` : `ambiguous option: --${name} (${matches.join(', ')})`);
}

/** Reads the option words of one line; throws with pip's kind of message on an option pip would refuse. */
export function parseLineOptions(options: string): LineOptions {
  const out: LineOptions = { requirements: [], constraints: [], editables: [], hashes: [] };
  const words = shlexSplit(options);
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    let long: string;
    let value: string | undefined;
    if (w.startsWith('--')) {
      const eq = w.indexOf('=');
      long = longOption(eq < 0 ? w.slice(2) : w.slice(2, eq));
      if (eq >= 0) value = w.slice(eq + 1);
    } else if (w.startsWith('-') && w.length > 1) {
      const found = SHORT.get(w[1]!);
      if (!found) throw new Error(`no such option: -${w[1]}`);
      long = found;
      if (w.length > 2) value = w.slice(2);
    } else {
      // optparse leaves stray words as arguments, which pip ignores on an option line.
      continue;
    }
    const takesValue = OPTIONS[long]![1];
    if (!takesValue) {
      if (value !== undefined) throw new Error(`--${long} option does not take a value`);
      continue;
    }
    if (value === undefined) {
      value = words[++i];
      if (value === undefined) throw new Error(`--${long} option requires 1 argument`);
    }
    if (long === 'config-settings' && !value.includes('=')) throw new Error(`Arguments to ${w.startsWith('--') ? '--config-settings' : '-C'} must be of the form KEY=VAL`);
    if (long === 'requirement') out.requirements.push(value);
    else if (long === 'constraint') out.constraints.push(value);
    else if (long === 'editable') out.editables.push(value);
    else if (long === 'hash') out.hashes.push(value);
  }
  return out;
}
