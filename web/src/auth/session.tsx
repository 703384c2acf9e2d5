import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext } from 'react';
import { ApiError, api, setCsrfToken } from '../api/client';
import type { Role, Session } from '../api/types';

export const SESSION_KEY = ['session'] as const;

/** The signed-in session, or null; the CSRF token is handed to the API client as it arrives. */
async function loadSession(): Promise<Session | null> {
  try {
    const session = await api<Session>('GET', '/session');
    setCsrfToken(session);
    return session;
  } catch (error) {
    if (error instanceof ApiError && (error.status === 401 || error.status === 404)) {
      setCsrfToken(null);
      return null;
    }
    throw error;
  }
}

interface SessionState {
  readonly session: Session;
  readonly signOut: () => void;
  /** The server already ended this session (e.g. your own password was reset): forget it here too. */
  readonly forget: () => void;
}

const SessionContext = createContext<SessionState | null>(null);

export function useSessionQuery() {
  return useQuery({ queryKey: SESSION_KEY, queryFn: loadSession, staleTime: 60_000, retry: false });
}

export function useSignIn() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { email: string; password: string }) => api<Session>('POST', '/session', input),
    onSuccess: (session) => {
      setCsrfToken(session);
      client.setQueryData(SESSION_KEY, session);
    },
  });
}

export function SessionProvider({ session, children }: { session: Session; children: ReactNode }) {
  const client = useQueryClient();
  const forget = () => {
    setCsrfToken(null);
    client.setQueryData(SESSION_KEY, null);
    // Nothing of the last user stays in memory (the session entry itself is watched by App).
    client.removeQueries({ predicate: (query) => query.queryKey[0] !== SESSION_KEY[0] });
  };
  const signOut = () => {
    void api('DELETE', '/session').finally(forget);
  };
  return <SessionContext.Provider value={{ session, signOut, forget }}>{children}</SessionContext.Provider>;
}

/** The signed-in user; only inside the signed-in part of the app. */
export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error('useSession outside SessionProvider');
  return state;
}

export const canManageSettings = (role: Role): boolean => role === 'admin';
/** GET /users is for admins (`users:manage`); others see owners as "You" or "Another rep". */
export const canListUsers = (role: Role): boolean => role === 'admin';
/** Reports (`stats:read`) and the scoring model (`model:read`, `model:draft`): managers and admins. */
export const canReadReports = (role: Role): boolean => role === 'admin' || role === 'manager';
export const canEditModel = (role: Role): boolean => role === 'admin' || role === 'manager';
/** `leads:import`: the import wizard. */
export const canImport = (role: Role): boolean => role === 'admin' || role === 'manager';
/** A publish rescores every lead: admins only (`model:publish`). */
export const canPublishModel = (role: Role): boolean => role === 'admin';
