import { Button, Card, Group, Stack, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { SITE_KEY_DEFAULTS, type SiteKey, type SiteKeySettings, useCreateSiteKey } from '../../api/site-keys';
import { ErrorNotice } from '../../components/ErrorNotice';
import { fieldErrorProps } from '../../components/field-problems';
import { OriginsField, originsOf } from './OriginsField';
import { problemsOf } from './problems';
import { ORIGINS_HELP, SettingsChecks } from './SiteKeySettings';

/** "Add site key": which site, its origins, and its privacy and form settings. */
export function NewSiteKeyForm({
  onCreated,
  onCancel,
}: {
  onCreated: (key: SiteKey) => void;
  onCancel: () => void;
}) {
  const [name, setName] = useState('');
  const [origins, setOrigins] = useState('');
  const [settings, setSettings] = useState<SiteKeySettings>(SITE_KEY_DEFAULTS);
  const create = useCreateSiteKey();
  const problems = problemsOf(create.error);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(
      { name: name.trim(), allowedOrigins: originsOf(origins).origins, ...settings },
      { onSuccess: onCreated },
    );
  };
  return (
    <form onSubmit={submit} noValidate>
      <Card withBorder component="fieldset" maw={820}>
        <Title order={3} size="h5" component="legend">
          New site key
        </Title>
        <Stack gap="sm">
          <TextInput
            label="Name"
            description="Which site it is for, e.g. Marketing site"
            required
            maxLength={200}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            {...fieldErrorProps(problems.find((p) => p.path === 'name')?.message)}
          />
          <OriginsField
            label="Allowed origins"
            description={ORIGINS_HELP}
            required
            value={origins}
            onChange={setOrigins}
            problems={problems}
          />
          <SettingsChecks
            idPrefix="new-site-key"
            value={settings}
            onChange={(key, checked) => setSettings((s) => ({ ...s, [key]: checked }))}
          />
          {create.isError && problems.length === 0 && <ErrorNotice error={create.error} />}
          <Group>
            <Button type="submit" loading={create.isPending}>
              Create site key
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
