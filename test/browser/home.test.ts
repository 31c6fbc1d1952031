// The pages around a meeting, through the UI: signing in when a password manager filled the form, what the
// keyboard focus does on arrival and on signing out, the sign-in page for someone already signed in,
// signing out in one tab of several, and an address that is no page.
import { describe, expect, it } from 'vitest';
import { registerAccount, signIn, startMeetingAsGuest, useStackAndBrowser } from './helpers.js';

const focused = (page: import('playwright-core').Page) =>
  page.evaluate(() => document.activeElement?.getAttribute('name') ?? document.activeElement?.textContent?.trim());

describe('home and sign-in', () => {
  const suite = useStackAndBrowser();

  it('signs in with fields a password manager filled without typing, focus starting in Email, and stays on this site', async () => {
    const account = await registerAccount(suite.stack, 'Hana');
    const { context, page } = await suite.participant();
    // A crafted "next" that a browser reads as another site ('/<tab>/evil.example' is '//evil.example').
    await page.goto('/signin?next=%2F%09%2Fevil.example');
    await page.getByLabel('Email').waitFor();
    expect(await focused(page)).toBe('email');
    // Values set directly, as some password managers do: no input event.
    await page.evaluate(({ email, password }) => {
      (document.querySelector('input[name=email]') as HTMLInputElement).value = email;
      (document.querySelector('input[name=password]') as HTMLInputElement).value = password;
    }, account);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('button', { name: 'Sign out', exact: true }).waitFor();
    await page.waitForURL((url) => url.origin === new URL(suite.stack.url).origin && url.pathname === '/');
    // The form is gone from the history: one Back leaves, as from any page opened directly.
    await page.goBack();
    expect(page.url()).toBe('about:blank');
    await context.close();
  });

  it('stays on the site when the sign-in page was reached with Back', async () => {
    const account = await registerAccount(suite.stack, 'Noa');
    const { context, page } = await suite.participant();
    await page.goto('/signin');
    await page.getByRole('link', { name: 'Meshmeet' }).click();
    await page.waitForURL((url) => url.pathname === '/');
    await page.goBack();
    await page.getByLabel('Email').fill(account.email);
    await page.getByLabel('Password').fill(account.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('button', { name: 'Sign out', exact: true }).waitFor();
    await page.waitForURL((url) => url.origin === new URL(suite.stack.url).origin && url.pathname === '/');
    await context.close();
  });

  it('sends someone already signed in on from the sign-in page, and gives the focus to "Sign in" on signing out', async () => {
    const account = await registerAccount(suite.stack, 'Ivo');
    const { context, page } = await suite.participant();
    await signIn(page, account);
    await page.goto('/signin');
    await page.waitForURL((url) => url.pathname === '/');
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByRole('link', { name: 'Sign in', exact: true }).waitFor();
    expect(await focused(page)).toBe('Sign in');
    await context.close();
  });

  it('signs out every tab when one signs out; a tab in a meeting stays in it, and follows once it leaves', async () => {
    const account = await registerAccount(suite.stack, 'Jun');
    const { context, page: home } = await suite.participant();
    await signIn(home, account);
    const [other, meeting] = [await context.newPage(), await context.newPage()];
    await other.goto('/');
    await meeting.goto('/');
    await meeting.getByRole('button', { name: 'New meeting', exact: true }).click();
    await meeting.getByRole('button', { name: 'Join now', exact: true }).click();
    await meeting.getByRole('button', { name: 'Leave', exact: true }).waitFor();

    await other.getByRole('button', { name: 'Sign out', exact: true }).click();
    // The home tab follows at once: no history, no account, on a shared computer.
    await home.getByRole('link', { name: 'Sign in', exact: true }).waitFor();
    expect(await home.getByRole('heading', { name: 'Your meetings' }).count()).toBe(0);
    // The meeting goes on with the sign-in it joined with, and lets go of it on leaving.
    await meeting.getByRole('button', { name: 'Leave', exact: true }).click();
    await meeting.getByRole('link', { name: 'Return to home screen' }).click();
    await meeting.getByRole('link', { name: 'Sign in', exact: true }).waitFor();
    await context.close();
  });

  it('takes an invite link pasted without its https://', async () => {
    const { context, page } = await suite.participant();
    await page.goto('/');
    await page.getByLabel('Meeting code').fill(`${new URL(suite.stack.url).host}/m/ZZZ-ZZZZ-ZZZ?hl=en`);
    await page.getByRole('button', { name: 'Join', exact: true }).click();
    await page.waitForURL('**/m/zzz-zzzz-zzz');
    await context.close();
  });

  it('fits a 320 px wide phone, signed in, with no sideways scrolling', async () => {
    const account = await registerAccount(suite.stack, 'Kim');
    const { context, page } = await suite.participant({ width: 320, height: 640 });
    await signIn(page, account);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(320);
    await context.close();
  });

  it('lets someone who followed a meeting link sign in from the pre-join screen and come back to it', async () => {
    const account = await registerAccount(suite.stack, 'Lea');
    const host = await suite.participant();
    const code = await startMeetingAsGuest(host.page, 'Host');
    const { context, page } = await suite.participant();
    await page.goto(`/m/${code}`);
    await page.getByRole('link', { name: 'Sign in', exact: true }).click();
    await page.getByLabel('Email').fill(account.email);
    await page.getByLabel('Password').fill(account.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(`**/m/${code}`);
    await page.getByText('Joining as Lea').waitFor();
    // Back from the meeting goes where it would have gone before signing in, not to the sign-in form.
    await page.goBack();
    expect(page.url()).toBe('about:blank');
    await Promise.all([context.close(), host.context.close()]);
  });

  it('answers an address that is no page with a way home', async () => {
    const { context, page } = await suite.participant();
    await page.goto('/no/such/page');
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    await page.getByRole('link', { name: 'Return to home screen' }).click();
    await page.getByRole('button', { name: 'New meeting', exact: true }).waitFor();
    await context.close();
  });
});
