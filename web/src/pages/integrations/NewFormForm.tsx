import { Button, Card, Group, NumberInput, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import {
  DEFAULT_FORM_FIELDS,
  DEFAULT_HONEYPOT,
  DEFAULT_MIN_FILL_SECONDS,
  FORM_LEAD_FIELDS,
  type FormLeadField,
  type HostedForm,
  QUALIFICATION_ANSWERS,
  type QualificationAnswer,
  useCreateForm,
} from '../../api/forms';
import { ErrorNotice } from '../../components/ErrorNotice';
import { fieldErrorProps } from '../../components/field-problems';
import { OriginsField, originsOf } from './OriginsField';
import { problemsOf } from './problems';

const FIELD_LABELS: Record<FormLeadField, string> = {
  email: 'Email field',
  name: 'Name field',
  company: 'Company field',
  phone: 'Phone field',
  jobTitle: 'Job title field',
};
const ANSWER_LABELS: Record<QualificationAnswer, string> = {
  budget: 'Budget answer field',
  timeline: 'Timeline answer field',
  need: 'Need answer field',
};

/** A form's name, thank-you page, the posted field names and the spam guards. */
export function NewFormForm({
  onCreated,
  onCancel,
}: {
  onCreated: (form: HostedForm) => void;
  onCancel: () => void;
}) {
  const [name, setName] = useState('');
  const [redirectUrl, setRedirectUrl] = useState('');
  const [fields, setFields] = useState<Record<FormLeadField, string>>({ ...DEFAULT_FORM_FIELDS });
  const [answers, setAnswers] = useState<Record<QualificationAnswer, string>>({
    budget: '',
    timeline: '',
    need: '',
  });
  const [honeypot, setHoneypot] = useState(DEFAULT_HONEYPOT);
  const [minFill, setMinFill] = useState<number | string>(DEFAULT_MIN_FILL_SECONDS);
  const [origins, setOrigins] = useState('');
  const [source, setSource] = useState('');
  const create = useCreateForm();
  const problems = problemsOf(create.error);
  const at = (path: string) => fieldErrorProps(problems.find((p) => p.path === path)?.message);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const qualification = Object.fromEntries(
      QUALIFICATION_ANSWERS.filter((a) => answers[a].trim() !== '').map((a) => [
        a,
        { field: answers[a].trim() },
      ]),
    );
    create.mutate(
      {
        name: name.trim(),
        redirectUrl: redirectUrl.trim(),
        fields: Object.fromEntries(
          FORM_LEAD_FIELDS.filter((f) => fields[f].trim() !== '').map((f) => [f, fields[f].trim()]),
        ),
        ...(Object.keys(qualification).length > 0 ? { qualification } : {}),
        ...(honeypot.trim() !== '' ? { honeypotField: honeypot.trim() } : {}),
        ...(minFill !== '' ? { minFillSeconds: Number(minFill) } : {}),
        allowedOrigins: originsOf(origins).origins,
        ...(source.trim() !== '' ? { source: source.trim() } : {}),
      },
      { onSuccess: onCreated },
    );
  };
  return (
    <form onSubmit={submit} noValidate>
      <Card withBorder component="fieldset" maw={820}>
        <Title order={3} size="h5" component="legend">
          New form
        </Title>
        <Stack gap="sm">
          <TextInput
            label="Name"
            description="Also the form property of its events: a name with contact, sales, quote or demo counts as a sales form"
            required
            maxLength={200}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            {...at('name')}
          />
          <TextInput
            label="Thank-you URL"
            description="Where a visitor goes after posting (an absolute http or https URL)"
            required
            type="url"
            placeholder="https://www.example.com/thanks"
            value={redirectUrl}
            onChange={(e) => setRedirectUrl(e.currentTarget.value)}
            {...at('redirectUrl')}
          />
          <Stack gap={4}>
            <Text size="sm" fw={500}>
              Field mapping
            </Text>
            <Text size="sm" c="#343a40">
              The name of each field in your HTML form. Every post needs the email field.
            </Text>
            <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
              {FORM_LEAD_FIELDS.map((f) => (
                <TextInput
                  key={f}
                  label={FIELD_LABELS[f]}
                  required={f === 'email'}
                  value={fields[f]}
                  onChange={(e) => {
                    const value = e.currentTarget.value;
                    setFields((current) => ({ ...current, [f]: value }));
                  }}
                  {...at(`fields.${f}`)}
                />
              ))}
            </SimpleGrid>
          </Stack>
          <Stack gap={4}>
            <Text size="sm" fw={500}>
              Qualification answers (optional)
            </Text>
            <Text size="sm" c="#343a40">
              Fields whose answers the scoring model reads as budget, timeline and need.
            </Text>
            <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
              {QUALIFICATION_ANSWERS.map((a) => (
                <TextInput
                  key={a}
                  label={ANSWER_LABELS[a]}
                  placeholder={a}
                  value={answers[a]}
                  onChange={(e) => {
                    const value = e.currentTarget.value;
                    setAnswers((current) => ({ ...current, [a]: value }));
                  }}
                  {...at(`qualification.${a}.field`)}
                />
              ))}
            </SimpleGrid>
          </Stack>
          <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
            <TextInput
              label="Honeypot field"
              description="Hidden from people; a post that fills it is spam"
              value={honeypot}
              onChange={(e) => setHoneypot(e.currentTarget.value)}
              {...at('honeypotField')}
            />
            <NumberInput
              label="Minimum fill time (seconds)"
              description="A post sent sooner is spam; 0 turns it off"
              min={0}
              max={3600}
              allowDecimal={false}
              value={minFill}
              onChange={setMinFill}
              {...at('minFillSeconds')}
            />
            <TextInput
              label="Source (optional)"
              description="Of the leads it creates; website when empty"
              placeholder="website"
              value={source}
              onChange={(e) => setSource(e.currentTarget.value)}
              {...at('source')}
            />
          </SimpleGrid>
          <OriginsField
            label="Allowed origins (optional)"
            description="One per line: the sites the form may be posted from. Empty: any."
            value={origins}
            onChange={setOrigins}
            problems={problems}
          />
          {create.isError && problems.length === 0 && <ErrorNotice error={create.error} />}
          <Group>
            <Button type="submit" loading={create.isPending}>
              Create form
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
