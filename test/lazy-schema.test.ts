import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { lazySchema } from '../src/lazy-schema.js';
import { conforms } from '../src/formats/conforms.js';

describe('lazySchema', () => {
  it('builds the schema on first use, once', () => {
    let built = 0;
    const S = lazySchema(() => {
      built++;
      return z.object({ a: z.string() });
    });
    expect(built).toBe(0);
    expect(S.safeParse({ a: 'x' }).success).toBe(true);
    expect(S.safeParse({ a: 1 }).success).toBe(false);
    expect(built).toBe(1);
  });

  // Every kind of use a module makes of a schema, through the proxy and straight, must give the same answer.
  const inner = () => z.looseObject({ name: z.string().optional(), n: z.number().int().min(1).optional() });
  const outer = (i: z.ZodType) => z.looseObject({ items: z.array(i), tag: z.enum(['a', 'b']).default('a') });
  const LazyInner = lazySchema(inner);
  const Lazy = lazySchema(() => outer(LazyInner));
  const Eager = outer(inner());
  const inputs: unknown[] = [
    { items: [] },
    { items: [{ name: 'x', n: 2, extra: true }], tag: 'b' },
    { items: [{ name: 1 }] },
    { items: [{ n: 0 }] },
    { items: {} },
    { items: [], tag: 'c' },
    null,
    'text',
  ];

  it.each(inputs.map((v) => [JSON.stringify(v), v]))('parses %s as the schema itself does', (_label, v) => {
    const a = Lazy.safeParse(v);
    const b = Eager.safeParse(v);
    expect(a.success).toBe(b.success);
    expect(a.data).toEqual(b.data);
    expect(a.error?.issues).toEqual(b.error?.issues);
    expect(conforms(Lazy, v)).toBe(conforms(Eager, v));
  });

  it('composes, extends and answers instanceof like the schema', () => {
    expect(Lazy instanceof z.ZodObject).toBe(true);
    expect(LazyInner instanceof z.ZodString).toBe(false);
    expect(Object.keys(Lazy.shape)).toEqual(['items', 'tag']);
    const Extended = Lazy.extend({ more: z.boolean() });
    expect(Extended.safeParse({ items: [], more: true }).success).toBe(true);
    expect(Extended.safeParse({ items: [] }).success).toBe(false);
    expect(z.array(LazyInner).safeParse([{ name: 'y' }]).data).toEqual([{ name: 'y' }]);
    expect(() => Lazy.parse({ items: 3 })).toThrow(z.ZodError);
  });
});
