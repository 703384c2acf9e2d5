import { List, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { formatDistanceToNow } from 'date-fns';
import { api } from '../api/client';
import type { Explanation } from '../api/types';
import { ErrorNotice } from './ErrorNotice';

// `decayed` is in points, rounded to hundredths by the API: one decimal is enough to read.
const signed = (n: number) => `${n > 0 ? '+' : ''}${Math.round(n * 10) / 10}`;

/** Why the lead has its scores: every fit rule and interest contribution, and the temperature checks. */
export function ScoreBreakdown({ leadId }: { leadId: string }) {
  // The same request as the qualification checklist: one fetch, shared through the cache.
  const explanation = useQuery({
    queryKey: ['lead', leadId, 'explanation'],
    queryFn: () => api<Explanation>('GET', `/leads/${leadId}/explanation`),
  });
  if (explanation.isPending) return <Text size="sm">Loading…</Text>;
  if (explanation.isError) return <ErrorNotice error={explanation.error} />;
  const { fit, interest, checks } = explanation.data;
  return (
    <SimpleGrid cols={{ base: 1, sm: 3 }}>
      <Stack gap="xs">
        <Title order={4} size="h6">
          Fit {Math.round(fit.score)}
        </Title>
        {fit.contributions.length === 0 ? (
          <Text size="sm">No fit rule matched.</Text>
        ) : (
          <List size="sm" spacing={2}>
            {fit.contributions.map((c) => (
              <List.Item key={c.ruleId}>
                {c.ruleId.replaceAll('_', ' ')}: {signed(c.points)}
              </List.Item>
            ))}
          </List>
        )}
      </Stack>
      <Stack gap="xs">
        <Title order={4} size="h6">
          Interest {Math.round(interest.score)}
        </Title>
        {interest.contributions.length === 0 ? (
          <Text size="sm">No activity has counted yet.</Text>
        ) : (
          <List size="sm" spacing={2}>
            {interest.contributions.map((c) => (
              <List.Item key={`${c.ruleId}-${c.eventId}`}>
                {c.ruleId.replaceAll('_', ' ')} ({c.group},{' '}
                {formatDistanceToNow(new Date(c.occurredAt), { addSuffix: true })}
                ): {signed(c.points)}, now {signed(c.decayed)}
              </List.Item>
            ))}
          </List>
        )}
      </Stack>
      <Stack gap="xs">
        <Title order={4} size="h6">
          Temperature checks
        </Title>
        <List size="sm" spacing={2}>
          {checks.map((c) => (
            <List.Item key={c.id}>
              {c.passed ? 'Passed' : 'Not passed'}: {c.label}
              {c.value !== null && c.threshold !== null ? ` (${Math.round(c.value)} of ${c.threshold})` : ''}
            </List.Item>
          ))}
        </List>
      </Stack>
    </SimpleGrid>
  );
}
