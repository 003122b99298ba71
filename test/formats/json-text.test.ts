// JSON text -> values: single documents, streams of envelopes, and where a fault is.
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { checkJsonDepth, MAX_JSON_DEPTH, parseJsonValues } from '../../src/formats/json-text.js';

function faultOf(text: string): InputError {
  try {
    parseJsonValues(text, 'f.json');
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
  throw new Error('expected an InputError');
}

describe('parseJsonValues', () => {
  it.each([
    ['one object', '{"a":1}', [{ a: 1 }]],
    ['one array', '[1,2]', [[1, 2]]],
    ['JSON lines', '{"a":1}\n{"b":2}\n', [{ a: 1 }, { b: 2 }]],
    ['pretty-printed stream', '{\n  "a": "}"\n}\n{\n  "b": "\\"{"\n}\n', [{ a: '}' }, { b: '"{' }]],
    ['values back to back', '{"a":1}{"b":2}', [{ a: 1 }, { b: 2 }]],
  ])('%s', (_name, text, want) => {
    expect(parseJsonValues(text, 'f.json')).toEqual(want);
  });

  it.each([
    ['empty', '', /empty file/, undefined],
    ['whitespace only', ' \n\t\n', /empty file/, undefined],
    ['cut inside an object', '{\n"a": {\n"b": 1', /truncated JSON/, 3],
    ['cut inside a string', '{\n"a": "abc', /truncated JSON/, 2],
    ['second value cut short', '{"a":1}\n{"b":\n', /truncated JSON/, 2],
    ['syntax error on line 3', '{\n"a": 1,\n"b" 2\n}', /not valid JSON/, 3],
    ['syntax error in the second value', '{"a":1}\n{"b":2,,}\n', /not valid JSON/, 2],
    ['plain text', 'hello', /not valid JSON/, undefined],
  ])('%s', (_name, text, message, line) => {
    const err = faultOf(text);
    expect(err.file).toBe('f.json');
    expect(err.detail).toMatch(message);
    expect(err.line).toBe(line);
  });
});

describe('checkJsonDepth', () => {
  const nest = (depth: number, wrap: (v: unknown) => unknown): unknown => {
    let v: unknown = 1;
    for (let d = 0; d < depth; d++) v = wrap(v);
    return v;
  };
  it.each([
    ['arrays', (v: unknown) => [v]],
    ['objects', (v: unknown) => ({ k: v })],
    ['objects beside other keys', (v: unknown) => ({ a: 'x', b: null, k: v, z: 2 })],
    ['arrays and objects in turn', (v: unknown) => (Array.isArray(v) ? { k: v } : [0, v])],
  ])('%s: 512 levels are read, one more is refused', (_, wrap) => {
    expect(() => checkJsonDepth(nest(MAX_JSON_DEPTH, wrap), 'f.json')).not.toThrow();
    expect(() => checkJsonDepth(nest(MAX_JSON_DEPTH + 1, wrap), 'f.json')).toThrow(/nested more than 512 levels deep/);
  });
});
