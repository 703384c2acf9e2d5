import { Button, Group, Stack, Text } from '@mantine/core';
import { format } from 'date-fns';
import { useState } from 'react';
import type { Lead, LeadStatus } from '../../api/types';
import { useStatusHistory } from './leadQueries';
import { OutcomeDialog } from './OutcomeDialog';

const CHOICES: { status: LeadStatus; label: string }[] = [
  { status: 'customer', label: 'Won' },
  { status: 'lost', label: 'Lost' },
  { status: 'disqualified', label: 'Disqualified' },
  { status: 'open', label: 'Re-open' },
];
const STATE: Record<LeadStatus, string> = {
  open: 'Open',
  customer: 'Won',
  lost: 'Lost',
  disqualified: 'Disqualified',
};

/** The lead's outcome: what was recorded last (when, why, for how much) and the buttons to change it. */
export function LeadOutcome({ lead, label }: { lead: Lead; label: string }) {
  const [recording, setRecording] = useState<LeadStatus | null>(null);
  const history = useStatusHistory(lead.id);
  const last = history.data?.data.at(-1);
  const value =
    last?.value != null
      ? ` · ${last.value.toLocaleString('en-GB')}${last.currency ? ` ${last.currency}` : ''}`
      : '';
  return (
    <Stack gap="sm">
      {lead.status === 'open' ? (
        <Text size="sm">Open: record the outcome when the lead is won, lost or not a fit.</Text>
      ) : (
        <Text size="sm">
          <strong>{STATE[lead.status]}</strong>
          {last && last.to === lead.status ? ` on ${format(new Date(last.at), 'd MMM yyyy')}${value}` : ''}
          {last?.reason ? ` — ${last.reason}` : ''}
        </Text>
      )}
      <Group gap="xs">
        {CHOICES.filter(
          (c) => c.status !== lead.status && (c.status !== 'open' || lead.status !== 'open'),
        ).map((c) => (
          <Button key={c.status} variant="default" size="xs" onClick={() => setRecording(c.status)}>
            {c.label}…
          </Button>
        ))}
      </Group>
      <OutcomeDialog leadId={lead.id} label={label} status={recording} onClose={() => setRecording(null)} />
    </Stack>
  );
}
