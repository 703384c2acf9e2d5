import { Textarea } from '@mantine/core';
import type { FieldProblem } from '../../api/client';
import { fieldErrorProps } from '../../components/field-problems';

/** The origins typed one per line, blank lines left out, with the line each came from. */
export function originsOf(text: string): { origins: string[]; lines: number[] } {
  const origins: string[] = [];
  const lines: number[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    origins.push(line.trim());
    lines.push(i + 1);
  });
  return { origins, lines };
}

/**
 * Allowed origins, one per line. The server names a bad one by its index in the list sent
 * (`allowedOrigins[2]`); the field says which line that is.
 */
export function OriginsField({
  value,
  onChange,
  problems,
  label,
  description,
  required = false,
}: {
  value: string;
  onChange: (text: string) => void;
  /** The server's problems, paths without `body.`. */
  problems: readonly FieldProblem[];
  label: string;
  description: string;
  required?: boolean;
}) {
  const { lines } = originsOf(value);
  const messages = problems.flatMap((p) => {
    if (p.path === 'allowedOrigins') return [p.message];
    const index = /^allowedOrigins\[(\d+)\]$/.exec(p.path)?.[1];
    return index === undefined ? [] : [`Line ${lines[Number(index)] ?? Number(index) + 1}: ${p.message}`];
  });
  return (
    <Textarea
      label={label}
      description={description}
      required={required}
      placeholder={'https://www.example.com\nhttps://*.example.com'}
      autosize
      minRows={2}
      maxRows={8}
      spellCheck={false}
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      {...fieldErrorProps(messages.length > 0 ? messages.join(' · ') : undefined)}
    />
  );
}
