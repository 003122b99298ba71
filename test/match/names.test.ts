import { describe, expect, it } from 'vitest';
import { normalizeEcosystem } from '../../src/match/ecosystem.js';
import { normalizePackageName } from '../../src/match/names.js';
import { normalizeVersion } from '../../src/match/versions.js';

describe('normalizeEcosystem', () => {
  it.each([
    ['npm', 'npm'],
    ['NPM', 'npm'],
    ['PyPI', 'pypi'],
    ['pypi', 'pypi'],
    ['Maven', 'maven'],
    ['Go', 'go'],
    ['golang', 'go'],
    ['deb', 'deb'],
    ['Debian:12', 'deb'],
    ['apk', 'apk'],
    ['Alpine:v3.19', 'apk'],
    ['crates.io', 'cargo'],
    ['Red Hat:enterprise_linux:9', 'rpm'],
    ['Ubuntu:Pro:22.04:LTS', 'deb'],
    ['Wolfi', 'apk'],
    [' RubyGems ', 'gem'],
    ['', ''],
    [undefined, ''],
    ['SomethingNew', 'somethingnew'],
  ])('%s -> %s', (raw, want) => expect(normalizeEcosystem(raw)).toBe(want));
});

describe('normalizePackageName', () => {
  it.each([
    ['npm', 'Axios', 'axios'],
    ['npm', ' axios ', 'axios'],
    ['pypi', 'already-canonical', 'already-canonical'],
    ['npm', '@Scope/Name', '@scope/name'],
    ['npm', '@types/axios', '@types/axios'],
    ['pypi', 'LiteLLM', 'litellm'],
    ['pypi', 'lite_llm', 'lite-llm'],
    ['pypi', 'Lite.LLM', 'lite-llm'],
    ['pypi', 'lite__.-llm', 'lite-llm'],
    ['maven', 'org.example:evil-lib', 'org.example:evil-lib'],
    ['maven', 'org.example/evil-lib', 'org.example:evil-lib'],
    ['go', 'github.com/BurntSushi/toml', 'github.com/BurntSushi/toml'],
    ['deb', 'LibSSL3', 'libssl3'],
    ['apk', 'Busybox', 'busybox'],
    ['cargo', ' serde ', 'serde'],
  ])('%s %s -> %s', (eco, name, want) => expect(normalizePackageName(eco, name)).toBe(want));
});

describe('normalizeVersion', () => {
  it.each([
    ['npm', 'v1.14.1', '1.14.1'],
    ['npm', '1.14.1', '1.14.1'],
    ['npm', '=1.14.1', '1.14.1'],
    ['npm', '1.14.1+build.7', '1.14.1'],
    ['npm', '0.0.1-security', '0.0.1-security'],
    ['npm', 'not-semver', 'not-semver'],
    ['pypi', 'v1.82.7', 'v1.82.7'],
    ['deb', '1:3.0.11-1~deb12u2', '1:3.0.11-1~deb12u2'],
  ])('%s %s -> %s', (eco, v, want) => expect(normalizeVersion(eco, v)).toBe(want));
});
