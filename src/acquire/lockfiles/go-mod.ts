// go.mod: the build list as `go mod tidy` leaves it (Go 1.17+ lists every module the build needs), with
// `replace` applied as the go command applies it: the replacement is what gets built.
import { canonicalGo, compareGo, majorProblem } from '../../match/version-order/go-semver.js';
import type { Package } from '../../model/package.js';
import type { LockfileParser, LockfileResult } from './lockfile.js';

const DIRECTIVES = new Set(['module', 'go', 'toolchain', 'godebug', 'require', 'exclude', 'replace', 'retract', 'tool', 'ignore']);

/** Tokens of a line without its comment: bare words, "interpreted" and `raw` strings, and `=>`. */
function tokens(line: string): string[] | string {
  const out: string[] = [];
  const re = /\s*(?:(\/\/.*)|"((?:[^"\\]|\\.)*)"|`([^`]*)`|(=>)|([^\s"`]+))/y;
  let m: RegExpExecArray | null;
  while (re.lastIndex < line.length && (m = re.exec(line))) {
    if (m[1] !== undefined) break;
    if (m[2] !== undefined) {
      try {
        out.push(JSON.parse(`"${m[2]}"`) as string);
      } catch {
        return `bad quoted string "${m[2]}"`;
      }
    } else out.push(m[3] ?? m[4] ?? m[5]!);
  }
  if (re.lastIndex < line.length && line.slice(re.lastIndex).trim() !== '' && !line.slice(re.lastIndex).trim().startsWith('//')) return 'unterminated string';
  return out;
}

interface Replacement {
  /** Undefined: every version of the module. */
  fromVersion?: string;
  path: string;
  /** Undefined: a directory on disk. */
  version?: string;
}

/** A version the go command accepts in go.mod (golang.org/x/mod/semver, no leading zeros). */
const isVersion = (v: string) => canonicalGo(v) !== undefined;
const isDirectory = (p: string) => /^(?:\.\.?(?:\/|\\|$)|\/|[A-Za-z]:[\\/])/.test(p);

/** Requires and replaces by line, or why a line is not one (the go command would refuse the file). */
function readDirectives(text: string, file: string) {
  const requires: { path: string; version: string; line: number }[] = [];
  const replaces = new Map<string, Replacement[]>();
  const errors: string[] = [];
  let block: string | undefined;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    const words = tokens(raw);
    if (typeof words === 'string') return void errors.push(`${file}:${line}: ${words}`);
    if (words.length === 0) return;
    if (block !== undefined && words.length === 1 && words[0] === ')') return void (block = undefined);
    let verb = block;
    let args = words;
    if (verb === undefined) {
      verb = words[0]!;
      args = words.slice(1);
      if (!DIRECTIVES.has(verb)) return void errors.push(`${file}:${line}: unknown directive ${verb}`);
      if (args.length === 1 && args[0] === '(') return void (block = verb);
    }
    // The go command refuses a version that does not fit its module path's major version (/v2 takes v2.x.y).
    const badMajor = (path: string, v: string) => {
      const why = majorProblem(path, v);
      if (why) errors.push(`${file}:${line}: ${verb} ${path}: version "${v}" invalid: ${why}`);
      return why !== undefined;
    };
    if (verb === 'require') {
      if (args.length !== 2 || !isVersion(args[1]!)) return void errors.push(`${file}:${line}: expected "require <module> <version>", got "${raw.trim()}"`);
      if (badMajor(args[0]!, args[1]!)) return;
      // Written as the go command rewrites it: `v1.2` is v1.2.0, build metadata but +incompatible dropped.
      requires.push({ path: args[0]!, version: canonicalGo(args[1]!)!, line });
    } else if (verb === 'exclude') {
      if (args.length !== 2 || !isVersion(args[1]!)) return void errors.push(`${file}:${line}: expected "exclude <module> <version>", got "${raw.trim()}"`);
      badMajor(args[0]!, args[1]!);
    } else if (verb === 'replace') {
      const arrow = args.indexOf('=>');
      const [from, to] = [args.slice(0, arrow), args.slice(arrow + 1)];
      const ok = arrow >= 1 && from.length <= 2 && (from[1] === undefined || isVersion(from[1])) && (to.length === 1 ? isDirectory(to[0]!) : to.length === 2 && isVersion(to[1]!));
      if (!ok) return void errors.push(`${file}:${line}: expected "replace <module> [<version>] => <module> <version> | <directory>", got "${raw.trim()}"`);
      if (from[1] !== undefined && badMajor(from[0]!, from[1])) return;
      const list = replaces.get(from[0]!) ?? [];
      list.push({ ...(from[1] !== undefined ? { fromVersion: canonicalGo(from[1])! } : {}), path: to[0]!, ...(to[1] !== undefined ? { version: canonicalGo(to[1])! } : {}) });
      replaces.set(from[0]!, list);
    }
  });
  if (block !== undefined) errors.push(`${file}: the ${block} ( block is never closed`);
  return { requires, replaces, errors };
}

function parseGoMod(text: string, file: string): LockfileResult {
  const { requires, replaces, errors } = readDirectives(text, file);
  const packages: Package[] = [];
  const notes: string[] = [];
  // A module required twice is built at the higher version (minimal version selection over the main module).
  const selected = new Map<string, (typeof requires)[number]>();
  for (const req of requires) {
    const seen = selected.get(req.path);
    if (!seen || compareGo(req.version, seen.version) > 0) selected.set(req.path, req);
  }
  for (const req of selected.values()) {
    const candidates = replaces.get(req.path) ?? [];
    // A replacement of one version wins over a replacement of every version, as in the go command.
    const rep = candidates.find((r) => r.fromVersion === req.version) ?? candidates.find((r) => r.fromVersion === undefined);
    if (!rep) {
      packages.push({ ecosystem: 'go', name: req.path, version: req.version, paths: [file] });
    } else if (rep.version === undefined) {
      notes.push(`${file}:${req.line}: ${req.path} ${req.version} is replaced by the directory ${rep.path}: built from source in the tree, listed without a version`);
      packages.push({ ecosystem: 'go', name: req.path, version: '', paths: [file] });
    } else {
      notes.push(`${file}:${req.line}: ${req.path} ${req.version} is replaced by ${rep.path} ${rep.version}, which is what gets built`);
      packages.push({ ecosystem: 'go', name: rep.path, version: rep.version, paths: [file] });
    }
  }
  return { packages, notes, errors };
}

export const goModParser = {
  name: 'go-mod',
  matches: (fileName) => fileName === 'go.mod',
  parse: parseGoMod,
} satisfies LockfileParser;
