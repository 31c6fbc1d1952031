// Sign-ins and the browser's clock. A computer whose clock is set wrong (a day fast, here) still keeps its
// account: token lifetimes are measured on the browser's own clock from when each token arrived, not against
// the server's timestamps. A tab left open past a token's 12 hours stays signed in; one whose computer slept
// through them says the sign-in expired, rather than quietly making its user a guest.
import { describe, expect, it } from 'vitest';
import { joinFromPreJoin, registerAccount, signIn, useStackAndBrowser, type Participant } from './helpers.js';

const claims = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());

/** "New meeting" from the home page, then "Join now": the claims of the token the meeting's socket presented. */
async function startMeeting(p: Participant): Promise<{ guest: boolean; name: string }> {
  await p.page.getByRole('button', { name: 'New meeting', exact: true }).click();
  await p.page.waitForURL(/\/m\/[a-z]{3}-[a-z]{4}-[a-z]{3}$/);
  await joinFromPreJoin(p.page);
  return claims(await p.page.evaluate(() => new URL((window as any).__test.sockets.at(-1).url).searchParams.get('token')!));
}

describe('sign-ins and the clock', () => {
  const suite = useStackAndBrowser();

  // Tokens last 12 h here. Read on a clock 26 h fast, every token would look expired on arrival: the
  // account would be dropped at the next page load, and a meeting would be joined as a guest.
  it('a computer whose clock is a day ahead keeps its account signed in, across a reload and into a meeting, without refreshing the token', async () => {
    const account = await registerAccount(suite.stack, 'Dana');
    const dana = await suite.participant();
    await dana.context.clock.install({ time: Date.now() + 26 * 3600_000 });
    const refreshes: string[] = [];
    dana.page.on('request', (request) => void (request.url().endsWith('/auth/refresh') && refreshes.push(request.url())));

    await signIn(dana.page, account);
    await dana.page.reload();
    await dana.page.getByRole('button', { name: 'Sign out', exact: true }).waitFor();

    // The meeting's socket carries the account's token, not a guest's.
    const token = await startMeeting(dana);
    expect(token.guest).toBe(false);
    expect(token.name).toBe('Dana');
    expect(refreshes).toEqual([]);
  }, 60_000);

  it('a sign-in stays signed in through a day of an open tab, the token refreshed on the way', async () => {
    const account = await registerAccount(suite.stack, 'Omar');
    const omar = await suite.participant();
    await omar.context.clock.install();
    const refreshes: number[] = [];
    omar.page.on('response', (response) => void (response.url().endsWith('/auth/refresh') && refreshes.push(response.status())));
    await signIn(omar.page, account);
    // 24 hours, an hour at a time (firing the timers due, as a day would), with a moment of real time for
    // each refresh's request to come back.
    for (let hour = 0; hour < 24; hour++) {
      await omar.page.clock.fastForward(3600_000);
      await omar.page.waitForTimeout(100);
    }
    expect(refreshes.length).toBeGreaterThanOrEqual(2);
    expect(refreshes.every((status) => status === 200)).toBe(true);
    const token = await startMeeting(omar);
    expect(token.guest).toBe(false);
    expect(token.name).toBe('Omar');
  }, 60_000);

  it('a sign-in says it expired when the computer slept through it, and makes nobody a guest unasked', async () => {
    const account = await registerAccount(suite.stack, 'Pia');
    const pia = await suite.participant();
    await pia.context.clock.install();
    await signIn(pia.page, account);
    // Asleep for 13 hours: no timer ran. Then the tab is looked at again.
    await pia.page.clock.setSystemTime(Date.now() + 13 * 3600_000);
    await pia.page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    await pia.page.getByText('Your sign-in has expired. Sign in again, or give your name to join as a guest.').waitFor();
    await pia.page.getByRole('link', { name: 'Sign in', exact: true }).waitFor();
    expect(await pia.page.evaluate(() => localStorage.getItem('meshmeet.session'))).toBeNull();
    // "New meeting" stops once more to say so, where she is looking; pressed again, she goes on as a guest.
    const guests: string[] = [];
    pia.page.on('request', (request) => void (request.url().endsWith('/auth/guest') && guests.push(request.url())));
    await pia.page.getByRole('button', { name: 'New meeting', exact: true }).click();
    await pia.page.getByRole('alert').getByText('Your sign-in has expired. Sign in again to keep your meeting history').waitFor();
    expect(guests).toEqual([]);
    await pia.page.getByRole('button', { name: 'New meeting', exact: true }).click();
    await pia.page.waitForURL(/\/m\/[a-z]{3}-[a-z]{4}-[a-z]{3}$/);
    expect(guests).toHaveLength(1);
  }, 60_000);
});
