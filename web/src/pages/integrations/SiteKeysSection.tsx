import { Alert, Badge, Button, Card, Group, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { type SiteKey, useRevokeSiteKey, useSiteKeys, useUpdateSiteKey } from '../../api/site-keys';
import { ConfirmButton } from '../../components/ConfirmButton';
import { CopyValue } from '../../components/CopyValue';
import { ErrorNotice } from '../../components/ErrorNotice';
import { when } from '../../components/when';
import { NewSiteKeyForm } from './NewSiteKeyForm';
import { OriginsField, originsOf } from './OriginsField';
import { problemsOf } from './problems';
import { ORIGINS_HELP, SettingsChecks } from './SiteKeySettings';

function EditOrigins({ siteKey, onDone }: { siteKey: SiteKey; onDone: () => void }) {
  const [origins, setOrigins] = useState(siteKey.allowedOrigins.join('\n'));
  const update = useUpdateSiteKey();
  const problems = problemsOf(update.error);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    update.mutate({ id: siteKey.id, allowedOrigins: originsOf(origins).origins }, { onSuccess: onDone });
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="xs">
        <OriginsField
          label={`Allowed origins of ${siteKey.name}`}
          description={ORIGINS_HELP}
          required
          value={origins}
          onChange={setOrigins}
          problems={problems}
        />
        {update.isError && problems.length === 0 && <ErrorNotice error={update.error} />}
        <Group>
          <Button size="xs" type="submit" loading={update.isPending}>
            Save origins
          </Button>
          <Button size="xs" variant="default" onClick={onDone}>
            Cancel
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function SiteKeyCard({ siteKey }: { siteKey: SiteKey }) {
  const update = useUpdateSiteKey();
  const revoke = useRevokeSiteKey();
  const [editing, setEditing] = useState(false);
  return (
    <Card withBorder component="li" aria-label={siteKey.name}>
      <Stack gap="xs">
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Group gap="xs" wrap="wrap">
            <Title order={3} size="h5">
              {siteKey.name}
            </Title>
            <Text size="sm" ff="monospace">
              {siteKey.key}
            </Text>
          </Group>
          <Badge
            color={siteKey.active ? '#166534' : 'gray.8'}
            variant={siteKey.active ? 'filled' : 'outline'}
          >
            {siteKey.active ? 'Active' : 'Revoked'}
          </Badge>
        </Group>
        <Text size="sm">
          Allowed origins: {siteKey.allowedOrigins.length > 0 ? siteKey.allowedOrigins.join(', ') : 'none'}
        </Text>
        {siteKey.active ? (
          <>
            <Text size="sm" c="#343a40">
              A change to these settings is saved at once.
            </Text>
            <SettingsChecks
              idPrefix={`site-key-${siteKey.id}`}
              value={siteKey}
              disabled={update.isPending}
              onChange={(key, checked) => update.mutate({ id: siteKey.id, [key]: checked })}
            />
            <Stack gap={2}>
              <Text size="sm">Paste into every page of the site, before &lt;/head&gt;:</Text>
              <CopyValue label={`the snippet of ${siteKey.name}`} value={siteKey.snippet} block />
            </Stack>
          </>
        ) : (
          <Text size="sm" c="#343a40">
            Revoked {when(siteKey.revokedAt)}: pages with this key store nothing. Visitors already kept stay.
          </Text>
        )}
        {update.isError && !editing && <ErrorNotice error={update.error} />}
        {revoke.isError && <ErrorNotice error={revoke.error} />}
        {siteKey.active && (
          <Group gap="xs">
            <Button size="xs" variant="default" aria-expanded={editing} onClick={() => setEditing((e) => !e)}>
              Edit origins
            </Button>
            <ConfirmButton
              label="Revoke"
              question={`Revoke ${siteKey.name}? Its pages stop sending at once; this cannot be undone.`}
              loading={revoke.isPending}
              onConfirm={() => revoke.mutate(siteKey.id)}
            />
          </Group>
        )}
        {editing && <EditOrigins siteKey={siteKey} onDone={() => setEditing(false)} />}
      </Stack>
    </Card>
  );
}

/** Settings → Integrations → Website tracker: site keys bound to origins, and the tag to paste. */
export function SiteKeysSection() {
  const keys = useSiteKeys();
  const [adding, setAdding] = useState(false);
  const [created, setCreated] = useState<SiteKey | null>(null);
  return (
    <Stack>
      <Group justify="space-between" align="flex-start" wrap="wrap">
        <Stack gap={4} maw={720}>
          <Title order={3} size="h4">
            Website tracker
          </Title>
          <Text size="sm">
            One script tag records page views, custom events and forms on your site. A visitor&apos;s history
            becomes the lead&apos;s when they give their email. A site key is publishable: it only lets the
            listed origins send events.
          </Text>
        </Stack>
        {!adding && (
          <Button
            onClick={() => {
              setAdding(true);
              setCreated(null);
            }}
          >
            Add site key
          </Button>
        )}
      </Group>
      {created && (
        <Alert color="#166534" variant="outline" title={`${created.name} is ready`} role="status">
          <Stack gap="xs">
            <Text size="sm">Paste this into every page of the site, before &lt;/head&gt;:</Text>
            <CopyValue label={`the snippet of ${created.name}`} value={created.snippet} block />
            <Group>
              <Button size="xs" variant="default" onClick={() => setCreated(null)}>
                Done
              </Button>
            </Group>
          </Stack>
        </Alert>
      )}
      {adding && (
        <NewSiteKeyForm
          onCancel={() => setAdding(false)}
          onCreated={(k) => {
            setCreated(k);
            setAdding(false);
          }}
        />
      )}
      {keys.isPending && <Loader aria-label="Loading site keys" />}
      {keys.isError && <ErrorNotice error={keys.error} />}
      {keys.data && keys.data.length === 0 && !adding && (
        <Paper withBorder p="lg">
          <Stack gap="xs">
            <Title order={4} size="h5">
              No site keys yet
            </Title>
            <Text size="sm">
              Choose <strong>Add site key</strong>, list the origins your site is served from, and paste the
              script tag Hearth shows into every page. Page views then arrive on their leads by themselves.
            </Text>
          </Stack>
        </Paper>
      )}
      {keys.data && keys.data.length > 0 && (
        <Stack component="ul" aria-label="Site keys" gap="sm" p={0} m={0} style={{ listStyle: 'none' }}>
          {keys.data.map((k) => (
            <SiteKeyCard key={k.id} siteKey={k} />
          ))}
        </Stack>
      )}
    </Stack>
  );
}
