import {
  CALENDLY_TOLERANCE_MS,
  type CalendlyConfig,
  mapCalendly,
} from '../../domain/integrations/calendly.js';
import { parseSignatureHeader } from '../../domain/integrations/generic.js';
import { freshness } from '../../domain/integrations/hook.js';
import { mapTypeform, type TypeformConfig } from '../../domain/integrations/typeform.js';
import { type Adapter, notJson, parseJson, refuse } from './reading.js';
import { hmacMatches } from './signatures.js';

/** Typeform: `Typeform-Signature: sha256=<base64 HMAC-SHA256 of the raw body>`. */
export const typeform: Adapter = (request, hook) => {
  const header = request.headers['typeform-signature'];
  if (!header) return refuse('no Typeform-Signature header');
  if (!header.startsWith('sha256=')) return refuse('Typeform-Signature must be "sha256=<base64 HMAC>"');
  if (!hmacMatches('sha256', hook.secret, request.rawBody, header.slice('sha256='.length), 'base64')) {
    return refuse('Typeform-Signature does not match the body (check the secret)');
  }
  const body = parseJson(request.rawBody);
  return {
    verified: true,
    mapping: body.ok ? mapTypeform(body.value, hook.config as TypeformConfig) : notJson,
  };
};

/** Calendly: `Calendly-Webhook-Signature: t=…,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`. */
export const calendly: Adapter = (request, hook, now) => {
  const header = request.headers['calendly-webhook-signature'];
  if (!header) return refuse('no Calendly-Webhook-Signature header');
  const parsed = parseSignatureHeader(header);
  if (!parsed) return refuse('Calendly-Webhook-Signature must be "t=<unix seconds>,v1=<hex HMAC-SHA256>"');
  const message = Buffer.concat([Buffer.from(`${parsed.timestamp}.`), request.rawBody]);
  if (!parsed.signatures.some((s) => hmacMatches('sha256', hook.secret, message, s, 'hex'))) {
    return refuse('Calendly-Webhook-Signature does not match "<t>.<body>" (check the signing key)');
  }
  const fresh = freshness(new Date(parsed.timestamp * 1000), now, CALENDLY_TOLERANCE_MS);
  if (!fresh.ok) return refuse(fresh.reason);
  const body = parseJson(request.rawBody);
  return {
    verified: true,
    mapping: body.ok ? mapCalendly(body.value, hook.config as CalendlyConfig) : notJson,
  };
};
