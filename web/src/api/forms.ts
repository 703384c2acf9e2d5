import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, query } from './client';
import type { Page } from './types';

// The shapes of /api/v1/integrations/forms (src/http/routes/form-routes.ts, FormView and
// SubmissionView; the bodies are src/app/forms/form-schemas.ts).

export const FORM_LEAD_FIELDS = ['email', 'name', 'company', 'phone', 'jobTitle'] as const;
export type FormLeadField = (typeof FORM_LEAD_FIELDS)[number];

/** The posted field names when none is given (DEFAULT_FORM_FIELDS, src/domain/forms/form.ts). */
export const DEFAULT_FORM_FIELDS: Record<FormLeadField, string> = {
  email: 'email',
  name: 'name',
  company: 'company',
  phone: 'phone',
  jobTitle: 'job_title',
};
export const DEFAULT_HONEYPOT = 'hearth_hp';
export const DEFAULT_MIN_FILL_SECONDS = 3;

export const QUALIFICATION_ANSWERS = ['budget', 'timeline', 'need'] as const;
export type QualificationAnswer = (typeof QUALIFICATION_ANSWERS)[number];

export interface AnswerMapping {
  field: string;
  values?: Record<string, string>;
}

export interface HostedForm {
  id: string;
  name: string;
  /** The public key in the form's address: `hfm_…`. */
  formKey: string;
  /** Where the form posts: `https://<this server>/f/{formKey}`. */
  action: string;
  redirectUrl: string;
  errorUrl: string | null;
  fields: Record<FormLeadField, string>;
  qualification: Partial<Record<QualificationAnswer, AnswerMapping>>;
  honeypotField: string;
  minFillSeconds: number;
  requireFillTime: boolean;
  allowedOrigins: string[];
  source: string | null;
  /** False when paused (or deleted): posts answer 404. */
  active: boolean;
  createdAt: string;
  updatedAt: string;
  createdBy: string | null;
  deletedAt: string | null;
  /** A ready-to-paste HTML form: the mapped fields, the honeypot and the timing script. */
  snippet: string;
}

export const SUBMISSION_OUTCOMES = ['stored', 'duplicate', 'spam', 'rejected'] as const;
export type SubmissionOutcome = (typeof SUBMISSION_OUTCOMES)[number];

export interface FormSubmission {
  id: number;
  receivedAt: string;
  outcome: SubmissionOutcome;
  reason: string | null;
  leadId: string | null;
  leadCreated: boolean;
  eventId: number | null;
}

export interface FormInput {
  name: string;
  redirectUrl: string;
  fields?: Partial<Record<FormLeadField, string>>;
  qualification?: Partial<Record<QualificationAnswer, AnswerMapping>>;
  honeypotField?: string;
  minFillSeconds?: number;
  allowedOrigins?: string[];
  source?: string | null;
  active?: boolean;
}

export const SUBMISSIONS_PAGE = 25;

export const formKeys = {
  all: ['forms'] as const,
  list: () => [...formKeys.all, 'list'] as const,
  submissions: (id: string) => [...formKeys.all, id, 'submissions'] as const,
};

export function useForms() {
  return useQuery({
    queryKey: formKeys.list(),
    queryFn: async () => (await api<{ data: HostedForm[] }>('GET', '/integrations/forms')).data,
  });
}

/** A form's posts, newest first, a page at a time. */
export function useFormSubmissions(id: string) {
  return useInfiniteQuery({
    queryKey: formKeys.submissions(id),
    queryFn: ({ pageParam }) =>
      api<Page<FormSubmission>>(
        'GET',
        `/integrations/forms/${id}/submissions${query({ limit: SUBMISSIONS_PAGE, cursor: pageParam })}`,
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
}

function useFormMutation<T, R>(send: (input: T) => Promise<R>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: send,
    onSuccess: () => client.invalidateQueries({ queryKey: formKeys.list() }),
  });
}

export const useCreateForm = () =>
  useFormMutation((input: FormInput) => api<HostedForm>('POST', '/integrations/forms', input));

export const useUpdateForm = () =>
  useFormMutation(({ id, ...patch }: Partial<FormInput> & { id: string; rotateKey?: boolean }) =>
    api<HostedForm>('PATCH', `/integrations/forms/${id}`, patch),
  );

export const useDeleteForm = () =>
  useFormMutation((id: string) => api<undefined>('DELETE', `/integrations/forms/${id}`));
