// `npm run build`, second step: the CLI and every dependency it runs bundled as ESM into one file, dist/sbom-hunt.js,
// which bin/sbom-hunt.js loads (and dist/decode-worker.js, the worker's own). 445 modules took ~175 ms to resolve and
// load. One file, not chunks: what a command does not use is still not evaluated (esbuild wraps each module an
// import() reaches in an init function, run on first import), and Node's compile cache (bin/) keeps the file's
// compiled code; 40-odd chunks cost a 5-file scan ~35 ms more in resolution and module records than the one file
// (`npm run bench -- startup`), for `--version` ~25 ms less.
import { rm, writeFile } from 'node:fs/promises';

// A checkout installed before esbuild joined the devDependencies has no esbuild: say what to run, not a stack.
const { build } = await import('esbuild').catch(() => {
  process.stderr.write('sbom-hunt build: esbuild is not installed; run `npm ci` (it is a devDependency since the CLI ships as one bundled file)\n');
  process.exit(1);
});

// Chunks of an earlier build (split bundles until 2026-12) would linger (and ship) beside the new file.
await rm('dist/chunks', { recursive: true, force: true });
const result = await build({
  // The CLI, and the worker that reads and decodes SBOM files on the other cores (src/acquire/decode-pool.ts).
  entryPoints: { 'sbom-hunt': 'src/cli/main.ts', 'decode-worker': 'src/acquire/decode-worker.ts' },
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'esm',
  splitting: false,
  target: 'node22.13',
  // CommonJS dependencies (yaml, commander, semver...) call require() for Node's own modules.
  // Made on first call: most runs never call it.
  banner: { js: "import { createRequire as __sbomHuntCreateRequire } from 'node:module';\nlet __sbomHuntRequire;\nfunction require(id) { return (__sbomHuntRequire ??= __sbomHuntCreateRequire(import.meta.url))(id); }" },
  metafile: true,
  logLevel: 'warning',
});
if (process.env.SBOM_HUNT_BUNDLE_META) await writeFile(process.env.SBOM_HUNT_BUNDLE_META, JSON.stringify(result.metafile));
