import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import { expect } from 'vitest';
import type { AppContext } from '../../src/app/context.js';
import { importRecords } from '../../src/app/transfer/import-file.js';
import type { PlantedLead } from '../../src/domain/prediction/planted-history.js';
import { adminActor } from './databases.js';

/** Planted history into the database the way a user brings it: `hearth import` of leads with an outcome column, then events. */
export async function importHistory(
  ctx: AppContext,
  history: readonly PlantedLead[],
  events: (h: PlantedLead) => readonly { type: string; occurredAt: Date }[],
) {
  const leads = stringify(
    history.map((h) => ({
      Email: h.lead.email,
      Company: h.lead.company,
      'Job Title': h.lead.jobTitle,
      Industry: h.lead.industry,
      'Company Size': h.lead.companySize,
      Country: h.lead.country,
      Source: h.lead.source,
      budget: h.lead.attributes.budget ?? '',
      favouriteColour: h.lead.attributes.favouriteColour,
      Converted: h.won ? 'yes' : 'no',
      'Closed On': h.decidedAt.toISOString(),
      Created: h.lead.createdAt.toISOString(),
    })),
    { header: true },
  );
  const leadSummary = await importRecords(ctx, adminActor, Readable.from([leads]), {
    kind: 'leads',
    format: 'csv',
    mappings: ['Converted=outcome', 'Closed On=decidedAt', 'Created=createdAt'],
  });
  expect(leadSummary.rejected).toBe(0);
  const ndjson = history
    .flatMap((h) =>
      events(h).map((e) =>
        JSON.stringify({ email: h.lead.email, type: e.type, occurredAt: e.occurredAt.toISOString() }),
      ),
    )
    .join('\n');
  const eventSummary = await importRecords(ctx, adminActor, Readable.from([ndjson]), {
    kind: 'events',
    format: 'ndjson',
  });
  expect(eventSummary.rejected).toBe(0);
}
