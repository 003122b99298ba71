// A zod schema built the first time it is used, not when its module loads. zod builds each schema eagerly (every
// trait's init, its checks, its shape): the CLI's 146 module-level schemas were ~18 ms of a 5-file scan's CPU
// profile (zod's own code, 38.7 -> 20.3 ms), and a run uses a handful of them. `lazySchema(() => z.object({...}))` has the schema's own type;
// any use (safeParse, _zod, composition into another schema, instanceof) builds it once and forwards to it.

/** The schema `make` returns, built on first use. `make` must be pure: it may run at any later time. */
export function lazySchema<T extends object>(make: () => T): T {
  let real: T | undefined;
  const get = (): T => (real ??= make());
  return new Proxy(Object.create(null) as T, {
    get: (_t, key) => {
      const r = get();
      return Reflect.get(r, key, r);
    },
    has: (_t, key) => Reflect.has(get(), key),
    set: (_t, key, value) => Reflect.set(get(), key, value),
    ownKeys: () => Reflect.ownKeys(get()),
    getOwnPropertyDescriptor: (_t, key) => {
      const d = Reflect.getOwnPropertyDescriptor(get(), key);
      // A proxy may not report a non-configurable property its target lacks; report it configurable instead.
      return d && { ...d, configurable: true };
    },
    defineProperty: (_t, key, desc) => Reflect.defineProperty(get(), key, desc),
    deleteProperty: (_t, key) => Reflect.deleteProperty(get(), key),
    getPrototypeOf: () => Reflect.getPrototypeOf(get()),
  });
}
