import { CONTROL_FIELDS, type HostedForm } from './form.js';
import type { PostedFields } from './submission.js';

/**
 * Whether a post is a bot's. `spam` posts are answered like accepted ones (so a bot learns
 * nothing) and store nothing but their log line. `fillSeconds` is null when the post could not be
 * timed: no signed load time and no script ran (no `hearth_ts`), or only the visitor's load time
 * came and their clock is ahead of ours.
 */
export type SpamVerdict =
  | { readonly spam: false; readonly fillSeconds: number | null }
  | { readonly spam: true; readonly reason: string };

/**
 * The load time Hearth signed for the page (`GET /f/{formKey}/t`), as the application read it off
 * the post: `signed` when `hearth_t` and `hearth_sig` are there and the signature is Hearth's for
 * this form, `forged` when they are there and it is not, `missing` when the post has neither.
 */
export type SignedLoadTime =
  | { readonly kind: 'signed'; readonly loadedAtMs: number }
  | { readonly kind: 'forged' }
  | { readonly kind: 'missing' };

/**
 * How long a signed load time stays good: a day covers a tab left open overnight; an older one is
 * a token a bot kept to post with later, and proves nothing about this post.
 */
export const SIGNED_LOAD_MAX_AGE_MS = 24 * 60 * 60 * 1000;

/** A time the snippet's script wrote: whole milliseconds since 1970, else unreadable. */
export function instant(value: string | undefined): number | null {
  if (value === undefined || !/^\d{1,15}$/.test(value.trim())) return null;
  const ms = Number(value.trim());
  return ms > 0 ? ms : null;
}

const seconds = (ms: number) => Math.round(ms / 100) / 10;
const tooFast = (elapsedMs: number, min: number) =>
  `filled in ${seconds(elapsedMs)} s, under the form's minimum of ${min} s`;

/** Why a signed load time does not time this post; null when it does. */
function signedProblem(signed: SignedLoadTime, nowMs: number): string | null {
  if (signed.kind === 'missing') {
    return `no signed load time (${CONTROL_FIELDS.signedLoadTime}): the form's script did not run or could not reach Hearth`;
  }
  if (signed.kind === 'forged')
    return `the signed load time (${CONTROL_FIELDS.signedLoadTime}) does not verify`;
  if (signed.loadedAtMs > nowMs) return 'the signed load time is ahead of the server clock';
  if (nowMs - signed.loadedAtMs > SIGNED_LOAD_MAX_AGE_MS) return 'the signed load time is more than 24 h old';
  return null;
}

/**
 * Judges a post by its honeypot and its fill time. The fill time is measured from the load time
 * Hearth signed when the page asked for it, to the server's `nowMs`: both are the server's, so a
 * bot posting directly cannot make it up. When the form `requireFillTime`, a post without a good
 * signed time is spam. Otherwise (a visitor without JavaScript is a lead) such a post falls back to
 * the visitor's own times (`hearth_ts`, `hearth_sent`, written by the script or the tracker), which
 * only stop bots that run the page's script, and is accepted untimed without them.
 *
 * @example
 * judgeSpam([['email', 'a@b.co'], ['hearth_hp', 'x']], form, now, { kind: 'missing' }) // { spam: true, reason: 'honeypot …' }
 */
export function judgeSpam(
  fields: PostedFields,
  form: Pick<HostedForm, 'honeypotField' | 'minFillSeconds' | 'requireFillTime'>,
  nowMs: number,
  signed: SignedLoadTime,
): SpamVerdict {
  const first = (name: string) => fields.find(([n]) => n === name)?.[1];
  if (fields.some(([name, value]) => name === form.honeypotField && value.trim() !== '')) {
    return { spam: true, reason: `the hidden field "${form.honeypotField}" was filled in (honeypot)` };
  }
  const problem = signedProblem(signed, nowMs);
  if (problem === null && signed.kind === 'signed') {
    const elapsedMs = nowMs - signed.loadedAtMs;
    if (elapsedMs < form.minFillSeconds * 1000)
      return { spam: true, reason: tooFast(elapsedMs, form.minFillSeconds) };
    return { spam: false, fillSeconds: seconds(elapsedMs) };
  }
  if (form.requireFillTime && form.minFillSeconds > 0) return { spam: true, reason: problem as string };

  // The fallback: the visitor's own clock, which a bot that does not run the script sets freely.
  const loadedAt = instant(first(CONTROL_FIELDS.loadedAt));
  if (loadedAt === null) return { spam: false, fillSeconds: null };
  const sentAt = instant(first(CONTROL_FIELDS.sentAt));
  const elapsedMs = (sentAt ?? nowMs) - loadedAt;
  if (elapsedMs < 0) {
    // Both times from the visitor's script cannot run backwards; the server's clock against the
    // visitor's can (skew), and then the post cannot be timed.
    if (sentAt !== null) return { spam: true, reason: 'the fill time is negative' };
    return { spam: false, fillSeconds: null };
  }
  if (elapsedMs < form.minFillSeconds * 1000)
    return { spam: true, reason: tooFast(elapsedMs, form.minFillSeconds) };
  return { spam: false, fillSeconds: seconds(elapsedMs) };
}
