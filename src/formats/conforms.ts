// A check that a value already has a zod schema's shape, without zod building the copy it returns: a fleet's SBOMs
// are hundreds of thousands of objects, and zod's walk and copy cost more than JSON.parse itself. Only schemas whose
// output equals their input qualify (loose objects, arrays, optional and nullable, string, number, boolean, unknown,
// none with checks or transforms); for any other, or a value that does not fit, the answer is false and the caller
// asks zod, which gives the answer and the error. test/formats/conforms.test.ts holds it to zod on mutated documents.
import type * as z from 'zod';

type Check = (v: unknown) => boolean;

interface Def {
  type: string;
  checks?: unknown[];
  innerType?: z.ZodType;
  element?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
}

const compiled = new WeakMap<z.ZodType, Check>();
const never: Check = () => false;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** True only when zod would accept the value and return a value equal to it. */
export function conforms(schema: z.ZodType, value: unknown): boolean {
  return checkOf(schema)(value);
}

function checkOf(schema: z.ZodType): Check {
  let check = compiled.get(schema);
  if (!check) {
    // Set before compiling the parts, so a schema that refers to itself ends in `never`, not a loop.
    compiled.set(schema, never);
    check = compile((schema as unknown as { _zod: { def: Def } })._zod.def);
    compiled.set(schema, check);
  }
  return check;
}

function compile(def: Def): Check {
  if (def.checks !== undefined && def.checks.length > 0) return never;
  switch (def.type) {
    case 'string':
      return (v) => typeof v === 'string';
    case 'number':
      return (v) => typeof v === 'number' && Number.isFinite(v);
    case 'boolean':
      return (v) => typeof v === 'boolean';
    case 'unknown':
    case 'any':
      return () => true;
    case 'optional': {
      const inner = def.innerType ? checkOf(def.innerType) : never;
      return (v) => v === undefined || inner(v);
    }
    case 'nullable': {
      const inner = def.innerType ? checkOf(def.innerType) : never;
      return (v) => v === null || inner(v);
    }
    case 'array': {
      const element = def.element ? checkOf(def.element) : never;
      return (v) => Array.isArray(v) && v.every((e) => element(e));
    }
    case 'object':
      return compileObject(def);
    default:
      return never;
  }
}

/** A loose object only (unknown keys kept as they are); zod's default object drops unknown keys, so its output differs. */
function compileObject(def: Def): Check {
  const catchall = def.catchall as unknown as { _zod: { def: Def } } | undefined;
  if (!def.shape || catchall?._zod.def.type !== 'unknown') return never;
  const shape = def.shape;
  let fields: [string, Check][] | undefined;
  return (v) => {
    if (!isObject(v)) return false;
    fields ??= Object.keys(shape).map((k) => [k, checkOf(shape[k]!)]);
    for (const [key, check] of fields) if (!check(v[key])) return false;
    return true;
  };
}
