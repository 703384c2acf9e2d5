import { Anchor, Card, Group, List, Loader, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { format, formatDistanceToNow } from 'date-fns';
import { lazy, Suspense } from 'react';
import { Link, useParams } from 'react-router';
import { api } from '../api/client';
import type { Explanation, Lead, NextBestAction } from '../api/types';
import { ErrorNotice } from '../components/ErrorNotice';
import { LeadStateBadge } from '../components/LeadStateBadge';
import { LeadCompany } from '../components/lead/LeadCompany';
import { LeadOutcome } from '../components/lead/LeadOutcome';
import { LeadProfile } from '../components/lead/LeadProfile';
import { LeadTimeline } from '../components/lead/LeadTimeline';
import { useExplanation } from '../components/lead/leadQueries';
import { interestLimits, scoreText } from '../components/lead/score-text';
import { QualificationChecklist } from '../components/QualificationChecklist';
import { ScoreBreakdown } from '../components/ScoreBreakdown';
import { TouchButtons } from '../components/TouchButtons';
import { LeadTasks } from '../components/tasks/LeadTasks';
import { percentage } from './LeadsPage';

// Recharts loads with the chart, after the page: it stays out of the bundle every page needs.
const InterestChart = lazy(() => import('../components/InterestChart'));
const LeadPrediction = lazy(() => import('../components/LeadPrediction'));

const ago = (iso: string) => formatDistanceToNow(new Date(iso), { addSuffix: true });

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <Card withBorder radius="md" padding="md" component="section" aria-label={title}>
      <Title order={3} size="h4" mb="sm">
        {title}
      </Title>
      {children}
    </Card>
  );
}

/**
 * Why the lead has its temperature, from the same checks the breakdown lists (so the two never
 * disagree): the passed rule that makes it hot or warm, or the threshold it is below.
 */
function temperatureReason(e: Explanation): string {
  const sentence = (id: string) => e.checks.find((c) => c.id === id)?.sentence ?? '';
  const t = e.temperature;
  switch (t.temperature) {
    case 'hot':
      return t.hotBecause?.kind === 'high_intent'
        ? sentence(`high_intent:${t.hotBecause.ruleId}`)
        : `${sentence('interest_hot')} ${sentence('qualified')}`;
    case 'warm':
      return t.warmBecause === 'returning_customer'
        ? sentence('returning_customer')
        : `${sentence('interest_warm')} ${sentence('interest_hot')}`;
    default:
      return sentence('interest_warm');
  }
}

/** The header: name, state, scores and why, all from one explanation (one instant). */
function LeadHeader({ lead, label, explanation }: { lead: Lead; label: string; explanation: Explanation }) {
  const t = explanation.temperature;
  const closed = lead.status !== 'open';
  return (
    <Stack gap={6}>
      <Group gap="sm" wrap="wrap">
        <Title order={2}>{label}</Title>
        <LeadStateBadge status={lead.status} temperature={t.temperature} showWas />
      </Group>
      <Text size="sm">
        {closed ? (
          'Closed: no work is due on this lead. Re-open it under Outcome to work it again.'
        ) : (
          <>
            <strong>Why {t.temperature}:</strong> {temperatureReason(explanation)}
          </>
        )}
      </Text>
      <Group gap="lg" wrap="wrap">
        <Text>
          Fit <strong>{Math.round(explanation.fit.score)}</strong>
        </Text>
        <Text>
          Interest <strong>{scoreText(explanation.interest.score, interestLimits(explanation))}</strong>
        </Text>
        <Text>
          Probability <strong>{percentage(lead.probability)}</strong>
        </Text>
        <Text c="gray.8" size="sm">
          As of {format(new Date(explanation.at), 'HH:mm')} · model v{lead.modelVersion} · last activity{' '}
          {lead.lastActivityAt ? ago(lead.lastActivityAt) : 'none'}
        </Text>
      </Group>
    </Stack>
  );
}

function NextActions({ leadId }: { leadId: string }) {
  const actions = useQuery({
    queryKey: ['lead', leadId, 'next-actions'],
    queryFn: () => api<{ data: NextBestAction[] }>('GET', `/leads/${leadId}/next-actions`),
  });
  if (actions.isPending) return <Loader size="sm" aria-label="Loading next best actions" />;
  if (actions.isError) return <ErrorNotice error={actions.error} />;
  if (actions.data.data.length === 0) return <Text size="sm">Nothing to do for this lead right now.</Text>;
  return (
    <List spacing="xs">
      {actions.data.data.map((a) => (
        <List.Item key={a.id}>
          <Text fw={600} size="sm">
            {a.title}
          </Text>
          <Text size="sm" c="gray.8">
            {a.reason}
          </Text>
        </List.Item>
      ))}
    </List>
  );
}

/** One lead: who, how hot and why (one instant throughout), what to do, and its history. */
export function LeadPage() {
  const { id = '' } = useParams();
  const lead = useQuery({ queryKey: ['lead', id], queryFn: () => api<Lead>('GET', `/leads/${id}`) });
  const explanation = useExplanation(id);

  if (lead.isPending || explanation.isPending) return <Loader aria-label="Loading the lead" />;
  if (lead.isError) return <ErrorNotice error={lead.error} />;
  if (explanation.isError) return <ErrorNotice error={explanation.error} />;
  const l = lead.data;
  const e = explanation.data;
  const label = l.name ?? l.email ?? 'Unnamed lead';
  return (
    <Stack>
      <Anchor component={Link} to="/leads" size="sm">
        ← All leads
      </Anchor>
      <LeadHeader lead={l} label={label} explanation={e} />
      <TouchButtons leadId={l.id} label={label} />
      <Suspense fallback={<Loader size="sm" aria-label="Loading interest over time" />}>
        <InterestChart leadId={l.id} at={e.at} temperature={e.temperature} />
      </Suspense>
      <Suspense fallback={<Loader size="sm" aria-label="Loading the conversion probability" />}>
        <LeadPrediction leadId={l.id} open={l.status === 'open'} />
      </Suspense>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Section title="Next best actions">
          <NextActions leadId={l.id} />
        </Section>
        <Section title="Open tasks">
          <LeadTasks leadId={l.id} label={label} />
        </Section>
        <Section title="Qualification">
          <QualificationChecklist leadId={l.id} />
        </Section>
        <Section title="Outcome">
          <LeadOutcome lead={l} label={label} />
        </Section>
        <Section title="Profile">
          <LeadProfile lead={l} />
        </Section>
        <Section title="Company">
          <LeadCompany lead={l} />
        </Section>
      </SimpleGrid>
      <Section title="Why these scores">
        <ScoreBreakdown leadId={l.id} />
      </Section>
      <Section title="Activity">
        <LeadTimeline leadId={l.id} />
      </Section>
    </Stack>
  );
}
