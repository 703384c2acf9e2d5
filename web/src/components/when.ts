import { format } from 'date-fns';

/** A moment as the settings' logs show it (`7 Dec 2026 13:05`, local time), or a dash for none. */
export const when = (iso: string | null | undefined): string =>
  iso ? format(new Date(iso), 'd MMM yyyy HH:mm') : '—';
