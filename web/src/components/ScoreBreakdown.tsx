import { List, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { formatDistanceStrict } from 'date-fns';
import { ErrorNotice } from './ErrorNotice';
import { useExplanation } from './lead/leadQueries';
import { interestLimits, scoreText } from './lead/score-text';

// `decayed` is in points, rounded to hundredths by the API: one decimal is enough to read.
const signed = (n: number) => `${n > 0 ? '+' : ''}${Math.round(n * 10) / 10}`;

/** Why the lead has its scores: every fit rule and interest contribution, and the temperature checks. */
export function ScoreBreakdown({ leadId }: { leadId: string }) {
  // The same answer as the badge, the chart and the qualification checklist: one instant.
  const explanation = useExplanation(leadId);
  if (explanation.isPending) return <Text size="sm">Loading…</Text>;
  if (explanation.isError) return <ErrorNotice error={explanation.error} />;
  const { fit, interest, checks, at } = explanation.data;
  const limits = interestLimits(explanation.data);
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
          Interest {scoreText(interest.score, limits)}
        </Title>
        {interest.contributions.length === 0 ? (
          <Text size="sm">No activity has counted yet.</Text>
        ) : (
          <List size="sm" spacing={2}>
            {interest.contributions.map((c) => (
              <List.Item key={`${c.ruleId}-${c.eventId}`}>
                {c.ruleId.replaceAll('_', ' ')} ({c.group},{' '}
                {formatDistanceStrict(new Date(c.occurredAt), new Date(at), { addSuffix: true })}
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
        <List size="sm" spacing={4} listStyleType="none" aria-label="Temperature checks">
          {checks.map((c) => (
            <List.Item key={c.id} data-passed={c.passed}>
              <Text span size="sm" fw={600} c={c.passed ? '#166534' : 'gray.8'}>
                <span aria-hidden="true">{c.passed ? '✓ ' : '✗ '}</span>
                {c.passed ? 'Passed' : 'Not passed'}:
              </Text>{' '}
              {c.sentence}
            </List.Item>
          ))}
        </List>
      </Stack>
    </SimpleGrid>
  );
}
