import { Anchor, Group, List, Loader, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api } from '../../api/client';
import type { Account, Lead } from '../../api/types';
import { ErrorNotice } from '../ErrorNotice';
import { LeadStateBadge } from '../LeadStateBadge';
import { TemperatureBadge } from '../TemperatureBadge';

/** The lead's company: its rolled-up interest and the other leads there, each linked. */
export function LeadCompany({ lead }: { lead: Lead }) {
  const account = useQuery({
    queryKey: ['lead', lead.id, 'account'],
    queryFn: () => api<{ account: Account | null }>('GET', `/leads/${lead.id}/account`),
  });
  return (
    <>
      {account.isPending ? (
        <Loader size="sm" aria-label="Loading the company" />
      ) : account.isError ? (
        <ErrorNotice error={account.error} />
      ) : account.data.account === null ? (
        <Text size="sm">
          No company: a personal email address and no company name. Add the company in the profile to group
          this lead with its colleagues.
        </Text>
      ) : (
        <CompanyLeads account={account.data.account} leadId={lead.id} />
      )}
    </>
  );
}

function CompanyLeads({ account, leadId }: { account: Account; leadId: string }) {
  const others = account.leads.filter((l) => l.id !== leadId);
  return (
    <Stack gap="xs">
      <Group gap="sm" wrap="wrap">
        <Text fw={600}>{account.name}</Text>
        {account.domain && (
          <Text size="sm" c="gray.8">
            {account.domain}
          </Text>
        )}
      </Group>
      <Text size="sm">
        Account interest <strong>{Math.round(account.interest)}</strong> over {account.leadCount}{' '}
        {account.leadCount === 1 ? 'lead' : 'leads'}; hottest{' '}
        <TemperatureBadge temperature={account.hottestTemperature} />
      </Text>
      {others.length === 0 ? (
        <Text size="sm">No other leads at this company that you can see.</Text>
      ) : (
        <List spacing="xs" aria-label="Other leads at this company">
          {others.map((o) => (
            <List.Item key={o.id}>
              <Group gap="xs" wrap="wrap">
                <Anchor component={Link} to={`/leads/${o.id}`} size="sm">
                  {o.name ?? o.email ?? 'Unnamed lead'}
                </Anchor>
                <LeadStateBadge status={o.status} temperature={o.temperature} />
                <Text size="sm" c="gray.8">
                  interest {Math.round(o.interest)}
                  {o.jobTitle ? ` · ${o.jobTitle}` : ''}
                </Text>
              </Group>
            </List.Item>
          ))}
        </List>
      )}
    </Stack>
  );
}
