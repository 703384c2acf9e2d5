import { Anchor, Checkbox } from '@mantine/core';
import type { ColumnDef } from '@tanstack/react-table';
import { formatDistanceToNowStrict } from 'date-fns';
import { useMemo } from 'react';
import { Link } from 'react-router';
import type { Lead } from '../api/types';
import type { LeadTableColumn } from '../api/views';
import { LeadStateBadge } from './LeadStateBadge';
import { useOwnerName } from './owners';

export const leadLabel = (lead: Lead) => lead.name ?? lead.email ?? 'Unnamed lead';
/** The predicted chance to become a customer, as a whole percentage; "—" when there is none. */
export const percentage = (probability: number | null | undefined): string =>
  probability === null || probability === undefined ? '—' : `${Math.round(probability * 100)}%`;
const ago = (iso: string) => formatDistanceToNowStrict(new Date(iso), { addSuffix: true });
const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** What each optional column is called in its header and in the column chooser. */
export const COLUMN_LABELS: Record<LeadTableColumn, string> = {
  status: 'Status',
  temperature: 'Temperature',
  fit: 'Fit',
  interest: 'Interest',
  probability: 'Probability',
  owner: 'Owner',
  source: 'Source',
  lastActivityAt: 'Last activity',
  createdAt: 'Created',
};

/**
 * Shown until the user chooses: what fits beside the navigation at 1280 px with room for names and
 * no header cut. Probability is one tick away (it is empty until a predictive model is trained).
 * Temperature comes first: on a phone it is what shows beside the name.
 */
export const DEFAULT_COLUMNS: readonly LeadTableColumn[] = [
  'temperature',
  'status',
  'fit',
  'interest',
  'owner',
  'lastActivityAt',
];

/**
 * Each column's least width (px) and its share of what is left. Fixed columns are as wide as their
 * header in bold with the sort arrow, so no header is cut; the table scrolls sideways below the sum.
 */
export const COLUMN_WIDTHS: Record<'select' | 'name' | LeadTableColumn, { min: number; grow?: number }> = {
  select: { min: 44 },
  name: { min: 180, grow: 2.5 },
  status: { min: 112 },
  temperature: { min: 148 },
  fit: { min: 64 },
  interest: { min: 108 },
  probability: { min: 124 },
  owner: { min: 104, grow: 1 },
  source: { min: 96, grow: 1 },
  lastActivityAt: { min: 140, grow: 1 },
  createdAt: { min: 124, grow: 1 },
};

/** The CSS grid of these columns, and the width below which it scrolls. */
export function gridOf(columns: readonly (keyof typeof COLUMN_WIDTHS)[]): {
  gridTemplateColumns: string;
  minWidth: number;
} {
  const widths = columns.map((c) => COLUMN_WIDTHS[c]);
  return {
    gridTemplateColumns: widths
      .map((w) => (w.grow ? `minmax(${w.min}px, ${w.grow}fr)` : `${w.min}px`))
      .join(' '),
    minWidth: widths.reduce((sum, w) => sum + w.min, 0),
  };
}

/**
 * How each sortable column sorts (GET /api/v1/leads `sort`): the direction of the first click (scores
 * and times highest first) and whether the other is offered — current interest is ranked highest
 * first only.
 */
export const SORTS: Partial<Record<'name' | LeadTableColumn, { first: 'asc' | 'desc'; both: boolean }>> = {
  name: { first: 'asc', both: true },
  temperature: { first: 'desc', both: true },
  fit: { first: 'desc', both: true },
  interest: { first: 'desc', both: false },
  probability: { first: 'desc', both: true },
  lastActivityAt: { first: 'desc', both: true },
  createdAt: { first: 'desc', both: true },
};

export function useLeadColumns(): ColumnDef<Lead>[] {
  const ownerName = useOwnerName();
  return useMemo<ColumnDef<Lead>[]>(
    () => [
      {
        id: 'select',
        enableHiding: false,
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
        enableHiding: false,
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
        header: COLUMN_LABELS.temperature,
        // A closed lead shows its status here: it has no live temperature to act on.
        cell: ({ row }) => (
          <LeadStateBadge status={row.original.status} temperature={row.original.temperature} />
        ),
      },
      { id: 'status', header: COLUMN_LABELS.status, cell: ({ row }) => capitalised(row.original.status) },
      { id: 'fit', header: COLUMN_LABELS.fit, cell: ({ row }) => Math.round(row.original.fit) },
      {
        id: 'interest',
        header: COLUMN_LABELS.interest,
        cell: ({ row }) => Math.round(row.original.interest),
      },
      {
        id: 'probability',
        header: COLUMN_LABELS.probability,
        cell: ({ row }) => percentage(row.original.probability),
      },
      { id: 'owner', header: COLUMN_LABELS.owner, cell: ({ row }) => ownerName(row.original.ownerId) },
      { id: 'source', header: COLUMN_LABELS.source, cell: ({ row }) => row.original.source ?? '—' },
      {
        id: 'lastActivityAt',
        header: COLUMN_LABELS.lastActivityAt,
        cell: ({ row }) => (row.original.lastActivityAt ? ago(row.original.lastActivityAt) : 'none'),
      },
      { id: 'createdAt', header: COLUMN_LABELS.createdAt, cell: ({ row }) => ago(row.original.createdAt) },
    ],
    [ownerName],
  );
}
