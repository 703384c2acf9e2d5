import { Button, Group, NumberInput, SimpleGrid, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../api/client';
import type { Lead } from '../api/types';
import { ErrorNotice } from './ErrorNotice';

const TEXT_FIELDS = [
  ['name', 'Name'],
  ['email', 'Email'],
  ['phone', 'Phone'],
  ['company', 'Company'],
  ['jobTitle', 'Job title'],
  ['industry', 'Industry'],
  ['country', 'Country'],
  ['source', 'Source'],
] as const;
type TextField = (typeof TEXT_FIELDS)[number][0];

/**
 * Edits the standard fields of a lead. Only what changed is sent (`PATCH`, an emptied field is
 * `null`); the server rescores the fit and answers the lead as it now is.
 */
export function ProfileForm({ lead, onDone }: { lead: Lead; onDone: () => void }) {
  const client = useQueryClient();
  const [text, setText] = useState<Record<TextField, string>>(
    () => Object.fromEntries(TEXT_FIELDS.map(([key]) => [key, lead[key] ?? ''])) as Record<TextField, string>,
  );
  const [companySize, setCompanySize] = useState<number | ''>(lead.companySize ?? '');
  const save = useMutation({
    mutationFn: (patch: Record<string, unknown>) => api<Lead>('PATCH', `/leads/${lead.id}`, patch),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ['lead', lead.id] });
      onDone();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const patch: Record<string, unknown> = {};
    for (const [key] of TEXT_FIELDS) {
      const value = text[key].trim();
      if (value !== (lead[key] ?? '')) patch[key] = value === '' ? null : value;
    }
    const size = companySize === '' ? null : companySize;
    if (size !== lead.companySize) patch.companySize = size;
    if (Object.keys(patch).length === 0) onDone();
    else save.mutate(patch);
  };
  return (
    <form onSubmit={submit} aria-label="Edit profile">
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
        {TEXT_FIELDS.map(([key, label]) => (
          <TextInput
            key={key}
            label={label}
            value={text[key]}
            onChange={(e) => {
              const value = e.currentTarget.value;
              setText((t) => ({ ...t, [key]: value }));
            }}
          />
        ))}
        <NumberInput
          label="Company size (employees)"
          min={0}
          allowDecimal={false}
          value={companySize}
          onChange={(v) => setCompanySize(typeof v === 'number' ? v : '')}
        />
      </SimpleGrid>
      {save.isError && <ErrorNotice error={save.error} />}
      <Group mt="md" gap="xs">
        <Button type="submit" loading={save.isPending}>
          Save profile
        </Button>
        <Button variant="default" onClick={onDone}>
          Cancel
        </Button>
      </Group>
    </form>
  );
}
