import { type InboundHook, useHookDeliveries } from '../../api/inbound-hooks';
import { OutcomeLog } from './OutcomeLog';

/** A hook's delivery log: when, what became of each delivery and why, the lead, the events. */
export function HookDeliveries({ hook }: { hook: InboundHook }) {
  return (
    <OutcomeLog
      label={`Deliveries to ${hook.name}`}
      log={useHookDeliveries(hook.id)}
      empty={`No deliveries yet. Paste the URL above into ${hook.provider === 'generic' ? 'the sending tool' : 'the provider'}, then make a test call or event and refresh.`}
      detail={{ header: 'Events', cell: (d) => d.eventIds.length }}
    />
  );
}
