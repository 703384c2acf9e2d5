import { describe, expect, it } from 'vitest';
import { HOOK_PROVIDERS } from '../../src/domain/integrations/hook.js';
import { HOOK_PROVIDER_GUIDES } from '../../web/src/pages/integrations/hook-providers.js';

describe('the web app’s inbound hook providers', () => {
  it('offers every provider the server accepts, and no other', () => {
    expect(Object.keys(HOOK_PROVIDER_GUIDES).sort()).toEqual([...HOOK_PROVIDERS].sort());
  });

  it('tells where each provider’s secret is found, in one line', () => {
    for (const guide of Object.values(HOOK_PROVIDER_GUIDES)) {
      expect(guide.secretHint).not.toMatch(/\n/);
      expect(guide.secretHint.length).toBeGreaterThan(10);
    }
  });
});
