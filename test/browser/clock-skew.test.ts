// A computer whose clock is set wrong (a day fast, here) still keeps its account: token lifetimes are
// measured on the browser's own clock from when each token arrived, not against the server's timestamps.
import { describe, expect, it } from 'vitest';
import { joinFromPreJoin, registerAccount, signIn, useStackAndBrowser, type Participant } from './helpers.js';

const claims = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
/** The token the page's latest signalling socket presented. */
const socketToken = (p: Participant): Promise<string> =>
  p.page.evaluate(() => new URL((window as any).__test.sockets.at(-1).url).searchParams.get('token')!);

describe('a computer whose clock is a day ahead', () => {
  const suite = useStackAndBrowser();

  // Tokens last 12 h here. Read on a clock 26 h fast, every token would look expired on arrival: the
  // account would be dropped at the next page load, and a meeting would be joined as a guest.
  it('keeps its account signed in, across a reload and into a meeting, without refreshing the token', async () => {
    const account = await registerAccount(suite.stack, 'Dana');
    const dana = await suite.participant();
    await dana.context.clock.install({ time: Date.now() + 26 * 3600_000 });
    const refreshes: string[] = [];
    dana.page.on('request', (request) => void (request.url().endsWith('/auth/refresh') && refreshes.push(request.url())));

    await signIn(dana.page, account);
    await dana.page.reload();
    await dana.page.getByRole('button', { name: 'Sign out', exact: true }).waitFor();

    await dana.page.getByRole('button', { name: 'New meeting', exact: true }).click();
    await dana.page.waitForURL(/\/m\/[a-z]{3}-[a-z]{4}-[a-z]{3}$/);
    await joinFromPreJoin(dana.page);
    // The meeting's socket carries the account's token, not a guest's.
    const token = claims(await socketToken(dana));
    expect(token.guest).toBe(false);
    expect(token.name).toBe('Dana');
    expect(refreshes).toEqual([]);
  }, 60_000);
});
