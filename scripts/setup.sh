#!/usr/bin/env bash
# One-time set-up on a fresh Debian/Ubuntu machine: the real components the tests start, Node >= 22.13, dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
[ -x /usr/bin/docker-registry ] || need+=(docker-registry)
command -v htpasswd >/dev/null 2>&1 || need+=(apache2-utils)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v kubectl >/dev/null 2>&1 || need+=(kubernetes-client)
# pip's own requirements reader is the oracle of test/acquire/lockfiles/requirements-pip.test.ts.
/usr/bin/python3 -c 'import pip._internal.req.req_file' >/dev/null 2>&1 || need+=(python3-pip)
# Go's archive/tar is the oracle of test/oracle/ (the tar reader and layer apply differential tests).
command -v go >/dev/null 2>&1 || need+=(golang-go)
# umoci unpacks generated layouts as the second oracle of the final filesystem (test/oracle/umoci-unpack.test.ts).
command -v umoci >/dev/null 2>&1 || need+=(umoci)
# The catalogers' tests build real artifacts: Go executables (golang-go above), an rpmdb and rpm packages, jars.
command -v rpmbuild >/dev/null 2>&1 || need+=(rpm)
command -v zip >/dev/null 2>&1 || need+=(zip)
# The version orders' differential tests (test/match/version-order.test.ts) ask the ecosystems' own comparators:
# dpkg (always there), rpm.vercmp (rpm above), pip's packaging.version, Maven's ComparableVersion on a JVM.
/usr/bin/python3 -c 'import packaging.version' >/dev/null 2>&1 || need+=(python3-packaging)
[ -f /usr/share/java/maven-artifact-3.x.jar ] || need+=(libmaven3-core-java)
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
# The daemon sources (docker:, podman:) are tested with a real podman (test/cli/daemon-sources.test.ts).
command -v podman >/dev/null 2>&1 || need+=(podman)
# Images built by buildah with real npm installs and the real dpkg inside are read and checked against npm ls and
# dpkg-query (test/e2e/real-builds.test.ts, real-builds-deb.test.ts; dpkg and dpkg-deb are always there, umoci above).
command -v buildah >/dev/null 2>&1 || need+=(buildah)
# The real Debian base of test/e2e/real-builds-debian.test.ts is made by mmdebstrap from deb.debian.org (about
# 30 MB, once; kept in ~/.cache/sbom-hunt-tools/debian-base-*, so keep that folder between CI runs).
command -v mmdebstrap >/dev/null 2>&1 || need+=(mmdebstrap)
[ -f /usr/share/keyrings/debian-archive-keyring.gpg ] || need+=(debian-archive-keyring)
# The bench's reference matcher (bench/reference-matcher.py) is the guide's monitor: PyYAML built with libyaml.
/usr/bin/python3 -c 'import yaml; assert yaml.__with_libyaml__' >/dev/null 2>&1 || need+=(python3-yaml)
# Cargo.lock files Debian's cargo writes are read and checked against cargo metadata (test/oracle/cargo-lock.test.ts).
[ -x /usr/bin/cargo ] || need+=(cargo)
# Gemfile.lock files Debian's Bundler writes and installs from local gem repositories (test/oracle/gemfile-lock.test.ts).
command -v bundle >/dev/null 2>&1 || need+=(ruby-bundler)
# yarn.lock (v1) files Debian's Yarn writes and installs from a loopback registry (test/oracle/yarn-lock.test.ts).
command -v yarnpkg >/dev/null 2>&1 || need+=(yarnpkg)
# composer.lock files Debian's Composer writes from local artifact (php-zip), vcs and path repositories (test/oracle/composer-lock.test.ts).
command -v composer >/dev/null 2>&1 || need+=(composer)
php -r 'exit(extension_loaded("zip") ? 0 : 1);' >/dev/null 2>&1 || need+=(php-zip)
# Pipfile.lock files Debian's Pipenv writes from a local wheel index, which serves Debian's setuptools and wheel
# wheels to pip's isolated builds (test/oracle/pipfile-lock.test.ts).
command -v pipenv >/dev/null 2>&1 || need+=(pipenv)
ls /usr/share/python-wheels/setuptools-*.whl >/dev/null 2>&1 || need+=(python3-setuptools-whl)
ls /usr/share/python-wheels/wheel-*.whl >/dev/null 2>&1 || need+=(python3-wheel-whl)
# poetry.lock files Debian's Poetry (1.3) writes from the same kind of local wheel index, served on loopback
# (test/oracle/poetry-lock.test.ts).
command -v poetry >/dev/null 2>&1 || need+=(python3-poetry)
# `sbom-hunt completion zsh|fish` is run in the real shells (test/cli/version-completion.test.ts).
command -v zsh >/dev/null 2>&1 || need+=(zsh)
command -v fish >/dev/null 2>&1 || need+=(fish)
if [ ${#need[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  echo "==> apt-get install ${need[*]} (real components the tests start: OCI registry, htpasswd, Chromium, kubectl, pip, Go, rpm, zip, packaging, Maven's ComparableVersion, a JVM, podman, buildah, mmdebstrap, zsh, fish, PyYAML, umoci, cargo, Bundler, Yarn, Composer, Pipenv, Poetry)" >&2
  $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# shellcheck source=scripts/node-env.sh
. scripts/node-env.sh
echo "==> node $(node --version), npm $(npm --version)" >&2
npm ci --no-audit --no-fund

# pnpm is not packaged by Debian: the exact version the pnpm-lock.yaml oracle (test/oracle/pnpm-lock.test.ts) runs,
# from the npm registry into a cache of its own, outside the project's dependencies (it has install scripts,
# which the project's own lockfile allows none of; it runs without them).
PNPM_VERSION=12.4.2
pnpm_dir="${XDG_CACHE_HOME:-$HOME/.cache}/sbom-hunt-tools/pnpm-$PNPM_VERSION"
if [ ! -x "$pnpm_dir/node_modules/.bin/pnpm" ]; then
  echo "==> npm install pnpm@$PNPM_VERSION into $pnpm_dir" >&2
  npm install --prefix "$pnpm_dir" --no-save --ignore-scripts --no-audit --no-fund "pnpm@$PNPM_VERSION" >/dev/null
fi

# Deno is not packaged by Debian: its Linux x64 binary, as Deno publishes it to the npm registry (the package the
# `deno` npm wrapper installs), for the Deno npm cache oracle (test/oracle/deno-npm-cache.test.ts). ~90 MB, cached.
DENO_VERSION=2.9.6
deno_dir="${XDG_CACHE_HOME:-$HOME/.cache}/sbom-hunt-tools/deno-$DENO_VERSION"
if [ "$(uname -sm)" = "Linux x86_64" ] && [ ! -x "$deno_dir/node_modules/@deno/linux-x64-glibc/deno" ]; then
  echo "==> npm install @deno/linux-x64-glibc@$DENO_VERSION into $deno_dir" >&2
  npm install --prefix "$deno_dir" --no-save --ignore-scripts --no-audit --no-fund "@deno/linux-x64-glibc@$DENO_VERSION" >/dev/null
fi

# Yarn 2+ (berry) is not packaged by Debian either (Debian's yarnpkg is Yarn 1): the exact releases the berry yarn.lock
# oracle (test/oracle/yarn-berry-lock.test.ts) runs, one per lockfile version they write (3.8: 6, 4.0: 8, 4.18: the
# newest), each the single-file bundle @yarnpkg/cli-dist publishes (about 1 MB), cached the same way.
YARN_BERRY_VERSIONS="3.8.7 4.0.2 4.18.1"
for yarn_version in $YARN_BERRY_VERSIONS; do
  yarn_dir="${XDG_CACHE_HOME:-$HOME/.cache}/sbom-hunt-tools/yarn-$yarn_version"
  if [ ! -f "$yarn_dir/node_modules/@yarnpkg/cli-dist/bin/yarn.js" ]; then
    echo "==> npm install @yarnpkg/cli-dist@$yarn_version into $yarn_dir" >&2
    npm install --prefix "$yarn_dir" --no-save --ignore-scripts --no-audit --no-fund "@yarnpkg/cli-dist@$yarn_version" >/dev/null
  fi
done

# bun, for the bun.lock oracle (test/oracle/bun-lock.test.ts): the platform package of the exact releases, one per
# bun.lock version (1.1: 0, 1.2: 1, 1.4: 2), each a single executable (the `bun` package would pick it in a postinstall
# script, which runs nowhere here; about 35 MB to download, 3 s each once, then cached). Linux x64 and arm64 only;
# elsewhere the oracle says it is skipped.
BUN_VERSIONS="1.1.45 1.2.23 1.4.5"
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) bun_pkg=@oven/bun-linux-x64 ;;
  Linux-aarch64) bun_pkg=@oven/bun-linux-aarch64 ;;
  *) bun_pkg="" ;;
esac
for bun_version in $BUN_VERSIONS; do
  bun_dir="${XDG_CACHE_HOME:-$HOME/.cache}/sbom-hunt-tools/bun-$bun_version"
  if [ -n "$bun_pkg" ] && [ ! -x "$bun_dir/node_modules/$bun_pkg/bin/bun" ]; then
    echo "==> npm install $bun_pkg@$bun_version into $bun_dir" >&2
    npm install --prefix "$bun_dir" --no-save --ignore-scripts --no-audit --no-fund "$bun_pkg@$bun_version" >/dev/null
  fi
done
