// PyPI version ordering: PEP 440, by @renovatebot/pep440 (the ordering pip and packaging use).
import { compare, valid } from '@renovatebot/pep440';
import type { VersionOrder } from './order.js';

export const pypiOrder: VersionOrder = {
  problem: (v) => (valid(v) === null ? 'not a PEP 440 version' : undefined),
  compare: (a, b) => compare(a, b),
};
