import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import type {
  Explanation,
  InterestSeries,
  LeadEvent,
  LeadStatus,
  OutcomeSettings,
  Page,
  StatusChange,
  Transition,
} from '../../api/types';

/** The lead page's queries; every key starts with ['lead', id] so one invalidation refreshes the page. */
export const leadKeys = {
  all: (leadId: string) => ['lead', leadId] as const,
  explanation: (leadId: string) => ['lead', leadId, 'explanation'] as const,
  interestSeries: (leadId: string, at: string) => ['lead', leadId, 'interest-series', at] as const,
  events: (leadId: string, limit: number) => ['lead', leadId, 'events', limit] as const,
  transitions: (leadId: string) => ['lead', leadId, 'transitions'] as const,
  statusHistory: (leadId: string) => ['lead', leadId, 'status-history'] as const,
  outcomeSettings: ['settings', 'outcomes'] as const,
};

/**
 * The explanation: scores, checks and temperature at one instant (`at`). The page's badge, its
 * checks and its chart all read from this one answer, so they never disagree.
 */
export function useExplanation(leadId: string) {
  return useQuery({
    queryKey: leadKeys.explanation(leadId),
    queryFn: () => api<Explanation>('GET', `/leads/${leadId}/explanation`),
  });
}

/** The interest chart computed at the explanation's instant, not at the moment it loads. */
export function useInterestSeries(leadId: string, at: string) {
  return useQuery({
    queryKey: leadKeys.interestSeries(leadId, at),
    queryFn: () =>
      api<InterestSeries>(
        'GET',
        `/leads/${leadId}/interest-series?pastDays=30&futureDays=30&at=${encodeURIComponent(at)}`,
      ),
  });
}

export function useLeadEvents(leadId: string, limit: number) {
  return useQuery({
    queryKey: leadKeys.events(leadId, limit),
    queryFn: () => api<Page<LeadEvent>>('GET', `/leads/${leadId}/events?limit=${limit}`),
    placeholderData: (previous) => previous,
  });
}

export function useTransitions(leadId: string) {
  return useQuery({
    queryKey: leadKeys.transitions(leadId),
    queryFn: () => api<{ data: Transition[] }>('GET', `/leads/${leadId}/transitions`),
  });
}

export function useStatusHistory(leadId: string) {
  return useQuery({
    queryKey: leadKeys.statusHistory(leadId),
    queryFn: () => api<{ data: StatusChange[] }>('GET', `/leads/${leadId}/status-history`),
  });
}

/** The lost reasons and the default currency (readable by reps, unlike the desk settings). */
export function useOutcomeSettings() {
  return useQuery({
    queryKey: leadKeys.outcomeSettings,
    queryFn: () => api<OutcomeSettings>('GET', '/settings/outcomes'),
    staleTime: 60_000,
  });
}

export function useAddNote(leadId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (text: string) => api<LeadEvent>('POST', `/leads/${leadId}/notes`, { text }),
    onSuccess: () => client.invalidateQueries({ queryKey: leadKeys.all(leadId) }),
  });
}

export interface OutcomeRequest {
  status: LeadStatus;
  reason?: string;
  value?: number;
  currency?: string;
}

export function useRecordOutcome(leadId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: OutcomeRequest) => api('POST', `/leads/${leadId}/outcome`, input),
    // An outcome closes tasks, stops clocks and takes the lead out of the queue: all views are stale.
    onSuccess: () => client.invalidateQueries(),
  });
}
