import { Badge, Group, Text } from '@mantine/core';
import type { LeadStatus } from '../api/types';
import { TemperatureBadge } from './TemperatureBadge';

/**
 * Closed leads carry their status, not a temperature: a lost lead is "lost", never "hot · lost".
 * Each status has its own label and look (a customer filled green with a check, lost and
 * disqualified outlined grey with a cross or a slash), dark enough for 4.5:1 contrast.
 */
const CLOSED: Record<
  Exclude<LeadStatus, 'open'>,
  { label: string; mark: string; variant: 'filled' | 'outline'; color: string }
> = {
  customer: { label: 'customer', mark: '✓', variant: 'filled', color: '#166534' },
  lost: { label: 'lost', mark: '✕', variant: 'outline', color: 'gray.8' },
  disqualified: { label: 'disqualified', mark: '⊘', variant: 'outline', color: 'gray.8' },
};

/**
 * The state a rep acts on: an open lead's temperature, or a closed lead's status with, when asked,
 * its last temperature as quiet secondary text ("was hot"). For the lead page, the queue and the
 * leads table alike.
 *
 * @example <LeadStateBadge status={lead.status} temperature={lead.temperature} showWas />
 */
export function LeadStateBadge({
  status,
  temperature,
  showWas = false,
}: {
  status: LeadStatus;
  temperature: string;
  /** Beside a closed lead's status, "was hot": what scoring says, no longer work to do. */
  showWas?: boolean;
}) {
  if (status === 'open') return <TemperatureBadge temperature={temperature} />;
  const look = CLOSED[status];
  const badge = (
    <Badge
      color={look.color}
      variant={look.variant}
      aria-label={`Status: ${look.label}`}
      leftSection={<span aria-hidden="true">{look.mark}</span>}
      data-status={status}
    >
      {look.label}
    </Badge>
  );
  if (!showWas) return badge;
  return (
    <Group gap={6} wrap="nowrap" component="span">
      {badge}
      <Text span size="sm" c="gray.8">
        was {temperature}
      </Text>
    </Group>
  );
}
