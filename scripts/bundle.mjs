// `npm run build`, second step: the CLI and every dependency it runs bundled as ESM: dist/sbom-hunt.js, which
// bin/sbom-hunt.js loads, and its chunks in dist/chunks/. A bundle starts in a fraction of the time 445 modules take
// to resolve and load; what a command does not use sits behind dynamic import() in a chunk of its own, which is
// neither read nor compiled until that command runs (one 3 MB file cost `--version` ~60 ms just to load).
import { rm, writeFile } from 'node:fs/promises';

// A checkout installed before esbuild joined the devDependencies has no esbuild: say what to run, not a stack.
const { build } = await import('esbuild').catch(() => {
  process.stderr.write('sbom-hunt build: esbuild is not installed; run `npm ci` (it is a devDependency since the CLI ships as one bundled file)\n');
  process.exit(1);
});

// Chunks of an earlier build would linger (and ship) beside the new ones.
await rm('dist/chunks', { recursive: true, force: true });
const result = await build({
  // The CLI, and the worker that reads and decodes SBOM files on the other cores (src/acquire/decode-pool.ts).
  entryPoints: { 'sbom-hunt': 'src/cli/main.ts', 'decode-worker': 'src/acquire/decode-worker.ts' },
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'esm',
  // What a command does not use is its own chunk, loaded by the import() that needs it.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  target: 'node22.13',
  // CommonJS dependencies (yaml, commander, semver...) call require() for Node's own modules.
  // Made on first call: createRequire in each of some twenty chunks cost ~5 ms of every start, and most never call it.
  banner: { js: "import { createRequire as __sbomHuntCreateRequire } from 'node:module';\nlet __sbomHuntRequire;\nfunction require(id) { return (__sbomHuntRequire ??= __sbomHuntCreateRequire(import.meta.url))(id); }" },
  metafile: true,
  logLevel: 'warning',
});
if (process.env.SBOM_HUNT_BUNDLE_META) await writeFile(process.env.SBOM_HUNT_BUNDLE_META, JSON.stringify(result.metafile));
