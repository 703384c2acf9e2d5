import type { FieldProblem } from '../errors.js';
import type { HookLead, HookMapping } from './hook.js';
import { asObject, instant, type Json, text } from './payload.js';
import { isCountryCode, toE164 } from './phone.js';

/**
 * The generic adapter: any tool that can POST JSON and sign it. The body is signed like Hearth's own
 * outbound webhooks: `Hearth-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`
 * keyed with the hook's secret; a mapping (field paths) turns the body into a lead and an event.
 */

/** A mapped value: read from the body at a dot path (`data.caller.email`, `items.0.id`), or fixed. */
export type FieldSource = { readonly path: string } | { readonly value: string | number | boolean };

export const GENERIC_LEAD_FIELDS = [
  'email',
  'phone',
  'name',
  'company',
  'jobTitle',
  'country',
  'source',
] as const;
export type GenericLeadField = (typeof GENERIC_LEAD_FIELDS)[number];

export interface GenericMapping {
  readonly eventType: FieldSource;
  /** The sender's id of the event: a second delivery with the same one is a duplicate. */
  readonly eventId: FieldSource;
  /** ISO 8601 or Unix seconds; when it arrives by default. */
  readonly occurredAt?: FieldSource;
  readonly lead: Partial<Record<GenericLeadField, FieldSource>> & {
    readonly attributes?: Readonly<Record<string, FieldSource>>;
  };
  readonly properties?: Readonly<Record<string, FieldSource>>;
  /** ISO 3166 country for phone numbers without a country code. */
  readonly defaultCountry?: string;
}

// Stripe's default tolerance for its signed timestamps; senders retry with a fresh signature.
export const GENERIC_TOLERANCE_MS = 5 * 60 * 1000;
const MAX_PATH_LENGTH = 200;
const MAX_PATH_SEGMENTS = 20;
const MAX_MAPPED_KEYS = 100;

/** `t=…,v1=…[,v1=…]`: the signed time and every signature given (several during a key rotation). */
export function parseSignatureHeader(
  header: string,
): { timestamp: number; signatures: string[] } | undefined {
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const [name, value] = part.trim().split('=', 2);
    if (name === 't' && value !== undefined && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (name === 'v1' && value !== undefined && value !== '') signatures.push(value);
  }
  return timestamp === undefined || signatures.length === 0 ? undefined : { timestamp, signatures };
}

function sourceProblems(source: unknown, at: string): FieldProblem[] {
  const object = asObject(source);
  if (!object) return [{ path: at, message: 'must be {"path": "a.b.c"} or {"value": …}' }];
  const keys = Object.keys(object);
  if (keys.length !== 1 || (keys[0] !== 'path' && keys[0] !== 'value')) {
    return [{ path: at, message: 'must have exactly one of "path" or "value"' }];
  }
  if ('value' in object) {
    const v = object.value;
    return typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))
      ? typeof v === 'string' && v.length > MAX_PATH_LENGTH
        ? [{ path: `${at}.value`, message: `must be at most ${MAX_PATH_LENGTH} characters` }]
        : []
      : [{ path: `${at}.value`, message: 'must be a string, a number or a boolean' }];
  }
  const path = object.path;
  if (typeof path !== 'string' || path === '') return [{ path: `${at}.path`, message: 'must be a dot path' }];
  const segments = path.split('.');
  if (path.length > MAX_PATH_LENGTH || segments.length > MAX_PATH_SEGMENTS) {
    return [
      {
        path: `${at}.path`,
        message: `must have at most ${MAX_PATH_SEGMENTS} parts and ${MAX_PATH_LENGTH} characters`,
      },
    ];
  }
  if (segments.some((s) => s === '')) return [{ path: `${at}.path`, message: `"${path}" has an empty part` }];
  return [];
}

function mapProblems(map: unknown, at: string): FieldProblem[] {
  if (map === undefined) return [];
  const object = asObject(map);
  if (!object) return [{ path: at, message: 'must be an object of names to {"path"} or {"value"}' }];
  const entries = Object.entries(object);
  if (entries.length > MAX_MAPPED_KEYS)
    return [{ path: at, message: `must have at most ${MAX_MAPPED_KEYS} names` }];
  return entries.flatMap(([key, source]) =>
    key === '' || key.length > 100
      ? [{ path: at, message: 'names must have 1 to 100 characters' }]
      : sourceProblems(source, `${at}.${key}`),
  );
}

/**
 * What is wrong with a generic mapping, each problem located by its path under `at`; empty when it
 * will do. The value is then a `GenericMapping`.
 */
export function genericMappingProblems(mapping: unknown, at = 'config'): FieldProblem[] {
  const object = asObject(mapping);
  if (!object) return [{ path: at, message: 'must be a mapping object (eventType, eventId, lead, …)' }];
  const known = new Set(['eventType', 'eventId', 'occurredAt', 'lead', 'properties', 'defaultCountry']);
  const problems: FieldProblem[] = Object.keys(object)
    .filter((k) => !known.has(k))
    .map((k) => ({ path: `${at}.${k}`, message: 'is not a mapping setting' }));
  if (object.eventType === undefined) problems.push({ path: `${at}.eventType`, message: 'is required' });
  else problems.push(...sourceProblems(object.eventType, `${at}.eventType`));
  if (object.eventId === undefined) {
    problems.push({ path: `${at}.eventId`, message: 'is required: re-deliveries are recognised by it' });
  } else problems.push(...sourceProblems(object.eventId, `${at}.eventId`));
  if (object.occurredAt !== undefined)
    problems.push(...sourceProblems(object.occurredAt, `${at}.occurredAt`));
  problems.push(...mapProblems(object.properties, `${at}.properties`));
  if (object.defaultCountry !== undefined) {
    if (typeof object.defaultCountry !== 'string' || !isCountryCode(object.defaultCountry)) {
      problems.push({
        path: `${at}.defaultCountry`,
        message: 'must be an ISO 3166 country code such as US or GB',
      });
    }
  }
  const lead = asObject(object.lead);
  if (!lead) {
    problems.push({ path: `${at}.lead`, message: 'is required: map email or phone to find the lead' });
    return problems;
  }
  const leadKeys = new Set<string>([...GENERIC_LEAD_FIELDS, 'attributes']);
  for (const [key, source] of Object.entries(lead)) {
    if (!leadKeys.has(key)) {
      problems.push({
        path: `${at}.lead.${key}`,
        message: `is not a lead field (${GENERIC_LEAD_FIELDS.join(', ')}, attributes)`,
      });
    } else if (key === 'attributes') problems.push(...mapProblems(source, `${at}.lead.attributes`));
    else problems.push(...sourceProblems(source, `${at}.lead.${key}`));
  }
  if (lead.email === undefined && lead.phone === undefined) {
    problems.push({
      path: `${at}.lead`,
      message: 'must map email or phone: the lead is found by one of them',
    });
  }
  return problems;
}

/** The value at a dot path (array items by index), or undefined. */
export function valueAt(body: unknown, path: string): unknown {
  let current: unknown = body;
  for (const segment of path.split('.')) {
    if (Array.isArray(current) && /^\d+$/.test(segment)) current = current[Number(segment)];
    else {
      const object = asObject(current);
      if (!object || !Object.hasOwn(object, segment)) return undefined;
      current = object[segment];
    }
  }
  return current;
}

const read = (body: unknown, source: FieldSource): unknown =>
  'path' in source ? valueAt(body, source.path) : source.value;
const describe = (source: FieldSource) =>
  'path' in source ? `the path "${source.path}"` : 'the fixed value';

/**
 * A signed body mapped by `mapping` into a lead (by email or phone) and one event, whose external
 * id is `<idPrefix><eventId>`. Paths that hold nothing are left out; required ones are problems.
 */
export function mapGeneric(body: unknown, mapping: GenericMapping, idPrefix: string, now: Date): HookMapping {
  const problems: FieldProblem[] = [];
  const required = (name: string, source: FieldSource): string | undefined => {
    const value = text(read(body, source));
    if (value === undefined || value.trim() === '') {
      problems.push({ path: name, message: `${describe(source)} holds no text in this delivery` });
      return undefined;
    }
    return value.trim();
  };
  const type = required('eventType', mapping.eventType);
  const eventId = required('eventId', mapping.eventId);
  let occurredAt = now;
  if (mapping.occurredAt) {
    const at = instant(read(body, mapping.occurredAt));
    if (at) occurredAt = at;
    else
      problems.push({
        path: 'occurredAt',
        message: `${describe(mapping.occurredAt)} holds no time (ISO 8601 or Unix seconds)`,
      });
  }
  const optionalText = (source: FieldSource | undefined) => {
    const value = source === undefined ? undefined : text(read(body, source))?.trim();
    return value === '' ? undefined : value;
  };
  const email = optionalText(mapping.lead.email)?.toLowerCase();
  const rawPhone = optionalText(mapping.lead.phone);
  const phone = rawPhone === undefined ? undefined : (toE164(rawPhone, mapping.defaultCountry) ?? undefined);
  if (email === undefined && phone === undefined) {
    problems.push({
      path: 'lead',
      message: 'neither the mapped email nor the mapped phone holds a value in this delivery',
    });
  }
  if (problems.length > 0 || type === undefined || eventId === undefined)
    return { kind: 'invalid', problems };
  const collect = (map: Readonly<Record<string, FieldSource>> | undefined): Json =>
    Object.fromEntries(
      Object.entries(map ?? {}).flatMap(([key, source]) => {
        const value = read(body, source);
        return value === undefined ? [] : [[key, value]];
      }),
    );
  const fields: Record<string, string> = {};
  for (const name of ['name', 'company', 'jobTitle', 'country', 'source'] as const) {
    const value = optionalText(mapping.lead[name]);
    if (value !== undefined) fields[name] = value;
  }
  const lead: HookLead = {
    ...(email !== undefined ? { email } : {}),
    ...(phone !== undefined ? { phone } : {}),
    fields,
    attributes: collect(mapping.lead.attributes),
  };
  const event = {
    type,
    externalId: `${idPrefix}${eventId}`,
    occurredAt,
    properties: collect(mapping.properties),
  };
  return { kind: 'events', groups: [{ lead, events: [event], unknownLead: 'create' }] };
}
