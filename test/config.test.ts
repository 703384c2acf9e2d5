import { describe, expect, it } from 'vitest';
import { describeConfig, loadConfig } from '../src/config.js';
import { HearthError } from '../src/domain/errors.js';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      dataDir: './hearth-data',
      databaseUrl: null,
      maxBatchSize: 1000,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('lists every bad setting in one error, typos of HEARTH_ variables included', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        HEARTH_DATADIR: '/tmp/x',
        HEARTH_MAX_BATCH: '0',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(HearthError);
    const paths = (error as HearthError).details.problems?.map((p) => p.path);
    expect(paths).toEqual(['PORT', 'DATABASE_URL', 'HEARTH_MAX_BATCH', 'HEARTH_DATADIR']);
  });

  it('masks the database URL when settings are printed', () => {
    const shown = describeConfig(loadConfig({ DATABASE_URL: 'postgres://u:secret@db/hearth' }));
    expect(JSON.stringify(shown)).not.toContain('secret');
  });
});
