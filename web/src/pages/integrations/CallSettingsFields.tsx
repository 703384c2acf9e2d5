import { Button, Stack, Table, Text, TextInput, VisuallyHidden } from '@mantine/core';
import type { FieldProblem } from '../../api/client';
import { fieldErrorProps } from '../../components/field-problems';
import { ScrollBox } from '../../components/ScrollBox';
import { type CallSettings, emptyRow, type TrackingRow } from './hook-settings';

/** The input props for the problem at exactly `path`. */
const at = (problems: readonly FieldProblem[], path: string) =>
  fieldErrorProps(problems.find((p) => p.path === path)?.message);

/**
 * A call provider's settings: the default country and the tracking numbers' attribution (the
 * reason call tracking exists), plus Twilio's public URL. Problems show at their row and field.
 */
export function CallSettingsFields({
  value,
  onChange,
  problems,
  withPublicUrl,
}: {
  value: CallSettings;
  onChange: (next: CallSettings) => void;
  problems: readonly FieldProblem[];
  withPublicUrl: boolean;
}) {
  const setRow = (index: number, patch: Partial<TrackingRow>) =>
    onChange({ ...value, rows: value.rows.map((r, i) => (i === index ? { ...r, ...patch } : r)) });
  return (
    <Stack gap="sm">
      <TextInput
        label="Default country"
        description="ISO 3166 code (US, GB) for numbers without a country code"
        maxLength={2}
        w={360}
        value={value.defaultCountry}
        onChange={(e) => onChange({ ...value, defaultCountry: e.currentTarget.value.toUpperCase() })}
        {...at(problems, 'config.defaultCountry')}
      />
      <Stack gap={4}>
        <Text size="sm" fw={500} id="tracking-numbers-label">
          Tracking numbers
        </Text>
        <Text size="sm" c="#343a40">
          A call to one of these numbers gives a new lead this source and campaign.
        </Text>
        {at(problems, 'config.trackingNumbers').error && (
          <Text size="sm" c="#991b1b" role="alert">
            {at(problems, 'config.trackingNumbers').error}
          </Text>
        )}
        {value.rows.length > 0 && (
          <ScrollBox label="Tracking numbers table" minWidth={620}>
            <Table aria-labelledby="tracking-numbers-label" verticalSpacing={4}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Number</Table.Th>
                  <Table.Th>Source</Table.Th>
                  <Table.Th>Campaign</Table.Th>
                  <Table.Th>
                    <VisuallyHidden>Remove</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {value.rows.map((row, index) => {
                  const path = `config.trackingNumbers.${row.number.trim()}`;
                  const n = index + 1;
                  return (
                    <Table.Tr key={row.key}>
                      <Table.Td>
                        <TextInput
                          aria-label={`Tracking number ${n}`}
                          placeholder="+14045558514"
                          value={row.number}
                          onChange={(e) => setRow(index, { number: e.currentTarget.value })}
                          {...(at(problems, `rows.${index}`).error
                            ? at(problems, `rows.${index}`)
                            : at(problems, path))}
                        />
                      </Table.Td>
                      <Table.Td>
                        <TextInput
                          aria-label={`Source of tracking number ${n}`}
                          placeholder="ads"
                          value={row.source}
                          onChange={(e) => setRow(index, { source: e.currentTarget.value })}
                          {...at(problems, `${path}.source`)}
                        />
                      </Table.Td>
                      <Table.Td>
                        <TextInput
                          aria-label={`Campaign of tracking number ${n}`}
                          placeholder="Spring radio"
                          value={row.campaign}
                          onChange={(e) => setRow(index, { campaign: e.currentTarget.value })}
                          {...at(problems, `${path}.campaign`)}
                        />
                      </Table.Td>
                      <Table.Td>
                        <Button
                          size="xs"
                          variant="default"
                          aria-label={`Remove tracking number ${n}`}
                          onClick={() =>
                            onChange({ ...value, rows: value.rows.filter((_, i) => i !== index) })
                          }
                        >
                          Remove
                        </Button>
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </ScrollBox>
        )}
        <div>
          <Button
            size="xs"
            variant="default"
            onClick={() => onChange({ ...value, rows: [...value.rows, emptyRow()] })}
          >
            Add tracking number
          </Button>
        </div>
      </Stack>
      {withPublicUrl && (
        <TextInput
          label="Public URL (optional)"
          description="Only behind a proxy that changes the address: the URL exactly as configured in Twilio (Twilio signs it)"
          placeholder="https://hearth.example.com/hooks/twilio/…"
          value={value.publicUrl}
          onChange={(e) => onChange({ ...value, publicUrl: e.currentTarget.value })}
          {...at(problems, 'config.publicUrl')}
        />
      )}
    </Stack>
  );
}
