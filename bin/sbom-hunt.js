#!/usr/bin/env node
// Entry point: the CLI is one bundled file, dist/sbom-hunt.cjs, run by dist/launch.js with V8's code cache (both
// built by `npm run build`, and by `npm ci` through the prepare script).
// This file is read by whatever Node the user has: the version check below uses only syntax every Node
// since 0.10 parses, and runs before anything is imported, so an old Node says what it needs instead of
// failing inside node:sqlite (or worse, mistaking the cache for a corrupt file).
var NEED = [22, 13];
var have = String(process.versions.node).split('.').map(Number);
if (have[0] < NEED[0] || (have[0] === NEED[0] && have[1] < NEED[1])) {
  process.stderr.write('sbom-hunt: error: Node.js ' + process.versions.node + ' is too old; sbom-hunt needs Node.js >= ' + NEED.join('.') +
    ' (install it from https://nodejs.org/en/download, or in a checkout run `. scripts/node-env.sh`)\n');
  process.exit(2);
}

import('../dist/launch.js').then(function (launcher) {
  // The code V8 compiled for this run is kept for the next one (src/cli/launch.ts): a warm start loads in a
  // fraction of the time, which matters for CI gates and hunts answered in under a second.
  var run = launcher.launchBundled(process.argv);
  // Exit as soon as the report is written: work abandoned past --image-timeout (a registry trickling bytes
  // forever) must not keep the process alive.
  // A pipe is not written synchronously: exit only once stdout and stderr have handed everything over, or a
  // report piped into jq is cut at the pipe's buffer (80 KiB seen).
  return run.exports.main(process.argv).then(function (code) {
    run.save();
    process.stdout.write('', function () {
      process.stderr.write('', function () {
        process.exit(code);
      });
    });
  });
});
