import { InboundHooksSection } from './InboundHooksSection';

/** Settings → Integrations: where engagement comes in by itself (issue 16). */
export function IntegrationsTab() {
  return <InboundHooksSection />;
}
