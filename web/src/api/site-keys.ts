import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';

// The shapes of /api/v1/integrations/sites (src/http/routes/site-key-routes.ts, SiteKeyView; the
// bodies are src/app/tracking/site-key-schemas.ts).

export interface SiteKey {
  id: string;
  /** The publishable key (`hpk_…`) the page's tag carries; not a secret. */
  key: string;
  name: string;
  allowedOrigins: string[];
  requireConsent: boolean;
  honourDoNotTrack: boolean;
  captureForms: boolean;
  /** False once revoked. */
  active: boolean;
  /** The tags to paste into every page of the site, before `</head>`. */
  snippet: string;
  createdAt: string;
  updatedAt: string;
  createdBy: string | null;
  revokedAt: string | null;
}

/** The switches of a key, with the server's defaults for a new one. */
export interface SiteKeySettings {
  requireConsent: boolean;
  honourDoNotTrack: boolean;
  captureForms: boolean;
}
export const SITE_KEY_DEFAULTS: SiteKeySettings = {
  requireConsent: false,
  honourDoNotTrack: true,
  captureForms: false,
};

export interface SiteKeyInput extends Partial<SiteKeySettings> {
  name: string;
  allowedOrigins: string[];
}

export const siteKeyKeys = {
  all: ['site-keys'] as const,
};

/** The tracker's site keys, revoked ones included. */
export function useSiteKeys() {
  return useQuery({
    queryKey: siteKeyKeys.all,
    queryFn: async () => (await api<{ data: SiteKey[] }>('GET', '/integrations/sites')).data,
  });
}

function useSiteKeyMutation<T, R>(send: (input: T) => Promise<R>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: send,
    onSuccess: () => client.invalidateQueries({ queryKey: siteKeyKeys.all }),
  });
}

export const useCreateSiteKey = () =>
  useSiteKeyMutation((input: SiteKeyInput) => api<SiteKey>('POST', '/integrations/sites', input));

export const useUpdateSiteKey = () =>
  useSiteKeyMutation(({ id, ...patch }: Partial<SiteKeyInput> & { id: string }) =>
    api<SiteKey>('PATCH', `/integrations/sites/${id}`, patch),
  );

export const useRevokeSiteKey = () =>
  useSiteKeyMutation((id: string) => api<undefined>('DELETE', `/integrations/sites/${id}`));
