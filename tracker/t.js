/*! Hearth website tracker, protocol 1. Setup and privacy: docs/integrations.md "Website tracker". */
// Served as is at /t.js (no build step, no dependencies). Installed with one tag:
//   <script async src="https://HEARTH/t.js" data-site-key="hpk_…"></script>
// Calls made before it loads wait in `hearth.q` when the page also has the queue stub:
//   window.hearth=window.hearth||function(){(hearth.q=hearth.q||[]).push(arguments)};
((w, d) => {
  const PROTOCOL = 1;
  const BATCH = 20; // the collect endpoint's most events per request
  // Its most bytes per request is 16 kB: a request is kept under this, and a captured form's fields
  // under FIELD_BYTES, so that one event always fits in a request of its own.
  const MAX_BYTES = 15000;
  const FIELD_BYTES = 9000;
  const MAX_URL = 2000;
  const script = d.currentScript;
  if (!script || w.hearth?.loaded) return;
  const siteKey = script.getAttribute('data-site-key') || '';
  // Hearth's own URL, from the script's (a Hearth behind a path prefix works too).
  const base = script.src.replace(/\/t\.js(\?.*)?$/, '');
  const hearthOrigin = new URL(base, location.href).origin;
  const loadedAt = Math.round((w.performance && performance.timeOrigin) || Date.now());
  const ID = /^[A-Za-z0-9_-]{16,64}$/;
  const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
  // Never read: secrets, payment cards, bank and identity numbers (the server drops them too).
  const SENSITIVE =
    /pass|pwd|secret|token|csrf|captcha|card|ccnum|cc[-_]?(num|exp|csc|cvc|cvv)|cvv|cvc|expir|iban|bic|swift|account[-_]?num|routing|sort[-_]?code|ssn|social[-_]?sec|tax[-_]?id|national[-_]?id|passport|\bpin\b/i;
  const SKIPPED_TYPES = /^(password|hidden|file|submit|button|reset|image)$/;
  const TRAITS = {
    name: /^(full[-_ ]?)?name$/i,
    firstName: /^(first[-_ ]?name|given[-_ ]?name)$/i,
    lastName: /^(last[-_ ]?name|family[-_ ]?name|surname)$/i,
    company: /^(company|organi[sz]ation)([-_ ]?name)?$/i,
    phone: /^(phone|tel|telephone|mobile)([-_ ]?number)?$/i,
    jobTitle: /^(job[-_ ]?)?title$/i,
  };

  let settings = null; // the key's settings from /t/config; false when the key may not be used here
  let consent = read('hearth_consent') === '1';
  let queue = [];
  let identity = null;
  let timer = 0;

  function read(name) {
    try {
      const value = localStorage.getItem(name);
      if (value) return value;
    } catch (_) {}
    const match = d.cookie.match(new RegExp(`(?:^|; )${name}=([^;]*)`));
    return match ? decodeURIComponent(match[1]) : null;
  }
  function write(name, value) {
    try {
      localStorage.setItem(name, value);
      return;
    } catch (_) {}
    d.cookie = `${name}=${value};path=/;max-age=31536000;samesite=lax`;
  }
  function forget(name) {
    try {
      localStorage.removeItem(name);
    } catch (_) {}
    d.cookie = `${name}=;path=/;max-age=0`;
  }
  function randomId() {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return btoa(String.fromCharCode.apply(null, bytes))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '');
  }

  const doNotTrack = () =>
    navigator.doNotTrack === '1' || w.doNotTrack === '1' || navigator.globalPrivacyControl === true;

  /** True when events may be sent and a visitor id kept: the key allows this page and the person. */
  function allowed() {
    if (!settings) return false;
    if (settings.honourDoNotTrack && doNotTrack()) return false;
    return !settings.requireConsent || consent;
  }

  function visitorId() {
    let id = read('hearth_vid');
    if (!id || !ID.test(id)) {
      id = randomId();
      write('hearth_vid', id);
    }
    return id;
  }

  function send(json) {
    const url = `${base}/t/collect`;
    // A string is sent as text/plain: no CORS preflight, and it survives the page closing.
    if (navigator.sendBeacon?.(url, json)) return;
    if (w.fetch) {
      fetch(url, {
        method: 'POST',
        body: json,
        keepalive: true,
        credentials: 'omit',
        headers: { 'Content-Type': 'text/plain' },
      }).catch(() => {});
    }
  }

  const bytes = (text) => new TextEncoder().encode(text).length;

  function flush() {
    clearTimeout(timer);
    timer = 0;
    if (!allowed()) return;
    const envelope = { v: PROTOCOL, siteKey, visitorId: visitorId(), sentAt: Date.now() };
    if (consent) envelope.consent = true;
    envelope.events = [];
    const head = JSON.stringify(envelope).slice(0, -3); // up to `"events":`
    // Identify alone: the server accepts it before or after the events it concerns.
    if (identity) send(JSON.stringify(Object.assign({}, envelope, { identify: identity })));
    identity = null;
    const empty = bytes(head) + 3;
    let events = [];
    let size = empty;
    for (const event of queue.splice(0)) {
      const json = JSON.stringify(event);
      const more = bytes(json) + 1;
      if (events.length === BATCH || (events.length > 0 && size + more > MAX_BYTES)) {
        send(`${head}[${events.join(',')}]}`);
        events = [];
        size = empty;
      }
      events.push(json);
      size += more;
    }
    if (events.length > 0) send(`${head}[${events.join(',')}]}`);
  }

  function later() {
    if (!timer) timer = setTimeout(flush, 300);
  }

  function track(type, properties) {
    if (settings === false || typeof type !== 'string' || type.trim() === '') return;
    queue.push({ id: randomId(), type: type.slice(0, 100), at: Date.now(), properties: properties || {} });
    later();
  }

  function page(properties) {
    track(
      'page_view',
      Object.assign(
        {
          url: location.href.slice(0, MAX_URL),
          title: d.title.slice(0, 500),
          referrer: d.referrer.slice(0, MAX_URL),
        },
        properties,
      ),
    );
  }

  function identify(traits) {
    if (!traits || typeof traits.email !== 'string' || !EMAIL.test(traits.email.trim())) return;
    const known = {};
    for (const name of ['email', 'name', 'phone', 'company', 'jobTitle']) {
      if (typeof traits[name] === 'string' && traits[name].trim() !== '') known[name] = traits[name].trim();
    }
    identity = known;
    later();
  }

  function setConsent(given) {
    consent = given === true;
    if (consent) {
      write('hearth_consent', '1');
      markForms();
      flush();
    } else {
      // Withdrawn: nothing more is sent, and the browser keeps no id (nor do the hosted forms).
      forget('hearth_consent');
      forget('hearth_vid');
      queue = [];
      identity = null;
      markForms();
    }
  }

  function setHidden(form, name, value) {
    let input = form.querySelector(`input[name="${name}"]`);
    if (!input) {
      input = d.createElement('input');
      input.type = 'hidden';
      input.name = name;
      form.appendChild(input);
    }
    input.value = value;
  }

  /** Hearth's hosted forms (`/f/…`) learn who filled them and since when the page was open. */
  function markForm(form) {
    let action;
    try {
      action = new URL(form.getAttribute('action') || '', location.href);
    } catch (_) {
      return false;
    }
    if (action.origin !== hearthOrigin || action.href.indexOf(`${base}/f/`) !== 0) return false;
    setHidden(form, 'hearth_ts', String(loadedAt));
    if (allowed()) setHidden(form, 'hearth_vid', visitorId());
    else form.querySelector('input[name="hearth_vid"]')?.remove();
    return true;
  }

  function markForms() {
    for (const form of d.forms) markForm(form);
  }

  /** A submitted form holding an email: the visitor is identified and a form_submit kept. */
  function capture(form) {
    const fields = {};
    const traits = {};
    let email = null;
    let fieldBytes = 0;
    for (const el of form.elements) {
      const name = el.name || el.id;
      const type = (el.type || '').toLowerCase();
      if (!name || el.disabled || SKIPPED_TYPES.test(type) || SENSITIVE.test(name)) continue;
      if (/^(cc-|current-password|new-password|one-time-code)/.test(el.autocomplete || '')) continue;
      if ((type === 'checkbox' || type === 'radio') && !el.checked) continue;
      const value = String(el.value || '')
        .trim()
        .slice(0, 500);
      if (value === '') continue;
      if (!email && (type === 'email' || /e-?mail/i.test(name)) && EMAIL.test(value)) email = value;
      const field = name.slice(0, 100);
      const more = bytes(JSON.stringify(field) + JSON.stringify(value));
      if (Object.keys(fields).length < 40 && fieldBytes + more <= FIELD_BYTES) {
        fields[field] = value;
        fieldBytes += more;
      }
      for (const trait of Object.keys(TRAITS))
        if (!traits[trait] && TRAITS[trait].test(name)) traits[trait] = value;
    }
    if (!email) return;
    const full = traits.name || [traits.firstName, traits.lastName].filter(Boolean).join(' ');
    identify({ email, name: full, company: traits.company, phone: traits.phone, jobTitle: traits.jobTitle });
    track('form_submit', {
      form: String(form.id || form.getAttribute('name') || '').slice(0, 100),
      url: location.href.slice(0, MAX_URL),
      fields,
    });
    flush(); // now: the page is about to leave
  }

  function command(name, a, b) {
    if (name === 'track') track(a, b);
    else if (name === 'page') page(a);
    else if (name === 'identify') identify(a);
    else if (name === 'consent') setConsent(a);
  }

  function start(config) {
    settings = config && config.v === PROTOCOL ? config : false;
    if (!settings) {
      // A wrong origin or a revoked key: nothing is kept or sent from this page.
      queue = [];
      identity = null;
      return;
    }
    markForms();
    flush();
  }

  const earlier = w.hearth?.q || [];
  w.hearth = command;
  command.loaded = true;
  page();
  for (const call of earlier) command.apply(null, call);

  d.addEventListener(
    'submit',
    (event) => {
      const form = event.target;
      if (form?.tagName !== 'FORM') return;
      // A hosted form tells Hearth itself (with the visitor id); capturing it too would count it twice.
      if (!markForm(form) && settings && settings.captureForms && allowed()) capture(form);
    },
    true,
  );
  const leaving = () => flush();
  w.addEventListener('pagehide', leaving);
  d.addEventListener('visibilitychange', () => {
    if (d.visibilityState === 'hidden') leaving();
  });
  if (d.readyState === 'loading') d.addEventListener('DOMContentLoaded', () => settings && markForms());

  fetch(`${base}/t/config?siteKey=${encodeURIComponent(siteKey)}`, { credentials: 'omit' })
    .then((response) => (response.ok ? response.json() : null))
    .then(start, () => start(null));
})(window, document);
