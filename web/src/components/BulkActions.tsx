import { Alert, Button, Group, List, NativeSelect, Paper, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError, api, apiFile } from '../api/client';
import { LEAD_STATUSES, type LeadStatus, type User } from '../api/types';
import { canListUsers, useSession } from '../auth/session';
import { ErrorNotice } from './ErrorNotice';

/** The server's limit on one bulk request (MAX_BULK_LEADS in src/app/leads/lead-bulk.ts). */
export const MAX_BULK_LEADS = 500;

type BulkAction = { type: 'assign'; ownerId: string | null } | { type: 'status'; status: LeadStatus };

/** The CSV of `POST /leads/export`, saved through a temporary link. */
async function downloadCsv(ids: readonly string[]): Promise<void> {
  const url = URL.createObjectURL(await apiFile('POST', '/leads/export', { ids }, 'text/csv'));
  const link = document.createElement('a');
  link.href = url;
  link.download = 'leads.csv';
  link.click();
  // The browser reads the blob after this task; free it once it has.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/**
 * Actions on the selected rows of the leads table: assign, change status, export as CSV. Each is
 * one request (`POST /leads/bulk`, `POST /leads/export`) that the server applies to all or none.
 */
export function BulkActions({
  ids,
  onDone,
}: {
  ids: readonly string[];
  /** After a change (with what it did, for the page to say) or "Clear selection": the selection ends. */
  onDone: (message: string | null) => void;
}) {
  const { session } = useSession();
  const client = useQueryClient();
  const users = useQuery({
    queryKey: ['users'],
    queryFn: () => api<{ data: User[] }>('GET', '/users'),
    enabled: canListUsers(session.user.role),
    staleTime: 60_000,
  });
  const owners = [
    { value: session.user.id, label: 'Me' },
    { value: 'none', label: 'Unassigned' },
    ...(users.data?.data ?? [])
      .filter((u) => u.active && u.id !== session.user.id)
      .map((u) => ({ value: u.id, label: `${u.name} (${u.role})` })),
  ];
  const [owner, setOwner] = useState(session.user.id);
  const [status, setStatus] = useState<LeadStatus>('lost');
  const tooMany = ids.length > MAX_BULK_LEADS;

  const change = useMutation({
    mutationFn: (action: BulkAction) =>
      api<{ updated: number; unchanged: number }>('POST', '/leads/bulk', { ids, action }),
    onSuccess: (result) => {
      void client.invalidateQueries({ queryKey: ['leads'] });
      void client.invalidateQueries({ queryKey: ['lead'] });
      onDone(
        `${result.updated} lead${result.updated === 1 ? '' : 's'} changed` +
          (result.unchanged > 0 ? `, ${result.unchanged} already had it` : '') +
          '.',
      );
    },
  });
  const exported = useMutation({ mutationFn: () => downloadCsv(ids) });
  const error = change.error ?? exported.error;

  return (
    <Paper withBorder p="sm" radius="md" component="section" aria-label="Bulk actions">
      <Group align="end" gap="sm" wrap="wrap">
        <Text fw={600} aria-live="polite">
          {ids.length} selected
        </Text>
        <NativeSelect
          label="Owner"
          data={owners}
          value={owner}
          onChange={(e) => setOwner(e.currentTarget.value)}
          w={200}
        />
        <Button
          variant="default"
          disabled={tooMany}
          loading={change.isPending && change.variables?.type === 'assign'}
          onClick={() => change.mutate({ type: 'assign', ownerId: owner === 'none' ? null : owner })}
        >
          Assign
        </Button>
        <NativeSelect
          label="Status"
          data={LEAD_STATUSES.map((s) => ({ value: s, label: s }))}
          value={status}
          onChange={(e) => setStatus(e.currentTarget.value as LeadStatus)}
          w={150}
        />
        <Button
          variant="default"
          disabled={tooMany}
          loading={change.isPending && change.variables?.type === 'status'}
          onClick={() => change.mutate({ type: 'status', status })}
        >
          Change status
        </Button>
        <Button
          variant="default"
          disabled={tooMany}
          loading={exported.isPending}
          onClick={() => exported.mutate()}
        >
          Export CSV
        </Button>
        <Button variant="default" onClick={() => onDone(null)}>
          Clear selection
        </Button>
      </Group>
      {tooMany && (
        <Text size="sm" mt="xs" role="alert">
          At most {MAX_BULK_LEADS} leads at a time: narrow the filters or clear some rows.
        </Text>
      )}
      {error instanceof ApiError && error.problems.length > 0 ? (
        <Alert color="red" mt="xs" title="Nothing was changed" role="alert">
          <List size="sm">
            {error.problems.map((p) => (
              <List.Item key={p.path}>
                {p.path.replace(/^body\./, '')}: {p.message}
              </List.Item>
            ))}
          </List>
        </Alert>
      ) : (
        error && <ErrorNotice error={error} />
      )}
    </Paper>
  );
}
