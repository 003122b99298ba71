// RubyGems version ordering (Gem::Version), by @renovatebot/ruby-semver.
import { eq, gt, valid } from '@renovatebot/ruby-semver';
import type { VersionOrder } from './order.js';

export const gemOrder: VersionOrder = {
  problem: (v) => (valid(v) === null ? 'not a RubyGems version' : undefined),
  compare: (a, b) => (eq(a, b) ? 0 : gt(a, b) ? 1 : -1),
};
