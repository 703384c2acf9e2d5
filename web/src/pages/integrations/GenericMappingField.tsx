import { Alert, Code, List, Stack, Text, Textarea } from '@mantine/core';
import { useId } from 'react';
import type { FieldProblem } from '../../api/client';

/**
 * The generic adapter's mapping as JSON: field paths into the sender's body → the lead and the
 * event. A text that is not JSON is named here; the server's problems are listed by path under it.
 */
export function GenericMappingField({
  value,
  onChange,
  parseError,
  problems,
}: {
  value: string;
  onChange: (text: string) => void;
  parseError: string | null;
  /** The server's problems about the mapping (paths under `config`). */
  problems: readonly FieldProblem[];
}) {
  const id = useId();
  const invalid = parseError !== null || problems.length > 0;
  return (
    <Stack gap="xs">
      <Textarea
        className="model-editor"
        label="Mapping (JSON)"
        description={
          <>
            Each value is <Code>{'{"path": "a.b.0.c"}'}</Code> (a dot path into the body) or{' '}
            <Code>{'{"value": …}'}</Code> (fixed). Required: <Code>eventType</Code>, <Code>eventId</Code> and
            a lead <Code>email</Code> or <Code>phone</Code>. Lead fields: email, phone, name, company,
            jobTitle, country, source, attributes.
          </>
        }
        value={value}
        onChange={(e) => onChange(e.currentTarget.value)}
        autosize
        minRows={10}
        maxRows={28}
        spellCheck={false}
        error={invalid}
        aria-describedby={invalid ? `${id}-problems` : undefined}
        styles={{
          description: { color: '#343a40' },
          input: invalid ? { borderColor: '#991b1b', color: 'inherit' } : {},
        }}
      />
      {parseError && (
        <Text size="sm" c="#991b1b" role="alert" id={`${id}-problems`}>
          {parseError}
        </Text>
      )}
      {!parseError && problems.length > 0 && (
        <Alert color="red" title="The mapping has problems" role="alert" id={`${id}-problems`}>
          <List size="sm" aria-label="Problems in the mapping">
            {problems.map((p) => (
              <List.Item key={`${p.path}:${p.message}`}>
                <Code>{p.path.replace(/^config\.?/, '') || '(mapping)'}</Code> {p.message}
              </List.Item>
            ))}
          </List>
        </Alert>
      )}
    </Stack>
  );
}
