import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capture, LAPTOP, launchChromium, seriousA11yViolations } from './browser.js';
import { type RunningServer, startServer } from './server.js';

const OWNER_PASSWORD = 'the owner of this hearth';
const REP_PASSWORD = 'first password for rita';

// A new installation, as a newcomer meets it: no user, a setup link on the console. The story
// continues from test to test: the owner is created once, then adds and manages a rep.
describe('a new installation in Chromium: the owner account, then Settings → Users', () => {
  let server: RunningServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let owner: Page;

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: LAPTOP });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    return page;
  }

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launchChromium()]);
    owner = await newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('links the sign-in page of a new installation to the setup page', async () => {
    await owner.goto(`${server.url}/`);
    await owner.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(new URL(owner.url()).pathname).toBe('/sign-in');
    await owner.getByRole('link', { name: 'Create the owner account' }).click();
    // Without the console's link the token must be typed: the field says where it comes from.
    await owner.getByLabel('Setup token').waitFor();
  });

  it('creates the owner account from the printed link and signs the owner in', async () => {
    await owner.goto(server.setupUrl);
    await owner.getByRole('heading', { name: 'Hearth' }).waitFor();
    await owner.getByRole('heading', { name: 'Create the owner account' }).waitFor();
    // The link carries the token: nothing to copy by hand.
    expect(await owner.getByLabel('Setup token').count()).toBe(0);
    await capture(owner, 'setup');
    expect(await seriousA11yViolations(owner)).toEqual([]);

    await owner.getByLabel('Your name').fill('Olive Owner');
    await owner.getByLabel('Email').fill('owner@example.com');
    await owner.getByLabel('Password').first().fill('short');
    await owner.getByRole('button', { name: 'Create the owner account' }).click();
    await owner.getByText('must have 8 to 1024 characters').waitFor();

    await owner.getByLabel('Password').first().fill(OWNER_PASSWORD);
    await owner.getByRole('button', { name: 'Create the owner account' }).click();
    await owner.getByRole('heading', { name: 'Hot queue' }).waitFor();
    expect(new URL(owner.url()).pathname).toBe('/');
  });

  it('never works again: the link shows "set up already", sign-in no longer links to it, the API refuses', async () => {
    const stranger = await newPage();
    await stranger.goto(server.setupUrl);
    await stranger.getByText('has its owner account already').waitFor();
    expect(await stranger.getByLabel('Password').count()).toBe(0);
    await stranger.getByRole('link', { name: 'Sign in' }).click();
    await stranger.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await stranger.getByText('Create the owner account').count()).toBe(0);

    const token = new URL(server.setupUrl).searchParams.get('token');
    const again = await fetch(`${server.url}/api/v1/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, email: 'second@example.com', name: 'Second', password: OWNER_PASSWORD }),
    });
    expect(again.status).toBe(409);
    const users = await server.api<{ data: { email: string; role: string }[] }>('GET', '/users');
    expect(users.data).toEqual([expect.objectContaining({ email: 'owner@example.com', role: 'admin' })]);
  });

  it('lets the owner add a rep, change their role, reset their password and deactivate them', async () => {
    await owner.getByRole('link', { name: 'Settings' }).click();
    await owner.getByRole('heading', { name: 'Settings' }).waitFor();
    await owner.getByRole('table', { name: 'Users' }).getByText('owner@example.com').waitFor();

    const form = owner.getByRole('group', { name: 'Add a user' });
    await form.getByLabel('Name').fill('Rita Rep');
    await form.getByLabel('Email').fill('rita@example.com');
    await form.getByLabel('First password').first().fill(REP_PASSWORD);
    await form.getByRole('button', { name: 'Add user' }).click();
    await owner.getByText('Rita Rep can now sign in as rita@example.com').waitFor();
    const table = owner.getByRole('table', { name: 'Users' });
    const rita = table.getByRole('row').filter({ hasText: 'rita@example.com' });
    await rita.waitFor();
    await expect(rita.getByLabel('Role of Rita Rep').inputValue()).resolves.toBe('Rep');
    await capture(owner, 'settings-users');
    expect(await seriousA11yViolations(owner)).toEqual([]);

    // The rep signs in with the first password the owner chose.
    const repPage = await newPage();
    await repPage.goto(`${server.url}/sign-in`);
    await repPage.getByLabel('Email').fill('rita@example.com');
    await repPage.getByLabel('Password').first().fill(REP_PASSWORD);
    await repPage.getByRole('button', { name: 'Sign in' }).click();
    await repPage.getByRole('heading', { name: 'Hot queue' }).waitFor();

    await rita.getByLabel('Role of Rita Rep').click();
    await owner.getByRole('option', { name: 'Manager' }).click();
    await expect
      .poll(async () => (await server.api<{ data: { email: string; role: string }[] }>('GET', '/users')).data)
      .toContainEqual(expect.objectContaining({ email: 'rita@example.com', role: 'manager' }));

    // The owner is the only admin: stepping down is refused with the reason.
    const self = table.getByRole('row').filter({ hasText: 'owner@example.com' });
    await self.getByLabel('Role of Olive Owner').click();
    await owner.getByRole('option', { name: 'Rep' }).click();
    await owner.getByText('Olive Owner is the last active admin').waitFor();
    expect(await self.getByRole('button', { name: 'Deactivate' }).count()).toBe(0);

    await rita.getByRole('button', { name: 'Reset password' }).click();
    const dialog = owner.getByRole('dialog', { name: 'New password for Rita Rep' });
    await dialog.getByLabel('New password').first().fill('a brand new password');
    await dialog.getByRole('button', { name: 'Set password' }).click();
    await owner.getByText('Rita Rep has a new password and was signed out everywhere.').waitFor();
    // Signed out on her device: the next request finds no session and shows the sign-in page.
    await repPage.reload();
    await repPage.getByRole('button', { name: 'Sign in' }).waitFor();

    await rita.getByRole('button', { name: 'Deactivate' }).click();
    await rita.getByRole('button', { name: 'Yes, deactivate' }).click();
    await rita.getByText('inactive').waitFor();
    await rita.getByRole('button', { name: 'Re-activate' }).waitFor();
    await repPage.getByLabel('Email').fill('rita@example.com');
    await repPage.getByLabel('Password').first().fill('a brand new password');
    await repPage.getByRole('button', { name: 'Sign in' }).click();
    await repPage.getByText('the account is inactive').waitFor();
  });

  it('signs the owner out cleanly after a reset of their own password, and out of settings when stepping down', async () => {
    const table = owner.getByRole('table', { name: 'Users' });
    const self = table.getByRole('row').filter({ hasText: 'owner@example.com' });
    await self.getByRole('button', { name: 'Reset password' }).click();
    const dialog = owner.getByRole('dialog', { name: 'A new password for you' });
    await dialog.getByText('Every session of yours ends, this one too.').waitFor();
    await dialog.getByLabel('New password').first().fill('the owner has a new one');
    await dialog.getByRole('button', { name: 'Set password and sign out' }).click();
    await owner.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(new URL(owner.url()).pathname).toBe('/sign-in');

    await owner.getByLabel('Email').fill('owner@example.com');
    await owner.getByLabel('Password').first().fill('the owner has a new one');
    await owner.getByRole('button', { name: 'Sign in' }).click();
    await owner.getByRole('link', { name: 'Settings' }).click();
    const rita = table.getByRole('row').filter({ hasText: 'rita@example.com' });
    await rita.getByRole('button', { name: 'Re-activate' }).click();
    await rita.getByText('active', { exact: true }).waitFor();
    await rita.getByLabel('Role of Rita Rep').click();
    await owner.getByRole('option', { name: 'Admin' }).click();
    await expect.poll(() => rita.getByLabel('Role of Rita Rep').inputValue()).toBe('Admin');

    // With another admin the owner may step down: the app follows at once, no reload.
    await self.getByLabel('Role of Olive Owner').click();
    await owner.getByRole('option', { name: 'Manager' }).click();
    await owner.getByRole('heading', { name: 'Hot queue' }).waitFor();
    await expect.poll(() => owner.getByRole('link', { name: 'Settings' }).count()).toBe(0);
    await owner.getByRole('link', { name: 'Dashboard' }).waitFor();
  });
});
