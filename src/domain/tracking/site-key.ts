/**
 * The website tracker (SPEC §3 "Engagement in", docs/integrations.md "Website tracker"): a script
 * served by Hearth and installed with one tag carrying a site key.
 */

/**
 * A publishable, ingest-only credential for one website: it lets a browser on one of
 * `allowedOrigins` send tracker events, nothing else. It is not a secret (it sits in every page).
 */
export interface SiteKey {
  readonly id: string;
  /** `hpk_…`: what the page's tag carries. */
  readonly key: string;
  readonly name: string;
  /** `https://www.example.com`, or `https://*.example.com` for every subdomain. */
  readonly allowedOrigins: readonly string[];
  /** Nothing is sent or stored until the page calls `hearth('consent', true)`. */
  readonly requireConsent: boolean;
  /** A browser sending Do-Not-Track or Global Privacy Control is not tracked. */
  readonly honourDoNotTrack: boolean;
  /** Forms holding an email field are captured on submit (identify + `form_submit`). */
  readonly captureForms: boolean;
  readonly createdAt: Date;
  readonly createdBy: string | null;
  readonly updatedAt: Date;
  readonly revokedAt: Date | null;
}

/** Where a visitor first came from: the UTM parameters and referrer host of its first page view. */
export interface FirstTouch {
  readonly source?: string;
  readonly medium?: string;
  readonly campaign?: string;
  readonly term?: string;
  readonly content?: string;
  readonly referrerHost?: string;
}

/** One browser the tracker reported, by the id it made and keeps in the site's storage. */
export interface Visitor {
  readonly id: string;
  readonly siteKeyId: string;
  /** The lead it was identified as; null while anonymous. */
  readonly leadId: string | null;
  readonly firstTouch: FirstTouch;
  readonly firstSeenAt: Date;
  readonly lastSeenAt: Date;
  readonly identifiedAt: Date | null;
}

/** An event of an anonymous visitor, kept until the visitor becomes a lead. */
export interface VisitorEvent {
  /** The tracker's id for the event (unique per visitor). */
  readonly eventId: string;
  readonly type: string;
  readonly occurredAt: Date;
  readonly properties: Record<string, unknown>;
}

// The tracker makes 22 characters of base64url (128 random bits); other lengths are accepted so
// that an older or hand-written tracker is not locked out, within what a column should hold.
const VISITOR_ID = /^[A-Za-z0-9_-]{16,64}$/;

/** True for a visitor id the tracker could have made; anything else is ignored, never stored. */
export function isVisitorId(value: unknown): value is string {
  return typeof value === 'string' && VISITOR_ID.test(value);
}
