// `npm run build`, second step: the CLI and every dependency it runs bundled into one CommonJS file,
// dist/sbom-hunt.cjs, which bin/sbom-hunt.js runs through dist/launch.js (src/cli/launch.ts: V8's code cache taken
// after a run); dist/decode-worker.js is the decode worker's own (ESM). 445 modules took ~175 ms to resolve and load.
// One file, not chunks: what a command does not use is still not evaluated (esbuild wraps each module an import()
// reaches in an init function, run on first import); 40-odd chunks cost a 5-file scan ~35 ms more in resolution and
// module records than the one file. CommonJS, not ESM: V8 can cache a script's code after it ran, not a module's.
import { rm, writeFile } from 'node:fs/promises';
import { createRequire, isBuiltin } from 'node:module';

const localRequire = createRequire(import.meta.url);

// A checkout installed before esbuild joined the devDependencies has no esbuild: say what to run, not a stack.
const { build } = await import('esbuild').catch(() => {
  process.stderr.write('sbom-hunt build: esbuild is not installed; run `npm ci` (it is a devDependency since the CLI ships as one bundled file)\n');
  process.exit(1);
});

// Node's own modules load when the code that imports them first touches them, not at start-up. An ES module's
// imports are all resolved before it runs, and importing a built-in as ESM reads every one of its exports (Node
// builds the module's namespace from their values), which loads what the getters behind them hide: bundled as ESM,
// `import process from 'node:process'` loaded process.report, util's parseArgs and diff, worker_threads..., and every
// `import ... from 'node:child_process'` anywhere in the CLI became an import of the one file. A 5-file scan loaded
// ~90 built-in modules it never used (~12 ms on this machine: `node` importing child_process, zlib, worker_threads,
// net, crypto... against nothing). Each built-in is instead a CommonJS module that requires it, which reads no
// export: those Node has loaded before any user code runs when the importing module initializes, every other one
// on first access to one of its exports (getters and setters over the names the building Node's built-in exports;
// the build is made on the machine that runs it, `npm ci` runs `prepare`).
const PRELOADED = new Set(['process', 'fs', 'path', 'url', 'util', 'events', 'buffer', 'timers']);
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(b) {
    b.onResolve({ filter: /^(node:)?[a-z_/0-9]+$/ }, (args) => {
      const name = args.path.replace(/^node:/, '');
      if (!isBuiltin(args.path)) return undefined;
      return args.namespace === 'lazy-builtin' ? { path: `node:${name}`, external: true } : { path: name, namespace: 'lazy-builtin' };
    });
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => {
      const id = JSON.stringify(`node:${args.path}`);
      if (PRELOADED.has(args.path)) return { loader: 'js', contents: `module.exports = require(${id});\n` };
      const names = Object.keys(localRequire(`node:${args.path}`)).filter((k) => k !== '__esModule');
      return {
        loader: 'js',
        contents:
          `let m;\nconst load = () => (m ??= require(${id}));\nfor (const k of ${JSON.stringify(names)}) ` +
          'Object.defineProperty(exports, k, { enumerable: true, get: () => load()[k], set: (v) => { load()[k] = v; } });\n',
      };
    });
  },
};

// Chunks and the ESM bundle of earlier builds (until 2026-12) would linger (and ship) beside the new files.
await rm('dist/chunks', { recursive: true, force: true });
await rm('dist/sbom-hunt.js', { force: true });

const common = {
  bundle: true,
  platform: 'node',
  target: 'node22.13',
  minify: process.env.NOMIN !== '1',
  keepNames: true,
  plugins: [lazyBuiltins],
  metafile: true,
  logLevel: 'warning',
};
const cli = await build({
  ...common,
  entryPoints: { 'sbom-hunt': 'src/cli/main.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.cjs' },
  format: 'cjs',
  // The sources are ES modules: import.meta.url is the bundle's own URL (version.ts finds package.json from it).
  define: { 'import.meta.url': '__sbomHuntUrl' },
  banner: { js: 'var __sbomHuntUrl = require("node:url").pathToFileURL(__filename).href;' },
});
// The worker awaits at its top (ESM only); the launcher is what bin/ imports.
await build({
  ...common,
  entryPoints: { 'decode-worker': 'src/acquire/decode-worker.ts', launch: 'src/cli/launch.ts' },
  outdir: 'dist',
  format: 'esm',
  // CommonJS dependencies (yaml, commander, semver...) and the built-in stubs call require(). Made on first call.
  banner: { js: "import { createRequire as __sbomHuntCreateRequire } from 'node:module';\nlet __sbomHuntRequire;\nfunction require(id) { return (__sbomHuntRequire ??= __sbomHuntCreateRequire(import.meta.url))(id); }" },
});
if (process.env.SBOM_HUNT_BUNDLE_META) await writeFile(process.env.SBOM_HUNT_BUNDLE_META, JSON.stringify(cli.metafile));
