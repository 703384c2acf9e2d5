import { aircallToken, mapAircall } from '../../domain/integrations/aircall.js';
import { mapCallRail } from '../../domain/integrations/callrail.js';
import {
  GENERIC_TOLERANCE_MS,
  type GenericMapping,
  mapGeneric,
  parseSignatureHeader,
} from '../../domain/integrations/generic.js';
import { type CallHookConfig, freshness, type HookProvider } from '../../domain/integrations/hook.js';
import {
  mapTwilio,
  twilioFreshness,
  twilioSignedText,
  twilioUrlVariants,
} from '../../domain/integrations/twilio.js';
import { mailgun, postmark, sendgrid } from './email-adapters.js';
import { calendly, typeform } from './form-adapters.js';
import { type Adapter, notJson, parseJson, refuse } from './reading.js';
import { hmacMatches, secretMatches } from './signatures.js';

export type { HookRequest } from './reading.js';

const twilio: Adapter = (request, hook, now) => {
  const signature = request.headers['x-twilio-signature'];
  if (!signature) return refuse('no X-Twilio-Signature header');
  const params = [...new URLSearchParams(request.rawBody.toString('utf8'))];
  const config = hook.config as CallHookConfig;
  const url = config.publicUrl ?? request.url;
  const signed = twilioUrlVariants(url).some((candidate) =>
    hmacMatches('sha1', hook.secret, twilioSignedText(candidate, params), signature, 'base64'),
  );
  if (!signed) {
    return refuse(
      `X-Twilio-Signature does not match (Auth Token, or the URL Twilio called: ${url} was checked)`,
    );
  }
  const byName = new Map(params);
  const fresh = twilioFreshness(byName, now);
  if (!fresh.ok) return refuse(fresh.reason);
  return { verified: true, mapping: mapTwilio(byName, config, now) };
};

const callrail: Adapter = (request, hook) => {
  const signature = request.headers.signature;
  if (!signature) return refuse('no Signature header');
  if (!hmacMatches('sha1', hook.secret, request.rawBody, signature, 'base64')) {
    return refuse('the Signature header does not match the body (check the signing key)');
  }
  const parsed = parseJson(request.rawBody);
  return {
    verified: true,
    mapping: parsed.ok ? mapCallRail(parsed.value, hook.config as CallHookConfig) : notJson,
  };
};

const aircall: Adapter = (request, hook) => {
  const parsed = parseJson(request.rawBody);
  const token = parsed.ok ? aircallToken(parsed.value) : undefined;
  if (token === undefined) return refuse('no token in the body (not an Aircall webhook)');
  if (!secretMatches(token, hook.secret)) return refuse("the body's token is not this hook's Aircall token");
  return {
    verified: true,
    mapping: mapAircall(parsed.ok ? parsed.value : undefined, hook.config as CallHookConfig),
  };
};

const generic: Adapter = (request, hook, now) => {
  const header = request.headers['hearth-signature'];
  if (!header) return refuse('no Hearth-Signature header');
  const parsed = parseSignatureHeader(header);
  if (!parsed) return refuse('Hearth-Signature must be "t=<unix seconds>,v1=<hex HMAC-SHA256>"');
  const message = Buffer.concat([Buffer.from(`${parsed.timestamp}.`), request.rawBody]);
  if (!parsed.signatures.some((s) => hmacMatches('sha256', hook.secret, message, s, 'hex'))) {
    return refuse('Hearth-Signature does not match "<t>.<body>" (check the secret)');
  }
  const fresh = freshness(new Date(parsed.timestamp * 1000), now, GENERIC_TOLERANCE_MS);
  if (!fresh.ok) return refuse(fresh.reason);
  const body = parseJson(request.rawBody);
  const mapping = hook.config as unknown as GenericMapping;
  return {
    verified: true,
    mapping: body.ok ? mapGeneric(body.value, mapping, `generic:${hook.id}:`, now) : notJson,
  };
};

/** Each provider's reader: verifies the delivery with the provider's own scheme, then maps it. */
export const ADAPTERS: Record<HookProvider, Adapter> = {
  twilio,
  callrail,
  aircall,
  sendgrid,
  mailgun,
  postmark,
  typeform,
  calendly,
  generic,
};
