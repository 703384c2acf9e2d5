import { Alert, Badge, Button, Card, Group, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import {
  FORM_LEAD_FIELDS,
  type HostedForm,
  useDeleteForm,
  useFormSubmissions,
  useForms,
  useUpdateForm,
} from '../../api/forms';
import { ConfirmButton } from '../../components/ConfirmButton';
import { CopyValue } from '../../components/CopyValue';
import { ErrorNotice } from '../../components/ErrorNotice';
import { NewFormForm } from './NewFormForm';
import { OutcomeLog } from './OutcomeLog';

const FIELD_NAMES = {
  email: 'Email',
  name: 'Name',
  company: 'Company',
  phone: 'Phone',
  jobTitle: 'Job title',
} as const;

function FormSubmissions({ form }: { form: HostedForm }) {
  return (
    <OutcomeLog
      label={`Submissions of ${form.name}`}
      log={useFormSubmissions(form.id)}
      empty="No submissions yet. Paste the snippet into a page, post it once, and refresh."
      detail={{ header: 'Event', cell: (s) => s.eventId ?? '—' }}
    />
  );
}

function FormCard({ form }: { form: HostedForm }) {
  const update = useUpdateForm();
  const remove = useDeleteForm();
  const [open, setOpen] = useState(false);
  const mapping = FORM_LEAD_FIELDS.map((f) => `${FIELD_NAMES[f]}: ${form.fields[f]}`).join(' · ');
  return (
    <Card withBorder component="li" aria-label={form.name}>
      <Stack gap="xs">
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Group gap="xs" wrap="wrap">
            <Title order={3} size="h5">
              {form.name}
            </Title>
            <Text size="sm" ff="monospace">
              {form.formKey}
            </Text>
          </Group>
          <Badge color={form.active ? '#166534' : 'gray.8'} variant={form.active ? 'filled' : 'outline'}>
            {form.active ? 'Active' : 'Paused'}
          </Badge>
        </Group>
        <Text size="sm" style={{ wordBreak: 'break-word' }}>
          Thank-you page: {form.redirectUrl}
        </Text>
        <Text size="sm" style={{ wordBreak: 'break-word' }}>
          Field names: {mapping}
        </Text>
        <Text size="sm" style={{ wordBreak: 'break-word' }}>
          Spam guards: honeypot field {form.honeypotField},{' '}
          {form.minFillSeconds > 0 ? `at least ${form.minFillSeconds} s to fill` : 'no minimum fill time'}
          {form.allowedOrigins.length > 0 ? `; posted only from ${form.allowedOrigins.join(', ')}` : ''}.
        </Text>
        <Stack gap={2}>
          <Text size="sm">HTML to paste into your page (style it as you like; keep the field names):</Text>
          <CopyValue label={`the HTML of ${form.name}`} value={form.snippet} block />
        </Stack>
        {update.isError && <ErrorNotice error={update.error} />}
        {remove.isError && <ErrorNotice error={remove.error} />}
        <Group gap="xs">
          <Button size="xs" variant="default" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
            {open ? 'Hide submissions' : 'Show submissions'}
          </Button>
          <Button
            size="xs"
            variant="default"
            loading={update.isPending}
            onClick={() => update.mutate({ id: form.id, active: !form.active })}
          >
            {form.active ? 'Pause' : 'Resume'}
          </Button>
          <ConfirmButton
            label="Delete"
            question={`Delete ${form.name}? Its posts will be refused; the log is kept.`}
            loading={remove.isPending}
            onConfirm={() => remove.mutate(form.id)}
          />
        </Group>
        {open && <FormSubmissions form={form} />}
      </Stack>
    </Card>
  );
}

/** Settings → Integrations → Hosted forms: an HTML form on any site posts straight to Hearth. */
export function FormsSection() {
  const forms = useForms();
  const [adding, setAdding] = useState(false);
  const [created, setCreated] = useState<HostedForm | null>(null);
  return (
    <Stack>
      <Group justify="space-between" align="flex-start" wrap="wrap">
        <Stack gap={4} maw={720}>
          <Title order={3} size="h4">
            Hosted forms
          </Title>
          <Text size="sm">
            An ordinary HTML form on your site posts to Hearth: the lead is created or updated, a form_submit
            event stores the answers, and the visitor goes on to your thank-you page. Spam is dropped by a
            honeypot field and a minimum fill time.
          </Text>
        </Stack>
        {!adding && (
          <Button
            onClick={() => {
              setAdding(true);
              setCreated(null);
            }}
          >
            Add form
          </Button>
        )}
      </Group>
      {created && (
        <Alert color="#166534" variant="outline" title={`${created.name} is ready`} role="status">
          <Stack gap="xs">
            <Text size="sm">Paste this HTML into the page that holds the form:</Text>
            <CopyValue label={`the HTML of ${created.name}`} value={created.snippet} block />
            <Group>
              <Button size="xs" variant="default" onClick={() => setCreated(null)}>
                Done
              </Button>
            </Group>
          </Stack>
        </Alert>
      )}
      {adding && (
        <NewFormForm
          onCancel={() => setAdding(false)}
          onCreated={(f) => {
            setCreated(f);
            setAdding(false);
          }}
        />
      )}
      {forms.isPending && <Loader aria-label="Loading forms" />}
      {forms.isError && <ErrorNotice error={forms.error} />}
      {forms.data && forms.data.length === 0 && !adding && (
        <Paper withBorder p="lg">
          <Stack gap="xs">
            <Title order={4} size="h5">
              No forms yet
            </Title>
            <Text size="sm">
              Choose <strong>Add form</strong>, give its thank-you page and the names of your form&apos;s
              fields, then paste the HTML Hearth shows into your page. Each post then becomes a lead with its
              answers.
            </Text>
          </Stack>
        </Paper>
      )}
      {forms.data && forms.data.length > 0 && (
        <Stack component="ul" aria-label="Forms" gap="sm" p={0} m={0} style={{ listStyle: 'none' }}>
          {forms.data.map((f) => (
            <FormCard key={f.id} form={f} />
          ))}
        </Stack>
      )}
    </Stack>
  );
}
