import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import { validator } from '../../src/app/validation.js';
import { documentPath, schemaProblems } from '../../src/domain/schema-problems.js';

describe('documentPath', () => {
  it('reads a JSON pointer as a dotted path with indexes', () => {
    expect(documentPath('/fit/0/points')).toBe('fit[0].points');
    expect(documentPath('/3/type', 'body')).toBe('body[3].type');
  });

  it('unescapes ~1 and ~0 inside a segment instead of splitting it', () => {
    expect(documentPath('/attributes/a~1b/c~0d')).toBe('attributes.a/b.c~d');
  });
});

describe('schemaProblems', () => {
  it('names an unknown or missing property whose name holds a slash as one field', () => {
    const problems = schemaProblems([
      {
        keyword: 'additionalProperties',
        instancePath: '/where',
        params: { additionalProperty: 'utm/source' },
      },
      { keyword: 'required', instancePath: '', params: { missingProperty: 'a~b' } },
    ]);
    expect(problems).toEqual([
      { path: 'where.utm/source', message: 'is not a known field' },
      { path: 'a~b', message: 'is required' },
    ]);
  });

  it('does so through a compiled validator too', () => {
    const strict = validator(Type.Object({ name: Type.String() }, { additionalProperties: false }));
    const checked = strict.check({ name: 'x', 'a/b': 1 });
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.problems).toEqual([{ path: 'a/b', message: 'is not a known field' }]);
  });
});
