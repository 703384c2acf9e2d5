import { createHmac } from 'node:crypto';

/**
 * The `Hearth-Signature` header of a delivery: `t=<unix seconds>,v1=<hex HMAC-SHA256 of
 * "<t>.<body>" keyed with the subscription's secret>`. Signing the timestamp with the body lets
 * a receiver refuse old deliveries replayed by someone who captured one.
 *
 * @example
 * signatureHeader('whsec_…', 1772442000, '{"id":"1",…}') // 't=1772442000,v1=5f3a…'
 */
export function signatureHeader(secret: string, timestampSeconds: number, body: string): string {
  const digest = createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex');
  return `t=${timestampSeconds},v1=${digest}`;
}
