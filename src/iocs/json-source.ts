// JSON text -> YamlSource without building the YAML node tree unless an error needs a line number.
import { readYaml, type YamlSource } from './yaml-source.js';

/**
 * JSON.parse is some fifty times faster than the `yaml` package's node tree, which matters for a
 * bulk OSV feed of 200,000 records. The tree (for line numbers in errors) is built only when asked
 * for. Text that is not strict JSON goes through readYaml, which names the line of a syntax error.
 */
export function readJsonLazily(text: string, file: string): YamlSource {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return readYaml(text, file);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return readYaml(text, file);
  let full: YamlSource | undefined;
  const tree = (): YamlSource => (full ??= readYaml(text, file));
  return {
    file,
    value,
    get doc() {
      return tree().doc;
    },
    get lines() {
      return tree().lines;
    },
  };
}

/** A cheap look at a parsed JSON value: does it read as an OSV record (and not a package.json or some config)? */
export function looksLikeOsv(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  if (typeof v['schema_version'] === 'string' && typeof v['id'] === 'string') return true;
  return Array.isArray(v['affected']) && (typeof v['id'] === 'string' || 'schema_version' in v || 'modified' in v);
}
