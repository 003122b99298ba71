// The IOC decoders in the order they are tried, and the dispatch that picks one by sniffing the content.
import { InputError } from '../errors.js';
import type { Incident } from '../model/ioc.js';
import type { IocDecoder } from './decoder.js';
import { flatGuideList } from './flat-list.js';
import { osvJson } from './osv.js';
import { sbomHuntV1 } from './sbom-hunt-v1.js';
import { fastYamlValue } from './fast-yaml.js';
import { lineOf, readYaml, type YamlSource } from './yaml-source.js';

/** Tried in order: the first that says `mine` decodes the file. */
export const IOC_DECODERS = [sbomHuntV1, flatGuideList, osvJson] as const satisfies readonly IocDecoder[];

/** Tells "not a format I know" apart from "a format I know, in a version I do not". */
export function decodeIocSource(src: YamlSource): Incident[] {
  const value = src.value as Record<string, unknown>;
  for (const decoder of IOC_DECODERS) {
    const id = decoder.identify(value);
    if (id.kind === 'mine') return decoder.decode(src);
    if (id.kind === 'unsupported-version') {
      throw new InputError(src.file, `${id.field} ${id.version} is not one this sbom-hunt reads (it reads ${id.supported})`, lineOf(src, [id.field]), id.field);
    }
  }
  throw new InputError(src.file, 'not an IOC format I know: expected `apiVersion: sbom-hunt/v1` with `incidents:`, a flat `packages:` list, or an OSV record');
}

/**
 * One YAML IOC file's incidents. The fast value is decoded first; when it does not validate, the file is
 * read again by the `yaml` package and decoded from its document, so an error names the file, line and
 * field exactly as it always did, from the value the `yaml` package reads.
 */
export function decodeYamlIocs(text: string, file: string): Incident[] {
  const value = fastYamlValue(text);
  if (value === undefined) return decodeIocSource(readYaml(text, file));
  let full: YamlSource | undefined;
  const tree = (): YamlSource => (full ??= readYaml(text, file));
  const fast: YamlSource = {
    file,
    value,
    get doc() {
      return tree().doc;
    },
    get lines() {
      return tree().lines;
    },
  };
  try {
    return decodeIocSource(fast);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
  }
  return decodeIocSource(tree());
}
