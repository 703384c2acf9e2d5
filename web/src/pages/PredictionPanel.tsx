import {
  Alert,
  Button,
  Code,
  Group,
  Loader,
  Paper,
  Progress,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { format } from 'date-fns';
import { useEffect, useState } from 'react';
import {
  CartesianGrid,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { api } from '../api/client';
import type { PredictionModel, PredictionRun, PredictionStatus, TrainingPhase } from '../api/types';
import { ChartCard } from '../components/ChartCard';
import { ErrorNotice } from '../components/ErrorNotice';
import { ScrollBox } from '../components/ScrollBox';

const STATUS_KEY = ['prediction'] as const;
const runKey = (id: number | null) => ['prediction', 'run', id] as const;

const decimal = (value: number | null): string => (value === null ? '–' : value.toFixed(3));
const pct = (rate: number): string => `${Math.round(rate * 1000) / 10}%`;
const when = (iso: string | null): string => (iso ? format(new Date(iso), 'd MMM yyyy HH:mm') : '–');
/** "Converted, activity.demo_request" from the input: commas or new lines between columns. */
const columnsOf = (text: string): string[] =>
  text
    .split(/[,\n]/)
    .map((c) => c.trim())
    .filter((c) => c !== '');

const PHASES: Record<TrainingPhase, string> = {
  reading: 'reading the decided leads',
  training: 'training (three fits: measured, additive baseline, final)',
  predicting: 'predicting the open leads',
};

/**
 * The predictive score (docs/prediction.md): the model in use with its held-out quality and
 * reliability diagram, suspect columns, a training with its progress, and the latest trainings.
 */
export function PredictionPanel() {
  const client = useQueryClient();
  const status = useQuery({
    queryKey: STATUS_KEY,
    queryFn: () => api<PredictionStatus>('GET', '/prediction'),
  });
  // The run this page follows: the one it started, or one already running when it opened.
  const [runId, setRunId] = useState<number | null>(null);
  const [excludeText, setExcludeText] = useState<string | null>(null);
  const running = status.data?.runs.find((r) => r.state === 'running');
  useEffect(() => {
    if (runId === null && running) setRunId(running.id);
  }, [runId, running]);

  const run = useQuery({
    queryKey: runKey(runId),
    queryFn: () => api<PredictionRun>('GET', `/prediction/runs/${runId}`),
    enabled: runId !== null,
    refetchInterval: (q) => (q.state.data?.state === 'running' ? 1000 : false),
  });
  const finished = run.data && run.data.state !== 'running' ? run.data.state : null;
  useEffect(() => {
    // The run ended: the model, its quality and the runs list are new.
    if (finished) void client.invalidateQueries({ queryKey: STATUS_KEY, exact: true });
  }, [finished, client]);

  const train = useMutation({
    mutationFn: (exclude: string[]) => api<PredictionRun>('POST', '/prediction/train', { exclude }),
    onSuccess: (started) => {
      client.setQueryData(runKey(started.id), started);
      setRunId(started.id);
      void client.invalidateQueries({ queryKey: STATUS_KEY, exact: true });
    },
  });

  if (status.isPending) return <Loader aria-label="Loading the predictive score" />;
  if (status.isError) return <ErrorNotice error={status.error} />;
  const { model, runs } = status.data;
  const exclude = excludeText ?? model?.exclude.join(', ') ?? '';
  const addExclusion = (column: string) => {
    const columns = columnsOf(exclude);
    if (!columns.includes(column)) setExcludeText([...columns, column].join(', '));
  };
  const current = run.data;

  return (
    <Stack>
      <Text size="sm">
        A conversion probability learned from your won and lost leads, measured on the latest 20% of decisions
        before it is used (docs/prediction.md). It is shown beside the scores and does not change temperatures
        or routing.
      </Text>
      {model ? (
        <ModelQuality model={model} onExclude={addExclusion} />
      ) : (
        <Paper withBorder p="md" radius="md" component="section" aria-labelledby="prediction-model-heading">
          <Title order={3} size="h4" id="prediction-model-heading" mb="xs">
            No model yet
          </Title>
          <Text size="sm">
            Record won and lost outcomes (at least 50 of each) on the lead pages, with{' '}
            <Code>hearth outcome</Code>, or import them with their history, then train here or with{' '}
            <Code>hearth predict train</Code>.
          </Text>
        </Paper>
      )}

      <Paper withBorder p="md" radius="md" component="section" aria-labelledby="train-heading">
        <Stack gap="sm">
          <Title order={3} size="h4" id="train-heading">
            Train
          </Title>
          <TextInput
            label="Exclude columns"
            value={exclude}
            onChange={(event) => setExcludeText(event.currentTarget.value)}
            aria-describedby="exclude-help"
          />
          <Text size="sm" c="gray.8" id="exclude-help">
            Comma-separated: a field (industry), an attribute (Converted), an event type
            (activity.demo_request), fit, interest, or a group (activity, attributes). Leave out every column
            filled in after the decision.
          </Text>
          <Group>
            <Button
              onClick={() => train.mutate(columnsOf(exclude))}
              loading={train.isPending}
              disabled={current?.state === 'running'}
            >
              Train
            </Button>
          </Group>
          {train.isError && <ErrorNotice error={train.error} />}
          {run.isError && <ErrorNotice error={run.error} />}
          {current?.state === 'running' && <RunProgress run={current} />}
          {current?.state === 'failed' && (
            <Alert color="red" title={`Training ${current.id} failed`} role="alert">
              {current.error ?? 'It stopped without a reason.'}
            </Alert>
          )}
          {current?.state === 'done' && (
            <Alert color="#166534" title={`Model ${current.modelId} is in use`} role="status">
              Trained{current.exclude.length > 0 ? ` without ${current.exclude.join(', ')}` : ''}; its
              held-out quality is above, and every open lead has been predicted with it.
            </Alert>
          )}
        </Stack>
      </Paper>

      <Runs runs={runs} />
    </Stack>
  );
}

function RunProgress({ run }: { run: PredictionRun }) {
  const { phase, done = 0, total = 0 } = run.progress;
  const label = phase ? PHASES[phase] : 'starting';
  return (
    <Stack gap={4} aria-label="Training progress">
      <Text size="sm" role="status">
        Training {run.id}: {label}
        {total > 0 ? ` (${done} of ${total})` : ''}
      </Text>
      <Progress
        value={total === 0 ? 0 : (done / total) * 100}
        aria-label={`Training ${run.id}: ${label}`}
        animated
      />
    </Stack>
  );
}

function ModelQuality({ model, onExclude }: { model: PredictionModel; onExclude: (column: string) => void }) {
  const { quality, examples, features, suspects } = model.report;
  const bands = [...quality.reliability].sort((a, b) => a.from - b.from);
  return (
    <>
      <Paper withBorder p="md" radius="md" component="section" aria-labelledby="prediction-model-heading">
        <Stack gap="sm">
          <Title order={3} size="h4" id="prediction-model-heading">
            Model {model.id} in use
          </Title>
          <Text size="sm">
            Trained {when(model.trainedAt)} ({model.trigger === 'schedule' ? 'on schedule' : 'on demand'}) on{' '}
            {examples.won} won and {examples.lost} lost leads; {features} features
            {model.exclude.length > 0 ? `; excluded: ${model.exclude.join(', ')}` : ''}.
          </Text>
          <ScrollBox label="Held-out quality table" minWidth={420}>
            <Table striped aria-label="Held-out quality">
              <Table.Tbody>
                <Table.Tr>
                  <Table.Th scope="row">ROC AUC</Table.Th>
                  <Table.Td>
                    {decimal(quality.auc)} (additive baseline {decimal(quality.additiveAuc)}; 0.5 is a coin)
                  </Table.Td>
                </Table.Tr>
                <Table.Tr>
                  <Table.Th scope="row">Log loss</Table.Th>
                  <Table.Td>
                    {`${decimal(quality.logLoss)} (always the base rate: ${decimal(quality.baseRateLogLoss)}, lower is better)`}
                  </Table.Td>
                </Table.Tr>
                <Table.Tr>
                  <Table.Th scope="row">Calibration error</Table.Th>
                  <Table.Td>{decimal(quality.calibrationError)} (0 is perfect)</Table.Td>
                </Table.Tr>
                <Table.Tr>
                  <Table.Th scope="row">Measured on</Table.Th>
                  <Table.Td>
                    the latest {quality.heldOut} decisions ({quality.heldOutWon} won), never seen by a model
                    trained on the {quality.trainedOn} before them; {quality.trees} trees
                  </Table.Td>
                </Table.Tr>
              </Table.Tbody>
            </Table>
          </ScrollBox>
          {quality.heldOut < 200 && (
            <Text size="sm" c="gray.8">
              With {quality.heldOut} held-out leads these numbers are rough: an AUC is within about ±
              {quality.heldOut < 60 ? '0.1' : '0.07'} of the truth.
            </Text>
          )}
        </Stack>
      </Paper>
      {suspects.length > 0 && (
        <Stack gap="xs" aria-label="Suspect columns">
          {suspects.map((s) => (
            <Alert key={s.column} color="#9a3412" title={`${s.column} may leak the outcome`} role="status">
              <Stack gap="xs" align="start">
                <Text size="sm">
                  It alone separates won from lost almost perfectly (AUC {s.auc.toFixed(3)}). If it is filled
                  in after the decision, the model reads the answer: exclude it and train again.
                </Text>
                <Button size="xs" variant="default" onClick={() => onExclude(s.column)}>
                  Exclude {s.column}
                </Button>
              </Stack>
            </Alert>
          ))}
        </Stack>
      )}
      <ChartCard
        title="Reliability diagram"
        headingOrder={3}
        summary={`Predicted against observed conversion of the ${quality.heldOut} held-out leads in ${bands.length} bands of probability; on the dashed diagonal they agree. Calibration error ${decimal(quality.calibrationError)}.`}
        table={{
          columns: ['Band', 'Leads', 'Predicted', 'Observed'],
          rows: bands.map((b) => [
            `${pct(b.from)}–${pct(b.to)}`,
            b.leads,
            pct(b.meanProbability),
            pct(b.conversionRate),
          ]),
        }}
        empty={bands.length === 0 ? 'No held-out leads to draw.' : undefined}
      >
        <ResponsiveContainer width="100%" height={260}>
          <LineChart
            data={bands.map((b) => ({
              predicted: b.meanProbability,
              observed: b.conversionRate,
              leads: b.leads,
            }))}
            accessibilityLayer={false}
            margin={{ top: 8, right: 16, bottom: 16, left: 0 }}
          >
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis
              dataKey="predicted"
              type="number"
              domain={[0, 1]}
              ticks={[0, 0.25, 0.5, 0.75, 1]}
              tickFormatter={pct}
              label={{ value: 'predicted', position: 'insideBottom', offset: -8 }}
            />
            <YAxis domain={[0, 1]} ticks={[0, 0.25, 0.5, 0.75, 1]} tickFormatter={pct} />
            <Tooltip
              labelFormatter={(p) => `Predicted ${pct(Number(p))}`}
              formatter={(value) => [pct(Number(value)), 'Observed']}
            />
            <ReferenceLine
              segment={[
                { x: 0, y: 0 },
                { x: 1, y: 1 },
              ]}
              stroke="#374151"
              strokeDasharray="4 4"
            />
            <Line
              type="linear"
              dataKey="observed"
              stroke="#1e40af"
              strokeWidth={2}
              dot={{ r: 4 }}
              isAnimationActive={false}
            />
          </LineChart>
        </ResponsiveContainer>
      </ChartCard>
    </>
  );
}

function Runs({ runs }: { runs: PredictionRun[] }) {
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="runs-heading">
      <Title order={3} size="h4" id="runs-heading" mb="xs">
        Latest trainings
      </Title>
      {runs.length === 0 ? (
        <Text size="sm">No training yet.</Text>
      ) : (
        <ScrollBox label="Latest trainings table" minWidth={640}>
          <Table striped aria-label="Latest trainings">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Run</Table.Th>
                <Table.Th>State</Table.Th>
                <Table.Th>Started</Table.Th>
                <Table.Th>Finished</Table.Th>
                <Table.Th>Excluded</Table.Th>
                <Table.Th>Result</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {runs.map((r) => (
                <Table.Tr key={r.id}>
                  <Table.Td>
                    {r.id} ({r.trigger === 'schedule' ? 'schedule' : 'manual'})
                  </Table.Td>
                  <Table.Td>{r.state}</Table.Td>
                  <Table.Td>{when(r.startedAt)}</Table.Td>
                  <Table.Td>{when(r.finishedAt)}</Table.Td>
                  <Table.Td>{r.exclude.length > 0 ? r.exclude.join(', ') : '–'}</Table.Td>
                  <Table.Td>
                    {r.state === 'done' ? `model ${r.modelId}` : r.state === 'failed' ? r.error : 'running'}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollBox>
      )}
    </Paper>
  );
}
