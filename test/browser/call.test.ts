// A two-person call through the real UI: started as a guest, joined by the invite link, media both
// ways, mute and camera-off seen by the other side, screen share at its own resolution, chat (with
// history after a reload), and "Leave". One meeting, shared by the steps in order, to keep it quick.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  cameraTiles,
  expectMediaFlowing,
  inboundStats,
  joinFromPreJoin,
  mediaCounters,
  poll,
  startMeetingAsGuest,
  tileOf,
  useStackAndBrowser,
  waitUntil,
  type Participant,
} from './helpers.js';

describe('a call, through the UI', () => {
  const suite = useStackAndBrowser();
  let alice: Participant;
  let bob: Participant;
  let code: string;

  beforeAll(async () => {
    [alice, bob] = await Promise.all([suite.participant(), suite.participant()]);
  });

  it('a guest starts a meeting and the invite link brings the other into the same meeting', async () => {
    code = await startMeetingAsGuest(alice.page, 'Alice');
    // "Join now" is gone with the pre-join screen: the focus moves to the room's heading, not to nowhere.
    expect(await alice.page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
    await alice.page.getByRole('button', { name: 'Copy invite link', exact: true }).click();
    const invite = await alice.page.evaluate(() => navigator.clipboard.readText());
    expect(invite).toBe(`${suite.stack.url}/m/${code}`);

    // Bob pastes the whole link into the code box on the home page.
    await bob.page.goto('/');
    await bob.page.getByLabel('Your name').fill('Bob');
    await bob.page.getByLabel('Meeting code').fill(invite);
    await bob.page.getByRole('button', { name: 'Join', exact: true }).click();
    await bob.page.waitForURL(`**/m/${code}`);
    await joinFromPreJoin(bob.page);

    await poll(() => cameraTiles(alice.page).count()).toBe(2);
    await poll(() => cameraTiles(bob.page).count()).toBe(2);
    await tileOf(alice.page, 'Bob').waitFor();
    await tileOf(bob.page, 'Alice').waitFor();
  });

  it('both see and hear each other', async () => {
    await Promise.all([expectMediaFlowing(alice.page, 1), expectMediaFlowing(bob.page, 1)]);
  });

  it('shows mute and camera-off on the other side, and their undoing', async () => {
    const aliceOnBob = tileOf(bob.page, 'Alice');
    await poll(() => aliceOnBob.getAttribute('data-audio')).toBe('on');

    await alice.page.getByRole('button', { name: 'Mute', exact: true }).click();
    await alice.page.getByRole('button', { name: 'Stop video', exact: true }).click();
    await poll(() => aliceOnBob.getAttribute('data-audio')).toBe('off');
    await poll(() => aliceOnBob.getAttribute('data-video')).toBe('off');
    await aliceOnBob.getByRole('img', { name: 'Microphone off' }).waitFor();

    // Keyboard shortcuts work too (Ctrl+D microphone, Ctrl+E camera). Held down (the key repeats), one
    // still toggles once.
    await alice.page.keyboard.down('Control');
    await alice.page.keyboard.down('d');
    await alice.page.keyboard.down('d');
    await alice.page.keyboard.up('d');
    await alice.page.keyboard.up('Control');
    await alice.page.keyboard.press('Control+e');
    await poll(() => aliceOnBob.getAttribute('data-audio')).toBe('on');
    await poll(() => aliceOnBob.getAttribute('data-video')).toBe('on');
    await alice.page.getByRole('button', { name: 'Mute', exact: true }).waitFor();
    await expectMediaFlowing(bob.page, 1); // the camera came back: frames flow again
  });

  it('a microphone unplugged mid-call gives way to the default one, and the others still hear', async () => {
    // As the browser does when a headset is unplugged: the track ends by itself.
    await alice.page.evaluate(() => {
      const pc = (window as any).__test.pcs.find((p: RTCPeerConnection) => p.connectionState === 'connected');
      const track = pc.getSenders().find((s: RTCRtpSender) => s.track?.kind === 'audio').track as MediaStreamTrack;
      track.stop();
      track.dispatchEvent(new Event('ended'));
    });
    await alice.page.getByText('Your microphone was disconnected').waitFor();
    await alice.page.getByRole('button', { name: 'Mute', exact: true }).waitFor();
    await expectMediaFlowing(bob.page, 1); // audio packets from Alice keep arriving
    expect(await tileOf(bob.page, 'Alice').getAttribute('data-audio')).toBe('on');
  });

  it('switches the microphone mid-call from Settings, and the others still hear; the controls fit a phone', async () => {
    const micInUse = () =>
      alice.page.evaluate(() => {
        const pc = (window as any).__test.pcs.find((p: RTCPeerConnection) => p.connectionState === 'connected');
        return pc?.getSenders().find((s: RTCRtpSender) => s.track?.kind === 'audio')?.track?.label as string | undefined;
      });
    await alice.page.getByRole('button', { name: 'Settings', exact: true }).click();
    const settings = alice.page.getByRole('complementary', { name: 'Settings' });
    await poll(() => alice.page.evaluate(() => document.activeElement?.id)).toBe(await settings.getByLabel('Microphone').getAttribute('id'));
    await settings.getByLabel('Microphone').selectOption({ label: 'Fake Audio Input 2' });
    await poll(micInUse).toBe('Fake Audio Input 2');
    await expectMediaFlowing(bob.page, 1);
    expect(await tileOf(bob.page, 'Alice').getAttribute('data-audio')).toBe('on');
    await alice.page.keyboard.press('Escape');
    await settings.waitFor({ state: 'detached' });

    // Every control, Settings included, within a 360 px wide phone's screen.
    const phone = await suite.participant({ width: 360, height: 640 });
    await phone.page.goto(`/m/${code}`);
    await joinFromPreJoin(phone.page, 'Pat');
    const rightEdges = await phone.page.locator('footer button').evaluateAll((buttons) => buttons.map((b) => b.getBoundingClientRect().right));
    expect(rightEdges.length).toBe(8);
    expect(Math.max(...rightEdges)).toBeLessThanOrEqual(360);
    expect(await phone.page.evaluate(() => document.documentElement.scrollWidth)).toBe(360);
    await phone.context.close();
    await poll(() => cameraTiles(alice.page).count(), 15_000).toBe(2);
  });

  it('a screen share arrives at its own resolution and stops cleanly', async () => {
    await alice.page.getByRole('button', { name: 'Share screen', exact: true }).click();
    const screenOnBob = tileOf(bob.page, 'Alice', 'screen');
    await screenOnBob.waitFor();
    const received = await waitUntil(
      () => screenOnBob.locator('video').evaluate((v: HTMLVideoElement) => ({ width: v.videoWidth, height: v.videoHeight })),
      (s) => s.width > 0,
      { what: 'screen video size' },
    );
    const captured = await alice.page.evaluate(() => {
      const video = document.querySelector<HTMLVideoElement>('[data-kind="screen"] video');
      const { width, height } = (video!.srcObject as MediaStream).getVideoTracks()[0]!.getSettings();
      return { width, height };
    });
    // The fake screen follows the window (1280x720 here); the fake camera is 640x480.
    expect(received).toEqual(captured);
    expect(received.width).toBeGreaterThan(640);
    const videos = await waitUntil(
      () => inboundStats(bob.page),
      (pcs) => pcs[0]!.video.filter((v) => v.framesDecoded > 0).length === 2,
      { what: 'camera and screen both decoded' },
    );
    expect(videos[0]!.video.map((v) => v.frameWidth).sort((a, b) => a! - b!)).toEqual([640, captured.width]);

    await alice.page.getByRole('button', { name: 'Stop sharing', exact: true }).click();
    await screenOnBob.waitFor({ state: 'detached' });
    await alice.page.getByRole('button', { name: 'Share screen', exact: true }).waitFor();
    await expectMediaFlowing(bob.page, 1); // the camera is unaffected

    // Ended from the browser's own "Stop sharing" (the track ends without our button).
    await bob.page.getByRole('button', { name: 'Share screen', exact: true }).click();
    await tileOf(alice.page, 'Bob', 'screen').waitFor();
    await bob.page.evaluate(() => {
      const video = document.querySelector<HTMLVideoElement>('[data-kind="screen"] video');
      const track = (video?.srcObject as MediaStream | null)?.getVideoTracks()[0];
      track?.stop();
      track?.dispatchEvent(new Event('ended'));
    });
    await tileOf(alice.page, 'Bob', 'screen').waitFor({ state: 'detached' });
    await bob.page.getByRole('button', { name: 'Share screen', exact: true }).waitFor();
  });

  it('chat goes both ways, as text, and the history is there after a reload', async () => {
    await alice.page.getByRole('button', { name: 'Chat', exact: true }).click();
    // The panel takes the keyboard focus to its message box.
    await poll(() => alice.page.evaluate(() => document.activeElement?.id)).toBe('chat-message');
    await alice.page.getByLabel('Message').fill('Hello <b>Bob</b>');
    await alice.page.getByRole('button', { name: 'Send', exact: true }).click();

    // Bob's panel is closed: a badge counts the message, and a notice shows it.
    await poll(() => bob.page.getByRole('button', { name: 'Chat', exact: true }).textContent()).toContain('1');
    const notice = bob.page.locator('.toast', { hasText: 'Alice: Hello <b>Bob</b>' });
    expect(await notice.count()).toBe(1);
    await bob.page.getByRole('button', { name: 'Chat', exact: true }).click();
    // Opened, the panel shows the message; its notice goes rather than cover the panel's top.
    await notice.waitFor({ state: 'detached', timeout: 1000 });
    const bobChat = bob.page.getByRole('complementary', { name: 'Chat' });
    await poll(() => bobChat.getByText('Hello <b>Bob</b>', { exact: true }).count()).toBe(1);
    expect(await bobChat.locator('b').count()).toBe(0); // text, never HTML

    await bob.page.getByLabel('Message').fill('Hi Alice');
    await bob.page.keyboard.press('Enter');
    const aliceChat = alice.page.getByRole('complementary', { name: 'Chat' });
    await aliceChat.getByText('Hi Alice', { exact: true }).waitFor();
    // Alice's panel is open: what arrives is in a live region, read out by screen readers.
    expect(await aliceChat.getByRole('list').getAttribute('aria-live')).toBe('polite');
    // Escape closes Bob's panel, and the focus goes back to its button.
    await bob.page.keyboard.press('Escape');
    await bobChat.waitFor({ state: 'detached' });
    expect(await bob.page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Chat');
    // Tab order: the controls come before the panel (back from the message box: the panel's close button,
    // then the last control).
    await alice.page.getByLabel('Message').focus();
    await alice.page.keyboard.press('Shift+Tab');
    await alice.page.keyboard.press('Shift+Tab');
    expect(await alice.page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Settings');
    await alice.page.getByLabel('Message').focus();
    // Closed, it gives the focus back to the button that opened it (not to the top of the page).
    await aliceChat.getByRole('button', { name: 'Close panel' }).click();
    await aliceChat.waitFor({ state: 'detached' });
    expect(await alice.page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Chat');

    // Bob reloads: a new join, and the history comes with it.
    await bob.page.reload();
    await joinFromPreJoin(bob.page);
    await bob.page.getByRole('button', { name: 'Chat', exact: true }).click();
    const history = bob.page.getByRole('complementary', { name: 'Chat' });
    await history.getByText('Hello <b>Bob</b>', { exact: true }).waitFor();
    await history.getByText('Hi Alice', { exact: true }).waitFor();
    // His own message is still his, though he has a new peer id now.
    expect(await history.locator('li', { hasText: 'Hi Alice' }).locator('strong').textContent()).toBe('You');
    expect(await history.locator('li', { hasText: 'Hello <b>Bob</b>' }).locator('strong').textContent()).toBe('Alice');
    // A long chat scrolls within the panel: the message box and the controls stay on the screen. (Messages
    // that wrap, since the server takes at most 20 a seat in 10 s.)
    const line = (i: number) => `line ${i}: ${'the agenda for next week '.repeat(4).trim()}`;
    for (let i = 0; i < 12; i++) await bob.page.getByLabel('Message').fill(line(i)).then(() => bob.page.keyboard.press('Enter'));
    await history.getByText(line(11), { exact: true }).waitFor();
    const onScreen = (page: Page, name: string) =>
      page.getByRole('button', { name, exact: true }).evaluate((el) => el.getBoundingClientRect().bottom <= innerHeight);
    expect(await onScreen(bob.page, 'Leave')).toBe(true);
    expect(await onScreen(bob.page, 'Send')).toBe(true);
    expect(await history.getByRole('list').evaluate((list) => list.scrollHeight > list.clientHeight)).toBe(true);
    // Alice ends with exactly one tile for Bob: his old id goes (told by a `leave`, or, when the socket
    // closing wins that race, by his old connection going quiet within seconds), the new one stays.
    await poll(() => cameraTiles(alice.page).count(), 15_000).toBe(2);
    await expectMediaFlowing(alice.page, 1);
  });

  it('someone whose camera is blocked joins with their microphone and is told what to do', async () => {
    const carol = await suite.participant();
    // As if Carol had clicked "Block" for the camera: getUserMedia refuses any request for video.
    await carol.context.addInitScript(() => {
      const getUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
      navigator.mediaDevices.getUserMedia = (constraints) =>
        constraints?.video ? Promise.reject(new DOMException('Permission denied', 'NotAllowedError')) : getUserMedia(constraints);
    });
    await carol.page.goto(`/m/${code}`);
    await carol.page.getByRole('alert').filter({ hasText: 'Camera access is blocked' }).waitFor();
    await joinFromPreJoin(carol.page, '🦊 Carol');

    const carolOnAlice = tileOf(alice.page, '🦊 Carol');
    await carolOnAlice.waitFor();
    expect(await carolOnAlice.getAttribute('data-video')).toBe('off');
    // Her avatar shows the whole fox, not half of its UTF-16 pair.
    expect(await carolOnAlice.locator('.avatar').first().textContent()).toBe('🦊');
    await poll(() => carolOnAlice.getAttribute('data-audio')).toBe('on');
    // Alice hears Carol (audio packets from her connection increase) though no video comes.
    const audio = async () => (await mediaCounters(alice.page)).map((c) => c.audioPackets).sort((a, b) => a - b);
    const before = await waitUntil(audio, (a) => a.length === 2 && a.every((n) => n > 0), { what: 'audio from both' });
    await waitUntil(audio, (a) => a.every((n, i) => n > before[i]!), { what: 'audio increasing' });
    // Closing the tab: her `leave` races her socket closing; either way her tile goes within seconds.
    await carol.context.close();
    await poll(() => cameraTiles(alice.page).count(), 15_000).toBe(2);
  });

  it('leaves no camera or screen capture open: a double-click on share, a camera still starting at Leave', async () => {
    const dave = await suite.participant();
    // Every capture recorded, to see which are still live; a screen picker the user takes a moment in, and a
    // camera that can be made slow to start.
    await dave.context.addInitScript(() => {
      const tracks: MediaStreamTrack[] = [];
      const media = navigator.mediaDevices;
      const getUserMedia = media.getUserMedia.bind(media);
      const getDisplayMedia = media.getDisplayMedia.bind(media);
      const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
      const record = (stream: MediaStream) => (tracks.push(...stream.getTracks()), stream);
      media.getDisplayMedia = async (constraints) => (await pause(500), record(await getDisplayMedia(constraints)));
      media.getUserMedia = async (constraints) => {
        if (constraints?.video && (window as any).slowCamera) await pause(1500);
        return record(await getUserMedia(constraints));
      };
      Object.defineProperty(window, 'captures', {
        value: () => ({ opened: tracks.length, live: tracks.filter((t) => t.readyState === 'live').map((t) => t.kind).sort() }),
      });
    });
    const captures = () => dave.page.evaluate(() => (window as any).captures() as { opened: number; live: string[] });
    await dave.page.goto(`/m/${code}`);
    await joinFromPreJoin(dave.page, 'Dave');
    await dave.page.getByRole('button', { name: 'Stop video', exact: true }).click();
    await poll(async () => (await captures()).live).toEqual(['audio']);

    await dave.page.getByRole('button', { name: 'Share screen', exact: true }).dblclick();
    await dave.page.getByRole('button', { name: 'Stop sharing', exact: true }).click();
    await dave.page.getByRole('button', { name: 'Share screen', exact: true }).waitFor();
    expect((await captures()).live).toEqual(['audio']);

    await dave.page.evaluate(() => ((window as any).slowCamera = true));
    const before = (await captures()).opened;
    await dave.page.getByRole('button', { name: 'Start video', exact: true }).click();
    await dave.page.getByRole('button', { name: 'Leave', exact: true }).click();
    await dave.page.getByRole('heading', { name: 'You left the meeting' }).waitFor();
    await poll(async () => (await captures()).opened).toBe(before + 1); // the slow camera has opened by now
    await poll(async () => (await captures()).live).toEqual([]);
    await dave.context.close();
    await poll(() => cameraTiles(alice.page).count()).toBe(2);
  });

  it('keeps emoji whole in a cut notice, and lays out right-to-left text right to left', async () => {
    // Bob's panel is open (since his reload), Alice's closed: she gets notices, cut at 80 characters.
    await bob.page.getByLabel('Message').fill(`${'a'.repeat(79)}🦊🦊 and more`);
    await bob.page.keyboard.press('Enter');
    const notice = alice.page.locator('.toast', { hasText: 'Bob: aaa' });
    await notice.waitFor();
    expect(await notice.textContent()).toContain(`Bob: ${'a'.repeat(79)}🦊…`);
    await bob.page.getByLabel('Message').fill('שלום לכולם!');
    await bob.page.keyboard.press('Enter');
    await alice.page.getByRole('button', { name: 'Chat', exact: true }).click();
    const hebrew = alice.page.getByRole('complementary', { name: 'Chat' }).getByText('שלום לכולם!', { exact: true });
    expect(await hebrew.evaluate((p) => getComputedStyle(p).direction)).toBe('rtl');
    await alice.page.keyboard.press('Escape');
  });

  it('"Leave" removes the tile on the other side', async () => {
    await bob.page.getByRole('button', { name: 'Leave', exact: true }).click();
    await bob.page.getByRole('heading', { name: 'You left the meeting' }).waitFor();
    expect(await bob.page.evaluate(() => document.activeElement?.textContent)).toBe('You left the meeting');
    await poll(() => cameraTiles(alice.page).count()).toBe(1);
    await poll(async () => (await mediaCounters(alice.page)).length).toBe(0);
  });
});
