import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderConfigDoc } from '../../src/config.js';
import { ERROR_CODES } from '../../src/domain/errors.js';
import { renderModelSchema } from '../../src/domain/scoring/model-schema.js';
import { renderOpenApiDocument } from '../support/openapi.js';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

describe('committed generated files', () => {
  it('docs/config.md lists every setting as the code declares it (run `npm run generate`)', () => {
    expect(read('docs/config.md')).toBe(renderConfigDoc());
  });

  it('docs/openapi.json is the document the server publishes (run `npm run generate`)', async () => {
    expect(read('docs/openapi.json')).toBe(await renderOpenApiDocument());
  });

  it('docs/scoring-model.schema.json is the schema `hearth model schema` prints (run `npm run generate`)', () => {
    expect(read('docs/scoring-model.schema.json')).toBe(renderModelSchema());
  });

  it('docs/errors.md describes every error code', () => {
    const page = read('docs/errors.md');
    for (const code of ERROR_CODES) expect(page).toContain(`\`${code}\``);
  });
});
