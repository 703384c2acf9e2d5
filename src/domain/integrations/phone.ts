import { type CountryCode, isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js';

/** Whether `code` is a country libphonenumber knows (`US`, `GB`, …). */
export function isCountryCode(code: string): code is CountryCode {
  return isSupportedCountry(code);
}

/**
 * A phone number in E.164 (`+14045558514`), the form callers are matched on; numbers written
 * without a country code are read as `defaultCountry`'s. Null when it is no phone number (a
 * withheld caller, `client:…` identities, too few digits).
 *
 * @example toE164('(404) 555-8514', 'US') // '+14045558514'
 * @example toE164('020 7946 0958', 'GB') // '+442079460958'
 */
export function toE164(raw: string | null | undefined, defaultCountry?: string): string | null {
  if (typeof raw !== 'string' || raw.trim() === '') return null;
  const country = defaultCountry !== undefined && isCountryCode(defaultCountry) ? defaultCountry : undefined;
  const parsed = parsePhoneNumberFromString(raw, country);
  return parsed?.isPossible() ? parsed.number : null;
}
