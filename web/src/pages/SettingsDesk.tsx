import {
  Alert,
  Button,
  Card,
  Group,
  List,
  Loader,
  NativeSelect,
  NumberInput,
  Select,
  Stack,
  Switch,
  TagsInput,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiError, api } from '../api/client';
import {
  ACTION_KINDS,
  type DeskSettings,
  PLAYBOOK_SITUATIONS,
  type PlaybookEntry,
  type PlaybookSituation,
  TASK_KINDS,
  type User,
} from '../api/types';
import { ErrorNotice } from '../components/ErrorNotice';

// Mantine's own error red and dimmed descriptions are below 4.5:1 on white: the hot badge's red
// and the body text's dark grey instead.
const ERROR_STYLES = {
  error: { color: '#991b1b' },
  description: { color: '#343a40' },
  input: { color: '#212529', borderColor: '#991b1b' },
};
const DESCRIPTION_STYLES = { description: { color: '#343a40' } };
const MAX_ACTIONS = 20;

/**
 * The server's problems by field: `fieldError('speedToLead.slaMinutes')` gives an input its
 * message (Mantine sets `aria-invalid` and `aria-describedby`); every problem is also listed.
 */
function useProblems(error: unknown) {
  const problems = error instanceof ApiError ? error.problems : [];
  const byPath = new Map(problems.map((p) => [p.path.replace(/^body\.?/, ''), p.message]));
  return {
    problems,
    fieldError: (path: string) => {
      const message = byPath.get(path);
      return message === undefined
        ? { styles: DESCRIPTION_STYLES }
        : { error: message, styles: ERROR_STYLES };
    },
  };
}

function Problems({ error, label }: { error: unknown; label: string }) {
  if (!error) return null;
  if (!(error instanceof ApiError) || error.problems.length === 0) return <ErrorNotice error={error} />;
  return (
    <Alert color="red" title="Not saved: fix the fields named here" role="alert">
      <List size="sm" aria-label={label} className="problems">
        {error.problems.map((p) => (
          <List.Item key={p.path}>
            <code>{p.path.replace(/^body\.?/, '')}</code> {p.message}
          </List.Item>
        ))}
      </List>
    </Alert>
  );
}

function useSaveDesk(onSaved: (saved: DeskSettings) => void) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (patch: Partial<DeskSettings>) => api<DeskSettings>('PUT', '/settings/desk', patch),
    onSuccess: (saved) => {
      client.setQueryData(['settings', 'desk'], saved);
      onSaved(saved);
    },
  });
}

function DeskForm({ settings, users }: { settings: DeskSettings; users: User[] }) {
  const [draft, setDraft] = useState(settings);
  const save = useSaveDesk(setDraft);
  const { fieldError } = useProblems(save.error);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate({
      speedToLead: draft.speedToLead,
      escalation: draft.escalation,
      routing: {
        mode: draft.routing.mode,
        fixedOwnerId: draft.routing.fixedOwnerId,
        keepExistingOwner: draft.routing.keepExistingOwner,
      },
      lostFollowUp: draft.lostFollowUp,
      outcomes: draft.outcomes,
    });
  };
  const patch = <K extends keyof DeskSettings>(key: K, value: Partial<DeskSettings[K]>) =>
    setDraft((d) => ({ ...d, [key]: { ...d[key], ...value } }));
  return (
    <form onSubmit={submit} aria-label="Desk settings" noValidate>
      <Stack maw={560}>
        <Card withBorder component="fieldset">
          <Title order={3} size="h5" component="legend">
            Speed to lead
          </Title>
          <Stack gap="sm">
            <Switch
              label="Start an SLA timer and a task when a lead turns hot"
              checked={draft.speedToLead.enabled}
              onChange={(e) => patch('speedToLead', { enabled: e.currentTarget.checked })}
            />
            <NumberInput
              label="Time to first touch (minutes)"
              description="From the moment a lead turns hot; 1 to 10,080 (a week)."
              clampBehavior="none"
              allowDecimal={false}
              value={draft.speedToLead.slaMinutes}
              onChange={(v) => patch('speedToLead', { slaMinutes: v === '' ? 0 : Number(v) })}
              {...fieldError('speedToLead.slaMinutes')}
            />
            <NumberInput
              label="Live window (minutes)"
              description="A lead that turned hot longer ago than this when Hearth learns of it (an import, a late webhook) gets no task or timer; 1 to 10,080."
              clampBehavior="none"
              allowDecimal={false}
              value={draft.speedToLead.liveWindowMinutes}
              onChange={(v) => patch('speedToLead', { liveWindowMinutes: v === '' ? 0 : Number(v) })}
              {...fieldError('speedToLead.liveWindowMinutes')}
            />
            <TextInput
              label="Task title"
              value={draft.speedToLead.taskTitle}
              onChange={(e) => patch('speedToLead', { taskTitle: e.currentTarget.value })}
              {...fieldError('speedToLead.taskTitle')}
            />
            <NativeSelect
              label="Task kind"
              data={[...TASK_KINDS]}
              value={draft.speedToLead.taskKind}
              onChange={(e) => patch('speedToLead', { taskKind: e.currentTarget.value })}
              {...fieldError('speedToLead.taskKind')}
            />
            <TagsInput
              label="Events that count as the first touch"
              description="Event types, besides completing the task. Enter after each."
              value={draft.speedToLead.touchEvents}
              onChange={(touchEvents) => patch('speedToLead', { touchEvents })}
              {...fieldError('speedToLead.touchEvents')}
            />
          </Stack>
        </Card>
        <Card withBorder component="fieldset">
          <Title order={3} size="h5" component="legend">
            When the SLA is breached
          </Title>
          <Stack gap="sm">
            <Switch
              label="Notify managers"
              checked={draft.escalation.notifyManagers}
              onChange={(e) => patch('escalation', { notifyManagers: e.currentTarget.checked })}
            />
            <Switch
              label="Reassign the lead"
              checked={draft.escalation.reassign}
              onChange={(e) => patch('escalation', { reassign: e.currentTarget.checked })}
            />
          </Stack>
        </Card>
        <Card withBorder component="fieldset">
          <Title order={3} size="h5" component="legend">
            Routing
          </Title>
          <Stack gap="sm">
            <Select
              label="Assign new hot leads"
              data={[
                { value: 'round_robin', label: 'Round robin among reps' },
                { value: 'fixed', label: 'To one fixed owner' },
                { value: 'none', label: 'Do not assign' },
              ]}
              value={draft.routing.mode}
              onChange={(v) => v && patch('routing', { mode: v as DeskSettings['routing']['mode'] })}
              allowDeselect={false}
              {...fieldError('routing.mode')}
            />
            {draft.routing.mode === 'fixed' && (
              <NativeSelect
                label="Fixed owner"
                data={[
                  { value: '', label: 'Choose a person' },
                  ...users
                    .filter((u) => u.active)
                    .map((u) => ({ value: u.id, label: `${u.name} (${u.role})` })),
                ]}
                value={draft.routing.fixedOwnerId ?? ''}
                onChange={(e) => patch('routing', { fixedOwnerId: e.currentTarget.value || null })}
                {...fieldError('routing.fixedOwnerId')}
              />
            )}
            <Switch
              label="Keep an existing owner"
              checked={draft.routing.keepExistingOwner}
              onChange={(e) => patch('routing', { keepExistingOwner: e.currentTarget.checked })}
            />
          </Stack>
        </Card>
        <Card withBorder component="fieldset">
          <Title order={3} size="h5" component="legend">
            Follow-up of leads lost after being hot
          </Title>
          <Stack gap="sm">
            <Switch
              label="Create a follow-up task"
              checked={draft.lostFollowUp.enabled}
              onChange={(e) => patch('lostFollowUp', { enabled: e.currentTarget.checked })}
            />
            <NumberInput
              label="After (days)"
              clampBehavior="none"
              allowDecimal={false}
              value={draft.lostFollowUp.delayDays}
              onChange={(v) => patch('lostFollowUp', { delayDays: v === '' ? -1 : Number(v) })}
              {...fieldError('lostFollowUp.delayDays')}
            />
            <TextInput
              label="Follow-up task title"
              value={draft.lostFollowUp.taskTitle}
              onChange={(e) => patch('lostFollowUp', { taskTitle: e.currentTarget.value })}
              {...fieldError('lostFollowUp.taskTitle')}
            />
          </Stack>
        </Card>
        <Card withBorder component="fieldset">
          <Title order={3} size="h5" component="legend">
            Outcomes
          </Title>
          <Stack gap="sm">
            <TagsInput
              label="Lost reasons"
              description="What a rep picks from when a lead is lost; the dialog adds “Other” with free text. Press Enter after each."
              value={draft.outcomes.lostReasons}
              onChange={(lostReasons) => patch('outcomes', { lostReasons })}
              {...fieldError('outcomes.lostReasons')}
            />
            <Switch
              label="Require a reason to mark a lead lost"
              checked={draft.outcomes.requireLostReason}
              onChange={(e) => patch('outcomes', { requireLostReason: e.currentTarget.checked })}
            />
            <TextInput
              label="Default currency of won deals"
              description="ISO 4217 code, e.g. EUR or USD."
              maxLength={3}
              value={draft.outcomes.defaultCurrency}
              onChange={(e) => patch('outcomes', { defaultCurrency: e.currentTarget.value.toUpperCase() })}
              {...fieldError('outcomes.defaultCurrency')}
            />
          </Stack>
        </Card>
        <Problems error={save.error} label="Problems in the desk settings" />
        {save.isSuccess && (
          <Alert color="green" role="status">
            Saved.
          </Alert>
        )}
        <Group>
          <Button type="submit" loading={save.isPending}>
            Save desk settings
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

const situationLabel = (s: PlaybookSituation) => s.replaceAll('_', ' ');

function PlaybookForm({ settings }: { settings: DeskSettings }) {
  const [playbook, setPlaybook] = useState(settings.playbook);
  const [situation, setSituation] = useState<PlaybookSituation>('hot');
  const save = useSaveDesk((saved) => setPlaybook(saved.playbook));
  const { fieldError } = useProblems(save.error);
  const entries = playbook[situation];
  const setEntries = (next: PlaybookEntry[]) => setPlaybook((p) => ({ ...p, [situation]: next }));
  const change = (index: number, value: Partial<PlaybookEntry>) =>
    setEntries(entries.map((e, i) => (i === index ? { ...e, ...value } : e)));
  const move = (index: number) => {
    const next = [...entries];
    [next[index - 1], next[index]] = [next[index] as PlaybookEntry, next[index - 1] as PlaybookEntry];
    setEntries(next);
  };
  return (
    <form
      aria-label="Playbook"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate({ playbook });
      }}
    >
      <Stack maw={640}>
        <Text size="sm">
          The next best actions shown on a lead's page for each situation, in order. Marketing kinds are never
          shown for leads who opted out, sales kinds never for disqualified ones (docs/playbook.md).
        </Text>
        <NativeSelect
          label="Situation"
          data={PLAYBOOK_SITUATIONS.map((s) => ({
            value: s,
            label: `${situationLabel(s)} (${playbook[s].length})`,
          }))}
          value={situation}
          onChange={(e) => setSituation(e.currentTarget.value as PlaybookSituation)}
          w={240}
        />
        {entries.length === 0 && (
          <Text size="sm">No actions: nothing is suggested for {situationLabel(situation)} leads.</Text>
        )}
        {entries.map((entry, i) => {
          const path = `playbook.${situation}[${i}]`;
          const name = `${situationLabel(situation)} action ${i + 1}`;
          return (
            // Entries have no id of their own; their position is what the form edits.
            // biome-ignore lint/suspicious/noArrayIndexKey: the index is the entry's identity here
            <Card withBorder component="fieldset" key={i}>
              <Title order={3} size="h5" component="legend">
                {name}
              </Title>
              <Stack gap="xs">
                <NativeSelect
                  label="Kind"
                  data={[...ACTION_KINDS]}
                  value={entry.kind}
                  onChange={(e) => change(i, { kind: e.currentTarget.value as PlaybookEntry['kind'] })}
                  {...fieldError(`${path}.kind`)}
                />
                <TextInput
                  label="Title"
                  value={entry.title}
                  onChange={(e) => change(i, { title: e.currentTarget.value })}
                  {...fieldError(`${path}.title`)}
                />
                <Textarea
                  label="Description"
                  autosize
                  minRows={2}
                  value={entry.description}
                  onChange={(e) => change(i, { description: e.currentTarget.value })}
                  {...fieldError(`${path}.description`)}
                />
                <Group gap="xs">
                  <Button
                    size="xs"
                    variant="default"
                    disabled={i === 0}
                    onClick={() => move(i)}
                    aria-label={`Move up, ${name}`}
                  >
                    Move up
                  </Button>
                  <Button
                    size="xs"
                    variant="default"
                    onClick={() => setEntries(entries.filter((_, j) => j !== i))}
                    aria-label={`Remove, ${name}`}
                  >
                    Remove
                  </Button>
                </Group>
              </Stack>
            </Card>
          );
        })}
        <Group>
          <Button
            variant="default"
            disabled={entries.length >= MAX_ACTIONS}
            onClick={() => setEntries([...entries, { kind: 'contact', title: '', description: '' }])}
          >
            Add an action
          </Button>
        </Group>
        <Problems error={save.error} label="Problems in the playbook" />
        {save.isSuccess && (
          <Alert color="green" role="status">
            Saved.
          </Alert>
        )}
        <Group>
          <Button type="submit" loading={save.isPending}>
            Save playbook
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function useDeskSettings() {
  return useQuery({
    queryKey: ['settings', 'desk'],
    queryFn: () => api<DeskSettings>('GET', '/settings/desk'),
  });
}

export function DeskTab() {
  const settings = useDeskSettings();
  const users = useQuery({ queryKey: ['users'], queryFn: () => api<{ data: User[] }>('GET', '/users') });
  if (settings.isPending || users.isPending) return <Loader aria-label="Loading desk settings" />;
  if (settings.isError) return <ErrorNotice error={settings.error} />;
  if (users.isError) return <ErrorNotice error={users.error} />;
  return <DeskForm settings={settings.data} users={users.data.data} />;
}

export function PlaybookTab() {
  const settings = useDeskSettings();
  if (settings.isPending) return <Loader aria-label="Loading the playbook" />;
  if (settings.isError) return <ErrorNotice error={settings.error} />;
  return <PlaybookForm settings={settings.data} />;
}
