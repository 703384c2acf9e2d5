import type { SiteKey } from './site-key.js';

/** Why a request from an allowed page is answered without storing anything. */
export type TrackingRefusal = 'bot' | 'do_not_track' | 'no_consent';

/** What the browser said about tracking, read from its request. */
export interface BrowserSignals {
  /** The page called `hearth('consent', true)` (the tracker sends `consent: true`). */
  readonly consent: boolean;
  /** `DNT: 1`. */
  readonly doNotTrack: boolean;
  /** `Sec-GPC: 1` (Global Privacy Control). */
  readonly globalPrivacyControl: boolean;
  readonly bot: boolean;
}

/**
 * Whether the tracker may store what a browser sent, by the key's settings: bots never; a browser
 * asking not to be tracked (DNT or GPC) not when the key honours it; without consent not when the
 * key requires it. The tracker checks the same in the page and sends nothing; this is the server's
 * own check for a tracker that did not (an old copy, a hand-made request).
 */
export function trackingRefusal(
  key: Pick<SiteKey, 'requireConsent' | 'honourDoNotTrack'>,
  signals: BrowserSignals,
): TrackingRefusal | null {
  if (signals.bot) return 'bot';
  if (key.honourDoNotTrack && (signals.doNotTrack || signals.globalPrivacyControl)) return 'do_not_track';
  if (key.requireConsent && !signals.consent) return 'no_consent';
  return null;
}

// Names of form fields whose values are never kept, whatever the tracker sent: secrets, payment
// cards, bank and identity numbers. Matched anywhere in the name, case-insensitively.
const SENSITIVE_NAME =
  /pass|pwd|secret|token|csrf|captcha|card|ccnum|cc[-_]?(num|exp|csc|cvc|cvv)|cvv|cvc|expir|iban|bic|swift|account[-_]?num|routing|sort[-_]?code|ssn|social[-_]?sec|tax[-_]?id|national[-_]?id|passport|\bpin\b/i;

/** True for a form field name whose value must not be kept (`password`, `card_number`, `cvc`). */
export function isSensitiveFieldName(name: string): boolean {
  return SENSITIVE_NAME.test(name);
}
