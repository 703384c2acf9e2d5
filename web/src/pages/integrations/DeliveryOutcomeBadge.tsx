import { Badge } from '@mantine/core';
import type { DeliveryOutcome } from '../../api/inbound-hooks';

// A mark and a word as well as a colour, so that the outcome does not rest on colour alone; shades
// dark enough for 4.5:1 against white text or white ground.
const LOOK: Record<
  DeliveryOutcome,
  { label: string; mark: string; color: string; variant: 'filled' | 'outline' }
> = {
  mapped: { label: 'Mapped', mark: '✓', color: '#166534', variant: 'filled' },
  duplicate: { label: 'Duplicate', mark: '=', color: 'gray.8', variant: 'outline' },
  ignored: { label: 'Ignored', mark: '–', color: '#1e40af', variant: 'outline' },
  rejected: { label: 'Rejected', mark: '✕', color: '#991b1b', variant: 'filled' },
};

/** What became of a delivery: stored (mapped), a re-delivery, nothing to record, or refused. */
export function DeliveryOutcomeBadge({ outcome }: { outcome: DeliveryOutcome }) {
  const look = LOOK[outcome];
  return (
    <Badge color={look.color} variant={look.variant} data-outcome={outcome}>
      <span aria-hidden="true">{look.mark} </span>
      {look.label}
    </Badge>
  );
}
