import { Badge } from '@mantine/core';
import type { SubmissionOutcome } from '../../api/forms';
import type { DeliveryOutcome } from '../../api/inbound-hooks';

// A mark and a word as well as a colour, so that the outcome does not rest on colour alone; shades
// dark enough for 4.5:1 against white text or white ground.
const LOOK: Record<
  DeliveryOutcome | SubmissionOutcome,
  { label: string; mark: string; color: string; variant: 'filled' | 'outline' }
> = {
  mapped: { label: 'Mapped', mark: '✓', color: '#166534', variant: 'filled' },
  stored: { label: 'Stored', mark: '✓', color: '#166534', variant: 'filled' },
  duplicate: { label: 'Duplicate', mark: '=', color: 'gray.8', variant: 'outline' },
  ignored: { label: 'Ignored', mark: '–', color: '#1e40af', variant: 'outline' },
  spam: { label: 'Spam', mark: '⚑', color: '#9a3412', variant: 'outline' },
  rejected: { label: 'Rejected', mark: '✕', color: '#991b1b', variant: 'filled' },
};

/**
 * What became of a hook's delivery or a form's post: stored (mapped), a repeat, nothing to record,
 * dropped as spam, or refused.
 */
export function OutcomeBadge({ outcome }: { outcome: DeliveryOutcome | SubmissionOutcome }) {
  const look = LOOK[outcome];
  return (
    <Badge color={look.color} variant={look.variant} data-outcome={outcome}>
      <span aria-hidden="true">{look.mark} </span>
      {look.label}
    </Badge>
  );
}
