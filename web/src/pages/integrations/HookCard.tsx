import { Badge, Button, Card, Group, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { type InboundHook, useDeleteHook, useLastDelivery, useUpdateHook } from '../../api/inbound-hooks';
import { ConfirmButton } from '../../components/ConfirmButton';
import { CopyValue } from '../../components/CopyValue';
import { ErrorNotice } from '../../components/ErrorNotice';
import { fieldErrorProps } from '../../components/field-problems';
import { SecretOnce } from '../../components/SecretOnce';
import { when } from '../../components/when';
import { HookDeliveries } from './HookDeliveries';
import { HookSettingsFields, useSettingsDraft } from './HookSettingsFields';
import { guideOf } from './hook-providers';
import { OutcomeBadge } from './OutcomeBadge';
import { problemsOf } from './problems';

/** The full URL a provider posts to: this server's origin (as the admin reaches it) and the path. */
export const hookUrl = (hook: InboundHook) => `${window.location.origin}${hook.path}`;

/** A secret like the server makes for generic hooks (`hksec_` and 32 random bytes, base64url). */
function madeSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const base64 = btoa(String.fromCharCode(...bytes));
  return `hksec_${base64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`;
}

function LastDelivery({ hook }: { hook: InboundHook }) {
  const last = useLastDelivery(hook.id);
  if (last.isPending) return <Text size="sm">Last delivery: …</Text>;
  if (last.isError) return <Text size="sm">Last delivery: could not be read.</Text>;
  if (last.data === null) return <Text size="sm">Last delivery: none yet.</Text>;
  return (
    <Group gap="xs" wrap="wrap">
      <Text size="sm">Last delivery: {when(last.data.receivedAt)}</Text>
      <OutcomeBadge outcome={last.data.outcome} />
      {last.data.reason && (
        <Text size="sm" c="#343a40" style={{ wordBreak: 'break-word' }}>
          {last.data.reason}
        </Text>
      )}
    </Group>
  );
}

/** Rotate: a provider's new secret is typed in; a generic hook gets a new one made here. */
function RotateSecret({ hook, onDone }: { hook: InboundHook; onDone: () => void }) {
  const guide = guideOf(hook.provider);
  const update = useUpdateHook();
  const [secret, setSecret] = useState('');
  const [made, setMade] = useState<string | null>(null);
  const problems = problemsOf(update.error);
  const secretProblem = problems.find((p) => p.path === 'secret')?.message;
  if (made) {
    return <SecretOnce title={`The new secret of ${hook.name}`} secret={made} onDone={onDone} />;
  }
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const next = guide.secretOptional ? madeSecret() : secret;
    update.mutate(
      { id: hook.id, secret: next },
      { onSuccess: () => (guide.secretOptional ? setMade(next) : onDone()) },
    );
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="xs">
        <Text size="sm">
          Deliveries signed with the old secret are refused from the moment the new one is saved
          {guide.secretOptional ? ': give the new one to the sending tool right away.' : '.'}
        </Text>
        {!guide.secretOptional && (
          <PasswordInput
            label={`New ${guide.secretLabel}`}
            description={guide.secretHint}
            autoComplete="off"
            required
            maw={480}
            value={secret}
            onChange={(e) => setSecret(e.currentTarget.value)}
            {...fieldErrorProps(secretProblem)}
          />
        )}
        {update.isError && !secretProblem && <ErrorNotice error={update.error} />}
        <Group>
          <Button size="xs" type="submit" loading={update.isPending}>
            {guide.secretOptional ? 'Make a new secret' : 'Save the new secret'}
          </Button>
          <Button size="xs" variant="default" onClick={onDone}>
            Cancel
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function EditSettings({ hook, onDone }: { hook: InboundHook; onDone: () => void }) {
  const update = useUpdateHook();
  const draft = useSettingsDraft(hook.config);
  const problems = problemsOf(update.error);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const config = draft.build(hook.provider);
    if (config === null) return;
    update.mutate({ id: hook.id, config }, { onSuccess: onDone });
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <HookSettingsFields provider={hook.provider} draft={draft} problems={problems} />
        {update.isError && problems.length === 0 && <ErrorNotice error={update.error} />}
        <Group>
          <Button size="xs" type="submit" loading={update.isPending}>
            Save settings
          </Button>
          <Button size="xs" variant="default" onClick={onDone}>
            Cancel
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

type Panel = 'deliveries' | 'secret' | 'settings' | null;

/** One inbound hook: its URL to paste, its state and last delivery, and what an admin does with it. */
export function HookCard({ hook }: { hook: InboundHook }) {
  const guide = guideOf(hook.provider);
  const [panel, setPanel] = useState<Panel>(null);
  const update = useUpdateHook();
  const remove = useDeleteHook();
  const toggle = (p: Exclude<Panel, null>) => setPanel((open) => (open === p ? null : p));
  return (
    <Card withBorder component="li" aria-label={`${hook.name} (${guide.label})`}>
      <Stack gap="xs">
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Group gap="xs" wrap="wrap">
            <Title order={3} size="h5">
              {hook.name}
            </Title>
            <Badge variant="outline" color="gray.8">
              {guide.label}
            </Badge>
          </Group>
          <Badge color={hook.active ? '#166534' : 'gray.8'} variant={hook.active ? 'filled' : 'outline'}>
            {hook.active ? 'Active' : 'Paused'}
          </Badge>
        </Group>
        <Stack gap={2}>
          <Text size="sm">
            URL to paste into {hook.provider === 'generic' ? 'the sending tool' : guide.label}:
          </Text>
          <CopyValue label={`the URL of ${hook.name}`} value={hookUrl(hook)} />
        </Stack>
        {!hook.active && (
          <Text size="sm" c="#343a40">
            Paused: deliveries are answered 404 and not logged until it is resumed.
          </Text>
        )}
        <LastDelivery hook={hook} />
        {update.isError && panel === null && <ErrorNotice error={update.error} />}
        {remove.isError && <ErrorNotice error={remove.error} />}
        <Group gap="xs">
          <Button
            size="xs"
            variant="default"
            aria-expanded={panel === 'deliveries'}
            onClick={() => toggle('deliveries')}
          >
            {panel === 'deliveries' ? 'Hide deliveries' : 'Show deliveries'}
          </Button>
          <Button
            size="xs"
            variant="default"
            loading={update.isPending && panel === null}
            onClick={() => update.mutate({ id: hook.id, active: !hook.active })}
          >
            {hook.active ? 'Pause' : 'Resume'}
          </Button>
          <Button
            size="xs"
            variant="default"
            aria-expanded={panel === 'secret'}
            onClick={() => toggle('secret')}
          >
            Rotate secret
          </Button>
          {guide.settings !== 'none' && (
            <Button
              size="xs"
              variant="default"
              aria-expanded={panel === 'settings'}
              onClick={() => toggle('settings')}
            >
              {guide.settings === 'generic' ? 'Edit mapping' : 'Edit settings'}
            </Button>
          )}
          <ConfirmButton
            label="Delete"
            question={`Delete ${hook.name}? The provider's deliveries will be refused; the log is kept.`}
            loading={remove.isPending}
            onConfirm={() => remove.mutate(hook.id)}
          />
        </Group>
        {panel === 'deliveries' && <HookDeliveries hook={hook} />}
        {panel === 'secret' && <RotateSecret hook={hook} onDone={() => setPanel(null)} />}
        {panel === 'settings' && <EditSettings hook={hook} onDone={() => setPanel(null)} />}
      </Stack>
    </Card>
  );
}
