import { Button, Group, Text } from '@mantine/core';
import { useState } from 'react';

/** A button that asks once more before it does something that cannot be undone. */
export function ConfirmButton({
  label,
  question,
  onConfirm,
  loading,
}: {
  label: string;
  question: string;
  onConfirm: () => void;
  loading?: boolean;
}) {
  const [asking, setAsking] = useState(false);
  if (!asking)
    return (
      <Button size="xs" variant="default" onClick={() => setAsking(true)}>
        {label}
      </Button>
    );
  return (
    <Group gap="xs" role="group" aria-label={question}>
      <Text size="sm">{question}</Text>
      <Button
        size="xs"
        color="red.9"
        loading={loading}
        onClick={() => {
          onConfirm();
          setAsking(false);
        }}
      >
        Yes, {label.toLowerCase()}
      </Button>
      <Button size="xs" variant="default" onClick={() => setAsking(false)}>
        Cancel
      </Button>
    </Group>
  );
}
