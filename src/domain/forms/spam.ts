import { CONTROL_FIELDS, type HostedForm } from './form.js';
import type { PostedFields } from './submission.js';

/**
 * Whether a post is a bot's. `spam` posts are answered like accepted ones (so a bot learns
 * nothing) and store nothing but their log line. `fillSeconds` is null when the post could not be
 * timed: no script ran (no `hearth_ts`), or only the visitor's load time came and their clock is
 * ahead of ours.
 */
export type SpamVerdict =
  | { readonly spam: false; readonly fillSeconds: number | null }
  | { readonly spam: true; readonly reason: string };

/** A time the snippet's script wrote: whole milliseconds since 1970, else unreadable. */
function instant(value: string | undefined): number | null {
  if (value === undefined || !/^\d{1,15}$/.test(value.trim())) return null;
  const ms = Number(value.trim());
  return ms > 0 ? ms : null;
}

const seconds = (ms: number) => Math.round(ms / 100) / 10;

/**
 * Judges a post by its honeypot and its fill time. The fill time is the submit time minus the
 * page-load time, both written by the snippet's script with the visitor's clock (so clock skew
 * between the visitor and the server does not count); when the script could not write the submit
 * time, the server's `nowMs` stands in for it.
 *
 * @example
 * judgeSpam([['email', 'a@b.co'], ['hearth_hp', 'x']], form, now) // { spam: true, reason: 'honeypot …' }
 */
export function judgeSpam(
  fields: PostedFields,
  form: Pick<HostedForm, 'honeypotField' | 'minFillSeconds' | 'requireFillTime'>,
  nowMs: number,
): SpamVerdict {
  const first = (name: string) => fields.find(([n]) => n === name)?.[1];
  if (fields.some(([name, value]) => name === form.honeypotField && value.trim() !== '')) {
    return { spam: true, reason: `the hidden field "${form.honeypotField}" was filled in (honeypot)` };
  }
  const loadedAt = instant(first(CONTROL_FIELDS.loadedAt));
  if (loadedAt === null) {
    return form.requireFillTime && form.minFillSeconds > 0
      ? { spam: true, reason: `no fill time (${CONTROL_FIELDS.loadedAt}): the form's script did not run` }
      : { spam: false, fillSeconds: null };
  }
  const sentAt = instant(first(CONTROL_FIELDS.sentAt));
  const elapsedMs = (sentAt ?? nowMs) - loadedAt;
  if (elapsedMs < 0) {
    // Both times from the visitor's script cannot run backwards; the server's clock against the
    // visitor's can (skew), and then the post cannot be timed.
    if (sentAt !== null) return { spam: true, reason: 'the fill time is negative' };
    return form.requireFillTime && form.minFillSeconds > 0
      ? { spam: true, reason: 'the page-load time is ahead of the server clock: the post cannot be timed' }
      : { spam: false, fillSeconds: null };
  }
  if (elapsedMs < form.minFillSeconds * 1000) {
    return {
      spam: true,
      reason: `filled in ${seconds(elapsedMs)} s, under the form's minimum of ${form.minFillSeconds} s`,
    };
  }
  return { spam: false, fillSeconds: seconds(elapsedMs) };
}
