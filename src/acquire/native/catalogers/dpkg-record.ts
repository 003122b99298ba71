// One dpkg database file (status, a journal file, a status.d file) into records, as dpkg-query reads it.
//
// Rules as dpkg-query 1.21 applies them (checked case by case with --admindir, and by the generated databases of
// test/oracle/dpkg-journal.test.ts): stanzas are separated by empty lines (a line that starts with a blank, CR,
// VT or FF, however short, is a continuation line); a field name ends at its colon, in any case, once per stanza;
// a file that does not end in a newline, a line with no colon, or a NUL is refused. Package names are lower-cased
// and must start with a letter or digit; Status is three known words (want, error flag, state; any case); Version
// is refused where dpkg-query refuses it (an epoch of digits up to INT_MAX, something after its colon, no empty
// revision or upstream part, no blanks) and is required but for not-installed and half-installed;
// Triggers-Awaited and Triggers-Pending only in the states that wait for them (and those states only with them);
// Multi-Arch is no, foreign, allowed or same, and same is not for architecture all. A stanza with no Status is a
// package not installed. Any refusal refuses the database.

export interface DpkgRecord {
  name: string;
  arch: string;
  same: boolean;
  state: string;
  version: string;
  /** The Source field: the source package's name, and its version when it names one in parentheses (a binNMU). */
  source?: { name: string; version?: string };
}

/** dpkg's states in its own order (the trigger rules compare them). */
const STATE_ORDER = ['not-installed', 'config-files', 'half-installed', 'unpacked', 'half-configured', 'triggers-awaited', 'triggers-pending', 'installed'];
export const DPKG_STATES = new Set(STATE_ORDER);
const WANTS = new Set(['unknown', 'install', 'hold', 'deinstall', 'purge']);
const EFLAGS = new Set(['ok', 'reinstreq']);
const MULTI_ARCH = new Set(['no', 'foreign', 'allowed', 'same']);
const INT_MAX = 2 ** 31 - 1;

type Stanza = { fields: Map<string, string>; line: number };

/** The file's stanzas, or `line N: reason` where dpkg's parser stops. */
function stanzas(text: string, finalNewline: boolean): { stanzas: Stanza[]; error?: string } {
  const out: Stanza[] = [];
  const nul = text.indexOf('\0');
  if (nul >= 0) return { stanzas: out, error: `line ${text.slice(0, nul).split('\n').length}: a NUL byte` };
  if (finalNewline && text !== '' && !text.endsWith('\n')) return { stanzas: out, error: `line ${text.split('\n').length}: no newline at the end of the file` };
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  let current: Stanza | undefined;
  let last: string | undefined;
  for (const [i, line] of lines.entries()) {
    if (line === '') {
      current = undefined;
      continue;
    }
    if (/^[ \t\v\f\r]/.test(line)) {
      if (!current || last === undefined) return { stanzas: out, error: `line ${i + 1}: a continuation line before any field` };
      current.fields.set(last, `${current.fields.get(last)}\n${line}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon < 0) return { stanzas: out, error: `line ${i + 1}: field name ${JSON.stringify(line)} has no colon` };
    const name = line.slice(0, colon).trimEnd().toLowerCase();
    if (name === '') return { stanzas: out, error: `line ${i + 1}: an empty field name` };
    if (!current) out.push((current = { fields: new Map(), line: i + 1 }));
    if (current.fields.has(name)) return { stanzas: out, error: `line ${i + 1}: field ${line.slice(0, colon)} given twice in one stanza` };
    current.fields.set(name, line.slice(colon + 1));
    last = name;
  }
  for (const s of out) for (const [k, v] of s.fields) s.fields.set(k, v.trim());
  return { stanzas: out };
}

/** The reason dpkg-query refuses a version (its own words), or undefined; what it only warns about passes. */
export function dpkgVersionError(version: string): string | undefined {
  if (version === '') return 'version string is empty';
  if (/\s/.test(version)) return 'version string has embedded spaces';
  let rest = version;
  const colon = version.indexOf(':');
  if (colon >= 0) {
    const epoch = /^[+-]?\d+/.exec(version)?.[0];
    if (epoch === undefined) return 'epoch in version is empty';
    if (epoch.length !== colon) return 'epoch in version is not number';
    if (Number(epoch) < 0) return 'epoch in version is negative';
    if (Number(epoch) > INT_MAX) return 'epoch in version is too big';
    rest = version.slice(colon + 1);
    if (rest === '') return 'nothing after colon in version number';
  }
  const hyphen = rest.lastIndexOf('-');
  if (hyphen >= 0 && hyphen === rest.length - 1) return 'revision number is empty';
  if ((hyphen >= 0 ? rest.slice(0, hyphen) : rest) === '') return 'version number is empty';
  return undefined;
}

/** Awaited triggers go with half-installed to triggers-awaited, pending ones with triggers-awaited or -pending. */
function triggerError(state: string, awaited: boolean, pending: boolean): string | undefined {
  const at = STATE_ORDER.indexOf(state);
  if (awaited && (at < 2 || at > 5)) return `status ${state} but triggers are awaited`;
  if (!awaited && state === 'triggers-awaited') return 'status triggers-awaited but no triggers awaited';
  if (pending && (at < 5 || at > 6)) return `status ${state} but triggers are pending`;
  if (!pending && state === 'triggers-pending') return 'status triggers-pending but no triggers pending';
  return undefined;
}

/** One stanza as a record, or the reason dpkg refuses it. `statusD`: distroless files, Status and Version optional. */
function recordOf(s: Stanza, statusD: boolean): DpkgRecord | string {
  const f = s.fields;
  const raw = f.get('package');
  if (raw === undefined) return "missing 'Package' field";
  const name = raw.toLowerCase();
  if (!/^[a-z0-9]/.test(name)) return `invalid package name ${JSON.stringify(raw)}: must start with an alphanumeric character`;
  if (/[^a-z0-9+\-._]/.test(name)) return `invalid package name ${JSON.stringify(raw)}: only letters, digits and '-+._'`;
  const status = f.get('status');
  let state = statusD ? 'installed' : 'not-installed';
  if (status !== undefined) {
    const words = status.split(/\s+/).map((w) => w.toLowerCase());
    if (words.length !== 3) return `package ${name}: Status ${JSON.stringify(status)} is not three words`;
    const [want, eflag, st] = words as [string, string, string];
    if (!WANTS.has(want) || !EFLAGS.has(eflag) || !DPKG_STATES.has(st)) return `package ${name}: Status ${JSON.stringify(status)} has a word dpkg does not know`;
    state = st;
  }
  const triggers = triggerError(state, !!f.get('triggers-awaited'), !!f.get('triggers-pending'));
  if (triggers) return `package ${name}: ${triggers}`;
  const version = f.get('version');
  if (version !== undefined) {
    const bad = dpkgVersionError(version);
    if (bad) return `package ${name}: Version ${JSON.stringify(version)}: ${bad}`;
  } else if (!statusD && state !== 'not-installed' && state !== 'half-installed') return `package ${name}: missing 'Version' field`;
  const arch = f.get('architecture') ?? '';
  const multiArch = f.get('multi-arch')?.toLowerCase();
  if (multiArch !== undefined && !MULTI_ARCH.has(multiArch)) return `package ${name}: Multi-Arch ${JSON.stringify(multiArch)} is not no, foreign, allowed or same`;
  if (multiArch === 'same' && arch === 'all') return `package ${name}: Multi-Arch: same with architecture all`;
  const record: DpkgRecord = { name, arch, same: multiArch === 'same', state, version: version ?? '' };
  // `Source: name` or `Source: name (version)`, as dpkg-query's ${source:Package} and ${source:Version} read it.
  const source = /^(\S+)(?:\s+\((\S+)\))?$/.exec(f.get('source') ?? '');
  if (source) record.source = source[2] ? { name: source[1]!.toLowerCase(), version: source[2] } : { name: source[1]!.toLowerCase() };
  return record;
}

/** The file's records in order, or the first reason dpkg refuses the file (with its line). */
export function parseDpkgFile(text: string, statusD = false): { records: (DpkgRecord & { line: number })[]; error?: string } {
  // No dpkg reads status.d (its readers are scanners): a file cut without its final newline is read all the same.
  const parsed = stanzas(text, !statusD);
  const records: (DpkgRecord & { line: number })[] = [];
  for (const s of parsed.stanzas) {
    const r = recordOf(s, statusD);
    if (typeof r === 'string') return { records, error: `line ${s.line}: ${r}` };
    records.push({ ...r, line: s.line });
  }
  return parsed.error ? { records, error: parsed.error } : { records };
}
