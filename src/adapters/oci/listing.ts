// Bounds of a registry listing (catalog, tags): names, bytes and pages, so a hostile registry cannot exhaust memory.
import { ToolError } from '../../errors.js';

/** How many names listings may hold: the `--max-repositories` and `--max-tags` flags. */
export interface ListBounds {
  /** Repositories one catalog may list. */
  maxRepositories: number;
  /** Tags one source may list, across every repository of its catalog. */
  maxTags: number;
}

export const DEFAULT_LIST_BOUNDS: ListBounds = { maxRepositories: 100_000, maxTags: 1_000_000 };

/** Bytes of pages one listing (a catalog, one repository's tags) may send in all: a million long names fit. */
export const MAX_LISTING_BYTES = 256 * 1024 * 1024;
/** Pages in a row that bring no new name: a registry paging forward never does this. */
export const STALL_PAGES = 100;
/** Pages a listing may take: ten names a page at least, plus slack for registries that page small. */
export function maxPagesFor(limit: number): number {
  return Math.ceil(limit / 10) + 100;
}

/** A share of names that several listings draw from (every repository's tags in one catalog). */
export class NameBudget {
  private used = 0;
  constructor(
    readonly limit: number,
    /** What is counted, plural: `repositories`, `tags`. */
    readonly noun: string,
    readonly flag: string,
  ) {}

  /** Takes one name; false when the budget is spent. */
  take(): boolean {
    if (this.used >= this.limit) return false;
    this.used++;
    return true;
  }

  get spent(): boolean {
    return this.used >= this.limit;
  }

  describe(): string {
    return `over ${this.limit.toLocaleString('en-US')} ${this.noun} (limit; raise it with ${this.flag})`;
  }
}

/** A listing cut at a bound: the names read before it are kept, to be scanned, and the source is incomplete. */
export class ListingLimitError extends ToolError {
  override name = 'ListingLimitError';
  constructor(
    host: string,
    /** Which bound ended the listing, without the host the message leads with. */
    readonly reason: string,
    readonly partial: string[],
  ) {
    super(host, reason);
  }
}

/**
 * The pages and bytes one listing has taken, checked as each page is asked for and arrives; `fail` says why it
 * ends (with the names read so far, for a listing of names).
 */
export class ListingMeter {
  private bytes = 0;
  private pages = 0;

  constructor(
    private readonly maxPages: number,
    /** How the page bound can be raised, if at all: `it grows with --max-tags`. */
    private readonly raise: string | undefined,
    private readonly fail: (why: string) => never,
  ) {}

  /** Before a page is asked for: the page bound. */
  beforePage(): void {
    if (this.pages >= this.maxPages) this.fail(`pagination does not end: over ${this.maxPages.toLocaleString('en-US')} pages (limit${this.raise ? `; ${this.raise}` : ''})`);
  }

  /** One page's size in bytes, before it is parsed. */
  addBytes(n: number): void {
    this.bytes += n;
    this.pages++;
    if (this.bytes > MAX_LISTING_BYTES) this.fail(`pages total over ${MAX_LISTING_BYTES / 1024 ** 2} MiB after ${this.pages.toLocaleString('en-US')} pages (limit of one listing)`);
  }
}

/**
 * Gathers one listing's names page by page: duplicates counted once, a name longer than any valid one kept
 * only as its first `maxNameChars + 1` characters (so it still fails validation, and a name of megabytes is
 * not held), every bound checked as each page arrives.
 */
export class ListingCollector {
  private readonly names = new Set<string>();
  private stalled = 0;
  readonly meter: ListingMeter;

  constructor(
    private readonly host: string,
    private readonly what: string,
    private readonly budget: NameBudget,
    private readonly maxNameChars: number,
    /** Names listed and counted but not handed on (a repository's signature and attestation tags). */
    private readonly keep: (name: string) => boolean = () => true,
  ) {
    this.meter = new ListingMeter(maxPagesFor(budget.limit), `it grows with ${budget.flag}`, (why) => this.fail(why));
  }

  /** One page's names. */
  addNames(names: readonly string[]): void {
    let fresh = 0;
    for (const raw of names) {
      const name = raw.length > this.maxNameChars ? copyOf(raw.slice(0, this.maxNameChars + 1)) : raw;
      if (this.names.has(name)) continue;
      if (!this.budget.take()) this.fail(this.budget.describe());
      this.names.add(name);
      fresh++;
    }
    this.stalled = fresh > 0 ? 0 : this.stalled + 1;
    if (this.stalled >= STALL_PAGES) this.fail(`pagination does not progress: ${STALL_PAGES} pages in a row listed no new name`);
  }

  result(): string[] {
    return [...this.names].filter(this.keep);
  }

  private fail(why: string): never {
    throw new ListingLimitError(this.host, `${this.what}: ${why}`, this.result());
  }
}

/** A slice can keep its parent string alive in V8: a flat copy lets a name of megabytes be freed. */
function copyOf(s: string): string {
  return Buffer.from(s, 'utf8').toString('utf8');
}
