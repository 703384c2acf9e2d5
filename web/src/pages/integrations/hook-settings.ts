import type { FieldProblem } from '../../api/client';

// A hook's settings (`config`) as the forms edit them, and back. The server checks them again and
// answers problems by path (`body.config.trackingNumbers.+1404….source`); src/app/integrations/
// hook-config.ts and src/domain/integrations/generic.ts hold the rules.

export interface TrackingRow {
  /** A stable key for React while rows are added and removed. */
  key: number;
  number: string;
  source: string;
  campaign: string;
}

export interface CallSettings {
  defaultCountry: string;
  rows: TrackingRow[];
  /** Twilio only. */
  publicUrl: string;
}

let nextRowKey = 1;
export const emptyRow = (): TrackingRow => ({ key: nextRowKey++, number: '', source: '', campaign: '' });

const textOf = (v: unknown) => (typeof v === 'string' ? v : '');

/** The form's values from a stored config (or a new hook's empty one). */
export function callSettingsFrom(config: Record<string, unknown>): CallSettings {
  const numbers =
    typeof config.trackingNumbers === 'object' && config.trackingNumbers !== null
      ? Object.entries(config.trackingNumbers as Record<string, Record<string, unknown>>)
      : [];
  return {
    defaultCountry: textOf(config.defaultCountry),
    rows: numbers.map(([number, a]) => ({
      ...emptyRow(),
      number,
      source: textOf(a?.source),
      campaign: textOf(a?.campaign),
    })),
    publicUrl: textOf(config.publicUrl),
  };
}

/**
 * The config to send, or the problems the form can see before sending (a number given twice, an
 * attribution without its number), at the same paths the server would use.
 */
export function callConfigOf(
  settings: CallSettings,
  withPublicUrl: boolean,
): { config: Record<string, unknown>; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const trackingNumbers: Record<string, { source?: string; campaign?: string }> = {};
  settings.rows.forEach((row, index) => {
    const number = row.number.trim();
    const source = row.source.trim();
    const campaign = row.campaign.trim();
    if (number === '') {
      if (source !== '' || campaign !== '')
        problems.push({ path: `rows.${index}`, message: 'give the tracking number' });
      return;
    }
    if (number in trackingNumbers) {
      problems.push({ path: `config.trackingNumbers.${number}`, message: 'is in the table twice' });
      return;
    }
    trackingNumbers[number] = { ...(source ? { source } : {}), ...(campaign ? { campaign } : {}) };
  });
  const country = settings.defaultCountry.trim().toUpperCase();
  const publicUrl = settings.publicUrl.trim();
  return {
    config: {
      ...(country ? { defaultCountry: country } : {}),
      ...(Object.keys(trackingNumbers).length > 0 ? { trackingNumbers } : {}),
      ...(withPublicUrl && publicUrl ? { publicUrl } : {}),
    },
    problems,
  };
}

/** A generic hook's mapping to start from: the example of docs/integrations.md. */
export const GENERIC_MAPPING_EXAMPLE = `{
  "eventType": { "value": "call" },
  "eventId": { "path": "id" },
  "occurredAt": { "path": "occurred_at" },
  "lead": {
    "email": { "path": "caller.email" },
    "phone": { "path": "caller.phone" },
    "name": { "path": "caller.name" },
    "source": { "value": "phone" }
  },
  "properties": {
    "direction": { "path": "call.direction" },
    "durationSeconds": { "path": "call.seconds" }
  },
  "defaultCountry": "US"
}`;

/** The mapping typed as JSON: an object, or the reason it is not one. */
export function parseMapping(text: string): { config: Record<string, unknown> } | { error: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { error: `Not valid JSON: ${(error as Error).message}` };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { error: 'The mapping must be a JSON object: { "eventType": …, "eventId": …, "lead": … }' };
  }
  return { config: parsed as Record<string, unknown> };
}
