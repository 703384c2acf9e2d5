import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { api, apiUpload } from './client';

// The shapes of /api/v1/imports (src/http/routes/import-routes.ts).

export type ImportKind = 'leads' | 'events';
export type DecidedBy = 'mapping' | 'known format' | 'exact name' | 'synonym' | 'attribute';

export interface PlannedColumn {
  column: string;
  target: string;
  decidedBy: DecidedBy;
}

export interface DetectedFormat {
  id: string;
  label: string;
  known: number;
  total: number;
}

export interface DateDecision {
  order: 'mdy' | 'dmy';
  decidedBy: 'given' | 'file' | 'default';
  evidence: { mdy: number; dmy: number };
}

export interface ImportNote {
  column: string;
  message: string;
  rows: number;
  first: string;
}

export interface ImportPreview {
  kind: ImportKind;
  format: DetectedFormat | null;
  columns: PlannedColumn[];
  dates: DateDecision;
  counts: { read: number; create: number; update: number; skip: number; reject: number };
  problems: { location: string; reason: string }[];
  notes: ImportNote[];
  firstRows: { location: string; cells: Record<string, string> }[];
  choices: { targets: string[]; extrasKey: 'attributes' | 'properties' };
}

export interface ImportJob {
  id: string;
  kind: ImportKind;
  format: 'csv' | 'ndjson' | 'json';
  fileName: string | null;
  state: 'queued' | 'running' | 'done' | 'failed';
  sizeBytes: number;
  totalRows: number | null;
  rowsRead: number;
  created: number;
  updated: number;
  skipped: number;
  rejected: number;
  columnMap: Record<string, string>;
  plan: { format: DetectedFormat | null; columns: PlannedColumn[]; dates: DateDecision } | null;
  notes: ImportNote[];
  error: string | null;
  leadsQuery: string;
  createdAt: string;
  finishedAt: string | null;
}

/** What the user chose for a file: its kind, the columns they remapped and the date order. */
export interface ImportChoices {
  kind: ImportKind;
  map: Record<string, string>;
  dateOrder: 'mdy' | 'dmy' | null;
}

export const importKeys = {
  all: ['imports'] as const,
  preview: (file: File, choices: ImportChoices) =>
    ['imports', 'preview', file.name, file.size, file.lastModified, choices] as const,
  job: (id: string) => ['imports', 'job', id] as const,
};

/** The body's type, from the file's name: CSV unless it is NDJSON / JSON Lines. */
export function contentTypeOf(file: File): string {
  return /\.(ndjson|jsonl)$/i.test(file.name) ? 'application/x-ndjson' : 'text/csv';
}

function importQuery(file: File, choices: ImportChoices): string {
  const search = new URLSearchParams({ kind: choices.kind, fileName: file.name });
  for (const [column, target] of Object.entries(choices.map)) search.append('map', `${column}=${target}`);
  if (choices.dateOrder) search.set('dateOrder', choices.dateOrder);
  return `?${search.toString()}`;
}

/** The dry run of a file with the choices made so far; runs again when they change. */
export function useImportPreview(file: File | null, choices: ImportChoices) {
  return useQuery({
    queryKey: file ? importKeys.preview(file, choices) : ['imports', 'preview', 'none'],
    queryFn: () =>
      apiUpload<ImportPreview>(
        `/imports/preview${importQuery(file as File, choices)}`,
        file as File,
        contentTypeOf(file as File),
      ),
    enabled: file !== null,
    // The last preview stays on screen while the next one (a changed mapping) runs.
    placeholderData: keepPreviousData,
    retry: false,
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** Uploads the file and starts the import job. */
export function useStartImport() {
  return useMutation({
    mutationFn: ({ file, choices }: { file: File; choices: ImportChoices }) =>
      apiUpload<ImportJob>(`/imports${importQuery(file, choices)}`, file, contentTypeOf(file)),
  });
}

/** A job's progress, asked again every second until it is done or failed. */
export function useImportJob(id: string | null) {
  return useQuery({
    queryKey: importKeys.job(id ?? ''),
    queryFn: () => api<ImportJob>('GET', `/imports/${id}`),
    enabled: id !== null,
    refetchInterval: (query) => {
      const state = query.state.data?.state;
      return state === 'done' || state === 'failed' ? false : 1000;
    },
  });
}

/** Where the rejected rows download from (the session cookie authorises a plain link). */
export const rejectedCsvUrl = (id: string): string => `/api/v1/imports/${id}/rejected.csv`;
