import { Group, SegmentedControl, Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { formatDistanceToNow } from 'date-fns';
import { api } from '../api/client';
import type { CriterionValue, Evidence, Explanation } from '../api/types';
import { ErrorNotice } from './ErrorNotice';
import { leadKeys, useExplanation } from './lead/leadQueries';
import { useOwnerName } from './owners';

const VALUES: CriterionValue[] = ['yes', 'no', 'unknown'];

function useProvenance(): (evidence: Evidence | null) => string {
  const userName = useOwnerName();
  return (evidence) => {
    if (!evidence) return 'not decided yet';
    const when = formatDistanceToNow(new Date(evidence.at), { addSuffix: true });
    switch (evidence.source.kind) {
      case 'user':
        return `set by ${userName(evidence.source.userId ?? null).replace(/^You$/, 'you')} ${when}`;
      case 'form':
        return `from a form answer ${when}`;
      case 'rule':
        return `by rule ${evidence.source.ruleId ?? ''} ${when}`.replace('  ', ' ');
    }
  };
}

/**
 * The qualification criteria (need, fit, budget, …) with who or what decided each; a rep's answer
 * outranks rules and forms, and the temperature follows at once.
 */
export function QualificationChecklist({ leadId }: { leadId: string }) {
  const client = useQueryClient();
  const provenance = useProvenance();
  const explanation = useExplanation(leadId);
  const set = useMutation({
    mutationFn: (input: { criterion: string; value: CriterionValue }) =>
      api<Explanation>('PUT', `/leads/${leadId}/qualification`, {
        [input.criterion]: { value: input.value },
      }),
    // The answer is the explanation after the change, at its instant: the page shows it at once,
    // then everything else about the lead (badge, chart, timeline) is read again.
    onSuccess: (explanation) => {
      client.setQueryData(leadKeys.explanation(leadId), explanation);
      return client.invalidateQueries({ queryKey: leadKeys.all(leadId) });
    },
  });
  if (explanation.isPending) return <Text size="sm">Loading…</Text>;
  if (explanation.isError) return <ErrorNotice error={explanation.error} />;
  const q = explanation.data.qualification;
  return (
    <Stack gap="sm">
      <Text size="sm">
        {q.yes} of {q.required} needed criteria are yes: {q.qualified ? 'qualified' : 'not qualified yet'}.
      </Text>
      {q.criteria.map((c) => (
        <Group key={c.criterion} justify="space-between" wrap="wrap" gap="xs">
          <Stack gap={0}>
            <Text fw={600} size="sm" id={`criterion-${c.criterion}`}>
              {c.criterion}
            </Text>
            <Text size="xs" c="gray.8">
              {provenance(c.decidedBy)}
            </Text>
          </Stack>
          <SegmentedControl
            size="xs"
            color="ember.8"
            aria-labelledby={`criterion-${c.criterion}`}
            value={c.value}
            data={VALUES.map((v) => ({ value: v, label: v }))}
            onChange={(value) => set.mutate({ criterion: c.criterion, value: value as CriterionValue })}
            disabled={set.isPending}
          />
        </Group>
      ))}
      {set.isError && <ErrorNotice error={set.error} />}
    </Stack>
  );
}
