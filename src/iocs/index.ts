// IOC files -> validated IOC set: the public surface of src/iocs.
export { loadIocs, lintIocs, listIocFiles, IOC_EXTENSIONS, type LintResult } from './load.js';
export { parseIocFile } from './parse.js';
export { parseWindow, parseIsoTime, parseDurationMs } from './window.js';
export { IOC_API_VERSION } from './schema.js';
