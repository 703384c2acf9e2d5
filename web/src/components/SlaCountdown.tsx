import { Badge } from '@mantine/core';
import { formatDuration, intervalToDuration } from 'date-fns';
import type { Sla } from '../api/types';
import { useNow } from './useNow';

function duration(ms: number): string {
  const text = formatDuration(intervalToDuration({ start: 0, end: Math.abs(ms) }), {
    format: ['days', 'hours', 'minutes', 'seconds'],
  });
  return text || '0 seconds';
}

/**
 * The speed-to-lead clock. `receivedAt` is when the API answered: the deadline is that instant plus
 * `msLeft`, so that a browser clock that is off does not move it.
 */
export function SlaCountdown({ sla, receivedAt }: { sla: Sla; receivedAt: number }) {
  const now = useNow(1000);
  switch (sla.state) {
    case 'running':
    case 'breached': {
      const left = (sla.msLeft ?? 0) - (now - receivedAt);
      return left > 0 ? (
        <Badge color="ember.8" variant="outline" size="lg" data-sla="running" role="timer" aria-live="off">
          SLA: {duration(left)} left
        </Badge>
      ) : (
        <Badge color="#991b1b" variant="filled" size="lg" data-sla="breached" role="timer" aria-live="off">
          SLA breached {duration(left)} ago
        </Badge>
      );
    }
    case 'met':
      return (
        <Badge color="#166534" variant="filled" size="lg" data-sla="met">
          SLA met{sla.elapsedMs !== null ? ` in ${duration(sla.elapsedMs)}` : ''}
        </Badge>
      );
    case 'late':
      return (
        <Badge color="#991b1b" variant="outline" size="lg" data-sla="late">
          Touched late{sla.elapsedMs !== null ? `, after ${duration(sla.elapsedMs)}` : ''}
        </Badge>
      );
    case 'closed':
      return (
        <Badge color="#374151" variant="outline" size="lg" data-sla="closed">
          SLA closed by an outcome
        </Badge>
      );
  }
}
