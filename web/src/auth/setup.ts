import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, setCsrfToken } from '../api/client';
import type { Session } from '../api/types';
import { SESSION_KEY } from './session';

const setupKeys = { status: ['setup'] as const };

export interface OwnerInput {
  token: string;
  email: string;
  name: string;
  password: string;
}

/** Whether the installation still needs its owner account (no user exists yet). */
export function useSetupStatus() {
  return useQuery({
    queryKey: setupKeys.status,
    queryFn: () => api<{ needed: boolean }>('GET', '/setup'),
    staleTime: 60_000,
    retry: false,
  });
}

/** Creates the owner account with the console's setup token; the answer is a signed-in session. */
export function useCreateOwner() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: OwnerInput) => api<Session>('POST', '/setup', input),
    onSuccess: (session) => {
      setCsrfToken(session);
      client.setQueryData(setupKeys.status, { needed: false });
      client.setQueryData(SESSION_KEY, session);
    },
  });
}
