import { Code, Paper, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';

/** What a new user sees instead of an empty list: what to do to fill it. */
export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <Paper withBorder p="lg" radius="md">
      <Stack gap="xs">
        <Title order={2} size="h4">
          {title}
        </Title>
        {children}
        <Text size="sm">
          Bring leads in with <Code>hearth import leads FILE</Code> (CSV, NDJSON or JSON), or send activity to{' '}
          <Code>POST /api/v1/events</Code> from your website and tools. Leads turn hot as their interest and
          qualification grow.
        </Text>
      </Stack>
    </Paper>
  );
}
