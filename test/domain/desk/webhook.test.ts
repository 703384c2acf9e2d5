import { describe, expect, it } from 'vitest';
import { subscribesTo } from '../../../src/domain/desk/webhook.js';

const hook = (id: string, events: string[], active = true) => ({ id, active, events }) as never;

describe('subscribesTo', () => {
  it('wants the types it subscribes to, while active', () => {
    const signal = { type: 'lead.created' as const, payload: {} };
    expect(subscribesTo(hook('a', ['lead.created']), signal)).toBe(true);
    expect(subscribesTo(hook('a', ['task.created']), signal)).toBe(false);
    expect(subscribesTo(hook('a', ['lead.created'], false), signal)).toBe(false);
  });

  it('an automation.notify naming a subscription goes to that one only; unnamed to every subscriber', () => {
    const named = { type: 'automation.notify' as const, payload: { webhookId: 'b' } };
    const unnamed = { type: 'automation.notify' as const, payload: { webhookId: null } };
    expect(subscribesTo(hook('a', ['automation.notify']), named)).toBe(false);
    expect(subscribesTo(hook('b', ['automation.notify']), named)).toBe(true);
    expect(subscribesTo(hook('a', ['automation.notify']), unnamed)).toBe(true);
  });
});
