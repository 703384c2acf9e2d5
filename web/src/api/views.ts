import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';

// The shapes of /api/v1/views (src/http/routes/view-routes.ts, src/app/leads/saved-views.ts).

/** The leads table's optional columns, in the table's order (LEAD_TABLE_COLUMNS on the server). */
export const LEAD_TABLE_COLUMNS = [
  'temperature',
  'status',
  'fit',
  'interest',
  'probability',
  'owner',
  'source',
  'lastActivityAt',
  'createdAt',
] as const;
export type LeadTableColumn = (typeof LEAD_TABLE_COLUMNS)[number];

/** The table's filters as GET /leads takes them; `owner: 'me'` is whoever applies the view. */
export interface LeadTableFilters {
  temperature?: string;
  status?: string;
  owner?: string;
  source?: string;
  q?: string;
  /** An import job's id: the leads its file named. */
  import?: string;
}

export interface LeadTableSettings {
  filters: LeadTableFilters;
  sort: string;
  columns: LeadTableColumn[];
}

export interface SavedView {
  id: string;
  name: string;
  view: LeadTableSettings;
  createdAt: string;
  updatedAt: string;
}

export const viewKeys = {
  all: ['views'] as const,
};

/** The signed-in user's saved views of the leads table, by name. */
export function useViews() {
  return useQuery({
    queryKey: viewKeys.all,
    queryFn: async () => (await api<{ data: SavedView[] }>('GET', '/views')).data,
  });
}

function useViewMutation<T>(send: (input: T) => Promise<SavedView | undefined>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: send,
    onSuccess: () => client.invalidateQueries({ queryKey: viewKeys.all }),
  });
}

export const useCreateView = () =>
  useViewMutation((input: { name: string; view: LeadTableSettings }) =>
    api<SavedView>('POST', '/views', input),
  );

export const useUpdateView = () =>
  useViewMutation(({ id, ...patch }: { id: string; name?: string; view?: LeadTableSettings }) =>
    api<SavedView>('PATCH', `/views/${id}`, patch),
  );

export const useDeleteView = () => useViewMutation((id: string) => api<undefined>('DELETE', `/views/${id}`));
