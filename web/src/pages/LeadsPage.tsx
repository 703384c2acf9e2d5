import { Group, Loader, NativeSelect, Stack, Text, TextInput, Title, UnstyledButton } from '@mantine/core';
import { useDebouncedCallback } from '@mantine/hooks';
import { useInfiniteQuery } from '@tanstack/react-query';
import {
  flexRender,
  getCoreRowModel,
  type RowSelectionState,
  useReactTable,
  type VisibilityState,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import { api, query } from '../api/client';
import { LEAD_STATUSES, type Lead, type Page, TEMPERATURES } from '../api/types';
import {
  LEAD_TABLE_COLUMNS,
  type LeadTableColumn,
  type LeadTableSettings,
  type SavedView,
} from '../api/views';
import { useSession } from '../auth/session';
import { BulkActions } from '../components/BulkActions';
import { ColumnChooser } from '../components/ColumnChooser';
import { EmptyState } from '../components/EmptyState';
import { ErrorNotice } from '../components/ErrorNotice';
import {
  type COLUMN_WIDTHS,
  DEFAULT_COLUMNS,
  gridOf,
  SORTS,
  useLeadColumns,
} from '../components/LeadColumns';
import { SavedViews } from '../components/SavedViews';

export { percentage } from '../components/LeadColumns';

const PAGE_SIZE = 100;
const ROW_HEIGHT = 44; // px
const FILTERS = ['temperature', 'status', 'owner', 'source', 'q', 'import'] as const;

const options = (values: readonly string[], any: string) => [
  { value: '', label: any },
  ...values.map((v) => ({ value: v, label: v })),
];

/** The columns named in the address (`cols=fit,interest`), or the defaults. */
function columnsOf(param: string | null): LeadTableColumn[] {
  if (param === null) return [...DEFAULT_COLUMNS];
  const named = param.split(',');
  return LEAD_TABLE_COLUMNS.filter((c) => named.includes(c));
}

/**
 * Every lead the user may see: filters, sort and columns in the address (so a reload or a shared
 * link keeps them), saved as named views; server-side sort and keyset paging, virtual rows.
 */
export function LeadsPage() {
  const { session } = useSession();
  const [params, setParams] = useSearchParams();
  const change = (values: Record<string, string | null>) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        for (const [key, value] of Object.entries(values)) {
          if (value) next.set(key, value);
          else next.delete(key);
        }
        return next;
      },
      { replace: true },
    );
  const set = (key: string, value: string | null) => change({ [key]: value });
  const [search, setSearch] = useState(params.get('q') ?? '');
  const searchLater = useDebouncedCallback((text: string) => set('q', text.trim() || null), 300);
  const sortParam = params.get('sort') ?? '-createdAt';
  const sortId = sortParam.replace(/^-/, '');
  const columns = columnsOf(params.get('cols'));
  const filters = {
    temperature: params.get('temperature'),
    status: params.get('status'),
    owner: params.get('owner') === 'me' ? session.user.id : params.get('owner'),
    source: params.get('source'),
    q: params.get('q'),
    import: params.get('import'),
    sort: sortParam,
  };
  const settings: LeadTableSettings = {
    filters: Object.fromEntries(FILTERS.flatMap((k) => (params.get(k) ? [[k, params.get(k)]] : []))),
    sort: sortParam,
    columns,
  };
  const applyView = (view: SavedView | null) => {
    if (!view) return set('view', null);
    const f = view.view.filters;
    setSearch(f.q ?? '');
    change({
      ...Object.fromEntries(FILTERS.map((k) => [k, f[k] ?? null])),
      sort: view.view.sort,
      cols: view.view.columns.join(','),
      view: view.id,
    });
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

  const columnDefs = useLeadColumns();
  const columnVisibility: VisibilityState = Object.fromEntries(
    LEAD_TABLE_COLUMNS.map((c) => [c, columns.includes(c)]),
  );
  const table = useReactTable({
    data: rows,
    columns: columnDefs,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (lead) => lead.id,
    enableRowSelection: true,
    onRowSelectionChange: setRowSelection,
    manualSorting: true,
    state: { rowSelection, columnVisibility },
  });
  const visible = table.getVisibleLeafColumns().map((c) => c.id as keyof typeof COLUMN_WIDTHS);
  const grid = gridOf(visible);
  const sortBy = (id: string) => {
    const how = SORTS[id as keyof typeof SORTS];
    if (!how) return;
    // A second click reverses the order where both are offered; interest stays highest first.
    const desc = sortId === id && how.both ? !sortParam.startsWith('-') : how.first === 'desc';
    set('sort', `${desc ? '-' : ''}${id}`);
  };

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
      {params.get('import') && (
        <Group gap="xs">
          <Text size="sm">Only the leads of one import.</Text>
          <UnstyledButton fz="sm" c="ember.8" td="underline" onClick={() => set('import', null)}>
            Show all leads
          </UnstyledButton>
        </Group>
      )}
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
          data={options(TEMPERATURES, 'Any')}
          value={params.get('temperature') ?? ''}
          onChange={(e) => set('temperature', e.currentTarget.value || null)}
          w={130}
        />
        <NativeSelect
          label="Status"
          data={options(LEAD_STATUSES, 'Any')}
          value={params.get('status') ?? ''}
          onChange={(e) => set('status', e.currentTarget.value || null)}
          w={140}
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
          w={130}
        />
        <TextInput
          key={params.get('source') ?? ''}
          label="Source"
          placeholder="website, ads…"
          defaultValue={params.get('source') ?? ''}
          onBlur={(e) => set('source', e.currentTarget.value.trim() || null)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') set('source', e.currentTarget.value.trim() || null);
          }}
          w={130}
        />
        <ColumnChooser columns={columns} onChange={(next) => set('cols', next.join(','))} />
      </Group>
      <SavedViews activeId={params.get('view')} current={settings} onApply={applyView} />
      {leads.isPending ? (
        <Loader aria-label="Loading leads" />
      ) : leads.isError ? (
        <ErrorNotice error={leads.error} />
      ) : rows.length === 0 ? (
        <EmptyState
          title={FILTERS.some((k) => params.get(k)) ? 'No lead matches these filters' : 'No leads yet'}
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
            style={{ height: 'calc(100vh - 340px)', minHeight: 320 }}
          >
            <table
              className="leads-table"
              aria-label="Leads"
              aria-rowcount={hasNextPage ? -1 : rows.length + 1}
            >
              <thead className="leads-head">
                {table.getHeaderGroups().map((group) => (
                  <tr aria-rowindex={1} className="leads-grid" style={grid} key={group.id}>
                    {group.headers.map((header) => {
                      const sorted =
                        sortId === header.id ? (sortParam.startsWith('-') ? 'desc' : 'asc') : false;
                      return (
                        <th
                          key={header.id}
                          scope="col"
                          className={header.id === 'name' ? 'leads-sticky' : undefined}
                          aria-sort={
                            sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : undefined
                          }
                        >
                          {SORTS[header.id as keyof typeof SORTS] ? (
                            <UnstyledButton fw={600} onClick={() => sortBy(header.id)}>
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
                      style={{ ...grid, height: item.size, transform: `translateY(${item.start}px)` }}
                    >
                      {row.getVisibleCells().map((cell) => (
                        <td key={cell.id} className={cell.column.id === 'name' ? 'leads-sticky' : undefined}>
                          {flexRender(cell.column.columnDef.cell, cell.getContext())}
                        </td>
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
