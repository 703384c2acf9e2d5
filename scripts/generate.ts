// Writes the generated files that are committed: docs/config.md, docs/openapi.json and
// docs/scoring-model.schema.json.
// CI's test suite fails when they differ from what this would write (test/docs/generated.test.ts).
import { writeFileSync } from 'node:fs';
import { renderConfigDoc } from '../src/config.js';
import { renderModelSchema } from '../src/domain/scoring/model-schema.js';
import { renderOpenApiDocument } from '../test/support/openapi.js';

writeFileSync(new URL('../docs/config.md', import.meta.url), renderConfigDoc());
writeFileSync(new URL('../docs/openapi.json', import.meta.url), await renderOpenApiDocument());
writeFileSync(new URL('../docs/scoring-model.schema.json', import.meta.url), renderModelSchema());
console.log('wrote docs/config.md, docs/openapi.json and docs/scoring-model.schema.json');
