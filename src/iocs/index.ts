// IOC files -> validated IOC set: the public surface of src/iocs.
export { loadIocs, lintIocs, listIocFiles, iocLoadMessage, IOC_EXTENSIONS, type IocLoadError, type IocLoadOptions, type LintResult } from './load.js';
export { decodeIocBuffer } from './decode-file.js';
export { iocCacheDir, IOC_LOADER_VERSION } from './compiled-cache.js';
export { foldIncidents } from './fold.js';
export { incidentsToYaml, type WrittenIocs } from './write-yaml.js';
export { installFeed, feedFileName, FEED_NAME } from './feed-install.js';
export { parseIocFile } from './parse.js';
export { parseWindow, parseIsoTime, parseDurationMs } from './window.js';
export { IOC_API_VERSION } from './schema.js';
