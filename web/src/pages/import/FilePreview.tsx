import { Alert, Group, List, Paper, SimpleGrid, Table, Text } from '@mantine/core';
import type { ImportPreview } from '../../api/imports';
import { ScrollBox } from '../../components/ScrollBox';

/** The file's first rows as they are, before any mapping. */
export function FirstRows({ preview }: { preview: ImportPreview }) {
  const columns = preview.columns.map((c) => c.column);
  return (
    <ScrollBox label="First rows of the file" minWidth={Math.max(480, columns.length * 130)}>
      <Table withTableBorder verticalSpacing={4} fz="xs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Line</Table.Th>
            {columns.map((c) => (
              <Table.Th key={c}>{c}</Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {preview.firstRows.map((row) => (
            <Table.Tr key={row.location}>
              <Table.Td>{row.location.replace(/^line /, '')}</Table.Td>
              {columns.map((c) => (
                <Table.Td key={c}>{row.cells[c] ?? ''}</Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ScrollBox>
  );
}

const COUNT_LABELS = [
  ['create', 'would be created'],
  ['update', 'would be updated'],
  ['skip', 'already as given'],
  ['reject', 'would be rejected'],
] as const;

/** The dry run's counts, the first problems with their lines, and the remarks. */
export function DryRunResult({ preview }: { preview: ImportPreview }) {
  const { counts, problems } = preview;
  return (
    <>
      <SimpleGrid cols={{ base: 2, sm: 4 }} role="group" aria-label="Dry run counts">
        {COUNT_LABELS.map(([key, label]) => (
          <Paper key={key} withBorder p="sm">
            <Text size="xl" fw={700} c={key === 'reject' && counts.reject > 0 ? 'red.8' : undefined}>
              {counts[key]}
            </Text>
            <Text size="sm" c="gray.7">
              {label}
            </Text>
          </Paper>
        ))}
      </SimpleGrid>
      <Text size="sm" c="gray.7">
        {counts.read} rows read, nothing written yet. Slashed dates read as{' '}
        {preview.dates.order === 'mdy' ? 'month first (MM/DD/YYYY)' : 'day first (DD/MM/YYYY)'}
        {preview.dates.decidedBy === 'file' ? ', as the file’s dates show' : ''}
        {preview.dates.decidedBy === 'default' ? ' (no date in the file tells; the default)' : ''}.
      </Text>
      {problems.length > 0 && (
        <Alert
          color="red"
          variant="light"
          title={
            <Text span fw={700} c="gray.9">
              Rows that would be rejected
            </Text>
          }
        >
          <List size="sm" spacing={2}>
            {problems.map((p) => (
              <List.Item key={p.location}>
                <Group gap={6} wrap="nowrap" align="baseline">
                  <Text span fw={600} size="sm">
                    {p.location}:
                  </Text>
                  <Text span size="sm">
                    {p.reason}
                  </Text>
                </Group>
              </List.Item>
            ))}
          </List>
          {counts.reject > problems.length && (
            <Text size="sm" mt="xs">
              … and {counts.reject - problems.length} more.
            </Text>
          )}
        </Alert>
      )}
      {preview.notes.length > 0 && (
        <Alert
          color="yellow"
          variant="light"
          title={
            <Text span fw={700} c="gray.9">
              Read differently than given
            </Text>
          }
        >
          <List size="sm" spacing={2}>
            {preview.notes.map((n) => (
              <List.Item key={`${n.column}:${n.message}`}>
                {n.column ? `${n.column}: ` : ''}
                {n.message} ({n.rows} rows{n.first ? `, first at ${n.first}` : ''})
              </List.Item>
            ))}
          </List>
        </Alert>
      )}
    </>
  );
}
