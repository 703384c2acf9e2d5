import { Button, Code, CopyButton, Group, Stack } from '@mantine/core';

/**
 * A value to paste somewhere else (a URL, a snippet) with its copy button. The label names the
 * button for a screen reader ("Copy the URL of Main line").
 */
export function CopyValue({
  label,
  value,
  block = false,
}: {
  /** What the value is, e.g. "the URL of Main line". */
  label: string;
  value: string;
  /** A multi-line snippet rather than a one-line value. */
  block?: boolean;
}) {
  const copy = (
    <CopyButton value={value}>
      {({ copied, copy }) => (
        <Button
          size="xs"
          variant={copied ? 'filled' : 'default'}
          color={copied ? 'green.9' : undefined}
          onClick={copy}
          aria-label={`Copy ${label}`}
        >
          {copied ? 'Copied' : 'Copy'}
        </Button>
      )}
    </CopyButton>
  );
  if (block) {
    return (
      <Stack gap={4}>
        <Code block style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
          {value}
        </Code>
        <Group>{copy}</Group>
      </Stack>
    );
  }
  return (
    <Group gap="xs" wrap="nowrap" align="center">
      <Code style={{ wordBreak: 'break-all', minWidth: 0 }}>{value}</Code>
      {copy}
    </Group>
  );
}
