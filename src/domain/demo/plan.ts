import { Random } from './random.js';
import {
  ASSETS,
  BLOG_POSTS,
  COMPANY_SUFFIXES,
  COMPANY_WORDS,
  COUNTRIES,
  DECISION_MAKER_TITLES,
  DEMO_USER_DOMAIN,
  DOCS_PAGES,
  FIRST_NAMES,
  FREE_MAIL_DOMAINS,
  INDUSTRIES,
  LAST_NAMES,
  LOSS_REASONS,
  NEWSLETTER_SUBJECTS,
  OTHER_PAGES,
  OTHER_TITLES,
  SOURCES,
  TARGET_INDUSTRIES,
} from './vocabulary.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export interface DemoOptions {
  readonly seed: number;
  /** How many leads (default DEFAULT_DEMO_LEADS). */
  readonly leads: number;
  readonly start: Date;
  readonly end: Date;
}

export const DEFAULT_DEMO_LEADS = 2000;
export const DEFAULT_DEMO_SEED = 1;
/** About four months of history before now. */
export const DEFAULT_DEMO_DAYS = 120;

export interface DemoUser {
  readonly email: string;
  readonly name: string;
  readonly role: 'manager' | 'rep';
}

/** When a lead's fate is decided, and the uniform draw that decides it (see outcome.ts). */
export interface DemoDecision {
  readonly at: Date;
  readonly draw: number;
  readonly value: number;
  readonly reason: string;
}

export interface DemoLead {
  readonly email: string;
  readonly name: string;
  readonly phone: string | null;
  readonly company: string | null;
  readonly jobTitle: string;
  readonly industry: string | null;
  readonly companySize: number | null;
  readonly country: string;
  readonly source: string;
  readonly attributes: Record<string, string>;
  readonly createdAt: Date;
  /** Null when the decision would fall after the end: the lead stays open. */
  readonly decision: DemoDecision | null;
}

export interface DemoEvent {
  /** Stable across runs of the same seed: a re-run stores nothing twice. */
  readonly id: string;
  readonly email: string;
  readonly type: string;
  readonly occurredAt: Date;
  readonly properties: Record<string, unknown>;
}

export interface DemoPlan {
  readonly users: readonly DemoUser[];
  /** Oldest first. */
  readonly leads: readonly DemoLead[];
  /** In time order (ties by id). */
  readonly events: readonly DemoEvent[];
}

interface Company {
  readonly name: string;
  readonly domain: string;
  readonly industry: string;
  readonly size: number;
  readonly country: string;
}

/**
 * The demo data set for a seed: the same options always give the same plan, so a re-run (or a
 * resumed run) of `hearth demo` finds exactly what the first one stored.
 *
 * @example generateDemoPlan({ seed: 1, leads: 2000, start, end }).events.length // ≈ 60,000
 */
export function generateDemoPlan(options: DemoOptions): DemoPlan {
  const random = new Random(options.seed);
  const users: DemoUser[] = [
    { email: `morgan.reyes@${DEMO_USER_DOMAIN}`, name: 'Morgan Reyes', role: 'manager' },
    ...['Alex Kim', 'Sam Okafor', 'Jordan Silva', 'Riley Novak'].map((name) => ({
      email: `${name.toLowerCase().replace(' ', '.')}@${DEMO_USER_DOMAIN}`,
      name,
      role: 'rep' as const,
    })),
  ];
  const companies = Array.from({ length: Math.max(20, Math.round(options.leads * 0.6)) }, () =>
    makeCompany(random),
  );
  const emails = new Set<string>();
  const leads: DemoLead[] = [];
  const events: DemoEvent[] = [];
  const live = liveLeadCount(options.leads);
  for (let index = 0; index < options.leads; index++) {
    const slot = index - (options.leads - live);
    const planned =
      slot < 0
        ? planLead(random, options, index, companies, emails)
        : planLiveLead(random, options, index, { slot, of: live }, companies, emails);
    leads.push(planned.lead);
    events.push(...planned.events);
  }
  leads.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  events.sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || (a.id < b.id ? -1 : 1));
  return { users, leads, events };
}

/**
 * How many of the last planned leads end the demo on a live morning (see planLiveLead): four,
 * one per rep under round-robin routing, fewer for a tiny demo (one in ten leads at most).
 */
export function liveLeadCount(leads: number): number {
  return Math.min(4, Math.floor(leads / 10));
}

/** When the live leads ask for sales: spread over these minutes before the end. */
export const LIVE_ASK_MINUTES = { earliest: 40, latest: 5 } as const;

function makeCompany(random: Random): Company {
  const word = random.pick(COMPANY_WORDS);
  const suffix = random.pick(COMPANY_SUFFIXES);
  return {
    name: `${word} ${suffix}`,
    domain: `${word}${suffix}.example`.toLowerCase(),
    industry: random.weighted(INDUSTRIES),
    // Heavy-tailed: most companies are small, a few are huge (median 60, 1–200,000 employees).
    size: Math.min(200_000, Math.max(1, Math.round(random.logNormal(60, 1.6)))),
    country: random.weighted(COUNTRIES),
  };
}

/** A time on the same day, in (UTC) office hours: most activity happens 8:00–19:00. */
function officeHours(random: Random, dayMs: number): number {
  const midnight = Math.floor(dayMs / DAY) * DAY;
  const hour = Math.min(22, Math.max(6, Math.round(random.logNormal(13, 0.22))));
  return midnight + hour * HOUR + random.int(0, 59) * MINUTE;
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z]+/g, '');
}

function uniqueEmail(local: string, domain: string, emails: Set<string>): string {
  let email = `${local}@${domain}`;
  for (let n = 2; emails.has(email); n++) email = `${local}${n}@${domain}`;
  emails.add(email);
  return email;
}

function planLead(
  random: Random,
  options: DemoOptions,
  index: number,
  companies: readonly Company[],
  emails: Set<string>,
): { lead: DemoLead; events: DemoEvent[] } {
  const startMs = options.start.getTime();
  const endMs = options.end.getTime();
  const first = random.pick(FIRST_NAMES);
  const last = random.pick(LAST_NAMES);
  const company = random.pick(companies);
  const freeMail = random.chance(0.18);
  const local = `${slug(first)}.${slug(last)}`;
  const domain = freeMail ? random.pick(FREE_MAIL_DOMAINS) : company.domain;
  const email = uniqueEmail(local, domain, emails);
  const knownCompany = !freeMail || random.chance(0.5);
  const decisionMaker = random.chance(0.4);
  const source = random.weighted(SOURCES);
  // More leads lately (marketing grows): creation density rises over the window.
  const createdMs = Math.min(
    endMs - 10 * MINUTE,
    officeHours(random, startMs + (endMs - startMs) * random.next() ** 0.8),
  );
  const createdAt = new Date(Math.max(startMs, createdMs));

  let k = 0;
  const events: DemoEvent[] = [];
  const add = (type: string, atMs: number, properties: Record<string, unknown> = {}) => {
    if (atMs > endMs || atMs < createdAt.getTime()) return;
    events.push({
      id: `demo-${options.seed}-${index}-${k++}`,
      email,
      type,
      occurredAt: new Date(atMs),
      properties,
    });
  };
  const session = (atMs: number, pages: number, pricing: boolean): number => {
    let t = atMs;
    for (let i = 0; i < pages; i++) {
      const url = pricing && i === pages - 1 ? '/pricing' : pageUrl(random);
      add('page_view', t, { url });
      t += random.between(0.5, 4) * MINUTE;
    }
    return t;
  };

  // The visit or touch that made them a lead.
  let subscribedAt: number | null = source === 'import' && random.chance(0.4) ? createdAt.getTime() : null;
  let t = createdAt.getTime();
  if (source === 'event') add('form_submit', t, { form: 'Trade show badge scan', event: 'SaaStock 2026' });
  else if (source === 'cold_outreach') add('email_open', t, { campaign: 'Outbound sequence', step: 1 });
  else if (source !== 'import') {
    t = session(t, random.int(1, 5), random.chance(0.1));
    const first = random.weighted({ newsletter: 40, download: 35, webinar: 10, none: 15 });
    if (first === 'newsletter') {
      add('newsletter_signup', t, { list: 'Product newsletter' });
      subscribedAt = t;
    } else if (first === 'download') add('content_download', t, { asset: random.pick(ASSETS) });
    else if (first === 'webinar') add('form_submit', t, { form: 'Webinar registration' });
  }

  // Return visits: bursty (short gaps within a burst, long gaps between) and heavy-tailed in count.
  const visits = Math.min(80, Math.floor(random.logNormal(2.5, 1.1)));
  const visitTimes: number[] = [];
  let v = createdAt.getTime();
  for (let i = 0; i < visits; i++) {
    v += random.chance(0.55) ? random.exponential(8 * HOUR) : random.exponential(9 * DAY);
    if (v > endMs) break;
    const at = officeHours(random, v);
    visitTimes.push(at);
    const end = session(at, random.int(1, 6), random.chance(0.15));
    if (random.chance(0.08)) add('content_download', end, { asset: random.pick(ASSETS) });
    if (subscribedAt === null && random.chance(0.05)) {
      add('newsletter_signup', end, { list: 'Product newsletter' });
      subscribedAt = end;
    }
  }

  // The newsletter, every Tuesday at 09:00 UTC, for subscribers.
  if (subscribedAt !== null) sendNewsletters(random, subscribedAt, endMs, add);

  // A minority shows intent: far more often decision makers at target companies (the ideal
  // customer profile), and people who come back.
  const target = TARGET_INDUSTRIES.has(company.industry);
  const midSize = company.size >= 50 && company.size <= 1000;
  const profile = target && decisionMaker && !freeMail;
  const pIntent =
    0.02 +
    (target ? 0.06 : 0) +
    (decisionMaker ? 0.06 : 0) +
    (midSize ? 0.04 : 0) +
    (profile ? 0.35 : 0) +
    0.02 * Math.min(5, visits);
  let intentAt: number | null = null;
  if (random.chance(pIntent)) {
    intentAt =
      visitTimes.length > 0 && random.chance(0.7)
        ? (visitTimes[random.int(0, visitTimes.length - 1)] as number) + 5 * MINUTE
        : officeHours(random, createdAt.getTime() + random.exponential(10 * DAY));
    planIntent(random, intentAt, add);
  }

  const purchaseSoon = random.chance(intentAt === null ? 0.15 : 0.5);
  const attributes: Record<string, string> = {};
  if (purchaseSoon) {
    attributes.purchase_date = new Date(createdAt.getTime() + random.between(10, 100) * DAY)
      .toISOString()
      .slice(0, 10);
  }
  if (source === 'ads')
    attributes.utm_campaign = random.pick(['spring-search', 'retargeting', 'linkedin-abm']);

  // Decided 5–30 days after the first intent (sales cycles after a request are short, and a later
  // decision would find nearly every hot lead cooled: the b2b high-intent window is 14 days), or
  // 10–40 days after creation for the others; never after the end.
  const decisionMs = officeHours(
    random,
    intentAt === null
      ? createdAt.getTime() + random.between(10, 40) * DAY
      : intentAt + random.between(5, 30) * DAY,
  );
  const draw = random.next();
  const decision: DemoDecision | null =
    decisionMs <= endMs
      ? {
          at: new Date(decisionMs),
          draw,
          // Deal value grows with the company, in whole euros (Hearth's demo pricing, not a benchmark).
          value: 1200 + 60 * Math.round(Math.sqrt(knownCompany ? company.size : 5) * 10),
          reason: random.pick(LOSS_REASONS),
        }
      : null;

  const lead: DemoLead = {
    email,
    name: `${first} ${last}`,
    phone: random.chance(0.6) ? `+1-555-01${String(random.int(0, 99)).padStart(2, '0')}` : null,
    company: knownCompany ? company.name : null,
    jobTitle: decisionMaker ? random.pick(DECISION_MAKER_TITLES) : random.pick(OTHER_TITLES),
    industry: knownCompany || random.chance(0.3) ? company.industry : null,
    companySize: knownCompany && random.chance(0.85) ? company.size : null,
    country: company.country,
    source,
    attributes,
    createdAt,
    decision,
  };
  return { lead, events };
}

/**
 * A lead of the demo's last minutes: a decision maker at a target company of 50–1,000 people
 * (fit 62 in the b2b preset, over the high-intent rule's 50) finds the site, reads a few pages
 * and the pricing page, and sends the "Contact sales" form between 40 and 5 minutes before the
 * end; nobody has called yet and nothing is decided. The simulation ingests the form at its
 * instant and its desk routes the lead and starts the speed-to-lead clock (60 minutes), so right
 * after `hearth demo` the reps' *Now* sections hold running clocks: without these leads every
 * clock of the history would be stopped or long breached, and the desk's core would not show.
 * The slots spread the forms over the window, so the deadlines do not all fall at once.
 */
function planLiveLead(
  random: Random,
  options: DemoOptions,
  index: number,
  place: { slot: number; of: number },
  companies: readonly Company[],
  emails: Set<string>,
): { lead: DemoLead; events: DemoEvent[] } {
  const first = random.pick(FIRST_NAMES);
  const last = random.pick(LAST_NAMES);
  const fitting = companies.filter(
    (c) => TARGET_INDUSTRIES.has(c.industry) && c.size >= 50 && c.size <= 1000,
  );
  const company: Company =
    fitting.length > 0
      ? random.pick(fitting)
      : { ...makeCompany(random), industry: 'Software', size: random.int(50, 1000) };
  const email = uniqueEmail(`${slug(first)}.${slug(last)}`, company.domain, emails);
  const { earliest, latest } = LIVE_ASK_MINUTES;
  const span = (earliest - latest) / place.of;
  const minutesBefore = random.between(earliest - span * (place.slot + 1), earliest - span * place.slot);
  // Whole seconds, as a form's timestamp reads.
  const askMs = Math.round((options.end.getTime() - minutesBefore * MINUTE) / 1000) * 1000;
  const createdMs = askMs - Math.round(random.between(6, 15) * 60) * 1000;

  let k = 0;
  const events: DemoEvent[] = [];
  const add = (type: string, atMs: number, properties: Record<string, unknown> = {}) => {
    events.push({
      id: `demo-${options.seed}-${index}-${k++}`,
      email,
      type,
      occurredAt: new Date(atMs),
      properties,
    });
  };
  // A few pages that teach (no careers page: they came to buy), then pricing, then the form.
  const pages = random.int(1, 4);
  const gap = (askMs - 3 * MINUTE - createdMs) / pages;
  for (let i = 0; i < pages; i++) {
    add('page_view', createdMs + Math.round(i * gap), { url: random.pick([...BLOG_POSTS, ...DOCS_PAGES]) });
  }
  add('page_view', askMs - 2 * MINUTE, { url: '/pricing' });
  const answers: Record<string, string> = {
    budget: random.weighted({ yes: 50, approved: 20, no: 10 }),
    timeline: random.weighted({ 'this quarter': 50, 'this month': 30, 'next year': 20 }),
  };
  add('form_submit', askMs, { form: 'Contact sales', answers });

  const lead: DemoLead = {
    email,
    name: `${first} ${last}`,
    // Every one can be called: the clock asks for a call within the hour.
    phone: `+1-555-01${String(random.int(0, 99)).padStart(2, '0')}`,
    company: company.name,
    jobTitle: random.pick(DECISION_MAKER_TITLES),
    industry: company.industry,
    companySize: company.size,
    country: company.country,
    source: 'website',
    attributes: {},
    createdAt: new Date(createdMs),
    decision: null,
  };
  return { lead, events };
}

function pageUrl(random: Random): string {
  const kind = random.weighted({ blog: 38, docs: 20, pricing: 8, other: 31, careers: 3 });
  switch (kind) {
    case 'blog':
      return random.pick(BLOG_POSTS);
    case 'docs':
      return random.pick(DOCS_PAGES);
    case 'pricing':
      return '/pricing';
    case 'careers':
      return random.pick(['/careers', '/careers/account-executive', '/jobs']);
    case 'other':
      return random.pick(OTHER_PAGES);
  }
}

type Add = (type: string, atMs: number, properties?: Record<string, unknown>) => void;

function sendNewsletters(random: Random, fromMs: number, endMs: number, add: Add): void {
  const openRate = random.between(0.05, 0.6);
  // Tuesdays: 1970-01-01 was a Thursday, so day numbers ≡ 5 (mod 7) are Tuesdays.
  let day = Math.ceil(fromMs / DAY);
  while (day % 7 !== 5) day++;
  for (let sent = 0; day * DAY <= endMs; day += 7, sent++) {
    const campaign = NEWSLETTER_SUBJECTS[day % NEWSLETTER_SUBJECTS.length] as string;
    const sentAt = day * DAY + 9 * HOUR;
    if (sent === 0 && random.chance(0.015)) {
      add('email_bounce', sentAt + MINUTE, { campaign, bounce_type: 'hard' });
      return;
    }
    if (!random.chance(openRate)) continue;
    const openedAt = sentAt + random.exponential(5 * HOUR);
    add('email_open', openedAt, { campaign });
    if (random.chance(0.008)) {
      add('email_unsubscribe', openedAt + MINUTE, { campaign });
      return;
    }
    if (random.chance(0.25)) {
      const url = random.chance(0.2) ? '/pricing' : random.pick(BLOG_POSTS);
      add('email_click', openedAt + random.between(1, 10) * MINUTE, { campaign, url });
      add('page_view', openedAt + 11 * MINUTE, { url, utm_source: 'newsletter' });
    }
  }
}

/**
 * A "Contact sales" form, a demo request or a free trial, after a look at the pricing page; a rep
 * calls back minutes to hours later, or never (speed-to-lead has met and breached timers).
 */
function planIntent(random: Random, atMs: number, add: Add): void {
  add('page_view', atMs - 2 * MINUTE, { url: '/pricing' });
  const answers: Record<string, string> = {};
  const budget = random.weighted({ yes: 40, approved: 15, no: 20, unanswered: 25 });
  if (budget !== 'unanswered') answers.budget = budget;
  const timeline = random.weighted({ 'this quarter': 35, 'this month': 15, 'next year': 20, unanswered: 30 });
  if (timeline !== 'unanswered') answers.timeline = timeline;
  const kind = random.weighted({ contact: 50, demo: 38, trial: 12 });
  if (kind === 'contact') add('form_submit', atMs, { form: 'Contact sales', answers });
  else if (kind === 'demo') {
    add('form_submit', atMs, { form: 'Request a demo', answers });
    add('demo_request', atMs + 30_000, { product: 'Hearth Cloud' });
  } else add('trial_start', atMs, { plan: 'Team' });

  // The SLA is 60 minutes (desk default): about half the callbacks make it.
  const speed = random.weighted({ fast: 45, slow: 35, never: 20 });
  if (speed === 'never') return;
  let callAt = atMs + (speed === 'fast' ? random.between(5, 55) : random.between(65, 300)) * MINUTE;
  for (let attempt = 0; attempt < 3; attempt++) {
    const outcome = random.weighted({
      interested: 38,
      callback_requested: 12,
      no_answer: 25,
      left_voicemail: 12,
      not_interested: 13,
    });
    add('call', callAt, {
      direction: 'outbound',
      outcome,
      durationSeconds: outcome === 'no_answer' ? 0 : random.int(60, 1800),
    });
    if (outcome === 'interested' || outcome === 'callback_requested') {
      // Buyers in earnest write back while they evaluate.
      for (let i = random.int(1, 3); i > 0; i--) {
        add('email_reply', officeHours(random, callAt + random.between(1, 12) * DAY), {
          subject: 'Re: next steps',
        });
      }
    }
    if (outcome !== 'no_answer' && outcome !== 'left_voicemail') break;
    callAt = officeHours(random, callAt + random.between(1, 3) * DAY);
  }
  // Interested buyers come back to read up.
  for (let i = random.int(0, 4); i > 0; i--) {
    const at = officeHours(random, atMs + random.between(1, 14) * DAY);
    add('page_view', at, { url: random.pick(['/pricing', ...DOCS_PAGES]) });
  }
}
