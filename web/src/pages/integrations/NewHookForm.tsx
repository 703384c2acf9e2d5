import { Button, Card, Group, PasswordInput, Select, Stack, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { type InboundHook, useCreateHook } from '../../api/inbound-hooks';
import { ErrorNotice } from '../../components/ErrorNotice';
import { fieldErrorProps } from '../../components/field-problems';
import { HookSettingsFields, useSettingsDraft } from './HookSettingsFields';
import { guideOf, HOOK_PROVIDER_GUIDES, HOOK_PROVIDERS, type HookProvider } from './hook-providers';
import { problemsOf } from './problems';

const FORM_FIELDS = ['provider', 'name', 'secret'];

// The picker's options, grouped (calls, email, forms and meetings, any other tool) in catalogue order.
const PROVIDER_GROUPS = [...new Set(HOOK_PROVIDERS.map((p) => HOOK_PROVIDER_GUIDES[p].group))].map(
  (group) => ({
    group,
    items: HOOK_PROVIDERS.filter((p) => HOOK_PROVIDER_GUIDES[p].group === group).map((p) => ({
      value: p,
      label: HOOK_PROVIDER_GUIDES[p].label,
    })),
  }),
);

/** "Add inbound hook": the provider, a name, the provider's secret and its settings. */
export function NewHookForm({
  onCreated,
  onCancel,
}: {
  onCreated: (created: { hook: InboundHook; secret: string | null }) => void;
  onCancel: () => void;
}) {
  const [provider, setProvider] = useState<HookProvider>('twilio');
  const [name, setName] = useState('');
  const [secret, setSecret] = useState('');
  const draft = useSettingsDraft(null);
  const create = useCreateHook();
  const guide = guideOf(provider);
  const problems = problemsOf(create.error);
  const at = (path: string) => fieldErrorProps(problems.find((p) => p.path === path)?.message);
  // Anything the API refused that no field shows (a conflict, a lost connection) is said once below.
  const shownAtFields = problems.some((p) => FORM_FIELDS.includes(p.path) || p.path.startsWith('config'));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const config = draft.build(provider);
    if (config === null) return;
    create.mutate(
      {
        provider,
        name: name.trim(),
        ...(secret !== '' || !guide.secretOptional ? { secret } : {}),
        ...(Object.keys(config).length > 0 ? { config } : {}),
      },
      { onSuccess: onCreated },
    );
  };

  return (
    <form onSubmit={submit} noValidate>
      <Card withBorder component="fieldset" maw={820}>
        <Title order={3} size="h5" component="legend">
          Add inbound hook
        </Title>
        <Stack gap="sm">
          <Select
            label="Provider"
            data={PROVIDER_GROUPS}
            value={provider}
            onChange={(v) => {
              if (!v || v === provider) return;
              setProvider(v as HookProvider);
              // One provider's secret means nothing to another.
              setSecret('');
            }}
            allowDeselect={false}
            w={320}
            {...at('provider')}
          />
          <TextInput
            label="Name"
            description="What the hook is for, e.g. Main line or Spring campaign numbers"
            required
            maxLength={200}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            {...at('name')}
          />
          <PasswordInput
            label={guide.secretOptional ? `${guide.secretLabel} (optional)` : guide.secretLabel}
            description={guide.secretHint}
            required={!guide.secretOptional}
            autoComplete="off"
            maxLength={500}
            value={secret}
            onChange={(e) => setSecret(e.currentTarget.value)}
            {...at('secret')}
          />
          <HookSettingsFields provider={provider} draft={draft} problems={problems} />
          {create.isError && !shownAtFields && <ErrorNotice error={create.error} />}
          <Group>
            <Button type="submit" loading={create.isPending}>
              Create hook
            </Button>
            <Button variant="default" onClick={onCancel}>
              Cancel
            </Button>
          </Group>
        </Stack>
      </Card>
    </form>
  );
}
