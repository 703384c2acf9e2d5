import {
  Alert,
  Badge,
  Button,
  Code,
  Group,
  List,
  Loader,
  Paper,
  Progress,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Table,
  Tabs,
  Text,
  Textarea,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { format } from 'date-fns';
import { diffLines } from 'diff';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { ApiError, api, type FieldProblem } from '../api/client';
import type { Backtest, ModelOverview, ModelVersion, PublishJob } from '../api/types';
import { canEditModel, canPublishModel, useSession } from '../auth/session';
import { ErrorNotice } from '../components/ErrorNotice';
import { ScrollBox } from '../components/ScrollBox';
import { PredictionPanel } from './PredictionPanel';

type Syntax = 'json' | 'yaml';
const MODEL_KEY = ['model'] as const;

const percent = (rate: number | null): string => (rate === null ? '–' : `${Math.round(rate * 1000) / 10}%`);
const decimal = (value: number | null): string => (value === null ? '–' : value.toFixed(3));
const when = (iso: string | null): string => (iso ? format(new Date(iso), 'd MMM yyyy HH:mm') : '–');

/** The document as the editor shows it. */
function toText(document: Record<string, unknown>, syntax: Syntax): string {
  return syntax === 'json' ? `${JSON.stringify(document, null, 2)}\n` : stringifyYaml(document);
}

/** A problem's path within the document: the API names it from the request, `body.temperature.hot`. */
const documentPath = (path: string): string => path.replace(/^body\.?/, '') || '(the document)';

function parseText(text: string, syntax: Syntax): { document: Record<string, unknown> } | { error: string } {
  try {
    const value: unknown = syntax === 'json' ? JSON.parse(text) : parseYaml(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return {
        error: 'The model must be an object (fit, interest, halfLifeDays, qualification, temperature).',
      };
    }
    return { document: value as Record<string, unknown> };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

type Tab = 'rules' | 'prediction';

/**
 * The scoring model, in two tabs (kept in the address, `?tab=prediction`): the rules — the active
 * version, the draft (editable), its diff, a backtest, publish, history — and the predictive score.
 */
export function ModelPage() {
  const { session } = useSession();
  const role = session.user.role;
  const [params, setParams] = useSearchParams();
  const tab: Tab = params.get('tab') === 'prediction' ? 'prediction' : 'rules';
  const model = useQuery({
    queryKey: MODEL_KEY,
    queryFn: () => api<ModelOverview>('GET', '/model'),
    enabled: canEditModel(role) && tab === 'rules',
    // While a publish rescores, follow its progress.
    refetchInterval: (q) => (q.state.data?.publishing ? 1000 : false),
  });
  if (!canEditModel(role)) {
    return (
      <Stack>
        <Title order={2}>Scoring model</Title>
        <Alert color="gray" title="Not allowed" role="status">
          Managers edit the scoring model and the predictive score; admins publish the model.
        </Alert>
      </Stack>
    );
  }
  return (
    <Stack>
      <Title order={2}>Scoring model</Title>
      <Tabs
        value={tab}
        keepMounted={false}
        onChange={(value) =>
          setParams(value === 'prediction' ? { tab: 'prediction' } : {}, { replace: true })
        }
      >
        <Tabs.List mb="md">
          <Tabs.Tab value="rules">Rules</Tabs.Tab>
          <Tabs.Tab value="prediction">Predictive score</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="rules">
          {model.isPending ? (
            <Loader aria-label="Loading the scoring model" />
          ) : model.isError ? (
            <ErrorNotice error={model.error} />
          ) : (
            <ModelWorkspace overview={model.data} canPublish={canPublishModel(role)} />
          )}
        </Tabs.Panel>
        <Tabs.Panel value="prediction">
          <PredictionPanel />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}

function ModelWorkspace({ overview, canPublish }: { overview: ModelOverview; canPublish: boolean }) {
  const client = useQueryClient();
  const [syntax, setSyntax] = useState<Syntax>('json');
  const [text, setText] = useState(() => toText((overview.draft ?? overview.active).document, 'json'));
  const [parseError, setParseError] = useState<string | null>(null);
  const [problems, setProblems] = useState<readonly FieldProblem[]>([]);
  const [backtest, setBacktest] = useState<Backtest | null>(null);

  const save = useMutation({
    mutationFn: (document: Record<string, unknown>) => api<ModelVersion>('PUT', '/model/draft', document),
    onMutate: () => setProblems([]),
    onSuccess: (draft) => {
      setBacktest(null);
      client.setQueryData<ModelOverview>(MODEL_KEY, (old) => (old ? { ...old, draft } : old));
    },
    onError: (error) => {
      if (error instanceof ApiError && error.problems.length > 0) setProblems(error.problems);
    },
  });
  const runBacktest = useMutation({
    mutationFn: () => api<Backtest>('POST', '/model/backtest', {}),
    onSuccess: setBacktest,
  });
  const publish = useMutation({
    mutationFn: () => api<{ version: number; job: PublishJob }>('POST', '/model/publish', {}),
    onSuccess: ({ job }) => {
      setBacktest(null);
      // The rescore has started: show it at once, then follow it (refetchInterval above).
      client.setQueryData<ModelOverview>(MODEL_KEY, (old) => (old ? { ...old, publishing: job } : old));
      void client.invalidateQueries({ queryKey: MODEL_KEY });
    },
  });

  const changeSyntax = (next: Syntax) => {
    const parsed = parseText(text, syntax);
    if ('error' in parsed) {
      setParseError(parsed.error);
      return;
    }
    setParseError(null);
    setSyntax(next);
    setText(toText(parsed.document, next));
  };
  const saveDraft = () => {
    const parsed = parseText(text, syntax);
    if ('error' in parsed) {
      setParseError(parsed.error);
      setProblems([]);
      return;
    }
    setParseError(null);
    save.mutate(parsed.document);
  };

  const { active, draft, publishing } = overview;
  const otherError = save.error && !(save.error instanceof ApiError && save.error.problems.length > 0);

  return (
    <Stack>
      <Group justify="end" align="end">
        <Text size="sm">
          Active: version {active.version}
          {typeof active.document.name === 'string' ? ` (${active.document.name})` : ''}, published{' '}
          {when(active.publishedAt)}
        </Text>
      </Group>
      {publishing && (
        <Paper withBorder p="md" radius="md" aria-label="Publish progress" component="section">
          <Text size="sm" mb="xs">
            Publishing version {publishing.version}: {publishing.done} of {publishing.total} leads rescored
          </Text>
          <Progress
            value={publishing.total === 0 ? 100 : (publishing.done / publishing.total) * 100}
            aria-label={`Leads rescored for version ${publishing.version}`}
          />
        </Paper>
      )}
      {publish.isSuccess && !publishing && (
        <Alert color="#166534" title={`Version ${publish.data.version} is live`} role="status">
          Every lead has been rescored with it.
        </Alert>
      )}

      <Paper withBorder p="md" radius="md" component="section" aria-labelledby="draft-heading">
        <Stack gap="sm">
          <Group justify="space-between">
            <Title order={3} size="h4" id="draft-heading">
              {draft ? `Draft (version ${draft.version})` : 'Draft (none yet: start from the active model)'}
            </Title>
            <SegmentedControl
              aria-label="Format"
              size="xs"
              value={syntax}
              onChange={(value) => changeSyntax(value as Syntax)}
              data={[
                { value: 'json', label: 'JSON' },
                { value: 'yaml', label: 'YAML' },
              ]}
            />
          </Group>
          <Text size="sm" c="gray.8" id="model-editor-help">
            Rules, half-lives and thresholds as in docs/scoring.md. Saving validates the document.
          </Text>
          <Textarea
            className="model-editor"
            label={`Model document (${syntax.toUpperCase()})`}
            value={text}
            onChange={(event) => setText(event.currentTarget.value)}
            autosize
            minRows={12}
            maxRows={28}
            spellCheck={false}
            // Mantine's own error styling is light red (under 4.5:1): the problems are listed below
            // in dark red instead, and the field points at them.
            aria-invalid={parseError !== null || problems.length > 0}
            aria-describedby={
              parseError
                ? 'model-editor-help model-parse-error'
                : problems.length > 0
                  ? 'model-editor-help model-problems'
                  : 'model-editor-help'
            }
          />
          {parseError && (
            <Text size="sm" c="red.9" role="alert" id="model-parse-error">
              Not valid {syntax.toUpperCase()}: {parseError}
            </Text>
          )}
          {problems.length > 0 && (
            <Alert color="red" title="The draft was not saved" role="alert" id="model-problems">
              <List size="sm" aria-label="Problems in the draft">
                {problems.map((p) => (
                  <List.Item key={`${p.path}:${p.message}`}>
                    <Code>{documentPath(p.path)}</Code> {p.message}
                  </List.Item>
                ))}
              </List>
            </Alert>
          )}
          {otherError && <ErrorNotice error={save.error} />}
          {save.isSuccess && problems.length === 0 && !parseError && (
            <Text size="sm" role="status">
              Draft saved as version {save.data.version}.
            </Text>
          )}
          <Group>
            <Button onClick={saveDraft} loading={save.isPending}>
              Save draft
            </Button>
            <Button
              variant="default"
              onClick={() => runBacktest.mutate()}
              loading={runBacktest.isPending}
              disabled={!draft}
            >
              Backtest the draft
            </Button>
            {canPublish ? (
              <Button
                color="red.9"
                onClick={() => publish.mutate()}
                loading={publish.isPending}
                disabled={!draft || publishing !== null}
              >
                Publish the draft
              </Button>
            ) : (
              <Text size="sm">An admin publishes the draft.</Text>
            )}
          </Group>
          {runBacktest.isError && <ErrorNotice error={runBacktest.error} />}
          {publish.isError && <ErrorNotice error={publish.error} />}
        </Stack>
      </Paper>

      {backtest && <BacktestPreview result={backtest} />}
      {draft && <DraftDiff active={active} draft={draft} />}
      <History overview={overview} />
    </Stack>
  );
}

/** The saved draft against the active version, line by line (jsdiff). */
function DraftDiff({ active, draft }: { active: ModelVersion; draft: ModelVersion }) {
  const parts = diffLines(toText(active.document, 'json'), toText(draft.document, 'json'));
  const changed = parts.some((p) => p.added || p.removed);
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="diff-heading">
      <Title order={3} size="h4" id="diff-heading" mb="xs">
        Changes: draft {draft.version} against active {active.version}
      </Title>
      {changed ? (
        <ScrollBox label="Diff of the draft" minWidth={320}>
          <pre className="model-diff">
            {parts.map((part, i) => {
              const sign = part.added ? '+' : part.removed ? '-' : ' ';
              const lines = part.value.replace(/\n$/, '').split('\n');
              if (!part.added && !part.removed && lines.length > 6) {
                // Unchanged stretches: a little context at each end.
                const skipped = lines.length - 4;
                lines.splice(2, skipped, `… ${skipped} unchanged lines`);
              }
              return (
                <span
                  // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one diff never reorder
                  key={i}
                  className={part.added ? 'added' : part.removed ? 'removed' : undefined}
                >
                  {lines.map((line) => `${sign} ${line}\n`).join('')}
                </span>
              );
            })}
          </pre>
        </ScrollBox>
      ) : (
        <Text size="sm">The draft is the same as the active model.</Text>
      )}
    </Paper>
  );
}

function BacktestPreview({ result }: { result: Backtest }) {
  const moved = Object.entries(result.changedVsActive.moved);
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="backtest-heading">
      <Stack gap="sm">
        <Title order={3} size="h4" id="backtest-heading">
          Backtest of draft {result.model.version} against active {result.activeVersion}
        </Title>
        {result.leads === 0 ? (
          <Text size="sm">
            No lead has a known outcome yet, so there is nothing to test against. Mark leads as customer or
            lost, or import historical outcomes with a CSV column (docs/backtest.md).
          </Text>
        ) : (
          <>
            <Text size="sm">
              {result.leads} decided leads ({result.won} won, {result.lost} lost), base rate{' '}
              {percent(result.baseRate)}. Hot leads convert at{' '}
              {percent(result.byTemperature.hot.conversionRate)}
              {result.hotLift === null ? '' : ` (lift ${result.hotLift.toFixed(2)}×)`}.{' '}
              <strong>{result.changedVsActive.leads}</strong> leads would change temperature.
            </Text>
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <ScrollBox label="Backtest by temperature" minWidth={300}>
                <Table striped aria-label="Backtest by temperature">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Temperature</Table.Th>
                      <Table.Th>Leads</Table.Th>
                      <Table.Th>Won</Table.Th>
                      <Table.Th>Conversion</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {(['hot', 'warm', 'cool', 'cold'] as const).map((t) => (
                      <Table.Tr key={t}>
                        <Table.Td>{t}</Table.Td>
                        <Table.Td>{result.byTemperature[t].leads}</Table.Td>
                        <Table.Td>{result.byTemperature[t].won}</Table.Td>
                        <Table.Td>{percent(result.byTemperature[t].conversionRate)}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </ScrollBox>
              <ScrollBox label="Backtest ranking quality" minWidth={300}>
                <Table striped aria-label="Ranking quality">
                  <Table.Tbody>
                    <Table.Tr>
                      <Table.Th scope="row">AUC fit / interest</Table.Th>
                      <Table.Td>
                        {decimal(result.auc.fit)} / {decimal(result.auc.interest)}
                      </Table.Td>
                    </Table.Tr>
                    <Table.Tr>
                      <Table.Th scope="row">AUC combined / temperature</Table.Th>
                      <Table.Td>
                        {decimal(result.auc.combined)} / {decimal(result.auc.temperature)}
                      </Table.Td>
                    </Table.Tr>
                    {result.precisionAtK.map((p) => (
                      <Table.Tr key={p.k}>
                        <Table.Th scope="row">Precision at {p.k}</Table.Th>
                        <Table.Td>{percent(p.precision)}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </ScrollBox>
            </SimpleGrid>
            {moved.length > 0 && (
              <Group gap="xs" aria-label="Temperature changes against the active model">
                {moved.map(([move, count]) => (
                  <Badge key={move} variant="outline" color="gray.8">
                    {move}: {count}
                  </Badge>
                ))}
              </Group>
            )}
          </>
        )}
      </Stack>
    </Paper>
  );
}

function History({ overview }: { overview: ModelOverview }) {
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="history-heading">
      <Title order={3} size="h4" id="history-heading" mb="xs">
        Version history
      </Title>
      <ScrollBox label="Version history table" minWidth={420}>
        <Table striped aria-label="Published versions">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Version</Table.Th>
              <Table.Th>Published</Table.Th>
              <Table.Th>By</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {overview.history.map((v) => (
              <Table.Tr key={v.version}>
                <Table.Td>
                  {v.version}
                  {v.version === overview.active.version ? ' (active)' : ''}
                </Table.Td>
                <Table.Td>{when(v.publishedAt)}</Table.Td>
                <Table.Td>{v.publishedBy ?? '–'}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollBox>
    </Paper>
  );
}
