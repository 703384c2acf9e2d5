import { Box, Button, Group, Loader, Stack, Text, Textarea } from '@mantine/core';
import { format } from 'date-fns';
import { type FormEvent, useState } from 'react';
import type { LeadEvent, StatusChange, Transition } from '../../api/types';
import { useSession } from '../../auth/session';
import { ErrorNotice } from '../ErrorNotice';
import { useAddNote, useLeadEvents, useStatusHistory, useTransitions } from './leadQueries';

const PAGE = 50;
const MAX_EVENTS = 500;
const STATUS_WORDS: Record<string, string> = {
  customer: 'Won: now a customer',
  lost: 'Marked lost',
  disqualified: 'Disqualified',
  open: 'Re-opened',
};
const words = (value: string) => value.replaceAll('_', ' ');
const text = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

/** One line of the timeline: an activity, a temperature change or an outcome, at its time. */
interface Entry {
  key: string;
  at: string;
  kind: 'note' | 'activity' | 'temperature' | 'outcome';
  title: string;
  body?: string;
  detail?: string;
}

// The properties a reader looks for first, in this order; the rest follow as "name: value".
const FIRST = ['outcome', 'url', 'form', 'asset', 'subject', 'duration', 'direction'];

function activityEntry(e: LeadEvent, myId: string): Entry {
  const at = e.occurredAt;
  if (e.type === 'note') {
    const authorId = e.properties.authorId;
    const author = authorId === myId ? 'you' : text(e.properties.authorName ?? 'someone');
    return {
      key: `e${e.id}`,
      at,
      kind: 'note',
      title: `Note by ${author}`,
      body: text(e.properties.text ?? ''),
    };
  }
  const entries = Object.entries(e.properties).sort(
    ([a], [b]) => (FIRST.indexOf(a) + 1 || 99) - (FIRST.indexOf(b) + 1 || 99),
  );
  const outcome = e.properties.outcome;
  return {
    key: `e${e.id}`,
    at,
    kind: 'activity',
    title: `${words(e.type).replace(/^./, (c) => c.toUpperCase())}${typeof outcome === 'string' ? `: ${words(outcome)}` : ''}`,
    detail: entries
      .filter(([k]) => k !== 'outcome')
      .map(([k, v]) => `${words(k)}: ${text(v)}`)
      .join(' · '),
  };
}

function transitionEntry(t: Transition): Entry {
  const cause =
    t.cause.kind === 'decay'
      ? `interest decayed below ${t.cause.threshold ?? 'a threshold'}`
      : t.cause.kind === 'qualification'
        ? `${t.cause.criterion ?? 'a criterion'} set by a rep`
        : t.cause.kind === 'event'
          ? 'an activity'
          : words(t.cause.kind);
  return {
    key: `t${t.id}`,
    at: t.at,
    kind: 'temperature',
    title: `${t.from} → ${t.to}`,
    detail: `because of ${cause}${t.suggestLetGo ? '; suggested to let go' : ''}`,
  };
}

function outcomeEntry(c: StatusChange): Entry {
  const value =
    c.value !== null ? `${c.value.toLocaleString('en-GB')}${c.currency ? ` ${c.currency}` : ''}` : null;
  return {
    key: `s${c.id}`,
    at: c.at,
    kind: 'outcome',
    title: STATUS_WORDS[c.to] ?? c.to,
    ...(c.reason || value
      ? { body: [value && `Deal value ${value}`, c.reason].filter(Boolean).join(' — ') }
      : {}),
  };
}

const KIND_LABEL: Record<Entry['kind'], string> = {
  note: 'Note',
  activity: 'Activity',
  temperature: 'Temperature',
  outcome: 'Outcome',
};

function NoteForm({ leadId }: { leadId: string }) {
  const [draft, setDraft] = useState('');
  const add = useAddNote(leadId);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (draft.trim() === '') return;
    add.mutate(draft, { onSuccess: () => setDraft('') });
  };
  return (
    <form onSubmit={submit} aria-label="Write a note">
      <Stack gap="xs">
        <Textarea
          label="Note"
          description="What you learned or agreed; everyone who can see this lead can read it."
          styles={{ description: { color: '#343a40' } }}
          autosize
          minRows={2}
          maxRows={8}
          maxLength={5000}
          value={draft}
          onChange={(e) => setDraft(e.currentTarget.value)}
        />
        <Group>
          <Button type="submit" size="xs" loading={add.isPending} disabled={draft.trim() === ''}>
            Add note
          </Button>
        </Group>
        {add.isError && <ErrorNotice error={add.error} />}
      </Stack>
    </form>
  );
}

/**
 * The lead's history as one timeline, newest first: notes (with who wrote them), activities,
 * temperature changes and outcomes. Changes older than the oldest activity loaded wait for
 * "Show older", so the list never skips a stretch of time.
 */
export function LeadTimeline({ leadId }: { leadId: string }) {
  const { session } = useSession();
  const [limit, setLimit] = useState(PAGE);
  const events = useLeadEvents(leadId, limit);
  const transitions = useTransitions(leadId);
  const statuses = useStatusHistory(leadId);
  const failed = events.error ?? transitions.error ?? statuses.error;
  if (failed) return <ErrorNotice error={failed} />;
  if (!events.data || !transitions.data || !statuses.data)
    return <Loader size="sm" aria-label="Loading activity" />;
  const more = events.data.nextCursor !== null;
  const oldest = more ? events.data.data.at(-1)?.occurredAt : undefined;
  const entries = [
    ...events.data.data.map((e) => activityEntry(e, session.user.id)),
    ...transitions.data.data.map(transitionEntry),
    ...statuses.data.data.map(outcomeEntry),
  ]
    .filter((e) => oldest === undefined || e.at >= oldest)
    .sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
  return (
    <Stack gap="md">
      <NoteForm leadId={leadId} />
      {entries.length === 0 ? (
        <Text size="sm">Nothing has happened yet.</Text>
      ) : (
        <ol className="lead-timeline" aria-label="Timeline">
          {entries.map((e) => (
            <li key={e.key} data-kind={e.kind}>
              <time dateTime={e.at}>{format(new Date(e.at), 'd MMM yyyy, HH:mm')}</time>
              <Box>
                <Text size="sm" fw={600}>
                  <span className="lead-timeline-kind">{KIND_LABEL[e.kind]}</span> {e.title}
                </Text>
                {e.body && (
                  <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                    {e.body}
                  </Text>
                )}
                {e.detail && (
                  <Text size="sm" c="gray.8" style={{ overflowWrap: 'anywhere' }}>
                    {e.detail}
                  </Text>
                )}
              </Box>
            </li>
          ))}
        </ol>
      )}
      {more && limit < MAX_EVENTS && (
        <Group>
          <Button
            size="xs"
            variant="default"
            loading={events.isFetching}
            onClick={() => setLimit((l) => Math.min(MAX_EVENTS, l + PAGE * 2))}
          >
            Show older
          </Button>
        </Group>
      )}
    </Stack>
  );
}
