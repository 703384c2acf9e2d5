import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { HearthError } from '../../domain/errors.js';
import { CONTROL_FIELDS, type HostedForm } from '../../domain/forms/form.js';
import { instant, type SignedLoadTime } from '../../domain/forms/spam.js';
import type { PostedFields } from '../../domain/forms/submission.js';
import type { Store } from '../../store/store.js';
import type { AppContext } from '../context.js';

// Hearth has no server-wide signing secret (sessions and API keys are random tokens stored as
// digests; cursors are not signed), so the forms make one: 256 random bits, kept in the settings
// table so that every process of one installation signs and checks alike, across restarts.
const SECRET_SETTING = 'forms.load_time_secret';
const secrets = new WeakMap<Store, Buffer>();

async function signingSecret(store: Store): Promise<Buffer> {
  const cached = secrets.get(store);
  if (cached) return cached;
  let stored = await store.settings.get<string>(SECRET_SETTING);
  if (typeof stored !== 'string') {
    // Two processes racing: one insert wins, both read the winner's.
    await store.settings.putIfAbsent(SECRET_SETTING, randomBytes(32).toString('base64url'));
    stored = (await store.settings.get<string>(SECRET_SETTING)) as string;
  }
  const secret = Buffer.from(stored, 'base64url');
  secrets.set(store, secret);
  return secret;
}

/** The signature of a load time for a form: HMAC-SHA256 over `formKey.t`, base64url. */
const signature = (secret: Buffer, formKey: string, t: number) =>
  createHmac('sha256', secret).update(`${formKey}.${t}`).digest();

/**
 * `GET /f/{formKey}/t`: the server's time now, signed for this form, which the snippet's script
 * fetches when the page loads and posts back (`hearth_t`, `hearth_sig`), so that the fill time is
 * measured on Hearth's clock at both ends. An unknown, paused or deleted form is `not_found`.
 */
export async function issueLoadTime(ctx: AppContext, formKey: string): Promise<{ t: number; sig: string }> {
  const form = formKey.startsWith('hfm_') ? await ctx.store.forms.byKey(formKey) : undefined;
  if (!form?.active) throw new HearthError('not_found', 'This form does not exist or is not taking posts');
  const t = ctx.clock().getTime();
  return { t, sig: signature(await signingSecret(ctx.store), form.formKey, t).toString('base64url') };
}

/** The signed load time a post carries, checked against this form's key (its age is the domain's). */
export async function signedLoadTimeOf(
  ctx: AppContext,
  form: Pick<HostedForm, 'formKey'>,
  fields: PostedFields,
): Promise<SignedLoadTime> {
  const first = (name: string) => fields.find(([n]) => n === name)?.[1];
  const t = first(CONTROL_FIELDS.signedLoadTime);
  const sig = first(CONTROL_FIELDS.loadSignature);
  if ((t === undefined || t.trim() === '') && (sig === undefined || sig.trim() === '')) {
    return { kind: 'missing' };
  }
  const loadedAtMs = instant(t);
  if (loadedAtMs === null || sig === undefined) return { kind: 'forged' };
  const expected = signature(await signingSecret(ctx.store), form.formKey, loadedAtMs);
  const presented = Buffer.from(sig.trim(), 'base64url');
  return presented.length === expected.length && timingSafeEqual(presented, expected)
    ? { kind: 'signed', loadedAtMs }
    : { kind: 'forged' };
}
