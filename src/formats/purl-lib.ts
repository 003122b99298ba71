// packageurl-js, loaded the first time a purl needs it: building its module makes an Intl.Collator (about 7 ms of
// ICU start-up), which a scan of SBOMs whose purls are all plain (src/formats/purl.ts plainPurl) never needs.
import type * as Lib from 'packageurl-js';
import { lazyLib } from '../lazy-lib.js';

export const purlLib = lazyLib<typeof Lib>('packageurl-js', () => require('packageurl-js'));

/** `new PackageURL(...).toString()`, the purl the native catalogers write. */
export function purlString(type: string, namespace: string | undefined, name: string, version: string | undefined, qualifiers?: Record<string, string>): string {
  return new (purlLib().PackageURL)(type, namespace, name, version, qualifiers, undefined).toString();
}
