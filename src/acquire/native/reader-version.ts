// The version of the native reader and its catalogers, recorded with every cached answer they gave.

/**
 * Bump whenever native reading or cataloguing changes what a platform yields (tar semantics, layer
 * application, platform selection, catalogers). A cache entry written by another version is re-read,
 * never trusted: a `clean` from a reader with a bug must not keep answering after the fix.
 *
 * 2: platforms chosen by content (labelled/artifactType image manifests read); Go archive/tar semantics.
 * 3: Python and Node loader rules, symlinked folders, Deno, Bun and npm download caches; unparsable
 *    manifests make the platform unknown.
 * 4: Go executables (build info, any path), the SQLite rpmdb (older rpmdb formats unknown), Java archives.
 * 5: members placed through symlinked parent folders, same-layer whiteouts and replacements, opaque markers
 *    over folders without an entry, as containerd applies layers (test/oracle/layer-apply.test.ts).
 * 6: build times from the SLSA provenance statements in the index's BuildKit attestation manifests.
 * 7: npm's hidden lockfile gives each package its resolved tarball URL and integrity.
 * 8: a package folder linked to a folder above it (or to the root) is that folder's package; a symlink loop where
 *    Node looks for a package makes the platform unknown (test/oracle/node-resolve.test.ts).
 * 9: a package is seen through the symlinks of every layer it outlived: one a later layer deleted, or reached only
 *    by a symlinked node_modules a later layer removed or re-linked, is listed as deleted
 *    (test/oracle/deleted-packages.test.ts).
 * 10: absolute and `..` member names (and hard-link targets) placed as containerd places them, not refused
 *    (test/oracle/layer-apply.test.ts, odd names).
 * 11: npm _cacache tarballs named in Artifactory's and npm pack's layouts too (scoped packages were missed).
 * 12: packages in Node's global folders (NODE_PATH, ~/.node_modules, <prefix>/lib/node) are listed; Deno's npm cache
 *    under any registry folder (localhost_4873, a URL path) and capitalised names (`_<base32>` folders).
 * 13: dpkg as dpkg-query reads it: the journal (var/lib/dpkg/updates/) an interrupted dpkg leaves is applied over
 *    the status file, and a package whose files are on disk (unpacked, half-configured...) is listed
 *    (test/e2e/real-builds-deb.test.ts, test/oracle/dpkg-journal.test.ts).
 * 14: Bun's install cache as bun names its folders (hashed pre-release and build tags, `@@<registry host>`, git,
 *    tarball and patched folders; a cache the Env moves, BUN_INSTALL_CACHE_DIR or BUN_INSTALL) and Yarn's cache
 *    zips by the locator's name (a `patch:` or `file:` package under another name), an oversized zip of another
 *    protocol than npm unknown
 *    (test/oracle/bun-install-cache.test.ts, test/oracle/yarn-berry-cache.test.ts).
 * 15: zips of any name on Python's sys.path (a site folder's .pth line, PYTHONPATH and a folder inside a zip on it,
 *    <prefix>/lib/pythonXY.zip) read as importlib.metadata reads them, found by their end record as layers stream and
 *    read again from their layer; archives with bytes before them; packages inside zips named `<zip>!/<entry>`
 *    (zipped eggs included); HOME from the image's /etc/passwd for Node's global folders
 *    (test/oracle/python-metadata.test.ts, test/e2e/real-builds-python.test.ts).
 * 16: Yarn cache zips by their file name wherever they sit (cacheFolder, globalFolder, YARN_CACHE_FOLDER,
 *    YARN_GLOBAL_FOLDER move the cache Plug'n'Play runs them from; test/oracle/yarn-pnp.test.ts), the folders
 *    .pnp.cjs / .pnp.data.json map names to (link:, portal:, workspaces), and Bun's cache
 *    folders by their `@@@<cache version>` marker wherever they sit (bunfig.toml's `[install.cache] dir`;
 *    test/oracle/bun-isolated.test.ts).
 * 17: dpkg packages carry a purl with their architecture, the os-release distribution and the Source package: a
 *    Multi-Arch: same library's instances (libc6:amd64, libc6:i386) are two packages, not one
 *    (test/e2e/real-builds-debian.test.ts).
 */
export const NATIVE_READER_VERSION = 17;

export const NATIVE_READER = `sbom-hunt-native/${NATIVE_READER_VERSION}`;
