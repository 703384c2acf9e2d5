import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { HookProvider } from '../pages/integrations/hook-providers';
import { api, query } from './client';
import type { Page } from './types';

// The shapes of /api/v1/integrations/hooks (src/http/routes/hook-routes.ts, HookView and
// DeliveryView; the bodies are src/app/integrations/hook-schemas.ts).

export interface InboundHook {
  id: string;
  provider: HookProvider;
  name: string;
  /** Where the provider posts, on this server: `/hooks/{provider}/{id}`. */
  path: string;
  config: Record<string, unknown>;
  /** False when paused (the list holds no deleted hooks). */
  active: boolean;
  createdAt: string;
  updatedAt: string;
  createdBy: string | null;
  deletedAt: string | null;
}

export const DELIVERY_OUTCOMES = ['mapped', 'duplicate', 'ignored', 'rejected'] as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

export interface HookDelivery {
  id: number;
  receivedAt: string;
  outcome: DeliveryOutcome;
  reason: string | null;
  externalId: string | null;
  leadId: string | null;
  leadCreated: boolean;
  eventIds: number[];
}

export interface HookInput {
  provider: HookProvider;
  name: string;
  secret?: string;
  config?: Record<string, unknown>;
}

export interface HookPatch {
  name?: string;
  secret?: string;
  config?: Record<string, unknown>;
  active?: boolean;
}

export const DELIVERIES_PAGE = 25;

export const hookKeys = {
  all: ['inbound-hooks'] as const,
  list: () => [...hookKeys.all, 'list'] as const,
  deliveries: (id: string) => [...hookKeys.all, id, 'deliveries'] as const,
  lastDelivery: (id: string) => [...hookKeys.all, id, 'last-delivery'] as const,
};

/** The inbound hooks that are not deleted, paused ones included; never their secrets. */
export function useInboundHooks() {
  return useQuery({
    queryKey: hookKeys.list(),
    queryFn: async () => (await api<{ data: InboundHook[] }>('GET', '/integrations/hooks')).data,
  });
}

/** A hook's newest delivery (or null), for the list: one small read per hook. */
export function useLastDelivery(id: string) {
  return useQuery({
    queryKey: hookKeys.lastDelivery(id),
    queryFn: async () =>
      (await api<Page<HookDelivery>>('GET', `/integrations/hooks/${id}/deliveries${query({ limit: 1 })}`))
        .data[0] ?? null,
  });
}

/** A hook's delivery log, newest first, a page at a time. */
export function useHookDeliveries(id: string) {
  const client = useQueryClient();
  return useInfiniteQuery({
    queryKey: hookKeys.deliveries(id),
    queryFn: async ({ pageParam }) => {
      const page = await api<Page<HookDelivery>>(
        'GET',
        `/integrations/hooks/${id}/deliveries${query({ limit: DELIVERIES_PAGE, cursor: pageParam })}`,
      );
      // The newest page also tells the hook's card what its last delivery is.
      if (pageParam === null) client.setQueryData(hookKeys.lastDelivery(id), page.data[0] ?? null);
      return page;
    },
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
}

function useHookMutation<T, R>(send: (input: T) => Promise<R>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: send,
    onSuccess: () => client.invalidateQueries({ queryKey: hookKeys.list() }),
  });
}

/** Creates a hook; `secret` is the one Hearth made (generic hooks), shown this once, else null. */
export const useCreateHook = () =>
  useHookMutation((input: HookInput) =>
    api<{ hook: InboundHook; secret: string | null }>('POST', '/integrations/hooks', input),
  );

export const useUpdateHook = () =>
  useHookMutation(({ id, ...patch }: HookPatch & { id: string }) =>
    api<InboundHook>('PATCH', `/integrations/hooks/${id}`, patch),
  );

export const useDeleteHook = () =>
  useHookMutation((id: string) => api<undefined>('DELETE', `/integrations/hooks/${id}`));
