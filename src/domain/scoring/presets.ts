import { FREE_MAIL_PATTERN } from '../free-mail.js';
import type { InterestRule, ScoringModel } from './model.js';

/**
 * The shipped scoring models. Every number's source is in docs/scoring.md ("Defaults and their
 * sources"); the short notes here name it. Where no vendor publishes a number, the note says
 * "Hearth" and the docs give the reasoning.
 */

const FREE_MAIL = FREE_MAIL_PATTERN;
const DECISION_MAKER =
  '\\b(chief|ceo|cto|cfo|coo|cmo|cio|cro|vp|svp|evp|vice[- ]president|head|director|founder|co-founder|owner|partner|president)\\b';
const SALES_FORM = '(contact|sales|quote|demo)';

// Interest rules both presets share, written once.
const pageViewRule: InterestRule = {
  id: 'page_view',
  group: 'engagement',
  type: 'page_view',
  description: 'Page view +1 (Salesforce AE, Marketo); at most 5 a day (SPEC).',
  points: 1,
  cap: { max: 5, per: 'day' },
};

const emailClickRule: InterestRule = {
  id: 'email_click',
  group: 'engagement',
  type: 'email_click',
  description: 'Email click +3 (Salesforce AE tracked-link click).',
  points: 3,
  cap: { max: 3, per: 'day' },
};

const emailReplyRule: InterestRule = {
  id: 'email_reply',
  group: 'intent',
  type: 'email_reply',
  description: 'Replies to an email +10 (Hearth).',
  points: 10,
  cap: { max: 1, per: 'day' },
};

// A reply the rep saw and logged ("Log email → Replied" in the web app): the same conversation as
// an `email_reply` event from a mail integration, worth the same. A team whose integration sends
// `email_reply` too should not also log replies by hand: each rule has its own daily cap.
const loggedReplyRule: InterestRule = {
  id: 'email_sent_replied',
  group: 'intent',
  type: 'email_sent',
  description: 'A logged email the lead replied to +10, as email_reply (Hearth).',
  where: { outcome: { equals: 'replied' } },
  points: 10,
  cap: { max: 1, per: 'day' },
};

const emailUnsubscribeRule: InterestRule = {
  id: 'email_unsubscribe',
  group: 'negative',
  type: 'email_unsubscribe',
  description: 'Unsubscribes −25 (Hearth).',
  points: -25,
};

const hardBounceRule: InterestRule = {
  id: 'hard_bounce',
  group: 'negative',
  type: 'email_bounce',
  description: 'Hard bounce −10 (Hearth).',
  where: { bounce_type: { in: ['hard', 'permanent'] } },
  points: -10,
  cap: { max: 1, per: 'ever' },
};

/** B2B (the default): Salesforce Account Engagement and Marketo point values, Freshsales thresholds. */
export const b2bModel: ScoringModel = {
  version: 1,
  name: 'b2b',
  description: 'Business-to-business lead scoring from published vendor practice (docs/scoring.md).',
  fit: [
    {
      id: 'target_industry',
      description: 'Industry in the target list (SPEC example, +15).',
      when: {
        industry: {
          in: [
            'software',
            'saas',
            'internet',
            'information technology',
            'it services',
            'fintech',
            'financial services',
            'professional services',
          ],
        },
      },
      points: 15,
    },
    {
      id: 'company_size_50_1000',
      description: '50–1000 employees (SPEC example, +10).',
      when: { companySize: { min: 50, max: 1000 } },
      points: 10,
    },
    {
      id: 'decision_maker_title',
      description: 'Title names a decision maker (SPEC example, +15).',
      when: { jobTitle: { regex: DECISION_MAKER, ignoreCase: true } },
      points: 15,
    },
    {
      id: 'business_email',
      description: 'A company email address (Hearth: mirror of the free-mail penalty).',
      when: { email: { exists: true }, not: { email: { regex: FREE_MAIL, ignoreCase: true } } },
      points: 10,
    },
    {
      id: 'free_mail',
      description: 'A free-mail address (SPEC example, −10).',
      when: { email: { regex: FREE_MAIL, ignoreCase: true } },
      points: -10,
    },
    {
      id: 'known_company',
      description: 'The company is known (Hearth).',
      when: { company: { exists: true } },
      points: 5,
    },
    {
      id: 'website_source',
      description: 'Came in through the website (Marketo: website lead source +7).',
      when: { source: { equals: 'website' } },
      points: 7,
    },
  ],
  interest: [
    pageViewRule,
    {
      id: 'email_open',
      group: 'engagement',
      type: 'email_open',
      description: 'Email open +1 (Marketo); first open a day (Salesforce AE scores first opens only).',
      points: 1,
      cap: { max: 1, per: 'day' },
    },
    emailClickRule,
    {
      id: 'content_download',
      group: 'engagement',
      type: 'content_download',
      description: 'Content download +5 (Marketo: download thought leadership).',
      points: 5,
      cap: { max: 3, per: 'day' },
    },
    {
      id: 'newsletter_signup',
      group: 'engagement',
      type: 'newsletter_signup',
      description: 'Newsletter signup +50, first only (Salesforce AE form success).',
      points: 50,
      cap: { max: 1, per: 'ever' },
    },
    {
      id: 'form_submit',
      group: 'engagement',
      type: 'form_submit',
      description: 'Any other form +50 (Salesforce AE form success).',
      where: { not: { form: { regex: SALES_FORM, ignoreCase: true } } },
      points: 50,
      cap: { max: 1, per: 'day' },
    },
    {
      id: 'social_follow',
      group: 'engagement',
      type: 'social_follow',
      description: 'Follows the company +5, first only (Hearth).',
      points: 5,
      cap: { max: 1, per: 'ever' },
    },
    {
      id: 'social_share',
      group: 'engagement',
      type: 'social_share',
      description: 'Shares content +5 (Hearth).',
      points: 5,
      cap: { max: 1, per: 'day' },
    },
    {
      id: 'demo_request',
      group: 'intent',
      type: 'demo_request',
      description: 'Demo request +50 (Salesforce AE form success).',
      points: 50,
      cap: { max: 1, per: 'day' },
    },
    {
      id: 'contact_form',
      group: 'intent',
      type: 'form_submit',
      description: 'Contact, sales, quote or demo form +50 (Salesforce AE form success).',
      where: { form: { regex: SALES_FORM, ignoreCase: true } },
      points: 50,
      cap: { max: 1, per: 'day' },
    },
    {
      id: 'trial_start',
      group: 'intent',
      type: 'trial_start',
      description: 'Free-trial signup +50 (Salesforce AE form success).',
      points: 50,
      cap: { max: 1, per: 'day' },
    },
    {
      id: 'pricing_page_visit',
      group: 'intent',
      type: 'pricing_page_visit',
      description: 'Pricing page +5 (Marketo: visit pricing pages).',
      points: 5,
      cap: { max: 1, per: 'day' },
    },
    {
      id: 'pricing_page_view',
      group: 'intent',
      type: 'page_view',
      description: 'A page view of /pricing +5 (Marketo: visit pricing pages).',
      where: { url: { regex: '/pricing', ignoreCase: true } },
      points: 5,
      cap: { max: 1, per: 'day' },
    },
    emailReplyRule,
    {
      id: 'inbound_call',
      group: 'intent',
      type: 'call',
      description: 'Calls in +10 (Hearth).',
      where: { direction: { equals: 'inbound' } },
      points: 10,
      cap: { max: 1, per: 'day' },
    },
    {
      id: 'call_interested',
      group: 'intent',
      type: 'call',
      description: 'A call with outcome interested or callback requested +20 (Hearth).',
      where: { outcome: { in: ['interested', 'callback_requested'] } },
      points: 20,
      cap: { max: 1, per: 'day' },
    },
    loggedReplyRule,
    {
      id: 'meeting_held',
      group: 'intent',
      type: 'meeting',
      description: 'A logged meeting that was held +20, as an interested call (Hearth).',
      where: { outcome: { equals: 'held' } },
      points: 20,
      cap: { max: 1, per: 'day' },
    },
    emailUnsubscribeRule,
    hardBounceRule,
    {
      id: 'call_not_interested',
      group: 'negative',
      type: 'call',
      description: 'A call with outcome not interested −30 (Hearth).',
      where: { outcome: { equals: 'not_interested' } },
      points: -30,
      cap: { max: 1, per: 'day' },
    },
    {
      id: 'careers_page',
      group: 'negative',
      type: 'page_view',
      description: 'Careers pages −10 (Marketo: visit careers pages).',
      where: { url: { regex: '/(careers|jobs)\\b', ignoreCase: true } },
      points: -10,
      cap: { max: 1, per: 'day' },
    },
  ],
  // Engagement 30 days: HubSpot's "lose 50% after one month" decay option and the SPEC default;
  // intent 14 days: SPEC; negative 60 days: must be ≥ both (docs/scoring.md), set to the cool period.
  halfLifeDays: { engagement: 30, intent: 14, negative: 60 },
  qualification: {
    criteria: ['need', 'fit', 'budget', 'influence', 'timeline'],
    rules: [
      {
        id: 'fit_score',
        description: 'Fit score ≥ 50 (SPEC).',
        criterion: 'fit',
        value: 'yes',
        when: { fit: { min: 50 } },
      },
      {
        id: 'need_demo_request',
        description: 'Asked for a demo in the last 90 days.',
        criterion: 'need',
        value: 'yes',
        when: { event: { type: 'demo_request', withinDays: 90 } },
      },
      {
        id: 'need_contact_form',
        description: 'Sent a contact, sales or quote form in the last 90 days.',
        criterion: 'need',
        value: 'yes',
        when: {
          event: {
            type: 'form_submit',
            where: { form: { regex: SALES_FORM, ignoreCase: true } },
            withinDays: 90,
          },
        },
      },
      {
        id: 'need_call_interested',
        description: 'Said "interested" on a call in the last 90 days.',
        criterion: 'need',
        value: 'yes',
        when: {
          event: {
            type: 'call',
            where: { outcome: { in: ['interested', 'callback_requested'] } },
            withinDays: 90,
          },
        },
      },
      {
        id: 'need_meeting_held',
        description: 'Met with us (a logged meeting, held) in the last 90 days.',
        criterion: 'need',
        value: 'yes',
        when: { event: { type: 'meeting', where: { outcome: { equals: 'held' } }, withinDays: 90 } },
      },
      {
        id: 'budget_answer_yes',
        description: 'Answered on a form that budget is available.',
        criterion: 'budget',
        value: 'yes',
        when: {
          event: {
            type: 'form_submit',
            where: { 'answers.budget': { in: ['yes', 'approved', 'allocated', 'true'] } },
            formAnswer: true,
          },
        },
      },
      {
        id: 'budget_answer_no',
        description: 'Answered on a form that there is no budget.',
        criterion: 'budget',
        value: 'no',
        when: {
          event: {
            type: 'form_submit',
            where: { 'answers.budget': { in: ['no', 'none', 'false'] } },
            formAnswer: true,
          },
        },
      },
      {
        id: 'influence_title',
        description: 'The title names a decision maker (authority).',
        criterion: 'influence',
        value: 'yes',
        when: { lead: { jobTitle: { regex: DECISION_MAKER, ignoreCase: true } } },
      },
      {
        id: 'timeline_purchase_date',
        description: 'Plans to buy within 90 days (SPEC).',
        criterion: 'timeline',
        value: 'yes',
        when: { lead: { 'attributes.purchase_date': { withinNextDays: 90 } } },
      },
      {
        id: 'timeline_answer',
        description: 'Answered on a form that they buy within a quarter (holds 90 days).',
        criterion: 'timeline',
        value: 'yes',
        when: {
          event: {
            type: 'form_submit',
            where: {
              'answers.timeline': {
                in: ['immediately', 'this month', 'this quarter', '1-3 months', 'within 3 months'],
              },
            },
            withinDays: 90,
            formAnswer: true,
          },
        },
      },
    ],
  },
  temperature: {
    // Freshsales: cold < 30, warm 30–70, hot 71+ on whole scores; SPEC: warm ≥ 30, hot ≥ 70.
    warm: 30,
    hot: 70,
    coolPeriodDays: 60,
    highIntent: [
      {
        id: 'contact_sales',
        description: 'A "contact me" form: Marketo fast-tracks it to a rep within minutes.',
        type: 'form_submit',
        where: { form: { regex: '(contact|sales)', ignoreCase: true } },
        minFit: 50,
        forDays: 14,
      },
      {
        id: 'free_trial',
        description: 'A free-trial signup: Marketo fast-tracks it to a rep within minutes.',
        type: 'trial_start',
        minFit: 50,
        forDays: 14,
      },
    ],
    returningCustomer: { purchaseType: 'purchase', forDays: 365 },
  },
};

/** Online shops: qualification from behaviour (cart, checkout, purchases), not from forms. */
export const ecommerceModel: ScoringModel = {
  version: 1,
  name: 'ecommerce',
  description:
    'Online shop scoring: need, budget and timeline read from shopping behaviour (docs/scoring.md).',
  fit: [
    {
      id: 'has_email',
      description: 'Reachable by email (Hearth).',
      when: { email: { exists: true } },
      points: 40,
    },
    {
      id: 'marketing_consent',
      description: 'Has not opted out of marketing (Hearth).',
      when: { optedOut: { equals: false } },
      points: 30,
    },
    {
      id: 'known_country',
      description: 'Shipping country known (Hearth).',
      when: { country: { exists: true } },
      points: 20,
    },
    {
      id: 'has_phone',
      description: 'Reachable by phone (Hearth).',
      when: { phone: { exists: true } },
      points: 10,
    },
  ],
  interest: [
    pageViewRule,
    {
      id: 'email_open',
      group: 'engagement',
      type: 'email_open',
      description: 'Email open +1 (Marketo); first open a day.',
      points: 1,
      cap: { max: 1, per: 'day' },
    },
    emailClickRule,
    {
      id: 'newsletter_signup',
      group: 'engagement',
      type: 'newsletter_signup',
      description: 'Subscribes +50, first only (Salesforce AE form success).',
      points: 50,
      cap: { max: 1, per: 'ever' },
    },
    {
      id: 'social_follow',
      group: 'engagement',
      type: 'social_follow',
      description: 'Follows the shop +5, first only (Hearth).',
      points: 5,
      cap: { max: 1, per: 'ever' },
    },
    {
      id: 'social_share',
      group: 'engagement',
      type: 'social_share',
      description: 'Shares a product +5 (Hearth).',
      points: 5,
      cap: { max: 1, per: 'day' },
    },
    {
      id: 'app_install',
      group: 'engagement',
      type: 'app_install',
      description: 'Installs the shop app +20, first only (Hearth).',
      points: 20,
      cap: { max: 1, per: 'ever' },
    },
    {
      id: 'product_view',
      group: 'intent',
      type: 'page_view',
      description: 'A product page +5 (Marketo pricing-page +5: the page closest to buying).',
      where: { url: { regex: '/products?/', ignoreCase: true } },
      points: 5,
      cap: { max: 5, per: 'day' },
    },
    {
      id: 'cart_add',
      group: 'intent',
      type: 'cart_add',
      description: 'Adds to cart +30 (Hearth).',
      points: 30,
      cap: { max: 3, per: 'day' },
    },
    {
      id: 'checkout_start',
      group: 'intent',
      type: 'checkout_start',
      description: 'Starts checkout +50 (Salesforce AE form success: the checkout form).',
      points: 50,
      cap: { max: 1, per: 'day' },
    },
    {
      id: 'survey_response',
      group: 'intent',
      type: 'survey_response',
      description: 'Completes a survey +50 (Salesforce AE form success).',
      points: 50,
      cap: { max: 1, per: 'day' },
    },
    emailReplyRule,
    loggedReplyRule,
    emailUnsubscribeRule,
    hardBounceRule,
    {
      id: 'app_uninstall',
      group: 'negative',
      type: 'app_uninstall',
      description: 'Uninstalls the app −20 (Hearth).',
      points: -20,
      cap: { max: 1, per: 'ever' },
    },
  ],
  halfLifeDays: { engagement: 30, intent: 14, negative: 60 },
  qualification: {
    criteria: ['need', 'budget', 'timeline'],
    // Shoppers rarely show all three at once; two behavioural signals qualify (Hearth).
    minimumYes: 2,
    rules: [
      {
        id: 'need_cart',
        criterion: 'need',
        value: 'yes',
        description: 'Added something to the cart in the last 30 days.',
        when: { event: { type: 'cart_add', withinDays: 30 } },
      },
      {
        id: 'need_checkout',
        criterion: 'need',
        value: 'yes',
        description: 'Started a checkout in the last 30 days.',
        when: { event: { type: 'checkout_start', withinDays: 30 } },
      },
      {
        id: 'need_survey',
        criterion: 'need',
        value: 'yes',
        description: 'Told us what they want in a survey in the last 30 days.',
        when: { event: { type: 'survey_response', withinDays: 30 } },
      },
      {
        id: 'timeline_cart',
        criterion: 'timeline',
        value: 'yes',
        description: 'Cart activity in the last 7 days.',
        when: { event: { type: 'cart_add', withinDays: 7 } },
      },
      {
        id: 'timeline_checkout',
        criterion: 'timeline',
        value: 'yes',
        description: 'Checkout activity in the last 7 days.',
        when: { event: { type: 'checkout_start', withinDays: 7 } },
      },
      {
        id: 'budget_prior_purchase',
        criterion: 'budget',
        value: 'yes',
        description: 'Bought from us in the last year.',
        when: { event: { type: 'purchase', withinDays: 365 } },
      },
      {
        id: 'budget_cart_value',
        criterion: 'budget',
        value: 'yes',
        description: 'A cart worth at least 25 (in the shop currency) in the last 30 days.',
        when: { event: { type: 'cart_add', where: { value: { min: 25 } }, withinDays: 30 } },
      },
    ],
  },
  temperature: {
    warm: 30,
    hot: 70,
    coolPeriodDays: 60,
    highIntent: [
      {
        id: 'checkout_started',
        description: 'A started checkout is hot for 3 days (abandoned-checkout recovery).',
        type: 'checkout_start',
        minFit: 40,
        forDays: 3,
      },
    ],
    returningCustomer: { purchaseType: 'purchase', forDays: 365 },
  },
};

export const PRESETS = { b2b: b2bModel, ecommerce: ecommerceModel } as const;
export type PresetName = keyof typeof PRESETS;

/** The model a new installation starts with. */
export const DEFAULT_PRESET: PresetName = 'b2b';
