import type { HookMapping } from '../../domain/integrations/hook.js';
import type { InboundHookWithSecret } from '../../store/inbound-hooks.js';

/** A delivery as it arrived: the bytes as sent (signatures cover them), headers, and the URL. */
export interface HookRequest {
  readonly rawBody: Buffer;
  readonly contentType: string | undefined;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The full URL the request arrived at (scheme, host, path and query). */
  readonly url: string;
}

/** What an adapter makes of a delivery: refused (with the reason logged and answered), or mapped. */
export type Reading =
  | { readonly verified: false; readonly reason: string }
  | {
      readonly verified: true;
      readonly mapping: HookMapping;
      /**
       * A one-time value the provider signed (Mailgun's token): a second delivery carrying it is a
       * replay and is refused. Kept `keepMs`, at least the timestamp's tolerance.
       */
      readonly nonce?: { readonly value: string; readonly keepMs: number };
    };

export type Adapter = (request: HookRequest, hook: InboundHookWithSecret, now: Date) => Reading;

export const refuse = (reason: string): Reading => ({ verified: false, reason });

export function parseJson(body: Buffer): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(body.toString('utf8')) };
  } catch {
    return { ok: false };
  }
}

export const notJson: HookMapping = {
  kind: 'invalid',
  problems: [{ path: '', message: 'the body is not JSON' }],
};
