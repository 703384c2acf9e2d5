import { Alert, Code, List, Stack, Text, Textarea } from '@mantine/core';
import { type ReactNode, useId } from 'react';
import type { FieldProblem } from '../../api/client';

/**
 * Settings typed as JSON (the generic adapter's mapping, a form tool's options). A text that is not
 * JSON is named here; the server's problems are listed by path under it.
 */
export function JsonSettingsField({
  label,
  description,
  placeholder,
  minRows = 10,
  value,
  onChange,
  parseError,
  problems,
}: {
  label: string;
  description: ReactNode;
  placeholder?: string;
  minRows?: number;
  value: string;
  onChange: (text: string) => void;
  parseError: string | null;
  /** The server's problems about the settings (paths under `config`). */
  problems: readonly FieldProblem[];
}) {
  const id = useId();
  // "Mapping (JSON)" → "Problems in the mapping".
  const problemsName = `Problems in the ${label.replace(/ \(.*\)$/, '').toLowerCase()}`;
  const invalid = parseError !== null || problems.length > 0;
  return (
    <Stack gap="xs">
      <Textarea
        className="model-editor"
        label={label}
        description={description}
        placeholder={placeholder}
        value={value}
        onChange={(e) => onChange(e.currentTarget.value)}
        autosize
        minRows={minRows}
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
        <Alert color="red" title={problemsName} role="alert" id={`${id}-problems`}>
          <List size="sm" aria-label={problemsName}>
            {problems.map((p) => (
              <List.Item key={`${p.path}:${p.message}`}>
                <Code>{p.path.replace(/^config\.?/, '') || '(all)'}</Code> {p.message}
              </List.Item>
            ))}
          </List>
        </Alert>
      )}
    </Stack>
  );
}
