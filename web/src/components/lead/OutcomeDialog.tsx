import { Button, Group, Modal, NativeSelect, NumberInput, Radio, Stack, Text, Textarea } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import type { LeadStatus, OutcomeSettings } from '../../api/types';
import { ErrorNotice } from '../ErrorNotice';
import { type OutcomeRequest, useOutcomeSettings, useRecordOutcome } from './leadQueries';

const OTHER = 'Other';
// The currencies most teams bill in; the configured default is added when it is not one of them.
const CURRENCIES = ['EUR', 'USD', 'GBP', 'CHF', 'SEK', 'NOK', 'DKK', 'PLN', 'CAD', 'AUD', 'JPY'];
const VERB: Record<LeadStatus, string> = {
  customer: 'Mark as won',
  lost: 'Mark as lost',
  disqualified: 'Disqualify',
  open: 'Re-open',
};
const DESCRIPTION_STYLES = { description: { color: '#343a40' } };
/** The server's limit on an outcome's reason (POST /leads/{id}/outcome). */
const REASON_MAX = 1000;

interface Draft {
  reason: string;
  details: string;
  value: number | string;
  currency: string;
}

/** The lost reason picked from the desk's list, which the rep's words follow; null when there is none. */
function pickedReason(status: LeadStatus, draft: Draft): string | null {
  return status === 'lost' && draft.reason !== '' && draft.reason !== OTHER ? draft.reason : null;
}

/** How long the rep's words may be so the whole reason stays within the server's limit. */
function detailsMax(status: LeadStatus, draft: Draft): number {
  const picked = pickedReason(status, draft);
  return picked === null ? REASON_MAX : REASON_MAX - picked.length - ': '.length;
}

/** The request a filled-in dialog sends: a lost reason is the choice, then ": " and the rep's words. */
function requestOf(status: LeadStatus, draft: Draft): OutcomeRequest {
  const details = draft.details.trim();
  const picked = pickedReason(status, draft);
  const reason = picked === null ? details : details ? `${picked}: ${details}` : picked;
  const value = typeof draft.value === 'number' ? draft.value : undefined;
  return {
    status,
    ...(reason ? { reason } : {}),
    ...(status === 'customer' && value !== undefined ? { value, currency: draft.currency } : {}),
  };
}

/** Why the dialog cannot go on yet, in words; null when it can. */
function missing(status: LeadStatus, draft: Draft, settings: OutcomeSettings): string | null {
  // Typed under a short reason, then a longer one picked: the words no longer fit.
  const over = draft.details.trim().length - detailsMax(status, draft);
  if (over > 0) return `Shorten the details by ${over} ${over === 1 ? 'character' : 'characters'}.`;
  if (status !== 'lost') return null;
  if (draft.reason === OTHER && draft.details.trim() === '') return 'Say what the other reason is.';
  if (settings.requireLostReason && draft.reason === '') return 'Choose why the lead was lost.';
  return null;
}

function summaryOf(request: OutcomeRequest, label: string): string {
  const value =
    request.value !== undefined
      ? ` for ${request.value.toLocaleString('en-GB')} ${request.currency ?? ''}`.trimEnd()
      : '';
  const reason = request.reason ? ` Reason: ${request.reason}.` : '';
  switch (request.status) {
    case 'customer':
      return `${label} becomes a customer${value}.${reason} A running speed-to-lead clock stops and open sales tasks close.`;
    case 'lost':
      return `${label} is marked lost.${reason} A running speed-to-lead clock stops and open sales tasks close.`;
    case 'disqualified':
      return `${label} is disqualified: not a fit.${reason} A running speed-to-lead clock stops and open sales tasks close.`;
    case 'open':
      return `${label} is open again.${reason}`;
  }
}

/**
 * Records an outcome in two steps: the details (a lost reason from the desk's pick list or in
 * the rep's words, a won deal's value and currency), then a confirmation that says what will
 * happen. Nothing is recorded until the rep confirms.
 */
export function OutcomeDialog({
  leadId,
  label,
  status,
  onClose,
}: {
  leadId: string;
  label: string;
  /** The outcome being recorded; null while the dialog is closed. */
  status: LeadStatus | null;
  onClose: () => void;
}) {
  const settings = useOutcomeSettings();
  const record = useRecordOutcome(leadId);
  const [draft, setDraft] = useState<Draft>({ reason: '', details: '', value: '', currency: '' });
  const [confirming, setConfirming] = useState(false);
  const close = () => {
    setDraft({ reason: '', details: '', value: '', currency: '' });
    setConfirming(false);
    record.reset();
    onClose();
  };
  const currency = draft.currency || settings.data?.defaultCurrency || 'EUR';
  const filled = { ...draft, currency };
  const problem = status && settings.data ? missing(status, filled, settings.data) : null;
  const maxDetails = status ? detailsMax(status, filled) : REASON_MAX;
  const left = maxDetails - draft.details.length;
  const next = (event: FormEvent) => {
    event.preventDefault();
    if (problem === null) setConfirming(true);
  };
  return (
    <Modal
      closeButtonProps={{ 'aria-label': 'Close' }}
      opened={status !== null}
      onClose={close}
      title={status ? `${VERB[status]}: ${label}` : ''}
      size="lg"
    >
      {status === null ? null : settings.isPending ? (
        <Text size="sm">Loading…</Text>
      ) : settings.isError ? (
        <ErrorNotice error={settings.error} />
      ) : confirming ? (
        <Stack>
          <Text>{summaryOf(requestOf(status, filled), label)}</Text>
          {record.isError && <ErrorNotice error={record.error} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)}>
              Back
            </Button>
            <Button
              color="ember.8"
              loading={record.isPending}
              onClick={() => record.mutate(requestOf(status, filled), { onSuccess: close })}
            >
              Confirm: {VERB[status].toLowerCase()}
            </Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={next} aria-label={`${VERB[status]}: details`} noValidate>
          <Stack>
            {status === 'lost' && (
              <Radio.Group
                label="Why was it lost?"
                description={
                  settings.data.requireLostReason ? 'Required.' : 'Optional, but it helps the team learn.'
                }
                styles={DESCRIPTION_STYLES}
                value={draft.reason}
                onChange={(reason) => setDraft((d) => ({ ...d, reason }))}
              >
                <Stack gap={6} mt="xs">
                  {[...settings.data.lostReasons, OTHER].map((r) => (
                    <Radio key={r} value={r} label={r} />
                  ))}
                </Stack>
              </Radio.Group>
            )}
            {status === 'customer' && (
              <Group align="flex-end" grow>
                <NumberInput
                  label="Deal value"
                  description="Optional; feeds revenue by source and owner."
                  styles={DESCRIPTION_STYLES}
                  min={0}
                  thousandSeparator=","
                  value={draft.value}
                  onChange={(value) => setDraft((d) => ({ ...d, value }))}
                />
                <NativeSelect
                  label="Currency"
                  data={CURRENCIES.includes(currency) ? CURRENCIES : [currency, ...CURRENCIES]}
                  value={currency}
                  onChange={(e) => {
                    const chosen = e.currentTarget.value;
                    setDraft((d) => ({ ...d, currency: chosen }));
                  }}
                />
              </Group>
            )}
            <Textarea
              label={
                status === 'lost'
                  ? draft.reason === OTHER
                    ? 'The reason'
                    : 'Details (optional)'
                  : status === 'customer'
                    ? 'What won it (optional)'
                    : 'Why (optional)'
              }
              description={left >= 0 ? `${left} ${left === 1 ? 'character' : 'characters'} left` : undefined}
              styles={DESCRIPTION_STYLES}
              autosize
              minRows={2}
              maxLength={maxDetails}
              value={draft.details}
              onChange={(e) => {
                // The event's target is gone by the time an updater runs: read it now.
                const details = e.currentTarget.value;
                setDraft((d) => ({ ...d, details }));
              }}
            />
            {problem && (
              <Text size="sm" c="#991b1b" role="status">
                {problem}
              </Text>
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" disabled={problem !== null}>
                Continue
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
