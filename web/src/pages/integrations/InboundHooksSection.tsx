import { Alert, Button, Group, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { type InboundHook, useInboundHooks } from '../../api/inbound-hooks';
import { CopyValue } from '../../components/CopyValue';
import { ErrorNotice } from '../../components/ErrorNotice';
import { SecretOnce } from '../../components/SecretOnce';
import { HookCard, hookUrl } from './HookCard';
import { guideOf, HOOK_PROVIDER_GUIDES, HOOK_PROVIDERS } from './hook-providers';
import { NewHookForm } from './NewHookForm';

const PROVIDER_NAMES = HOOK_PROVIDERS.filter((p) => p !== 'generic')
  .map((p) => HOOK_PROVIDER_GUIDES[p].label)
  .join(', ');

/** Right after "Create hook": the URL to paste into the provider and, for generic, the secret. */
function CreatedNotice({
  created,
  onDone,
}: {
  created: { hook: InboundHook; secret: string | null };
  onDone: () => void;
}) {
  const { hook, secret } = created;
  const guide = guideOf(hook.provider);
  // Postmark authenticates by the URL's Basic auth: the URL to paste carries the secret.
  const url = new URL(hookUrl(hook));
  if (guide.basicAuthUser && secret) {
    url.username = guide.basicAuthUser;
    url.password = secret;
  }
  return (
    <Alert color="#166534" variant="outline" title={`${hook.name} is ready`} role="status">
      <Stack gap="sm">
        <Stack gap={2}>
          <Text size="sm">{guide.urlHint}</Text>
          <CopyValue label={`the URL of ${hook.name}`} value={url.href} />
        </Stack>
        {secret ? (
          <SecretOnce title="The secret to sign deliveries with" secret={secret} onDone={onDone} />
        ) : (
          <Group>
            <Button size="xs" variant="default" onClick={onDone}>
              Done
            </Button>
          </Group>
        )}
      </Stack>
    </Alert>
  );
}

/** Settings → Integrations → Inbound hooks: call trackers', email tools' and any JSON sender's webhooks. */
export function InboundHooksSection() {
  const hooks = useInboundHooks();
  const [adding, setAdding] = useState(false);
  const [created, setCreated] = useState<{ hook: InboundHook; secret: string | null } | null>(null);
  return (
    <Stack>
      <Group justify="space-between" align="flex-start" wrap="wrap">
        <Stack gap={4} maw={720}>
          <Title order={3} size="h4">
            Inbound hooks
          </Title>
          <Text size="sm">
            Call trackers, email tools, form and meeting tools post their webhooks straight to Hearth. Each
            delivery is checked with the provider&apos;s own signature, turned into events on its lead, and
            logged.
          </Text>
        </Stack>
        {!adding && (
          <Button
            onClick={() => {
              setAdding(true);
              setCreated(null);
            }}
          >
            Add inbound hook
          </Button>
        )}
      </Group>
      {created && <CreatedNotice created={created} onDone={() => setCreated(null)} />}
      {adding && (
        <NewHookForm
          onCancel={() => setAdding(false)}
          onCreated={(c) => {
            setCreated(c);
            setAdding(false);
          }}
        />
      )}
      {hooks.isPending && <Loader aria-label="Loading inbound hooks" />}
      {hooks.isError && <ErrorNotice error={hooks.error} />}
      {hooks.data && hooks.data.length === 0 && !adding && (
        <Paper withBorder p="lg">
          <Stack gap="xs">
            <Title order={4} size="h5">
              No inbound hooks yet
            </Title>
            <Text size="sm">
              Choose <strong>Add inbound hook</strong>, pick the provider ({PROVIDER_NAMES}, or generic JSON
              for any other tool), give it the provider&apos;s secret, then paste the URL Hearth shows into
              the provider. Its calls, emails and bookings then arrive on their leads by themselves.
            </Text>
          </Stack>
        </Paper>
      )}
      {hooks.data && hooks.data.length > 0 && (
        <Stack component="ul" aria-label="Inbound hooks" gap="sm" p={0} m={0} style={{ listStyle: 'none' }}>
          {hooks.data.map((h) => (
            <HookCard key={h.id} hook={h} />
          ))}
        </Stack>
      )}
    </Stack>
  );
}
