import { Badge, Select, Table, Text } from '@mantine/core';
import type { DecidedBy, DetectedFormat, ImportPreview } from '../../api/imports';
import { ScrollBox } from '../../components/ScrollBox';

/** Why a column goes where it goes, in the wizard's words. */
function decidedByLabel(decidedBy: DecidedBy, format: DetectedFormat | null): string {
  switch (decidedBy) {
    case 'mapping':
      return 'your choice';
    case 'known format':
      return format ? `${format.label} column` : 'known export column';
    case 'exact name':
      return 'same name';
    case 'synonym':
      return 'known synonym';
    case 'attribute':
      return 'not recognised: kept as is';
  }
}

// Dark shades on an outline badge: readable on the table's striped rows (WCAG AA contrast).
const DECIDED_COLOR: Record<DecidedBy, string> = {
  mapping: 'ember.9',
  'known format': 'teal.9',
  'exact name': 'teal.9',
  synonym: 'teal.9',
  attribute: 'gray.7',
};

// As the server names an unrecognised column's attribute (domain/import/column-plan.ts snakeCase).
const snakeCase = (name: string): string =>
  name
    .trim()
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^\p{L}\p{N}]+/gu, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();

/** The pick list of one column: the fields, keeping it as an attribute, or ignoring it. */
function targetOptions(column: string, current: string, choices: ImportPreview['choices']) {
  const extra = current.startsWith(`${choices.extrasKey}.`)
    ? current
    : `${choices.extrasKey}.${snakeCase(column)}`;
  return [
    { group: 'Field', items: choices.targets.filter((t) => t !== choices.extrasKey) },
    {
      group: 'Other',
      items: [
        { value: extra, label: `keep as ${extra}` },
        { value: 'ignore', label: 'ignore this column' },
      ],
    },
  ];
}

/**
 * Each column of the file with its first value, where it goes and why; a pick list changes it
 * (the preview runs again with the change).
 */
export function ColumnMapping({
  preview,
  onChange,
}: {
  preview: ImportPreview;
  onChange: (column: string, target: string) => void;
}) {
  const first = preview.firstRows[0]?.cells ?? {};
  return (
    <ScrollBox label="Column mapping" minWidth={640}>
      <Table striped verticalSpacing="xs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Column in the file</Table.Th>
            <Table.Th>First value</Table.Th>
            <Table.Th>Goes to</Table.Th>
            <Table.Th>Decided by</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {preview.columns.map((c) => (
            <Table.Tr key={c.column}>
              <Table.Td>
                <Text fw={500} size="sm">
                  {c.column}
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm" c="gray.7" lineClamp={1} maw={220}>
                  {first[c.column] ?? ''}
                </Text>
              </Table.Td>
              <Table.Td miw={220}>
                <Select
                  aria-label={`Mapping of ${c.column}`}
                  size="xs"
                  searchable
                  allowDeselect={false}
                  value={c.target}
                  data={targetOptions(c.column, c.target, preview.choices)}
                  onChange={(value) => value && value !== c.target && onChange(c.column, value)}
                />
              </Table.Td>
              <Table.Td>
                <Badge variant="outline" color={DECIDED_COLOR[c.decidedBy]}>
                  {decidedByLabel(c.decidedBy, preview.format)}
                </Badge>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ScrollBox>
  );
}
