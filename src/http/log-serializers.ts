import { isIPv4, isIPv6 } from 'node:net';
import type { FastifyRequest } from 'fastify';

// Routes a website's visitors reach (the tracker, hosted forms) and providers' webhooks, which
// carry people's addresses rather than users': Hearth stores no visitor's IP address, so its
// request log keeps only the network (/24 for IPv4, /48 for IPv6), enough to see a flood.
const PUBLIC_INGEST = [/^\/t\//, /^\/t\.js(\?|$)/, /^\/f\//, /^\/hooks\//];

/** `203.0.113.0/24`, `2001:db8:1::/48`; undefined for anything that is not an address. */
export function truncatedAddress(address: string | undefined): string | undefined {
  if (address === undefined) return undefined;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  const v4 = mapped ?? address;
  if (isIPv4(v4)) return `${v4.split('.').slice(0, 3).join('.')}.0/24`;
  if (!isIPv6(address)) return undefined;
  const [head = '', tail = ''] = address.split('%')[0]?.split('::') ?? [];
  const left = head === '' ? [] : head.split(':');
  const right = address.includes('::') ? (tail === '' ? [] : tail.split(':')) : [];
  const groups = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return `${groups
    .slice(0, 3)
    .map((g) => Number.parseInt(g, 16).toString(16))
    .join(':')}::/48`;
}

/**
 * Fastify's request serializer (method, url, host, remoteAddress, remotePort), with the address of
 * a public ingest route truncated and its port left out.
 */
export function serializeRequest(request: FastifyRequest) {
  const base = {
    method: request.method,
    url: request.url,
    version: [request.headers?.['accept-version']].flat()[0],
    host: request.host,
  };
  if (PUBLIC_INGEST.some((route) => route.test(request.url))) {
    return { ...base, remoteAddress: truncatedAddress(request.ip) };
  }
  return { ...base, remoteAddress: request.ip, remotePort: request.socket?.remotePort };
}
