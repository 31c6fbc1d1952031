// Before the meeting: a link that cannot be a meeting or names none, a guest who goes by another name this
// time (and mutes with the keyboard shortcuts), a request that hangs, a meeting that cannot be reached yet,
// going back while a join gets ready or a meeting loads, and a full meeting. Each through the UI, each in a browser context of its own.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { joinFromPreJoin, poll, startMeetingAsGuest, tileOf, useStackAndBrowser } from './helpers.js';

/** Counts the page's requests for camera or microphone, and keeps the tracks they gave. */
const COUNT_GET_USER_MEDIA = `(() => {
  const media = navigator.mediaDevices;
  const open = media.getUserMedia.bind(media);
  window.__getUserMedia = 0;
  window.__tracks = [];
  media.getUserMedia = async (constraints) => {
    window.__getUserMedia++;
    const stream = await open(constraints);
    window.__tracks.push(...stream.getTracks());
    return stream;
  };
})();`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('before the meeting', () => {
  const suite = useStackAndBrowser();

  it.each([
    ['a link with no meeting code in it', '/m/not-a-meeting'],
    // Someone who has never used Meshmeet in this browser (no name given yet, so no token).
    ['a link to a meeting that does not exist, opened by a newcomer', '/m/zzz-zzzz-zzz'],
  ])('turns away %s at once, without asking for the camera', async (_what, path) => {
    const { context, page } = await suite.participant();
    await context.addInitScript(COUNT_GET_USER_MEDIA);
    await page.goto(path);
    await page.getByRole('heading', { name: 'Check your meeting code' }).waitFor();
    expect(await page.getByText('There is no meeting with this code.').count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Join now', exact: true }).count()).toBe(0);
    expect(await page.evaluate(() => (window as any).__getUserMedia)).toBe(0);
    await context.close();
  });

  it('lets a guest go by another name in the next meeting', async () => {
    const { context, page } = await suite.participant();
    await startMeetingAsGuest(page, 'Alice');
    await page.getByRole('button', { name: 'Leave', exact: true }).click();

    await page.goto('/');
    const name = page.getByLabel('Your name');
    expect(await name.inputValue()).toBe('Alice');
    await name.fill('Alicia');
    await page.getByRole('button', { name: 'New meeting', exact: true }).click();
    await page.waitForURL(/\/m\/[a-z]{3}-[a-z]{4}-[a-z]{3}$/);
    // The pre-join screen asks again, with the new name filled in.
    expect(await page.getByLabel('Your name').inputValue()).toBe('Alicia');
    // The shortcuts work here too, the focus in the name field: she joins muted, camera off.
    await page.getByRole('button', { name: 'Mute', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Stop video', exact: true }).waitFor();
    await page.getByLabel('Your name').focus();
    await page.keyboard.press('Control+d');
    await page.keyboard.press('Control+e');
    await page.getByRole('button', { name: 'Unmute', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Start video', exact: true }).waitFor();
    await joinFromPreJoin(page);
    // Our own tile carries the name the server knows us by.
    await tileOf(page, 'Alicia').waitFor();
    await page.getByRole('button', { name: 'Unmute', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Start video', exact: true }).waitFor();
    await context.close();
  }, 60_000);

  it('gives up on a request that hangs, after 15 s, with a message and "Join now" back', async () => {
    const { context, page } = await suite.participant();
    // The guest sign-in never answers (a dead network path: no error either).
    await page.route('**/api/auth/guest', () => new Promise<void>(() => {}));
    await page.goto('/new');
    await page.getByLabel('Your name').fill('Frank');
    const join = page.getByRole('button', { name: 'Join now', exact: true });
    await join.click();
    await page.getByText("Can't reach Meshmeet. Check your connection, then try again.").waitFor({ timeout: 25_000 });
    expect(await join.getAttribute('aria-disabled')).not.toBe('true');
    // The keyboard focus stayed on the button all along, ready for another try.
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Join now');
    await context.close();
  }, 40_000);

  it('tells someone whose meeting cannot be reached that it keeps trying', async () => {
    const { context, page } = await suite.participant();
    // Every signalling socket is refused, as by a proxy that blocks WebSockets.
    await page.routeWebSocket(/\/ws/, (socket) => socket.close());
    await page.goto('/new');
    await page.getByLabel('Your name').fill('Carol');
    await page.getByRole('button', { name: 'Join now', exact: true }).click();
    await page.getByText("Can't reach the meeting yet. Still trying").waitFor({ timeout: 15_000 });
    expect(await page.getByRole('button', { name: 'Leave', exact: true }).count()).toBe(0);
    await context.close();
  }, 30_000);

  it('leaves nobody in the meeting, camera on, when someone goes back while joining', async () => {
    const { context, page } = await suite.participant();
    await context.addInitScript(COUNT_GET_USER_MEDIA);
    // The guest sign-in answers slowly: time to go back while the join is still getting ready.
    await page.route('**/api/auth/guest', async (route) => {
      await sleep(1500);
      await route.continue();
    });
    await page.goto('/');
    await page.getByRole('button', { name: 'New meeting', exact: true }).click();
    await page.waitForURL(/\/new$/);
    await page.getByLabel('Your name').fill('Dave');
    await page.getByRole('button', { name: 'Join now', exact: true }).click();
    await page.goBack();
    await page.getByRole('button', { name: 'New meeting', exact: true }).waitFor();
    await sleep(3000);
    // No signalling socket was opened, and the camera and microphone are closed again.
    expect(await page.evaluate(() => (window as any).__test.sockets.length)).toBe(0);
    expect(await page.evaluate(() => (window as any).__getUserMedia)).toBeGreaterThan(0);
    expect(await page.evaluate(() => (window as any).__tracks.filter((t: MediaStreamTrack) => t.readyState === 'live').length)).toBe(0);
    await context.close();
  }, 30_000);

  it('does not open the camera for a meeting screen left while its meeting was still loading', async () => {
    const { context, page } = await suite.participant();
    const code = await startMeetingAsGuest(page, 'Erin'); // a guest identity for this tab, to look meetings up with
    await page.getByRole('button', { name: 'Leave', exact: true }).click();
    await context.addInitScript(COUNT_GET_USER_MEDIA);
    await page.goto('/');
    // The meeting's lookup answers slowly, and then fails (the network went).
    await page.route(`**/api/meetings/${code}`, async (route) => {
      await sleep(1500);
      await route.abort('failed');
    });
    await page.getByLabel('Meeting code').fill(code);
    await page.getByRole('button', { name: 'Join', exact: true }).click();
    await page.waitForURL(`**/m/${code}`);
    await page.goBack();
    await page.getByRole('button', { name: 'New meeting', exact: true }).waitFor();
    await sleep(3000);
    expect(await page.evaluate(() => (window as any).__getUserMedia)).toBe(0);
    await context.close();
  }, 30_000);

  it('turns someone away from a full meeting with a reason, and lets them in with "Try again" once there is room', async () => {
    // Handlers read the cap per call, as on Lambda; this stack runs them in this process.
    process.env.MAX_PARTICIPANTS = '2';
    const [alice, bob, carol] = await Promise.all([suite.participant(), suite.participant(), suite.participant()]);
    try {
      const code = await startMeetingAsGuest(alice.page, 'Alice');
      await joinFromPreJoin(await openMeeting(bob.page, code, 'Bob'));
      await tileOf(alice.page, 'Bob').waitFor();

      await openMeeting(carol.page, code, 'Carol');
      await carol.page.getByRole('button', { name: 'Join now', exact: true }).click();
      await carol.page.getByRole('heading', { name: "You can't join this meeting" }).waitFor();
      await carol.page.getByText('This meeting is full (2 people). Try again later.').waitFor();
      expect(await carol.page.evaluate(() => document.activeElement?.textContent)).toBe("You can't join this meeting");
      // Turned away, she released her camera, and nobody in the meeting saw her.
      expect(await carol.page.locator('video').count()).toBe(0);
      expect(await tileOf(alice.page, 'Carol').count()).toBe(0);

      await bob.page.getByRole('button', { name: 'Leave', exact: true }).click();
      await poll(() => tileOf(alice.page, 'Bob').count()).toBe(0);
      await carol.page.getByRole('button', { name: 'Try again', exact: true }).click();
      await carol.page.getByRole('button', { name: 'Leave', exact: true }).waitFor();
      await tileOf(alice.page, 'Carol').waitFor();
      await tileOf(carol.page, 'Alice').waitFor();
    } finally {
      delete process.env.MAX_PARTICIPANTS;
      await Promise.all([alice, bob, carol].map((p) => p.context.close()));
    }
  }, 60_000);
});

/** Opens a meeting's pre-join screen and gives the guest's name. */
async function openMeeting(page: Page, code: string, name: string): Promise<Page> {
  await page.goto(`/m/${code}`);
  await page.getByLabel('Your name').fill(name);
  return page;
}
