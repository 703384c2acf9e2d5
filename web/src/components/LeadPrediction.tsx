import { Card, Code, List, Loader, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { format } from 'date-fns';
import { Bar, BarChart, Cell, ReferenceLine, ResponsiveContainer, XAxis, YAxis } from 'recharts';
import { api } from '../api/client';
import type { LeadPrediction as Prediction, PredictionFactor } from '../api/types';
import { ErrorNotice } from './ErrorNotice';

// 3:1 or more against white as chart marks (the green and red of the badges' family).
const RAISES = '#166534';
const LOWERS = '#991b1b';

/** "+18.5 pts" / "−6.3 pts": the change in percentage points, with a real minus sign. */
export const points = (value: number): string => `${value < 0 ? '−' : '+'}${Math.abs(value).toFixed(1)} pts`;

/** "+18.5 pts demo_request in the last 7 days: 1" */
export const factorText = (factor: PredictionFactor): string => `${points(factor.points)} ${factor.value}`;

const probabilityText = (p: number): string => `${Math.round(p * 1000) / 10}%`;

function Factors({ title, factors, empty }: { title: string; factors: PredictionFactor[]; empty: string }) {
  return (
    <Stack gap={4}>
      <Text fw={600} size="sm">
        {title}
      </Text>
      {factors.length === 0 ? (
        <Text size="sm">{empty}</Text>
      ) : (
        <List size="sm" spacing={2} aria-label={title}>
          {factors.map((f) => (
            <List.Item key={f.column}>{factorText(f)}</List.Item>
          ))}
        </List>
      )}
    </Stack>
  );
}

/** The factors' points as horizontal bars; the lists beside it say the same in words. */
function FactorChart({ prediction }: { prediction: Prediction }) {
  const factors = [...prediction.positive, ...prediction.negative].sort((a, b) => b.points - a.points);
  if (factors.length === 0) return null;
  const height = 40 + factors.length * 34;
  const data = factors.map((f) => ({
    column: f.column,
    label: f.value,
    points: Math.round(f.points * 10) / 10,
  }));
  return (
    <div
      role="img"
      style={{ width: '100%', height }}
      aria-label={`Factors in percentage points: ${factors.map(factorText).join('; ')}`}
    >
      <ResponsiveContainer width="100%" height={height}>
        <BarChart
          data={data}
          layout="vertical"
          accessibilityLayer={false}
          margin={{ top: 4, right: 16, bottom: 4, left: 8 }}
        >
          <XAxis type="number" unit=" pts" />
          <YAxis type="category" dataKey="label" width={170} tick={{ fontSize: 12 }} />
          <ReferenceLine x={0} stroke="#374151" />
          <Bar dataKey="points" isAnimationActive={false}>
            {data.map((d) => (
              <Cell key={d.column} fill={d.points < 0 ? LOWERS : RAISES} />
            ))}
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

/**
 * "Conversion probability" on the lead page: the predictive score's probability, the model and
 * when, and the factors raising and lowering it. Loaded on first use (Recharts).
 */
export default function LeadPrediction({ leadId, open }: { leadId: string; open: boolean }) {
  const prediction = useQuery({
    queryKey: ['lead', leadId, 'prediction'],
    queryFn: () => api<{ prediction: Prediction | null }>('GET', `/leads/${leadId}/prediction`),
  });
  return (
    <Card withBorder radius="md" padding="md" component="section" aria-label="Conversion probability">
      <Title order={3} size="h4" mb="sm">
        Conversion probability
      </Title>
      {prediction.isPending ? (
        <Loader size="sm" aria-label="Loading the conversion probability" />
      ) : prediction.isError ? (
        <ErrorNotice error={prediction.error} />
      ) : prediction.data.prediction === null ? (
        open ? (
          <Text size="sm">
            No prediction yet. Train the predictive score in Scoring model → Predictive score, or{' '}
            <Code>hearth predict train</Code>; once a model exists, new and changed leads are predicted within
            5 minutes.
          </Text>
        ) : (
          <Text size="sm">This lead is closed: only open leads get a probability of converting.</Text>
        )
      ) : (
        <PredictionView prediction={prediction.data.prediction} />
      )}
    </Card>
  );
}

function PredictionView({ prediction }: { prediction: Prediction }) {
  return (
    <Stack gap="sm">
      <Text>
        <Text span fw={700} size="xl">
          {probabilityText(prediction.probability)}
        </Text>{' '}
        chance of converting
      </Text>
      <Text size="sm" c="gray.8">
        Predictive model {prediction.modelId}, predicted{' '}
        {format(new Date(prediction.predictedAt), 'd MMM yyyy, HH:mm')}
      </Text>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <Factors
          title="Raising it"
          factors={prediction.positive}
          empty="Nothing raises it above the base rate."
        />
        <Factors
          title="Lowering it"
          factors={prediction.negative}
          empty="Nothing lowers it below the base rate."
        />
      </SimpleGrid>
      <FactorChart prediction={prediction} />
    </Stack>
  );
}
