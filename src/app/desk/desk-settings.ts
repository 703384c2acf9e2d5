import Type, { type TOptional, type TPartial } from 'typebox';
import type { Principal } from '../../domain/access.js';
import {
  type DeskSettings,
  type DeskSettingsPatch,
  DeskSettingsSchema,
  withDeskDefaults,
} from '../../domain/desk/settings.js';
import { HearthError } from '../../domain/errors.js';
import type { Store } from '../../store/store.js';
import type { AppContext } from '../context.js';
import { validator } from '../validation.js';

const SETTINGS_KEY = 'desk';

/** `PUT /settings/desk`: any sections, each with any of its fields; the rest keep their values. */
export const DeskSettingsPatchSchema = Type.Object(
  Object.fromEntries(
    Object.entries(DeskSettingsSchema.properties).map(([name, section]) => [
      name,
      Type.Optional(Type.Partial(section)),
    ]),
  ) as {
    [K in keyof typeof DeskSettingsSchema.properties]: TOptional<
      TPartial<(typeof DeskSettingsSchema.properties)[K]>
    >;
  },
  { additionalProperties: false, minProperties: 1 },
);
const checkSettings = validator(DeskSettingsSchema);

/** The desk settings in force: the stored document completed with the defaults. */
export async function deskSettings(store: Store): Promise<DeskSettings> {
  return withDeskDefaults(await store.settings.get<DeskSettingsPatch>(SETTINGS_KEY));
}

/**
 * Replaces the desk settings (admins; SPEC §6 audit). Sections left out keep their current
 * values, so a client may send only what it changes; the result is checked as a whole.
 */
export async function updateDeskSettings(
  ctx: AppContext,
  actor: Principal,
  patch: DeskSettingsPatch,
): Promise<DeskSettings> {
  return ctx.store.transaction(async (store) => {
    const current = await deskSettings(store);
    const merged: Record<string, unknown> = { ...current };
    for (const [section, fields] of Object.entries(patch)) {
      merged[section] = { ...(current as Record<string, object>)[section], ...fields };
    }
    const next = withDeskDefaults(merged as DeskSettingsPatch);
    const checked = checkSettings.check(next, '');
    if (!checked.ok) throw HearthError.invalid(checked.problems);
    const users = new Set((await store.users.list()).map((u) => u.id));
    const named = [
      ...(next.routing.fixedOwnerId ? [{ path: 'routing.fixedOwnerId', id: next.routing.fixedOwnerId }] : []),
      ...next.routing.rules.flatMap((rule, i) =>
        rule.assignTo.map((id, j) => ({ path: `routing.rules[${i}].assignTo[${j}]`, id })),
      ),
    ];
    const unknown = named.filter((n) => !users.has(n.id));
    if (unknown.length > 0) {
      throw HearthError.invalid(unknown.map((n) => ({ path: n.path, message: `no user has id ${n.id}` })));
    }
    if (next.routing.mode === 'fixed' && next.routing.fixedOwnerId === null) {
      throw HearthError.invalid([
        { path: 'routing.fixedOwnerId', message: 'name the owner for mode "fixed"' },
      ]);
    }
    await store.settings.put(SETTINGS_KEY, next);
    await store.audit.record({
      actorUserId: actor.userId,
      actorKeyId: actor.keyId,
      action: 'settings.update',
      entity: 'settings',
      entityId: SETTINGS_KEY,
      details: { sections: Object.keys(patch) },
    });
    return next;
  });
}
