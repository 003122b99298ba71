// The yaml package, loaded the first time a YAML text is read: a scan of JSON SBOMs against a compiled IOC set
// never needs it, and building its modules was part of every start-up.
import type * as Lib from 'yaml';
import { lazyLib } from './lazy-lib.js';

export const yamlLib = lazyLib<typeof Lib>('yaml', () => require('yaml'));
