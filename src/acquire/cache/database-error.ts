// The cache's one error kind, in a module of its own: the CLI's error handler names it without loading the cache.
/** A database file that could not be opened or written for a reason other than corruption: nothing was renamed or reset. */
export class DatabaseError extends Error {
  override name = 'DatabaseError';
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
  }
}
