import type { FieldProblem } from '../../domain/errors.js';
import { genericMappingProblems } from '../../domain/integrations/generic.js';
import type { HookProvider } from '../../domain/integrations/hook.js';
import { asObject } from '../../domain/integrations/payload.js';
import { isCountryCode, toE164 } from '../../domain/integrations/phone.js';

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

/** A hook's settings for its provider, checked (problems by path) and normalised. */
export function checkHookConfig(
  provider: HookProvider,
  config: Record<string, unknown>,
): { config: Record<string, unknown>; problems: FieldProblem[] } {
  if (provider === 'generic') return { config, problems: genericMappingProblems(config, 'config') };
  return callConfig(provider, config);
}
