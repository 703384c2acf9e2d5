import { HearthError } from '../domain/errors.js';
import type { PostedFields } from '../domain/forms/submission.js';

/** The content types an HTML form posts with (HTML's "form submission" algorithm). */
export const FORM_CONTENT_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data'] as const;

const mediaType = (contentType: string | undefined) =>
  (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';

/**
 * The text fields of a form post, in order. `multipart/form-data` is read by the WHATWG `FormData`
 * parser built into Node (undici's `Response.formData()`); file parts are left out and never stored
 * (a hosted form takes text: an attached file would be personal data held nowhere a lead's erase
 * reaches). The body has already been held to HEARTH_BODY_LIMIT.
 */
export async function postedFields(body: Buffer, contentType: string | undefined): Promise<PostedFields> {
  const type = mediaType(contentType);
  if (type === 'application/x-www-form-urlencoded') {
    return [...new URLSearchParams(body.toString('utf8'))];
  }
  if (type === 'multipart/form-data') {
    let data: FormData;
    try {
      data = await new Response(body, { headers: { 'content-type': contentType as string } }).formData();
    } catch {
      throw new HearthError('invalid', 'The form body cannot be read as multipart/form-data', {});
    }
    const fields: [string, string][] = [];
    for (const [name, value] of data) if (typeof value === 'string') fields.push([name, value]);
    return fields;
  }
  throw new HearthError(
    'invalid',
    'Post the form as application/x-www-form-urlencoded or multipart/form-data (an ordinary HTML form does)',
    {},
  );
}

/** The origin of the page that posted: the Origin header, else the Referer's; null when neither says. */
export function postingOrigin(headers: {
  origin?: string | undefined;
  referer?: string | undefined;
}): string | null {
  for (const candidate of [headers.origin, headers.referer]) {
    // `Origin: null` is what a sandboxed or privacy-restricted page sends: no origin to check.
    if (candidate === undefined || candidate === 'null') continue;
    try {
      const origin = new URL(candidate).origin;
      if (origin !== 'null') return origin;
    } catch {}
  }
  return null;
}
