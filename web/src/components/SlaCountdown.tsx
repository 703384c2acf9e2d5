import { Badge, Box, Text } from '@mantine/core';
import { formatDuration, intervalToDuration } from 'date-fns';
import type { Sla, SlaClosedReason } from '../api/types';
import { useNow } from './useNow';

function duration(ms: number): string {
  const text = formatDuration(intervalToDuration({ start: 0, end: Math.abs(ms) }), {
    format: ['days', 'hours', 'minutes', 'seconds'],
  });
  return text || '0 seconds';
}

const DAY = 86_400_000;

// A clock that stopped without a touch says what stopped it: a lead that cooled or was merged
// away was not closed by an outcome, and "closed" alone leaves the rep guessing.
const CLOSED_BY: Record<SlaClosedReason, string> = {
  cooled: 'lead cooled before a touch',
  merged: 'lead merged into another',
  customer: 'lead won',
  lost: 'lead lost',
  disqualified: 'lead disqualified',
};

/** "12:04" (minutes:seconds) or "1:02:04": the running clock, read at a glance. */
function clock(ms: number): string {
  const total = Math.floor(Math.abs(ms) / 1000);
  const [h, m, s] = [Math.floor(total / 3600), Math.floor((total % 3600) / 60), total % 60];
  const two = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${m}:${two(s)}`;
}

/**
 * The speed-to-lead clock. `receivedAt` is when the API answered: the deadline is that instant plus
 * `msLeft`, so that a browser clock that is off does not move it. `prominent` makes a running clock
 * the largest thing on its card (the queue's *now* section).
 */
export function SlaCountdown({
  sla,
  receivedAt,
  prominent = false,
}: {
  sla: Sla;
  receivedAt: number;
  prominent?: boolean;
}) {
  const now = useNow(1000);
  switch (sla.state) {
    case 'running':
    case 'breached': {
      const left = (sla.msLeft ?? 0) - (now - receivedAt);
      if (prominent) {
        const running = left > 0;
        return (
          <Box
            role="timer"
            aria-live="off"
            data-sla={running ? 'running' : 'breached'}
            aria-label={
              running ? `Speed to lead: ${duration(left)} left` : `Speed to lead missed ${duration(left)} ago`
            }
            px="md"
            py={6}
            style={{
              borderRadius: 8,
              border: `3px solid ${running ? 'var(--mantine-color-ember-8)' : '#991b1b'}`,
              background: running ? 'var(--mantine-color-ember-0)' : '#991b1b',
              color: running ? 'var(--mantine-color-ember-9)' : 'white',
              textAlign: 'right',
            }}
          >
            <Text size="xs" fw={700} tt="uppercase" c="inherit">
              {running ? 'Call within' : 'SLA missed by'}
            </Text>
            <Text fz={32} fw={800} lh={1.1} c="inherit" style={{ fontVariantNumeric: 'tabular-nums' }}>
              {running || -left < DAY ? clock(left) : `${Math.floor(-left / DAY)} d`}
            </Text>
          </Box>
        );
      }
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
          {sla.closedReason ? `SLA closed: ${CLOSED_BY[sla.closedReason]}` : 'SLA closed'}
        </Badge>
      );
  }
}
