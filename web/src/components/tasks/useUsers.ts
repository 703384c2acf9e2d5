import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { User } from '../../api/types';
import { canListUsers, useSession } from '../../auth/session';

/** The users, for admins (the only role that may list them); shares the cache of `owners.ts`. */
export function useUsers() {
  const { session } = useSession();
  return useQuery({
    queryKey: ['users'],
    queryFn: () => api<{ data: User[] }>('GET', '/users'),
    enabled: canListUsers(session.user.role),
    staleTime: 60_000,
  });
}
