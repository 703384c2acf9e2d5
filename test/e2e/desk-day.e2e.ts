import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fitLeadPayload } from '../support/leads.js';
import { capture, focusWithin, launchChromium, seriousA11yViolations, signInDemoUser } from './browser.js';
import { type RunningServer, startServer } from './server.js';

const REP = 'alex.kim@demo.hearth.example';
const LIVE = 'Dana Live';

interface Task {
  id: string;
  title: string;
  kind: string;
  sla: boolean;
}
interface Queue {
  data: {
    section: string;
    lead: { id: string; name: string | null; status: string; ownerId: string | null };
    sla: { state: string; dueAt: string } | null;
  }[];
}

async function until<T>(read: () => Promise<T | undefined>, what: string, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

// A rep's morning on the demo data set: the demo ends with a few leads that asked for sales in its
// last 40 minutes, their clocks running (docs/demo.md); one more lead of the rep's turns hot now
// (as a website form would make it), and the rep works it from the queue.
describe('a rep’s day at the desk, on demo data, in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  const live = { id: '', contactNow: '', rep: '' };

  beforeAll(async () => {
    // 150 leads keep the load under a minute here and still give the rep hot, lost and won leads
    // with open tasks around the live one.
    [server, browser] = await Promise.all([startServer({ demoLeads: 150 }), launchChromium()]);
    const users = await server.api<{ data: { id: string; email: string }[] }>('GET', '/users');
    const rep = users.data.find((u) => u.email === REP);
    live.rep = rep?.id ?? '';
    const lead = await server.api<{ id: string }>(
      'POST',
      '/leads',
      fitLeadPayload(new Date(), { name: LIVE, ownerId: rep?.id }),
    );
    live.id = lead.id;
    await server.api('POST', '/events', {
      leadId: lead.id,
      type: 'form_submit',
      properties: { form: 'contact-sales' },
    });
    live.contactNow = await until(async () => {
      const tasks = await server.api<{ data: Task[] }>('GET', `/tasks?lead=${lead.id}&state=open`);
      return tasks.data.find((t) => t.sla)?.id;
    }, 'the contact-now task');

    page = await signInDemoUser(browser, server.url, REP, { width: 1280, height: 800 });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('puts the soonest running deadline first, the new hot lead under Now, and no closed lead there', async () => {
    const first = page.locator('[data-queue-card]').first();
    await first.locator('[data-sla="running"]').waitFor();
    const now = page.getByRole('list', { name: 'Now', exact: true });
    await now.locator(`[data-lead-id="${live.id}"] [data-sla="running"]`).waitFor();

    // Over every lead in the installation: the demo's live morning left running clocks of its
    // own, with two reps or more, and no closed lead is under Now.
    const all = await server.api<Queue>('GET', '/queue?limit=500');
    const running = all.data.filter((c) => c.section === 'now' && c.sla?.state === 'running');
    const demoOwners = new Set(running.filter((c) => c.lead.id !== live.id).map((c) => c.lead.ownerId));
    expect(demoOwners.size).toBeGreaterThanOrEqual(2);
    expect(all.data.filter((c) => c.section === 'now' && c.lead.status !== 'open')).toEqual([]);
    // The rep's first card is the running clock that runs out soonest among those the rep sees
    // (their own and unassigned leads); the one started just now is due last of all.
    const soonest = running
      .filter((c) => c.lead.ownerId === live.rep || c.lead.ownerId === null)
      .sort((a, b) => Date.parse(a.sla?.dueAt ?? '') - Date.parse(b.sla?.dueAt ?? ''))[0];
    expect(await first.getAttribute('data-lead-id')).toBe(soonest?.lead.id);

    const cards = now.locator('[data-queue-card]');
    expect(await cards.count()).toBeGreaterThan(0);
    expect(await now.locator('[aria-label^="Status: "]:not([aria-label="Status: open"])').count()).toBe(0);

    await page.screenshot({ path: '/tmp/hearth-queue-1280.png' });
    await capture(page, 'queue');
    expect((await seriousA11yViolations(page)).map((v) => `${v.id}: ${v.nodes[0]?.target}`)).toEqual([]);
  });

  it('completes a card’s first task from the keyboard; the next-step prompt schedules one', async () => {
    // j moves down card by card, from the first: as many presses as the card is far down.
    const ids = await page
      .locator('[data-queue-card]')
      .evaluateAll((cards) => cards.map((c) => c.getAttribute('data-lead-id')));
    for (let i = 0; i <= ids.indexOf(live.id); i++) await page.keyboard.press('j');
    await focusWithin(page, `[data-lead-id="${live.id}"]`);
    await page.keyboard.press('d');
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('radio', { name: 'Interested', exact: true }).check();
    await dialog.getByRole('button', { name: 'Complete task' }).click();

    await dialog.getByText('Schedule the next step?').waitFor();
    const title = dialog.getByLabel('Title');
    expect(await title.inputValue()).toBe('Hold a discovery meeting');
    await page.screenshot({ path: '/tmp/hearth-next-step-1280.png' });
    await capture(page, 'queue-next-step');
    await dialog.getByRole('button', { name: 'Schedule next step' }).click();
    await dialog.waitFor({ state: 'detached' });

    await page.locator(`[data-task-id="${live.contactNow}"]`).waitFor({ state: 'detached' });
    const open = await server.api<{ data: Task[] }>('GET', `/tasks?lead=${live.id}&state=open`);
    expect(open.data.map((t) => [t.kind, t.title])).toEqual([['meeting', 'Hold a discovery meeting']]);
    // Touched, the lead left Now; its new task waits under Later.
    await page
      .getByRole('list', { name: 'Now', exact: true })
      .locator(`[data-lead-id="${live.id}"]`)
      .waitFor({
        state: 'detached',
      });
    await page.getByRole('button', { name: /^Later/ }).click();
    await page.locator(`[data-lead-id="${live.id}"]`).getByText('Hold a discovery meeting').waitFor();
  });
});
