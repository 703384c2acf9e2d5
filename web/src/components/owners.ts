import { useQuery } from '@tanstack/react-query';
import { api } from '../api/client';
import type { User } from '../api/types';
import { canListUsers, useSession } from '../auth/session';

/** The users (admins only may list them) and a way to name an owner for anyone. */
export function useOwnerName(): (ownerId: string | null) => string {
  const { session } = useSession();
  const users = useQuery({
    queryKey: ['users'],
    queryFn: () => api<{ data: User[] }>('GET', '/users'),
    enabled: canListUsers(session.user.role),
    staleTime: 60_000,
  });
  return (ownerId) => {
    if (ownerId === null) return 'Unassigned';
    if (ownerId === session.user.id) return 'You';
    return users.data?.data.find((u) => u.id === ownerId)?.name ?? 'Another rep';
  };
}
