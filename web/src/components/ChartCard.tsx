import { Paper, Stack, Table, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { ScrollBox } from './ScrollBox';

export interface ChartTable {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | number)[])[];
}

/**
 * A chart with a title, a one-sentence summary that screen readers read as the chart's name
 * (the drawing itself is `role="img"`), and the numbers behind it in a table behind a
 * `<details>` toggle: the text alternative, reachable by keyboard.
 */
export function ChartCard({
  title,
  summary,
  table,
  empty,
  headingOrder = 2,
  children,
}: {
  title: string;
  /** The level of the title in the page's outline (2 on the dashboard, 3 inside a lead's sections). */
  headingOrder?: 2 | 3;
  summary: string;
  table: ChartTable;
  /** When set, shown instead of the chart: what to do to fill it. */
  empty?: ReactNode;
  children: ReactNode;
}) {
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-label={title}>
      <Stack gap="xs">
        <Title order={headingOrder} size="h4">
          {title}
        </Title>
        {empty ? (
          <Text size="sm">{empty}</Text>
        ) : (
          <>
            <Text size="sm" c="gray.8">
              {summary}
            </Text>
            <div role="img" aria-label={`${title}: ${summary}`} className="chart-box">
              {children}
            </div>
            <details className="chart-numbers">
              <summary>The numbers</summary>
              <ScrollBox label={`${title}: the numbers`} minWidth={Math.max(320, table.columns.length * 110)}>
                <Table striped aria-label={title}>
                  <Table.Thead>
                    <Table.Tr>
                      {table.columns.map((c) => (
                        <Table.Th key={c}>{c}</Table.Th>
                      ))}
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {table.rows.map((row) => (
                      <Table.Tr key={String(row[0])}>
                        {row.map((cell, i) => (
                          <Table.Td key={table.columns[i]}>{cell}</Table.Td>
                        ))}
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </ScrollBox>
            </details>
          </>
        )}
      </Stack>
    </Paper>
  );
}
