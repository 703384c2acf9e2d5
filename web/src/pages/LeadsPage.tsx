import {
  Anchor,
  Checkbox,
  Group,
  Loader,
  NativeSelect,
  Stack,
  Text,
  TextInput,
  Title,
  UnstyledButton,
} from '@mantine/core';
import { useDebouncedCallback } from '@mantine/hooks';
import { useInfiniteQuery } from '@tanstack/react-query';
import {
  type ColumnDef,
  flexRender,
  getCoreRowModel,
  type RowSelectionState,
  type SortingState,
  useReactTable,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { formatDistanceToNow } from 'date-fns';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, query } from '../api/client';
import { LEAD_STATUSES, type Lead, type Page, TEMPERATURES } from '../api/types';
import { useSession } from '../auth/session';
import { BulkActions } from '../components/BulkActions';
import { EmptyState } from '../components/EmptyState';
import { ErrorNotice } from '../components/ErrorNotice';
import { useOwnerName } from '../components/owners';
import { TemperatureBadge } from '../components/TemperatureBadge';

const PAGE_SIZE = 100;
const ROW_HEIGHT = 44; // px
// The fields the API sorts on (GET /api/v1/leads `sort`); the others are shown, not sorted.
const SORTABLE = new Set(['name', 'probability', 'lastActivityAt', 'createdAt']);

const leadLabel = (lead: Lead) => lead.name ?? lead.email ?? 'Unnamed lead';
/** The predicted chance to become a customer, as a whole percentage; "—" when there is none. */
export const percentage = (probability: number | null | undefined): string =>
  probability === null || probability === undefined ? '—' : `${Math.round(probability * 100)}%`;

function useLeadColumns(): ColumnDef<Lead>[] {
  const ownerName = useOwnerName();
  return useMemo<ColumnDef<Lead>[]>(
    () => [
      {
        id: 'select',
        header: ({ table }) => (
          <Checkbox
            aria-label="Select all loaded leads"
            checked={table.getIsAllRowsSelected()}
            indeterminate={table.getIsSomeRowsSelected()}
            onChange={table.getToggleAllRowsSelectedHandler()}
          />
        ),
        cell: ({ row }) => (
          <Checkbox
            aria-label={`Select ${leadLabel(row.original)}`}
            checked={row.getIsSelected()}
            onChange={row.getToggleSelectedHandler()}
          />
        ),
      },
      {
        id: 'name',
        header: 'Lead',
        cell: ({ row }) => (
          <Anchor component={Link} to={`/leads/${row.original.id}`} truncate="end">
            {leadLabel(row.original)}
            {row.original.company ? ` · ${row.original.company}` : ''}
          </Anchor>
        ),
      },
      {
        id: 'temperature',
        header: 'Temperature',
        cell: ({ row }) => <TemperatureBadge temperature={row.original.temperature} />,
      },
      { id: 'fit', header: 'Fit', cell: ({ row }) => Math.round(row.original.fit) },
      { id: 'interest', header: 'Interest', cell: ({ row }) => Math.round(row.original.interest) },
      { id: 'probability', header: 'Probability', cell: ({ row }) => percentage(row.original.probability) },
      { id: 'owner', header: 'Owner', cell: ({ row }) => ownerName(row.original.ownerId) },
      { id: 'source', header: 'Source', cell: ({ row }) => row.original.source ?? '—' },
      {
        id: 'lastActivityAt',
        header: 'Last activity',
        cell: ({ row }) =>
          row.original.lastActivityAt
            ? formatDistanceToNow(new Date(row.original.lastActivityAt), { addSuffix: true })
            : 'none',
      },
      {
        id: 'createdAt',
        header: 'Created',
        cell: ({ row }) => formatDistanceToNow(new Date(row.original.createdAt), { addSuffix: true }),
      },
    ],
    [ownerName],
  );
}

const options = (values: readonly string[], any: string) => [
  { value: '', label: any },
  ...values.map((v) => ({ value: v, label: v })),
];

/** Every lead the user may see: filters in the address, server-side sort and paging, virtual rows. */
export function LeadsPage() {
  const { session } = useSession();
  const [params, setParams] = useSearchParams();
  const set = (key: string, value: string | null) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (value) next.set(key, value);
        else next.delete(key);
        return next;
      },
      { replace: true },
    );
  const [search, setSearch] = useState(params.get('q') ?? '');
  const searchLater = useDebouncedCallback((text: string) => set('q', text.trim() || null), 300);
  const sortParam = params.get('sort') ?? '-createdAt';
  const sorting: SortingState = [{ id: sortParam.replace(/^-/, ''), desc: sortParam.startsWith('-') }];
  const filters = {
    temperature: params.get('temperature'),
    status: params.get('status'),
    owner: params.get('owner') === 'me' ? session.user.id : params.get('owner'),
    source: params.get('source'),
    q: params.get('q'),
    sort: sortParam,
  };

  const leads = useInfiniteQuery({
    queryKey: ['leads', filters],
    queryFn: ({ pageParam }) =>
      api<Page<Lead>>('GET', `/leads${query({ ...filters, limit: PAGE_SIZE, cursor: pageParam })}`),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
  const rows = useMemo(() => leads.data?.pages.flatMap((p) => p.data) ?? [], [leads.data]);

  // Selected rows by lead id: they stay selected as more pages load, and go when the filters change.
  const [rowSelection, setRowSelection] = useState<RowSelectionState>({});
  const filterKey = JSON.stringify(filters);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new filter is what clears the selection
  useEffect(() => setRowSelection({}), [filterKey]);
  const selectedIds = Object.keys(rowSelection).filter((id) => rowSelection[id]);
  // What the last bulk action did; it outlives the selection it acted on.
  const [notice, setNotice] = useState<string | null>(null);

  const columns = useLeadColumns();
  const table = useReactTable({
    data: rows,
    columns,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (lead) => lead.id,
    enableRowSelection: true,
    onRowSelectionChange: setRowSelection,
    manualSorting: true,
    state: { sorting, rowSelection },
    onSortingChange: (updater) => {
      const next = typeof updater === 'function' ? updater(sorting) : updater;
      const first = next[0];
      set('sort', first ? `${first.desc ? '-' : ''}${first.id}` : null);
    },
    enableSortingRemoval: false,
  });

  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items[items.length - 1]?.index ?? 0;
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = leads;
  useEffect(() => {
    // Near the end of what is loaded: ask for the next page (the cursor comes from the last one).
    if (lastIndex >= rows.length - 20 && hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [lastIndex, rows.length, hasNextPage, isFetchingNextPage, fetchNextPage]);

  const tableRows = table.getRowModel().rows;
  return (
    <Stack>
      <Title order={2}>Leads</Title>
      <Group align="end" gap="sm" wrap="wrap">
        <TextInput
          label="Search"
          placeholder="Name, email, company…"
          value={search}
          onChange={(e) => {
            setSearch(e.currentTarget.value);
            searchLater(e.currentTarget.value);
          }}
          w={220}
        />
        <NativeSelect
          label="Temperature"
          data={options(TEMPERATURES, 'Any temperature')}
          value={params.get('temperature') ?? ''}
          onChange={(e) => set('temperature', e.currentTarget.value || null)}
          w={160}
        />
        <NativeSelect
          label="Status"
          data={options(LEAD_STATUSES, 'Any status')}
          value={params.get('status') ?? ''}
          onChange={(e) => set('status', e.currentTarget.value || null)}
          w={150}
        />
        <NativeSelect
          label="Owner"
          data={[
            { value: '', label: 'Anyone' },
            { value: 'me', label: 'Me' },
            { value: 'none', label: 'Unassigned' },
          ]}
          value={params.get('owner') ?? ''}
          onChange={(e) => set('owner', e.currentTarget.value || null)}
          w={140}
        />
        <TextInput
          label="Source"
          placeholder="website, ads…"
          defaultValue={params.get('source') ?? ''}
          onBlur={(e) => set('source', e.currentTarget.value.trim() || null)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') set('source', e.currentTarget.value.trim() || null);
          }}
          w={140}
        />
      </Group>
      {leads.isPending ? (
        <Loader aria-label="Loading leads" />
      ) : leads.isError ? (
        <ErrorNotice error={leads.error} />
      ) : rows.length === 0 ? (
        <EmptyState
          title={
            [...params.keys()].some((k) => k !== 'sort') ? 'No lead matches these filters' : 'No leads yet'
          }
        />
      ) : (
        <>
          <Text size="sm" c="gray.8" aria-live="polite">
            {rows.length} lead{rows.length === 1 ? '' : 's'} loaded{hasNextPage ? ', more as you scroll' : ''}
            {selectedIds.length === 0 ? '; tick rows to assign, change status or export them' : ''}
          </Text>
          {selectedIds.length > 0 && (
            <BulkActions
              ids={selectedIds}
              onDone={(message) => {
                setNotice(message);
                setRowSelection({});
              }}
            />
          )}
          {notice && (
            <Text size="sm" role="status">
              {notice}
            </Text>
          )}
          <div
            ref={scroller}
            className="leads-scroller"
            style={{ height: 'calc(100vh - 300px)', minHeight: 320 }}
          >
            <table
              className="leads-table"
              aria-label="Leads"
              aria-rowcount={hasNextPage ? -1 : rows.length + 1}
            >
              <thead className="leads-head">
                {table.getHeaderGroups().map((group) => (
                  <tr aria-rowindex={1} className="leads-grid" key={group.id}>
                    {group.headers.map((header) => {
                      const sortable = SORTABLE.has(header.id);
                      const sorted = header.column.getIsSorted();
                      return (
                        <th
                          key={header.id}
                          scope="col"
                          aria-sort={
                            sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : undefined
                          }
                        >
                          {sortable ? (
                            <UnstyledButton
                              fw={600}
                              onClick={() => header.column.toggleSorting(sorted === 'asc')}
                            >
                              {flexRender(header.column.columnDef.header, header.getContext())}
                              {sorted === 'asc' ? ' ▲' : sorted === 'desc' ? ' ▼' : ''}
                            </UnstyledButton>
                          ) : (
                            flexRender(header.column.columnDef.header, header.getContext())
                          )}
                        </th>
                      );
                    })}
                  </tr>
                ))}
              </thead>
              <tbody style={{ height: virtualizer.getTotalSize() }}>
                {items.map((item) => {
                  const row = tableRows[item.index];
                  if (!row) return null;
                  return (
                    <tr
                      aria-rowindex={item.index + 2}
                      key={row.id}
                      className={`leads-grid leads-row${row.getIsSelected() ? ' leads-row-selected' : ''}`}
                      style={{ height: item.size, transform: `translateY(${item.start}px)` }}
                    >
                      {row.getVisibleCells().map((cell) => (
                        <td key={cell.id}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</td>
                      ))}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          {isFetchingNextPage && <Loader size="sm" aria-label="Loading more leads" />}
        </>
      )}
    </Stack>
  );
}
