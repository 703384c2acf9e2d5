import { Anchor, Button, Group, Loader, Stack, Table, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { format } from 'date-fns';
import { Link } from 'react-router';
import { hookKeys, type InboundHook, useHookDeliveries } from '../../api/inbound-hooks';
import { ErrorNotice } from '../../components/ErrorNotice';
import { OlderButton } from '../../components/OlderButton';
import { ScrollBox } from '../../components/ScrollBox';
import { DeliveryOutcomeBadge } from './DeliveryOutcomeBadge';

/** A hook's delivery log, newest first: when, what became of it and why, the lead, the events. */
export function HookDeliveries({ hook }: { hook: InboundHook }) {
  const client = useQueryClient();
  const deliveries = useHookDeliveries(hook.id);
  const refresh = () => {
    void client.invalidateQueries({ queryKey: hookKeys.deliveries(hook.id) });
    void client.invalidateQueries({ queryKey: hookKeys.lastDelivery(hook.id) });
  };
  if (deliveries.isPending) return <Loader size="sm" aria-label="Loading deliveries" />;
  if (deliveries.isError) return <ErrorNotice error={deliveries.error} />;
  const rows = deliveries.data.pages.flatMap((p) => p.data);
  const refreshButton = (
    <Button size="xs" variant="default" onClick={refresh} loading={deliveries.isRefetching}>
      Refresh
    </Button>
  );
  if (rows.length === 0) {
    return (
      <Group gap="sm">
        <Text size="sm">
          No deliveries yet. Paste the URL above into{' '}
          {hook.provider === 'generic' ? 'the sending tool' : 'the provider'}, then make a test call or event
          and refresh.
        </Text>
        {refreshButton}
      </Group>
    );
  }
  const label = `Deliveries to ${hook.name}`;
  return (
    <Stack gap="xs">
      <Group>{refreshButton}</Group>
      <ScrollBox label={label} minWidth={760}>
        <Table aria-label={label} verticalSpacing={6}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={180}>Received</Table.Th>
              <Table.Th w={120}>Outcome</Table.Th>
              <Table.Th>Reason</Table.Th>
              <Table.Th w={170}>Lead</Table.Th>
              <Table.Th w={70}>Events</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((d) => (
              <Table.Tr key={d.id}>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  {format(new Date(d.receivedAt), 'd MMM yyyy HH:mm:ss')}
                </Table.Td>
                <Table.Td>
                  <DeliveryOutcomeBadge outcome={d.outcome} />
                </Table.Td>
                <Table.Td style={{ wordBreak: 'break-word' }}>{d.reason ?? '—'}</Table.Td>
                <Table.Td>
                  {d.leadId ? (
                    <Anchor component={Link} to={`/leads/${d.leadId}`} size="sm">
                      {d.leadCreated ? 'New lead' : 'Lead'}
                      <Text span size="xs" c="#343a40">
                        {' '}
                        {d.leadId.slice(0, 8)}
                      </Text>
                    </Anchor>
                  ) : (
                    '—'
                  )}
                </Table.Td>
                <Table.Td>{d.eventIds.length}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollBox>
      <OlderButton label="Show older deliveries" {...deliveries} />
    </Stack>
  );
}
