// The report's schema version alone: read by `--version` without loading the report's zod schemas.

/**
 * The JSON report's contract version (docs/report-schema.md). The minor number grows when fields are
 * added; the major number changes when a field is removed, renamed or changes meaning.
 */
export const REPORT_SCHEMA_VERSION = '1.6';
