import { Tabs } from '@mantine/core';
import { FormsSection } from './FormsSection';
import { InboundHooksSection } from './InboundHooksSection';
import { SiteKeysSection } from './SiteKeysSection';

/** Settings → Integrations: where engagement comes in by itself (issue 16), one kind per tab. */
export function IntegrationsTab() {
  return (
    <Tabs defaultValue="hooks" variant="pills" keepMounted={false}>
      <Tabs.List aria-label="Kinds of integration" mb="md">
        <Tabs.Tab value="hooks">Inbound hooks</Tabs.Tab>
        <Tabs.Tab value="tracker">Website tracker</Tabs.Tab>
        <Tabs.Tab value="forms">Hosted forms</Tabs.Tab>
      </Tabs.List>
      <Tabs.Panel value="hooks">
        <InboundHooksSection />
      </Tabs.Panel>
      <Tabs.Panel value="tracker">
        <SiteKeysSection />
      </Tabs.Panel>
      <Tabs.Panel value="forms">
        <FormsSection />
      </Tabs.Panel>
    </Tabs>
  );
}
