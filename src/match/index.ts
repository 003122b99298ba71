// Stage 4, pure: packages x IOCs -> matches and verdicts.
export { normalizeEcosystem } from './ecosystem.js';
export { normalizePackageName } from './names.js';
export { normalizeVersion, versionInRange, versionsEqual, versionProblem, compileRange, type CompiledRange } from './versions.js';
export { buildIocIndex, lookupEntries, type IocIndex, type IocEntry, type IndexedWindow } from './ioc-index.js';
export { matchPackages, matchPackagesDetailed, type DetailedMatch } from './match-packages.js';
export { checkWindows, reliableCreated, describeWindow, UNRELIABLE_BEFORE } from './windows.js';
export { judgeImage, judgePlatform } from './verdict.js';
