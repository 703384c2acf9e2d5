import { Button, Group } from '@mantine/core';

/** "Show older …" under a log read a page at a time with the API's cursor. */
export function OlderButton({
  label,
  hasNextPage,
  isFetchingNextPage,
  fetchNextPage,
}: {
  label: string;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => unknown;
}) {
  if (!hasNextPage) return null;
  return (
    <Group>
      <Button size="xs" variant="default" loading={isFetchingNextPage} onClick={() => void fetchNextPage()}>
        {label}
      </Button>
    </Group>
  );
}
