import { CONTROL_FIELDS, FORM_ANSWERS, type HostedForm } from './form.js';

/** Text made safe inside HTML content and double-quoted attributes. */
export const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const LABELS: Record<string, string> = {
  email: 'Email',
  name: 'Name',
  company: 'Company',
  jobTitle: 'Job title',
  phone: 'Phone',
  budget: 'Budget',
  timeline: 'Timeline',
  need: 'What do you need?',
};
const AUTOCOMPLETE: Record<string, string> = {
  email: 'email',
  name: 'name',
  company: 'organization',
  jobTitle: 'organization-title',
  phone: 'tel',
};

// The script runs once, right after the form. It asks Hearth for a signed load time (`GET
// {action}/t`, no cookies) and puts it in the form: the fill time is then measured on Hearth's
// clock at both ends, which a bot posting directly cannot fake. It also notes when the page loaded
// and, on submit, when the form was sent, on the visitor's clock: the fallback when the signed
// time could not be fetched. The website tracker, when the page has it, fills `hearth_vid` itself
// (and `hearth_ts`, with the page's navigation start).
const script = () => {
  const { signedLoadTime: t, loadSignature: sig, loadedAt, sentAt } = CONTROL_FIELDS;
  return (
    `<script>(function(f){var e=f.elements;e.${loadedAt}.value=Date.now();` +
    `if(window.fetch)fetch(f.getAttribute('action')+'/t',{credentials:'omit'}).then(function(r){return r.json()})` +
    `.then(function(j){e.${t}.value=j.t;e.${sig}.value=j.sig}).catch(function(){});` +
    `f.addEventListener('submit',function(){e.${sentAt}.value=Date.now()});` +
    '})(document.currentScript.previousElementSibling);</script>'
  );
};

/**
 * A ready-to-paste HTML form posting to the form at `origin` (`https://hearth.example.com`): the
 * mapped fields with labels, a select per qualification answer that has a values table, the
 * honeypot out of sight (not `display:none`, which bots skip), the timing script, and the hidden
 * field the website tracker puts its visitor id in. A starting
 * point: the site restyles it freely as long as the field names stay.
 *
 * @example formSnippet(form, 'https://hearth.example.com') // '<form method="post" action="https://hearth.example.com/f/hfm_…">…'
 */
export function formSnippet(
  form: Pick<HostedForm, 'formKey' | 'fields' | 'qualification' | 'honeypotField'>,
  origin: string,
): string {
  const input = (key: string, name: string, type = 'text', required = false) =>
    `  <label>${LABELS[key]} <input type="${type}" name="${escapeHtml(name)}"${required ? ' required' : ''}` +
    `${AUTOCOMPLETE[key] ? ` autocomplete="${AUTOCOMPLETE[key]}"` : ''}></label>`;
  const lines = [
    `<form method="post" action="${escapeHtml(`${origin}/f/${form.formKey}`)}" accept-charset="utf-8">`,
    input('email', form.fields.email, 'email', true),
    input('name', form.fields.name),
    input('company', form.fields.company),
    input('jobTitle', form.fields.jobTitle),
    input('phone', form.fields.phone, 'tel'),
  ];
  for (const criterion of FORM_ANSWERS) {
    const mapping = form.qualification[criterion];
    if (!mapping) continue;
    const options = Object.keys(mapping.values ?? {});
    if (options.length === 0) {
      lines.push(input(criterion, mapping.field));
      continue;
    }
    lines.push(
      `  <label>${LABELS[criterion]} <select name="${escapeHtml(mapping.field)}">`,
      '    <option value="">Choose…</option>',
      ...options.map((o) => `    <option>${escapeHtml(o)}</option>`),
      '  </select></label>',
    );
  }
  lines.push(
    `  <div aria-hidden="true" style="position:absolute;left:-10000px;top:auto;width:1px;height:1px;overflow:hidden">`,
    `    <input type="text" name="${escapeHtml(form.honeypotField)}" tabindex="-1" autocomplete="off">`,
    '  </div>',
    `  <input type="hidden" name="${CONTROL_FIELDS.signedLoadTime}"><input type="hidden" name="${CONTROL_FIELDS.loadSignature}">`,
    `  <input type="hidden" name="${CONTROL_FIELDS.loadedAt}"><input type="hidden" name="${CONTROL_FIELDS.sentAt}"><input type="hidden" name="${CONTROL_FIELDS.visitor}">`,
    '  <button type="submit">Send</button>',
    '</form>',
    script(),
  );
  return `${lines.join('\n')}\n`;
}
