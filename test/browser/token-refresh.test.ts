// A meeting outlives the token it started with. Tokens last 60 s on this stack (12 h by default); after
// that, a socket that drops must still come back, which only works if the page refreshed its token in
// time. Without the refresh the gateway's authorizer refuses the reconnect and the meeting ends. And a
// refresh must not sign an account back in after another tab signed it out.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack.js';
import {
  cameraTiles,
  expectMediaFlowing,
  joinMeeting,
  launchBrowser,
  newParticipant,
  poll,
  registerAccount,
  signIn,
  startStack,
  tileOf,
  twoInAMeeting,
  type Participant,
} from './helpers.js';

const TOKEN_TTL_S = 60;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const claims = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
const expiry = (token: string): number => claims(token).exp * 1000;
const issued = (token: string): number => claims(token).iat * 1000;
/** The token the page's latest signalling socket presented. */
const socketToken = (p: Participant): Promise<string> =>
  p.page.evaluate(() => new URL((window as any).__test.sockets.at(-1).url).searchParams.get('token')!);

describe('a token that expires during the meeting', () => {
  let stack: LocalStack;
  let browser: Browser;
  let alice: Participant;
  let bob: Participant;
  let code: string;

  beforeAll(async () => {
    [stack, browser] = await Promise.all([
      startStack({ environment: { TOKEN_TTL_SECONDS: String(TOKEN_TTL_S) } }),
      launchBrowser(),
    ]);
    ({ alice, bob, code } = await twoInAMeeting(browser, stack));
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('is refreshed in time, so a socket that drops after it expired comes back', async () => {
    const first = await socketToken(alice);
    const aliceConnection = stack.gateway.connectionIds()[0]!; // listed in the order they opened: Alice's first
    // Wait until the token Alice joined with has expired.
    await sleep(Math.max(0, expiry(first) - Date.now()) + 1500);
    expect(expiry(first)).toBeLessThan(Date.now());

    expect(stack.gateway.disconnect(aliceConnection)).toBe(true);
    // A new socket, open: the reconnect was let in.
    const reconnected = async () =>
      (await socketToken(alice)) !== first && (await alice.page.evaluate(() => (window as any).__test.sockets.at(-1).readyState === 1));
    await poll(reconnected, 15_000).toBe(true);
    const fresh = await socketToken(alice);
    expect(expiry(fresh)).toBeGreaterThan(Date.now());
    // Refreshed during the meeting (every 30 s once near expiry), not only when joining: a token from the
    // join-time refresh alone would have been issued about a lifetime before the first one ran out.
    expect(issued(fresh)).toBeGreaterThan(expiry(first) - 35_000);
    await alice.page.getByText('Reconnecting to the meeting').waitFor({ state: 'detached', timeout: 15_000 });

    // Still in the same meeting, once, and signalling works: a mute reaches Bob.
    expect(await alice.page.getByText("You can't join this meeting").count()).toBe(0);
    expect(await cameraTiles(bob.page).count()).toBe(2);
    await alice.page.getByRole('button', { name: 'Mute', exact: true }).click();
    await poll(() => tileOf(bob.page, 'Alice').getAttribute('data-audio')).toBe('off');
    await Promise.all([expectMediaFlowing(alice.page, 1), expectMediaFlowing(bob.page, 1)]);
  }, 120_000);

  it("never undoes a sign-out made in another tab when it refreshes", async () => {
    const account = await registerAccount(stack, 'Carol');
    const carol = await newParticipant(browser, stack.url);
    await signIn(carol.page, account);
    await joinMeeting(carol.page, `/m/${code}`);

    // Her other tab (same browser, same storage) signs out while the meeting tab keeps its token fresh.
    const other = await carol.context.newPage();
    await other.goto('/');
    await other.getByRole('button', { name: 'Sign out', exact: true }).click();
    const stored = () => other.evaluate(() => localStorage.getItem('meshmeet.session'));
    expect(await stored()).toBeNull();

    const refreshed = await carol.page.waitForResponse((r) => r.url().endsWith('/auth/refresh') && r.status() === 200, {
      timeout: 45_000,
    });
    await refreshed.finished();
    // Give the page a moment to act on the answer (it reads the body, then stores or not).
    await carol.page.evaluate(() => new Promise((r) => setTimeout(r, 1000)));
    // The meeting tab holds the new token in memory only: the shared storage stays signed out.
    expect(await stored()).toBeNull();
    expect(await carol.page.getByRole('button', { name: 'Leave', exact: true }).count()).toBe(1);
  }, 90_000);

  it("a guest in a meeting refreshing its token leaves another tab's account signed in", async () => {
    // Bob is a guest in the meeting; a tab beside his (same browser) signs in to an account.
    const account = await registerAccount(stack, 'Dora');
    const other = await bob.context.newPage();
    await signIn(other, account);
    const stored = () => other.evaluate(() => localStorage.getItem('meshmeet.session'));
    expect(await stored()).not.toBeNull();
    // Bob's tab keeps the guest it joined as, and refreshes that guest's token.
    const refreshed = await bob.page.waitForResponse((r) => r.url().endsWith('/auth/refresh') && r.status() === 200, {
      timeout: 45_000,
    });
    await refreshed.finished();
    await bob.page.evaluate(() => new Promise((r) => setTimeout(r, 1000)));
    // Before, saving the guest's fresh token cleared every stored sign-in: the account's tab was signed out.
    expect(await stored()).not.toBeNull();
    await other.getByRole('button', { name: 'Sign out', exact: true }).waitFor({ timeout: 1000 });
    expect(claims(await socketToken(bob)).guest).toBe(true);
    await other.close();
  }, 90_000);
});
