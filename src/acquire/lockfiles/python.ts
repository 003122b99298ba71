// Helpers shared by the Python lockfile parsers.

/** PEP 503 normalised name, so `Zope.Interface` in one place finds `zope-interface` in another. */
export function normalizePythonName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** Ids of packages by normalised name; a lockfile may hold several versions of one name (per marker). */
export function indexByName<T extends { name: string }>(items: Iterable<[string, T]>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [id, item] of items) {
    const key = normalizePythonName(item.name);
    const list = out.get(key);
    if (list) list.push(id);
    else out.set(key, [id]);
  }
  return out;
}
