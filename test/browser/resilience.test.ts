// The call survives its signalling: the WebSocket killed mid-call (by the gateway, and by the page
// itself) leaves media flowing on the existing connections and comes back without duplicate tiles;
// glare (both sides renegotiating at the same moment) still ends with both connected; and a socket gone
// half-open is found out when the network changes, and the offer lost in it meanwhile goes through. The gateway
// delays every invocation at random here, so messages arrive out of order as they can on AWS.
import type { Browser, Page, WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack.js';
import {
  cameraTiles,
  expectMediaFlowing,
  inboundStats,
  launchBrowser,
  mediaCounters,
  poll,
  startStack,
  tileOf,
  twoInAMeeting,
  waitUntil,
  type Participant,
} from './helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('resilience', () => {
  let stack: LocalStack;
  let browser: Browser;
  let alice: Participant;
  let bob: Participant;
  let aliceConnection: string;
  /** While true, Alice's page cannot open a signalling socket (a network outage for signalling only). */
  let aliceOffline = false;
  /** Bob's sockets through which nothing passes any more, either way: half-open, and his page has not noticed. */
  const deafSockets = new Set<WebSocketRoute>();
  const bobSockets: WebSocketRoute[] = [];
  /** While true, Bob's page cannot open a signalling socket. */
  let bobOffline = false;
  /** How many of Bob's next `signal` messages API Gateway loses to throttling (answering with its error frame). */
  let bobSignalsThrottled = 0;

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startStack({ invokeDelayMs: 150 }), launchBrowser()]);
    ({ alice, bob } = await twoInAMeeting(browser, stack, async (alice, bob) => {
      await alice.page.routeWebSocket(/\/ws/, (ws) => {
        if (aliceOffline) return ws.close({ code: 1006, reason: 'offline' });
        ws.connectToServer();
      });
      await bob.page.routeWebSocket(/\/ws/, (ws) => {
        if (bobOffline) return ws.close({ code: 1006, reason: 'offline' });
        bobSockets.push(ws);
        const server = ws.connectToServer();
        ws.onMessage((message) => {
          if (deafSockets.has(ws)) return;
          // What API Gateway does with a message whose Lambda invocation is throttled: its own error frame.
          if (bobSignalsThrottled > 0 && String(message).includes('"action":"signal"')) {
            bobSignalsThrottled--;
            return ws.send(JSON.stringify({ message: 'Internal server error', connectionId: 'throttled', requestId: 'throttled' }));
          }
          server.send(message);
        });
        server.onMessage((message) => void (deafSockets.has(ws) || ws.send(message)));
      });
    }));
    // The gateway lists connections in the order they opened: Alice's first.
    aliceConnection = stack.gateway.connectionIds()[0]!;
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  /** The gateway's connection that holds `name`'s seat now. */
  async function connectionOf(name: string): Promise<string> {
    const { services } = await import('../../functions/adapters/services.js');
    for (const id of stack.gateway.connectionIds()) if ((await services.store().getConnection(id))?.name === name) return id;
    throw new Error(`no connection for ${name}`);
  }

  it('keeps media flowing while the socket is down, and comes back without duplicates', async () => {
    const peerConnectionsBefore = await alice.page.evaluate(() => (window as any).__test.pcs.length);
    aliceOffline = true;
    expect(stack.gateway.disconnect(aliceConnection!)).toBe(true);
    await alice.page.getByText('Reconnecting to the meeting').waitFor();

    // Down for a while: frames and audio keep increasing on both sides.
    const before = [await mediaCounters(alice.page), await mediaCounters(bob.page)];
    await sleep(2000);
    const during = [await mediaCounters(alice.page), await mediaCounters(bob.page)];
    for (const side of [0, 1]) {
      expect(during[side]!.length).toBe(1);
      expect(during[side]![0]!.frames).toBeGreaterThan(before[side]![0]!.frames);
      expect(during[side]![0]!.audioPackets).toBeGreaterThan(before[side]![0]!.audioPackets);
    }
    expect(await cameraTiles(bob.page).count()).toBe(2);

    aliceOffline = false;
    await alice.page.getByText('Reconnecting to the meeting').waitFor({ state: 'detached', timeout: 15_000 });
    await poll(() => tileOf(bob.page, 'Alice').getAttribute('data-health')).toBe('connected');
    expect(await cameraTiles(alice.page).count()).toBe(2);
    expect(await cameraTiles(bob.page).count()).toBe(2);
    // Same RTCPeerConnection as before: nothing was torn down.
    expect(await alice.page.evaluate(() => (window as any).__test.pcs.length)).toBe(peerConnectionsBefore);

    // Signalling works again: a mute reaches Bob.
    await alice.page.getByRole('button', { name: 'Mute', exact: true }).click();
    await poll(() => tileOf(bob.page, 'Alice').getAttribute('data-audio')).toBe('off');
    await alice.page.getByRole('button', { name: 'Unmute', exact: true }).click();
    await poll(() => tileOf(bob.page, 'Alice').getAttribute('data-audio')).toBe('on');
  });

  it("keeps someone whose socket is down when our own socket drops and comes back meanwhile", async () => {
    const bobPeerConnections = await bob.page.evaluate(() => (window as any).__test.pcs.length);
    aliceOffline = true;
    stack.gateway.disconnect(await connectionOf('Alice'));
    await poll(() => tileOf(bob.page, 'Alice').getAttribute('data-health')).toBe('reconnecting');
    // Bob's own socket drops now: his join comes back with a list of peers without Alice in it.
    const bobSocket = await connectionOf('Bob');
    stack.gateway.disconnect(bobSocket);
    await waitUntil(() => connectionOf('Bob').catch(() => bobSocket), (id) => id !== bobSocket, { what: "Bob's new socket" });
    await bob.page.getByText('Reconnecting to the meeting').waitFor({ state: 'detached', timeout: 15_000 });
    await sleep(1000);
    // Alice's media still flows, so Bob keeps her: same tile, same connection.
    expect(await cameraTiles(bob.page).count()).toBe(2);
    await expectMediaFlowing(bob.page, 1);
    aliceOffline = false;
    await alice.page.getByText('Reconnecting to the meeting').waitFor({ state: 'detached', timeout: 15_000 });
    await poll(() => tileOf(bob.page, 'Alice').getAttribute('data-health')).toBe('connected');
    expect(await bob.page.evaluate(() => (window as any).__test.pcs.length)).toBe(bobPeerConnections);
  });

  it('keeps chat in the order it was written, shows a message waiting for the socket as sending, and never stores one twice', async () => {
    const chatOf = (page: Page) => page.getByRole('complementary', { name: 'Chat' });
    const stored = (page: Page) => chatOf(page).locator('li:not(.sending) p').allTextContents();
    await alice.page.getByRole('button', { name: 'Chat', exact: true }).click();
    await bob.page.getByRole('button', { name: 'Chat', exact: true }).click();
    const box = alice.page.getByLabel('Message');
    const written = Array.from({ length: 8 }, (_, i) => `quick ${i}`);
    for (const text of written) {
      await box.fill(text);
      await box.press('Enter');
    }
    // Every invocation here is delayed at random: sent together, they would be stored in any order.
    await poll(() => stored(bob.page), 15_000).toEqual(written);
    expect(await stored(alice.page)).toEqual(written);

    // Stored, but its echo is lost with Alice's socket: back, she finds it in the history and does not resend it.
    const aliceSocket = await connectionOf('Alice');
    stack.gateway.holdDeliveries(aliceSocket);
    await box.fill('echo lost');
    await box.press('Enter');
    await chatOf(bob.page).getByText('echo lost', { exact: true }).waitFor();
    aliceOffline = true;
    stack.gateway.disconnect(aliceSocket);
    await alice.page.getByText('Reconnecting to the meeting').waitFor();
    await box.fill('while away');
    await box.press('Enter');
    const waiting = chatOf(alice.page).locator('li.sending', { hasText: 'while away' });
    await waiting.getByText('Sending…').waitFor();
    aliceOffline = false;
    await chatOf(bob.page).getByText('while away', { exact: true }).waitFor({ timeout: 15_000 });
    await waiting.waitFor({ state: 'detached' });
    await stack.gateway.settle();
    for (const page of [alice.page, bob.page]) {
      expect(await chatOf(page).getByText('while away', { exact: true }).count()).toBe(1);
      expect(await chatOf(page).getByText('echo lost', { exact: true }).count()).toBe(1);
    }
    expect(await chatOf(alice.page).locator('li.sending').count()).toBe(0);
    await alice.page.keyboard.press('Escape');
    await bob.page.keyboard.press('Escape');
  });

  it('survives the page closing its own socket', async () => {
    const sockets = () => bob.page.evaluate(() => (window as any).__test.sockets.length as number);
    const opened = await sockets();
    await bob.page.evaluate(() => (window as any).__test.sockets.at(-1).close());
    await waitUntil(sockets, (n) => n > opened, { what: 'a new socket' });
    await poll(() => bob.page.evaluate(() => (window as any).__test.sockets.at(-1).readyState)).toBe(1);
    await bob.page.getByRole('button', { name: 'Stop video', exact: true }).click();
    await poll(() => tileOf(alice.page, 'Bob').getAttribute('data-video')).toBe('off');
    await bob.page.getByRole('button', { name: 'Start video', exact: true }).click();
    await poll(() => tileOf(alice.page, 'Bob').getAttribute('data-video')).toBe('on');
    expect(await cameraTiles(alice.page).count()).toBe(2);
    expect(await cameraTiles(bob.page).count()).toBe(2);
    await Promise.all([expectMediaFlowing(alice.page, 1), expectMediaFlowing(bob.page, 1)]);
  });

  it('resolves glare: both start sharing their screen at the same moment', async () => {
    await Promise.all([
      alice.page.getByRole('button', { name: 'Share screen', exact: true }).click(),
      bob.page.getByRole('button', { name: 'Share screen', exact: true }).click(),
    ]);
    await tileOf(alice.page, 'Bob', 'screen').waitFor();
    await tileOf(bob.page, 'Alice', 'screen').waitFor();
    for (const page of [alice.page, bob.page]) {
      // Camera and screen from the other side, both decoding.
      await waitUntil(
        () => inboundStats(page),
        (pcs) => pcs.length === 1 && pcs[0]!.connectionState === 'connected' && pcs[0]!.video.filter((v) => v.framesDecoded > 0 && v.frameWidth! > 640).length === 1,
        { what: 'the screen decoding' },
      );
    }
    await Promise.all([expectMediaFlowing(alice.page, 1), expectMediaFlowing(bob.page, 1)]);

    // And both stop at the same moment.
    await Promise.all([
      alice.page.getByRole('button', { name: 'Stop sharing', exact: true }).click(),
      bob.page.getByRole('button', { name: 'Stop sharing', exact: true }).click(),
    ]);
    await tileOf(alice.page, 'Bob', 'screen').waitFor({ state: 'detached' });
    await tileOf(bob.page, 'Alice', 'screen').waitFor({ state: 'detached' });
    await Promise.all([expectMediaFlowing(alice.page, 1), expectMediaFlowing(bob.page, 1)]);
  });

  it('notices a half-open socket when the network changes, and gets through an offer lost meanwhile', async () => {
    const socketsBefore = await bob.page.evaluate(() => (window as any).__test.sockets.length as number);
    deafSockets.add(bobSockets.at(-1)!);
    await alice.page.getByRole('button', { name: 'Share screen', exact: true }).click();
    // Alice's offer, and each time she sends it again (every 4 s, a few times), goes into Bob's dead socket.
    await sleep(24_000);
    expect(await tileOf(bob.page, 'Alice', 'screen').count()).toBe(0);

    // The network changes under Bob's page: it checks its socket at once (no answer within seconds: dead),
    // rather than at the next heartbeat minutes later, and reconnects with the same peer id.
    await bob.page.evaluate(() => dispatchEvent(new Event('online')));
    await tileOf(bob.page, 'Alice', 'screen').waitFor({ timeout: 25_000 });
    expect(await bob.page.evaluate(() => (window as any).__test.sockets.length as number)).toBe(socketsBefore + 1);
    await waitUntil(
      () => inboundStats(bob.page),
      (pcs) => pcs.length === 1 && pcs[0]!.video.filter((v) => v.framesDecoded > 0 && v.frameWidth! > 640).length === 1,
      { what: "Alice's screen decoding on Bob's side" },
    );
    expect(await cameraTiles(bob.page).count()).toBe(2);
    await alice.page.getByRole('button', { name: 'Stop sharing', exact: true }).click();
    await tileOf(bob.page, 'Alice', 'screen').waitFor({ state: 'detached' });
  }, 90_000);

  it("ignores a departure that arrives after the same person's return", async () => {
    // Whatever is posted to the open sockets (Alice's) waits, to be delivered in the reverse order.
    const holds = stack.gateway.connectionIds().map((id) => stack.gateway.holdDeliveries(id));
    /** What Alice is told about who is there, in the order the server told it. */
    const told = async () =>
      holds.flatMap((hold) => hold.held.map((m) => JSON.parse(m).type as string)).filter((type) => type.startsWith('peer-'));
    // Bob's socket drops and stays down until the server has told Alice (peer-left, his seat removed)...
    bobOffline = true;
    await bob.page.evaluate(() => (window as any).__test.sockets.at(-1).close());
    await waitUntil(told, (types) => types.includes('peer-left'), { what: 'the peer-left for Bob' });
    // ...then he comes back with the same peer id, in a new seat (peer-joined).
    bobOffline = false;
    expect(await waitUntil(told, (types) => types.includes('peer-joined'), { what: 'the peer-joined for Bob' })).toEqual([
      'peer-left',
      'peer-joined',
    ]);

    // Alice hears of his return first, then of his departure (separate invocations on AWS: any order).
    for (const hold of holds) hold.release('reversed');
    await sleep(2000);
    expect(await tileOf(alice.page, 'Bob').getAttribute('data-health')).toBe('connected');
    expect(await cameraTiles(alice.page).count()).toBe(2);
    await Promise.all([expectMediaFlowing(alice.page, 1), expectMediaFlowing(bob.page, 1)]);
  }, 60_000);

  it('sends again what API Gateway lost to throttling: a mute reaches the other side', async () => {
    const bobOnAlice = tileOf(alice.page, 'Bob');
    await poll(() => bobOnAlice.getAttribute('data-audio')).toBe('on');
    bobSignalsThrottled = 1; // the state message that says "muted"
    await bob.page.getByRole('button', { name: 'Mute', exact: true }).click();
    await poll(() => bobOnAlice.getAttribute('data-audio')).toBe('off');
    expect(bobSignalsThrottled).toBe(0);
    await bob.page.getByRole('button', { name: 'Unmute', exact: true }).click();
    await poll(() => bobOnAlice.getAttribute('data-audio')).toBe('on');
  });

  it('starts a link over with a new connection when it never gathers an ICE candidate', async () => {
    // Dave's first RTCPeerConnection has a dead ICE agent: it gathers no candidate and takes none, as
    // Chrome's did under load after its first offer was rolled back (glare). ICE restarts do not revive it.
    const { alice: carol, bob: dave } = await twoInAMeeting(browser, stack, async (_carol, dave) => {
      await dave.context.addInitScript(`(() => {
        const P = window.RTCPeerConnection;
        let first = true;
        window.RTCPeerConnection = class extends P {
          constructor(...args) {
            super(...args);
            if (first) {
              Object.defineProperty(this, 'onicecandidate', { set() {}, get() { return null; } });
              this.addIceCandidate = async () => {};
            }
            first = false;
          }
        };
      })();`);
    });
    // Both see and hear each other (twoInAMeeting waited for it), over Dave's second connection.
    expect(await dave.page.evaluate(() => (window as any).__test.pcs.length)).toBe(2);
    expect(await cameraTiles(carol.page).count()).toBe(2);
    await Promise.all([carol.context.close(), dave.context.close()]);
  }, 60_000);
});
