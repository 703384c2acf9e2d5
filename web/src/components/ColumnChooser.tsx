import { Button, Checkbox, Popover, Stack } from '@mantine/core';
import { LEAD_TABLE_COLUMNS, type LeadTableColumn } from '../api/views';
import { COLUMN_LABELS } from './LeadColumns';

/** Which optional columns the leads table shows; the lead's name is always there. */
export function ColumnChooser({
  columns,
  onChange,
}: {
  columns: readonly LeadTableColumn[];
  onChange: (columns: LeadTableColumn[]) => void;
}) {
  return (
    <Popover position="bottom-end" withinPortal trapFocus shadow="md">
      <Popover.Target>
        <Button variant="default">Columns ({columns.length})</Button>
      </Popover.Target>
      <Popover.Dropdown>
        <Checkbox.Group
          label="Columns shown"
          value={[...columns]}
          // The table keeps its own order, whatever order the boxes were ticked in.
          onChange={(values) => onChange(LEAD_TABLE_COLUMNS.filter((c) => values.includes(c)))}
        >
          <Stack gap="xs" mt="xs">
            {LEAD_TABLE_COLUMNS.map((column) => (
              <Checkbox key={column} value={column} label={COLUMN_LABELS[column]} />
            ))}
          </Stack>
        </Checkbox.Group>
      </Popover.Dropdown>
    </Popover>
  );
}
