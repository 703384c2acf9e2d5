import {
  Alert,
  Button,
  FileInput,
  Group,
  Loader,
  SegmentedControl,
  Select,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import {
  type ImportChoices,
  type ImportJob,
  type ImportKind,
  useImportPreview,
  useStartImport,
} from '../../api/imports';
import { ErrorNotice } from '../../components/ErrorNotice';
import { ColumnMapping } from './ColumnMapping';
import { DryRunResult, FirstRows } from './FilePreview';

const DATE_ORDERS = [
  { value: '', label: 'Decide from the file' },
  { value: 'mdy', label: 'Month first (MM/DD/YYYY)' },
  { value: 'dmy', label: 'Day first (DD/MM/YYYY)' },
];

/**
 * Choosing a file and how to read it: the kind, the mapping per column (each change runs the dry
 * run again), the date order; then the import starts and `onStarted` gets its job.
 */
export function ImportSetup({ onStarted }: { onStarted: (job: ImportJob) => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [choices, setChoices] = useState<ImportChoices>({ kind: 'leads', map: {}, dateOrder: null });
  const preview = useImportPreview(file, choices);
  const start = useStartImport();
  const data = preview.data;

  const chooseFile = (next: File | null) => {
    setFile(next);
    setChoices((c) => ({ ...c, map: {} }));
    start.reset();
  };

  return (
    <Stack gap="md">
      <Group align="flex-end" gap="md">
        <FileInput
          label="File to import"
          placeholder="Choose a .csv or .ndjson file"
          accept=".csv,.ndjson,.jsonl,text/csv"
          clearable
          clearButtonProps={{ 'aria-label': 'Remove the file' }}
          value={file}
          onChange={chooseFile}
          w={{ base: '100%', sm: 420 }}
          inputWrapperOrder={['label', 'input', 'description']}
          description={
            <Text span size="xs" c="gray.7">
              A CSV export of your CRM (Salesforce, HubSpot, Pipedrive, Zoho, Mautic…) or NDJSON
            </Text>
          }
        />
        <div>
          <Text size="sm" fw={500} mb={4} id="import-kind">
            The file holds
          </Text>
          <SegmentedControl
            aria-labelledby="import-kind"
            value={choices.kind}
            onChange={(kind) =>
              setChoices({ kind: kind as ImportKind, map: {}, dateOrder: choices.dateOrder })
            }
            data={[
              { value: 'leads', label: 'Leads' },
              { value: 'events', label: 'Events (activity)' },
            ]}
          />
        </div>
      </Group>

      {file && preview.isPending && (
        <Group gap="xs">
          <Loader size="sm" aria-label="Reading the file" />
          <Text size="sm">Reading {file.name}…</Text>
        </Group>
      )}
      {preview.isError && <ErrorNotice error={preview.error} />}

      {data && file && (
        <>
          <Alert
            color={data.format ? 'teal' : 'gray'}
            variant="light"
            title={
              <Text span fw={700} c="gray.9">
                How the file was read
              </Text>
            }
          >
            {data.format
              ? `Recognised as a ${data.format.label} export: ${data.format.known} of ${data.format.total} columns are that format's.`
              : 'Not a known export format: columns are matched by their names.'}{' '}
            Check each column below and change any that is wrong.
            {preview.isFetching && (
              <Group gap={6} mt={6}>
                <Loader size="xs" aria-label="Running the dry run again" />
                <Text size="sm">Running the dry run again…</Text>
              </Group>
            )}
          </Alert>

          <Title order={3} size="h4">
            First rows
          </Title>
          <FirstRows preview={data} />

          <Title order={3} size="h4">
            Columns
          </Title>
          <ColumnMapping
            preview={data}
            onChange={(column, target) => setChoices((c) => ({ ...c, map: { ...c.map, [column]: target } }))}
          />
          <Select
            label="Slashed dates (03/04/2024)"
            data={DATE_ORDERS}
            value={choices.dateOrder ?? ''}
            allowDeselect={false}
            onChange={(value) =>
              setChoices((c) => ({ ...c, dateOrder: value === 'mdy' || value === 'dmy' ? value : null }))
            }
            w={{ base: '100%', sm: 300 }}
          />

          <Title order={3} size="h4">
            Dry run
          </Title>
          <DryRunResult preview={data} />

          {start.isError && <ErrorNotice error={start.error} />}
          <Group>
            <Button
              onClick={() => start.mutate({ file, choices }, { onSuccess: onStarted })}
              loading={start.isPending}
              disabled={preview.isFetching || data.counts.read === 0}
            >
              Import {data.counts.read} {choices.kind === 'leads' ? 'rows of leads' : 'rows of events'}
            </Button>
            {data.counts.reject > 0 && (
              <Text size="sm" c="gray.7">
                The {data.counts.reject} rejected rows are skipped; you can download them afterwards.
              </Text>
            )}
          </Group>
        </>
      )}
    </Stack>
  );
}
