import { Button, Group, Menu } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import { CALL_OUTCOMES, type TouchType } from '../api/types';

const OUTCOMES: Record<TouchType, readonly string[]> = {
  call: CALL_OUTCOMES,
  email_sent: ['sent', 'replied'],
  meeting: ['held', 'no_show', 'rescheduled'],
};
const LABELS: Record<TouchType, string> = {
  call: 'Log call',
  email_sent: 'Log email',
  meeting: 'Log meeting',
};
const words = (value: string) => value.replaceAll('_', ' ').replace(/^./, (c) => c.toUpperCase());

/** Log a call, an email or a meeting with its outcome: one choice in a menu posts the event. */
export function TouchButtons({ leadId, label }: { leadId: string; label: string }) {
  const client = useQueryClient();
  const log = useMutation({
    mutationFn: (input: { type: TouchType; outcome: string }) =>
      api('POST', '/events', { leadId, type: input.type, properties: { outcome: input.outcome } }),
    onSuccess: () => client.invalidateQueries(),
  });
  return (
    <Group gap="xs">
      {(Object.keys(OUTCOMES) as TouchType[]).map((type) => (
        <Menu key={type} position="bottom-start" withinPortal>
          <Menu.Target>
            <Button
              size="xs"
              variant="default"
              loading={log.isPending && log.variables?.type === type}
              aria-label={`${LABELS[type]} for ${label}`}
              data-action={type === 'call' ? 'log' : undefined}
            >
              {LABELS[type]}
            </Button>
          </Menu.Target>
          <Menu.Dropdown>
            <Menu.Label>Outcome</Menu.Label>
            {OUTCOMES[type].map((outcome) => (
              <Menu.Item key={outcome} onClick={() => log.mutate({ type, outcome })}>
                {words(outcome)}
              </Menu.Item>
            ))}
          </Menu.Dropdown>
        </Menu>
      ))}
    </Group>
  );
}
