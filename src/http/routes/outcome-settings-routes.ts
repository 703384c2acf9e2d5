import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app/context.js';
import { deskSettings } from '../../app/desk/desk-settings.js';
import { DeskSettingsSchema } from '../../domain/desk/settings.js';
import { ErrorBody } from '../error-mapping.js';

/**
 * The outcome part of the desk settings for whoever records outcomes: reps may not read the desk
 * settings (routing, SLA), but the dialog that records a loss needs the reasons to choose from.
 */
export function outcomeSettingsRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/settings/outcomes',
      {
        config: { permission: 'leads:outcome' },
        schema: {
          tags: ['settings', 'leads'],
          summary: 'The lost reasons to choose from, whether one is required, and the default currency',
          description: 'The `outcomes` section of `GET /settings/desk`; admins change it there.',
          response: { 200: DeskSettingsSchema.properties.outcomes, 401: ErrorBody, 403: ErrorBody },
        },
      },
      async () => (await deskSettings(ctx.store)).outcomes,
    );
  };
}
