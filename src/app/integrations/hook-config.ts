import type { FieldProblem } from '../../domain/errors.js';
import { genericMappingProblems } from '../../domain/integrations/generic.js';
import type { HookProvider } from '../../domain/integrations/hook.js';
import { asObject } from '../../domain/integrations/payload.js';
import { isCountryCode, toE164 } from '../../domain/integrations/phone.js';
import { TYPEFORM_ANSWERS, TYPEFORM_LEAD_FIELDS } from '../../domain/integrations/typeform.js';

const CALL_SETTINGS = new Set(['defaultCountry', 'trackingNumbers', 'publicUrl']);

/**
 * A call provider's settings checked and normalised: tracking numbers rewritten in E.164 so that
 * calls match them however they were typed. Problems are located under `config`.
 */
function callConfig(
  provider: HookProvider,
  config: Record<string, unknown>,
): { config: Record<string, unknown>; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  for (const key of Object.keys(config)) {
    if (!CALL_SETTINGS.has(key) || (key === 'publicUrl' && provider !== 'twilio')) {
      problems.push({ path: `config.${key}`, message: `is not a ${provider} setting` });
    }
  }
  const country = config.defaultCountry;
  if (country !== undefined && (typeof country !== 'string' || !isCountryCode(country))) {
    problems.push({
      path: 'config.defaultCountry',
      message: 'must be an ISO 3166 country code such as US or GB',
    });
  }
  const defaultCountry = typeof country === 'string' && isCountryCode(country) ? country : undefined;
  const numbers: Record<string, { source?: string; campaign?: string }> = {};
  if (config.trackingNumbers !== undefined) {
    const table = asObject(config.trackingNumbers);
    if (!table)
      problems.push({ path: 'config.trackingNumbers', message: 'must map numbers to {source, campaign}' });
    for (const [number, value] of Object.entries(table ?? {})) {
      const at = `config.trackingNumbers.${number}`;
      const e164 = toE164(number, defaultCountry);
      const attribution = asObject(value);
      if (e164 === null)
        problems.push({ path: at, message: 'is not a phone number (give it in E.164: +14045558514)' });
      if (!attribution) {
        problems.push({ path: at, message: 'must be {"source": …, "campaign": …}' });
        continue;
      }
      for (const [key, v] of Object.entries(attribution)) {
        if (key !== 'source' && key !== 'campaign')
          problems.push({ path: `${at}.${key}`, message: 'is not source or campaign' });
        else if (typeof v !== 'string' || v.trim() === '' || v.length > 100) {
          problems.push({ path: `${at}.${key}`, message: 'must be text of 1 to 100 characters' });
        }
      }
      if (e164 !== null) numbers[e164] = attribution as { source?: string; campaign?: string };
    }
  }
  if (config.publicUrl !== undefined) {
    let ok = false;
    try {
      const url = new URL(String(config.publicUrl));
      ok = typeof config.publicUrl === 'string' && (url.protocol === 'https:' || url.protocol === 'http:');
    } catch {
      ok = false;
    }
    if (!ok)
      problems.push({ path: 'config.publicUrl', message: 'must be the absolute URL configured in Twilio' });
  }
  return {
    config: { ...config, ...(config.trackingNumbers !== undefined ? { trackingNumbers: numbers } : {}) },
    problems,
  };
}

const shortText = (value: unknown) => typeof value === 'string' && value.trim() !== '' && value.length <= 100;

/** Settings of the form and meeting providers; every one optional. Problems by path. */
function formConfigProblems(
  provider: 'typeform' | 'calendly',
  config: Record<string, unknown>,
): FieldProblem[] {
  const known =
    provider === 'typeform'
      ? ['qualification', 'lead', 'form', 'source', 'defaultCountry']
      : ['source', 'defaultCountry'];
  const problems: FieldProblem[] = Object.keys(config)
    .filter((key) => !known.includes(key))
    .map((key) => ({ path: `config.${key}`, message: `is not a ${provider} setting (${known.join(', ')})` }));
  for (const key of ['form', 'source'] as const) {
    if (config[key] !== undefined && !shortText(config[key]))
      problems.push({ path: `config.${key}`, message: 'must be text of 1 to 100 characters' });
  }
  const country = config.defaultCountry;
  if (country !== undefined && (typeof country !== 'string' || !isCountryCode(country))) {
    problems.push({
      path: 'config.defaultCountry',
      message: 'must be an ISO 3166 country code such as US or GB',
    });
  }
  if (config.lead !== undefined) {
    const lead = asObject(config.lead);
    if (!lead) problems.push({ path: 'config.lead', message: 'must map lead fields to Typeform field refs' });
    for (const [name, ref] of Object.entries(lead ?? {})) {
      if (!(TYPEFORM_LEAD_FIELDS as readonly string[]).includes(name)) {
        problems.push({
          path: `config.lead.${name}`,
          message: `is not a lead field a form fills (${TYPEFORM_LEAD_FIELDS.join(', ')})`,
        });
      } else if (!shortText(ref))
        problems.push({ path: `config.lead.${name}`, message: 'must be a field ref' });
    }
  }
  if (config.qualification !== undefined) {
    const table = asObject(config.qualification);
    if (!table)
      problems.push({
        path: 'config.qualification',
        message: 'must map budget, timeline, need to {"field": "<ref>"}',
      });
    for (const [name, value] of Object.entries(table ?? {})) {
      const at = `config.qualification.${name}`;
      const mapping = asObject(value);
      if (!(TYPEFORM_ANSWERS as readonly string[]).includes(name)) {
        problems.push({
          path: at,
          message: `is not a qualification answer (${TYPEFORM_ANSWERS.join(', ')})`,
        });
      } else if (!mapping || !shortText(mapping.field)) {
        problems.push({ path: `${at}.field`, message: "must be the Typeform field's ref" });
      } else {
        for (const key of Object.keys(mapping).filter((k) => k !== 'field' && k !== 'values'))
          problems.push({ path: `${at}.${key}`, message: 'is not field or values' });
        const values = mapping.values === undefined ? {} : asObject(mapping.values);
        if (!values)
          problems.push({ path: `${at}.values`, message: 'must map answers to values ("yes", "no")' });
        for (const [given, read] of Object.entries(values ?? {})) {
          if (!shortText(read) || given.length > 200)
            problems.push({ path: `${at}.values.${given}`, message: 'must be text of 1 to 100 characters' });
        }
        if (Object.keys(values ?? {}).length > 100)
          problems.push({ path: `${at}.values`, message: 'must have at most 100 entries' });
      }
    }
  }
  return problems;
}

/** A hook's settings for its provider, checked (problems by path) and normalised. */
export function checkHookConfig(
  provider: HookProvider,
  config: Record<string, unknown>,
): { config: Record<string, unknown>; problems: FieldProblem[] } {
  switch (provider) {
    case 'generic':
      return { config, problems: genericMappingProblems(config, 'config') };
    case 'twilio':
    case 'callrail':
    case 'aircall':
      return callConfig(provider, config);
    case 'sendgrid':
    case 'mailgun':
    case 'postmark':
      return {
        config,
        problems: Object.keys(config).map((key) => ({
          path: `config.${key}`,
          message: `is not a ${provider} setting (it has none)`,
        })),
      };
    case 'typeform':
    case 'calendly':
      return { config, problems: formConfigProblems(provider, config) };
  }
}
