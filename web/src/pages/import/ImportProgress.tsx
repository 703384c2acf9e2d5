import {
  Alert,
  Anchor,
  Button,
  Group,
  Loader,
  Paper,
  Progress,
  SimpleGrid,
  Stack,
  Text,
} from '@mantine/core';
import { Link } from 'react-router';
import { type ImportJob, rejectedCsvUrl, useImportJob } from '../../api/imports';
import { ErrorNotice } from '../../components/ErrorNotice';

const COUNTS = [
  ['created', 'created'],
  ['updated', 'updated'],
  ['skipped', 'already as given'],
  ['rejected', 'rejected'],
] as const;

function Counts({ job }: { job: ImportJob }) {
  return (
    <SimpleGrid cols={{ base: 2, sm: 4 }} role="group" aria-label="Import counts">
      {COUNTS.map(([key, label]) => (
        <Paper key={key} withBorder p="sm">
          <Text size="xl" fw={700} c={key === 'rejected' && job[key] > 0 ? 'red.8' : undefined}>
            {job[key]}
          </Text>
          <Text size="sm" c="gray.7">
            {label}
          </Text>
        </Paper>
      ))}
    </SimpleGrid>
  );
}

/**
 * A running import's progress bar, then its summary: the counts, a link to the imported leads and
 * the rejected rows. The job id is in the address, so a reload (or another tab) follows the same job.
 */
export function ImportProgress({ id, onAnother }: { id: string; onAnother: () => void }) {
  const job = useImportJob(id);
  if (job.isPending) return <Loader aria-label="Loading the import" />;
  if (job.isError) return <ErrorNotice error={job.error} />;
  const data = job.data;
  const finished = data.state === 'done' || data.state === 'failed';
  const percent = data.totalRows ? Math.round((data.rowsRead / data.totalRows) * 100) : 0;
  return (
    <Stack gap="md">
      <Text>
        {data.fileName ?? 'The file'} · {data.kind}
        {data.plan?.format ? ` · ${data.plan.format.label} export` : ''}
      </Text>
      {!finished && (
        <Stack gap={6}>
          <Progress
            value={data.totalRows === null ? 100 : percent}
            striped
            animated
            size="xl"
            aria-label="Import progress"
          />
          <Text size="sm" aria-live="polite">
            {data.totalRows === null
              ? 'Counting the rows…'
              : `${data.rowsRead} of ${data.totalRows} rows imported (${percent}%)`}
            . You can leave this page: the import goes on, and this address shows it.
          </Text>
        </Stack>
      )}
      {data.state === 'done' && (
        <Alert
          color="teal"
          title={
            <Text span fw={700} c="gray.9">
              Import finished
            </Text>
          }
        >
          {data.rowsRead} rows read.
        </Alert>
      )}
      {data.state === 'failed' && (
        <Alert
          color="red"
          title={
            <Text span fw={700} c="gray.9">
              Import stopped
            </Text>
          }
        >
          {data.error} Rows before it were imported ({data.rowsRead} rows read).
        </Alert>
      )}
      <Counts job={data} />
      {finished && (
        <Group>
          {data.kind === 'leads' && (
            <Button component={Link} to={`/leads?${data.leadsQuery}`}>
              See the imported leads
            </Button>
          )}
          {data.kind === 'events' && (
            <Button component={Link} to={`/leads?${data.leadsQuery}`}>
              See the leads of these events
            </Button>
          )}
          {data.rejected > 0 && (
            <Anchor href={rejectedCsvUrl(data.id)} download>
              Download the {data.rejected} rejected rows (CSV)
            </Anchor>
          )}
          <Button variant="default" onClick={onAnother}>
            Import another file
          </Button>
        </Group>
      )}
    </Stack>
  );
}
