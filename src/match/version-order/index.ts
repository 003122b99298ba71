// Each ecosystem's version ordering, by canonical ecosystem name; an ecosystem without one compares exact text only.
import { apkOrder } from './apk.js';
import { debianOrder } from './deb.js';
import { gemOrder } from './gem.js';
import { mavenOrder } from './maven.js';
import { nugetOrder } from './nuget.js';
import type { VersionOrder } from './order.js';
import { pypiOrder } from './pypi.js';
import { rpmOrder } from './rpm.js';
import { goOrder, npmOrder, semverOrder } from './semver-like.js';

export type { VersionOrder } from './order.js';

const ORDERS: Record<string, VersionOrder> = {
  npm: npmOrder,
  pypi: pypiOrder,
  go: goOrder,
  maven: mavenOrder,
  deb: debianOrder,
  rpm: rpmOrder,
  apk: apkOrder,
  gem: gemOrder,
  cargo: semverOrder,
  nuget: nugetOrder,
  hex: semverOrder,
  pub: semverOrder,
  swift: semverOrder,
  bitnami: semverOrder,
};

/** The ordering for a canonical ecosystem, or undefined when sbom-hunt has none (exact versions only). */
export function versionOrder(ecosystem: string): VersionOrder | undefined {
  return Object.hasOwn(ORDERS, ecosystem) ? ORDERS[ecosystem] : undefined;
}

export const ORDERED_ECOSYSTEMS = Object.keys(ORDERS);
