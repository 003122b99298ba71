// YAML text -> one value, for SPDX YAML: every scalar a string (YAML's failsafe schema), aliases capped.
import { yamlLib } from '../yaml-lib.js';
import { InputError } from '../errors.js';
import { checkJsonDepth } from './json-text.js';
import { MAX_XML_CHARS } from './xml-text.js';

/** Aliases a document may use before it is refused: expanding them is YAML's billion-laughs. */
const MAX_YAML_ALIASES = 100;

/** True when the text looks like an SBOM in YAML: a top-level `spdxVersion:` or `bomFormat:` key. */
export function isYamlSbom(text: string): boolean {
  return /^["']?(?:spdxVersion|bomFormat)["']?[ \t]*:/m.test(text.slice(0, 64 * 1024));
}

/**
 * The failsafe schema keeps `versionInfo: 1.10` the string it is (the core schema would make it 1.1),
 * and `filesAnalyzed: false` a string, which nothing here reads.
 */
export function parseYaml(text: string, file: string): unknown {
  if (text.length > MAX_XML_CHARS) throw new InputError(file, `YAML larger than ${MAX_XML_CHARS / 1024 ** 2} MiB: not read`);
  let value: unknown;
  try {
    const doc = yamlLib().parseDocument(text, { schema: 'failsafe', prettyErrors: true, uniqueKeys: false });
    const first = doc.errors[0];
    if (first && /call stack/i.test(first.message)) throw new RangeError(first.message);
    if (first) throw new InputError(file, `not valid YAML: ${first.message.split('\n')[0] ?? ''}`, first.linePos?.[0]?.line);
    value = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (err) {
    if (err instanceof InputError) throw err;
    if (err instanceof RangeError) throw new InputError(file, 'YAML nested too deeply to read: not an SBOM any tool writes');
    const message = err instanceof Error ? err.message : String(err);
    throw new InputError(file, `not read as YAML: ${message.split('\n')[0] ?? ''}`);
  }
  checkJsonDepth(value, file);
  return value;
}
