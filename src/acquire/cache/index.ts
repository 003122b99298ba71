// The SBOM cache: SQLite in the user's cache dir, keyed by digest and verification strength.
export { cacheAcquirer, storeAcquired, withCache } from './acquirer.js';
export { cachePath, CACHE_FILE, type CacheLocation } from './paths.js';
export { CacheStore, cachedEvidence, openCache, type CachedImage, type CacheEntryInput, type CacheStats, type HuntedImage, type PackageHit } from './store.js';
export { STRENGTHS, strengthOf, type CachePolicy, type Strength } from './strength.js';
export { cachePolicyFor, olderThan, type PolicyFlags } from './age.js';
