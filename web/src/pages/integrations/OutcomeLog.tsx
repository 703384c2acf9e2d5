import { Anchor, Button, Group, Loader, Stack, Table, Text } from '@mantine/core';
import type { InfiniteData, UseInfiniteQueryResult } from '@tanstack/react-query';
import { format } from 'date-fns';
import { Link } from 'react-router';
import type { SubmissionOutcome } from '../../api/forms';
import type { DeliveryOutcome } from '../../api/inbound-hooks';
import type { Page } from '../../api/types';
import { ErrorNotice } from '../../components/ErrorNotice';
import { OlderButton } from '../../components/OlderButton';
import { ScrollBox } from '../../components/ScrollBox';
import { OutcomeBadge } from './OutcomeBadge';

/** What a hook's delivery and a form's post have in common in their logs. */
export interface LoggedArrival {
  id: number;
  receivedAt: string;
  outcome: DeliveryOutcome | SubmissionOutcome;
  reason: string | null;
  leadId: string | null;
  leadCreated: boolean;
}

/**
 * A log of arrivals, newest first, read a page at a time: when, what became of it and why, the
 * lead it went to, and one more column (`detail`: a hook's event count, a form's event).
 */
export function OutcomeLog<T extends LoggedArrival>({
  label,
  log,
  empty,
  detail,
}: {
  /** Names the table, e.g. "Deliveries to Main line". */
  label: string;
  log: UseInfiniteQueryResult<InfiniteData<Page<T>>>;
  /** What to do while the log is empty. */
  empty: string;
  detail: { header: string; cell: (row: T) => string | number };
}) {
  if (log.isPending) return <Loader size="sm" aria-label={`Loading ${label.toLowerCase()}`} />;
  if (log.isError) return <ErrorNotice error={log.error} />;
  const rows = log.data.pages.flatMap((p) => p.data);
  const refresh = (
    <Button size="xs" variant="default" onClick={() => void log.refetch()} loading={log.isRefetching}>
      Refresh
    </Button>
  );
  if (rows.length === 0) {
    return (
      <Group gap="sm">
        <Text size="sm">{empty}</Text>
        {refresh}
      </Group>
    );
  }
  return (
    <Stack gap="xs">
      <Group>{refresh}</Group>
      <ScrollBox label={label} minWidth={760}>
        <Table aria-label={label} verticalSpacing={6}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={180}>Received</Table.Th>
              <Table.Th w={150}>Outcome</Table.Th>
              <Table.Th>Reason</Table.Th>
              <Table.Th w={170}>Lead</Table.Th>
              <Table.Th w={80}>{detail.header}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((row) => (
              <Table.Tr key={row.id}>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  {format(new Date(row.receivedAt), 'd MMM yyyy HH:mm:ss')}
                </Table.Td>
                <Table.Td>
                  <OutcomeBadge outcome={row.outcome} />
                </Table.Td>
                <Table.Td style={{ wordBreak: 'break-word' }}>{row.reason ?? '—'}</Table.Td>
                <Table.Td>
                  {row.leadId ? (
                    <Anchor component={Link} to={`/leads/${row.leadId}`} size="sm">
                      {row.leadCreated ? 'New lead' : 'Lead'}
                      <Text span size="xs" c="#343a40">
                        {' '}
                        {row.leadId.slice(0, 8)}
                      </Text>
                    </Anchor>
                  ) : (
                    '—'
                  )}
                </Table.Td>
                <Table.Td>{detail.cell(row)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollBox>
      <OlderButton label="Show older" {...log} />
    </Stack>
  );
}
