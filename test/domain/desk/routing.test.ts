import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nextInRotation, type RoutableUser, routeLead } from '../../../src/domain/desk/routing.js';
import { DEFAULT_DESK_SETTINGS } from '../../../src/domain/desk/settings.js';

const rep = (id: string, active = true): RoutableUser => ({ id, role: 'rep', active });
const lead = { ownerId: null, source: 'website', country: 'DE' };
const routing = DEFAULT_DESK_SETTINGS.routing;

describe('routeLead', () => {
  it('round-robin gives each of n active reps exactly one of any n consecutive leads', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.uuid(), { minLength: 1, maxLength: 8 }),
        fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
        fc.integer({ min: 1, max: 5 }),
        (ids, activeFlags, rounds) => {
          const users = ids.map((id, i) => rep(id, activeFlags[i] ?? true));
          const active = users.filter((u) => u.active).map((u) => u.id);
          let last: string | null = null;
          const assigned: string[] = [];
          for (let i = 0; i < active.length * rounds; i++) {
            const decision = routeLead({ lead, users, lastAssigned: last, routing });
            if (active.length === 0) {
              expect(decision.kind).toBe('unassigned');
              return;
            }
            expect(decision.kind).toBe('assign');
            if (decision.kind !== 'assign') return;
            assigned.push(decision.ownerId);
            last = decision.ownerId;
          }
          for (const id of active) expect(assigned.filter((a) => a === id)).toHaveLength(rounds);
          expect(assigned.every((a) => active.includes(a))).toBe(true);
        },
      ),
    );
  });

  it('keeps an active existing owner, replaces an inactive one', () => {
    const users = [rep('a'), rep('b'), rep('c', false)];
    expect(routeLead({ lead: { ...lead, ownerId: 'b' }, users, lastAssigned: null, routing })).toEqual({
      kind: 'keep',
      ownerId: 'b',
    });
    expect(routeLead({ lead: { ...lead, ownerId: 'c' }, users, lastAssigned: 'a', routing })).toMatchObject({
      kind: 'assign',
      ownerId: 'b',
    });
  });

  it('the first matching rule decides, by source and country, case-insensitively', () => {
    const users = [rep('a'), rep('b'), rep('c')];
    const rules = [
      { when: { source: ['Referral'] }, assignTo: ['c'] },
      { when: { country: ['de', 'at'] }, assignTo: ['b'] },
    ];
    const withRules = { ...routing, rules };
    expect(
      routeLead({ lead: { ...lead, source: 'referral' }, users, lastAssigned: null, routing: withRules }),
    ).toEqual({ kind: 'assign', ownerId: 'c', by: 'rule', rule: 0 });
    expect(routeLead({ lead, users, lastAssigned: null, routing: withRules })).toEqual({
      kind: 'assign',
      ownerId: 'b',
      by: 'rule',
      rule: 1,
    });
    expect(
      routeLead({ lead: { ...lead, country: 'FR' }, users, lastAssigned: null, routing: withRules }),
    ).toMatchObject({ by: 'round_robin' });
  });

  it('fixed owner and none', () => {
    const users = [rep('a'), { id: 'm', role: 'manager', active: true } as const];
    expect(
      routeLead({
        lead,
        users,
        lastAssigned: null,
        routing: { ...routing, mode: 'fixed', fixedOwnerId: 'm' },
      }),
    ).toEqual({ kind: 'assign', ownerId: 'm', by: 'fixed' });
    expect(
      routeLead({ lead, users, lastAssigned: null, routing: { ...routing, mode: 'none' } }),
    ).toMatchObject({
      kind: 'unassigned',
    });
  });

  it('managers and admins are not in the rep rotation', () => {
    expect(nextInRotation([], null)).toBeUndefined();
    const users: RoutableUser[] = [{ id: 'admin', role: 'admin', active: true }, rep('z')];
    expect(routeLead({ lead, users, lastAssigned: null, routing })).toMatchObject({ ownerId: 'z' });
  });
});
