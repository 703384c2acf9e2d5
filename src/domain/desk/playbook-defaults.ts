import type { PlaybookEntry, PlaybookSituation } from './playbook.js';

/**
 * The playbook Hearth ships with: SPEC §2 Playbook, which writes down the lead-temperature
 * practice the product is built on — educate cold leads without selling, personalise for warm
 * ones, hand hot ones to sales at once (speed to lead: Oldroyd, McElheran & Elkington, "The Short
 * Life of Online Sales Leads", HBR 2011) while still educating and appreciating them, re-engage
 * cool ones gently and let them go after the cool period ("time and distance cool
 * relationships"), and follow up a loss after being hot to learn why (default 30 days).
 */
export const DEFAULT_PLAYBOOK: { [S in PlaybookSituation]: PlaybookEntry[] } = {
  cold: [
    {
      kind: 'educate',
      title: 'Send valuable content',
      description: 'Guides, articles and case studies that help them with their problem; no hard selling.',
    },
    {
      kind: 'educate',
      title: 'Share a case study',
      description: 'A customer story from their industry or company size.',
    },
    {
      kind: 'offer',
      title: 'Offer a free consultation or trial',
      description: 'A low-risk first step they can take when they are ready.',
    },
  ],
  warm: [
    {
      kind: 'personalise',
      title: 'Send content matched to their interests',
      description: 'Follow up on the pages and assets they engaged with; keep the relationship going.',
    },
    {
      kind: 'offer',
      title: 'Make a targeted offer',
      description: 'An offer for what they looked at (a plan, a feature, a trial extension).',
    },
  ],
  hot: [
    {
      kind: 'contact',
      title: 'Contact now',
      description:
        'Call or email within the speed-to-lead window: the odds of qualifying fall fast after the first hour.',
    },
    {
      kind: 'assign',
      title: 'Assign an owner',
      description: 'One rep who owns the conversation from here.',
    },
    {
      kind: 'educate',
      title: 'Keep them informed about new versions',
      description: 'Release notes and what is coming that matters to them.',
    },
    {
      kind: 'appreciate',
      title: 'Appreciate them with an offer',
      description: 'A thank-you offer or early access.',
    },
  ],
  cool: [
    {
      kind: 're_engage',
      title: 'Send low-commitment re-engagement content',
      description: 'Something easy to say yes to: a short article, a webinar recording, a survey.',
    },
    {
      kind: 'let_go',
      title: 'Let go after the cool period',
      description: 'Stop active nurturing when the cool period ends without a response.',
    },
  ],
  lost_after_hot: [
    {
      kind: 'follow_up',
      title: 'Follow up to learn why',
      description: 'Ask what made them decide against it, and whether the door is open to re-open.',
    },
  ],
  customer: [
    {
      kind: 'appreciate',
      title: 'Thank them with an offer',
      description: 'Loyalty offers, early access, a referral thank-you.',
    },
    {
      kind: 'educate',
      title: 'Tell them about new versions',
      description: 'What changed since they bought, and how to get more out of it.',
    },
  ],
};
